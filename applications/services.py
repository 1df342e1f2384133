"""Every write to an application: one function each, keyword-only, one transaction.

A state change locks the application row, asks the workflow whether this person
may make it now, and writes its timeline entry in the same transaction.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeAlias, TypedDict, Unpack, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from outbox.services import event_add
from partnership.models import Body, BodyKind, Call, PriorityArea, User
from partnership.rules import call_is_offered_to

from . import signals, signatures, submission, workflow
from .documents import application_pdf_queue
from .models import (
    AddressedArea,
    Application,
    Attachment,
    BudgetYear,
    CoFinancing,
    CriterionAnswer,
    DeadlineExtension,
    Event,
    EventKind,
    Message,
    MessageKind,
    ReferenceCounter,
    Section,
    SectionState,
    Snapshot,
    Status,
)
from .sections import BY_KEY

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from .attachments import CheckedFile
    from .forms import BudgetForm, BudgetRow, CriteriaForm, PriorityAreasForm


class EditConflict(Exception):
    """Someone else saved the section after this person opened it."""

    def __init__(self, section: Section) -> None:
        super().__init__(f"section {section.key} is at version {section.version}")
        self.section = section


class SubmissionRefused(Exception):
    def __init__(self, problems: list[submission.Problem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


class SavesItself(Protocol):
    """A section's model form or formset: it writes its own rows."""

    def save(self) -> object: ...


# The budget, the priority areas and the criteria are written by the service; every other
# section's form saves itself.
SectionForm: TypeAlias = "BudgetForm | CriteriaForm | PriorityAreasForm | SavesItself"


class EventFields(TypedDict, total=False):
    """What a timeline entry may say besides who, when and what kind."""

    transition: str
    from_status: str
    to_status: str
    section: str
    message: str


@dataclass(frozen=True)
class SectionSaved:
    section: Section
    application: Application


def lock_application(application: Application) -> Application:
    """The application re-read and locked until the transaction ends; state changes start here."""
    return _locked(application)


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update(no_key=True, of=("self",))
        .select_related("call", "working_group")
        .get(pk=application.pk)
    )


def _event(application: Application, *, by: User | None, kind: str, **fields: Unpack[EventFields]) -> Event:
    return Event.objects.create(application=application, actor=by, at=timezone.now(), kind=kind, **fields)


@transaction.atomic(durable=True)
def application_create(*, call: Call, working_group: Body, title: str, by: User) -> Application:
    if not by.has_perm("applications.create_application", working_group):
        raise PermissionDenied
    if not call_is_offered_to(call, working_group):
        # The form offers only these calls; anything else is a forged request.
        raise PermissionDenied
    municipality_id = working_group.municipality_id
    if municipality_id is None:
        # Unreachable: a call is offered only to local working groups, and each belongs to a municipality.
        raise ValueError("a local working group belongs to a municipality")
    application = Application.objects.create(call=call, working_group=working_group, title=title, created_by=by)
    application.municipalities.set([municipality_id])
    Section.objects.bulk_create([Section(application=application, key=key) for key in BY_KEY])
    return application


@transaction.atomic(durable=True)
def section_open(*, application: Application, key: str) -> Section:
    """The section's saved state, made when it was never stored (an application made before
    the section existed)."""
    section, _created = Section.objects.get_or_create(application=application, key=key)
    return section


@transaction.atomic(durable=True)
def section_save(*, application: Application, key: str, version: int, by: User, form: SectionForm) -> SectionSaved:
    """Save one section from a valid form, unless someone saved it since ``version``.

    ``form`` is the section's validated form or formset; the budget, the priority areas
    and the criteria are written here, the rest by the form's own ``save``.
    """
    application = _locked(application)
    if not by.has_perm("applications.change_application", application):
        raise PermissionDenied
    section, _created = Section.objects.select_for_update().get_or_create(application=application, key=key)
    if section.version != version:
        raise EditConflict(section)
    # The section's key decides its form (``views._section_form``).
    if key == "budget":
        _save_budget(application, cast("BudgetForm", form).values())
    elif key == "criteria":
        _save_criteria(application, cast("CriteriaForm", form).answers())
    elif key == "priority_areas":
        _save_priority_areas(application, cast("PriorityAreasForm", form).chosen())
    else:
        cast(SavesItself, form).save()
    spec = BY_KEY[key]
    application.refresh_from_db()
    section.version += 1
    section.state = SectionState.COMPLETE if spec.complete(application) else SectionState.IN_PROGRESS
    section.updated_by = by
    section.updated_at = timezone.now()
    section.save()
    Application.objects.filter(pk=application.pk).update(updated_at=section.updated_at)
    if application.status != Status.DRAFT:
        _event(application, by=by, kind=EventKind.EDIT, section=key, message=str(spec.title))
    signatures.signatures_after_edit(
        application=application, by=by, what=_("avsnittet ”%(section)s” ändrades") % {"section": spec.title}
    )
    return SectionSaved(section=section, application=application)


def counts_as_requested(application: Application) -> bool:
    """Whether the budget ledger counts the application's request: registered, not withdrawn."""
    return application.submitted_at is not None and application.status not in (Status.DRAFT, Status.WITHDRAWN)


def _requested_by_year(application: Application) -> dict[int, int]:
    return dict(BudgetYear.objects.filter(application=application).values_list("year", "requested"))


def _save_budget(application: Application, values: dict[int, BudgetRow]) -> None:
    """The budget years as given (the others are taken away), and the total requested from RUN
    stored on the application in the same transaction (what the inbox filters and sorts on).
    When the ledger counts the request, it hears of the change (``signals.requested_changed``)."""
    counted = counts_as_requested(application)
    before = _requested_by_year(application) if counted else {}
    application.budget_years.exclude(year__in=values).delete()
    for year, row in values.items():
        budget_year, _created = BudgetYear.objects.update_or_create(
            application=application, year=year, defaults={"cost": row["cost"], "requested": row["requested"]}
        )
        for partner_id, amount in row["cofinancing"].items():
            CoFinancing.objects.update_or_create(
                budget_year=budget_year, partner_id=partner_id, defaults={"amount": amount}
            )
    application.requested_total = sum(row["requested"] for row in values.values())
    Application.objects.filter(pk=application.pk).update(requested_total=application.requested_total)
    if counted:
        after = {year: row["requested"] for year, row in values.items()}
        change = {year: after.get(year, 0) - before.get(year, 0) for year in set(after) | set(before)}
        signals.requested_changed.send(sender=Application, application=application, change=change)


def _save_criteria(application: Application, answers: list[tuple[str, str, str]]) -> None:
    for criterion, fulfilment, justification in answers:
        CriterionAnswer.objects.update_or_create(
            application=application,
            criterion=criterion,
            defaults={"fulfilment": fulfilment, "justification": justification},
        )


def _save_priority_areas(application: Application, chosen: dict[int, str]) -> None:
    """The areas ticked, each with how; the rest are taken away. Only the areas of the
    application's own call can be chosen (the database holds to it too, on PostgreSQL)."""
    areas = set(PriorityArea.objects.filter(call_id=application.call_id, pk__in=chosen).values_list("pk", flat=True))
    if areas != set(chosen):
        raise ValidationError(_("Välj bara bland de prioriterade områdena i ansökans egen utlysning."))
    application.addressed_areas.exclude(area_id__in=areas).delete()
    for area_id, how in chosen.items():
        AddressedArea.objects.update_or_create(
            application=application, area_id=area_id, defaults={"how": how, "call_id": application.call_id}
        )


def next_reference_number(year: int) -> str:
    """The next diarienummer of the year, e.g. ``SIM 2026/0007``: no gaps, no duplicates.

    The counter row is locked until the submitting transaction ends, so concurrent
    submissions take numbers one after the other, and a rolled-back one gives its back.
    """
    ReferenceCounter.objects.bulk_create([ReferenceCounter(year=year)], ignore_conflicts=True)
    counter = ReferenceCounter.objects.select_for_update().get(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"SIM {year}/{counter.last_number:04d}"


@transaction.atomic(durable=True)
def application_submit(*, application: Application, by: User, at: datetime.datetime | None = None) -> Application:
    """Submit (or resubmit) an application: the submission rules, the diarienummer on the first
    submission, the state change through ``transition_apply`` and a frozen snapshot."""
    application = _locked(application)
    name = "resubmit" if application.status == Status.RETURNED else "submit"
    workflow.check(by, application, name)
    found = submission.problems(application, at)
    if found:
        raise SubmissionRefused(found)
    now = at or timezone.now()
    # The principals' signatures on the version sent, checked against its checksum: the rules
    # above trust a signature when nothing was saved since its version; this reads the content.
    content = signatures.current_content(application)
    signed = signatures.valid_signatures(application, signatures.content_sha256(content))
    if set(signed) != set(signatures.PRINCIPALS):
        raise SubmissionRefused(submission.signed_by_both_principals(application, signatures.content_sha256(content)))
    if not application.reference_number:
        application.reference_number = next_reference_number(timezone.localtime(now).year)
        application.submitted_at = now
        application.save(update_fields=["reference_number", "submitted_at", "updated_at"])
    application = transition_apply(application=application, name=name, by=by)
    number = application.snapshots.count() + 1
    snapshot = Snapshot.objects.create(
        application=application, number=number, created_at=now, created_by=by, data=content
    )
    snapshot.signatures.set(signed.values())
    # The version sent becomes a PDF in the background; the group's receipt carries it.
    application_pdf_queue(snapshot)
    event_add("receipt", key=f"receipt:{snapshot.pk}", application=application.pk, snapshot=snapshot.pk)
    return application


def transition_apply(*, application: Application, name: str, by: User, message: str = "") -> Application:
    """Make one workflow transition and write its timeline event, inside the caller's transaction.

    Every state change of an application, in this app and in reviews, goes through here.
    """
    application = _locked(application)
    transition = workflow.check(by, application, name)
    if transition.needs_message and not message.strip():
        raise workflow.TransitionNotAllowed(_("Skriv ett meddelande som förklarar varför."))
    from_status = application.status
    counted = counts_as_requested(application)
    application.status = transition.target
    application.save(update_fields=["status", "updated_at"])
    if counts_as_requested(application) != counted:
        # Submitted for the first time, or withdrawn: the ledger gains or loses the request.
        sign = -1 if counted else 1
        change = {year: sign * amount for year, amount in _requested_by_year(application).items()}
        signals.requested_changed.send(sender=Application, application=application, change=change)
    event = _event(
        application,
        by=by,
        kind=EventKind.TRANSITION,
        transition=name,
        from_status=from_status,
        to_status=application.status,
        message=message,
    )
    tells = workflow.TRANSITION_EVENTS.get(name)
    if tells is not None:
        event_add(
            tells, key=f"transition:{event.pk}", by=by, application=application.pk, transition=name, message=message
        )
    return application


def _transition(application: Application, *, name: str, by: User, message: str = "") -> Application:
    return transition_apply(application=application, name=name, by=by, message=message)


@transaction.atomic(durable=True)
def application_request_completion(*, application: Application, by: User, message: str) -> Application:
    application = _transition(application, name="request_completion", by=by, message=message)
    Message.objects.create(application=application, author=by, body=message)
    return application


@transaction.atomic(durable=True)
def application_accept(*, application: Application, by: User, message: str = "") -> Application:
    return _transition(application, name="accept", by=by, message=message)


@transaction.atomic(durable=True)
def application_withdraw(*, application: Application, by: User, message: str) -> Application:
    """Withdraw an application. Where it stood on a steering-group agenda or at RUN, that item
    or case is closed as withdrawn in the same transaction (``signals.application_withdrawn``)."""
    from_status = _locked(application).status
    application = _transition(application, name="withdraw", by=by, message=message)
    signals.application_withdrawn.send(
        sender=Application, application=application, from_status=from_status, by=by, message=message
    )
    return application


def timeline_note(*, application: Application, kind: str, by: User | None, message: str) -> Event:
    """A timeline entry that is not a state change (a correction, a closed case), inside the caller's transaction."""
    return _event(application, by=by, kind=kind, message=message)


@transaction.atomic(durable=True)
def deadline_extend(
    *, call: Call, working_group: Body, deadline: datetime.datetime, reason: str, by: User
) -> DeadlineExtension:
    if not by.has_perm("applications.extend_deadline", call):
        raise PermissionDenied
    if working_group.kind != BodyKind.LOCAL_WORKING_GROUP or working_group.partnership_id != call.partnership_id:
        raise ValueError("the deadline of a call can be extended only for a working group of its partnership")
    extension, _created = DeadlineExtension.objects.update_or_create(
        call=call, working_group=working_group, defaults={"deadline": deadline, "reason": reason, "granted_by": by}
    )
    text = _("Ny sista dag för arbetsgruppen: %(deadline)s. %(reason)s") % {
        "deadline": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M"),
        "reason": reason,
    }
    for application in Application.objects.filter(call=call, working_group=working_group):
        _event(application, by=by, kind=EventKind.DEADLINE, message=text)
    return extension


@transaction.atomic(durable=True)
def message_post(*, application: Application, by: User, body: str) -> Message:
    if by.has_perm("applications.post_message", application):
        kind = MessageKind.MESSAGE
    elif by.has_perm("applications.comment_application", application):
        kind = MessageKind.COMMENT
    else:
        raise PermissionDenied
    message = Message.objects.create(application=application, author=by, body=body, kind=kind)
    # The other side hears of it: the group from the project leader and the other way round.
    event_add(
        "message_posted", key=f"message:{message.pk}", by=by, application=application.pk, thread_message=message.pk
    )
    return message


@transaction.atomic(durable=True)
def attachment_add(
    *, application: Application, by: User, upload: UploadedFile[bytes], checked: CheckedFile, description: str = ""
) -> Attachment:
    application = _locked(application)
    if not by.has_perm("applications.change_application", application):
        raise PermissionDenied
    existing = application.attachments.filter(sha256=checked.sha256).first()
    if existing:
        return existing
    name = upload.name
    if name is None:
        # Unreachable: a form's FileField refuses a file without a name.
        raise ValueError("an uploaded file has a name")
    attachment = Attachment(
        application=application,
        original_name=name[:255],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        description=description,
        uploaded_by=by,
    )
    attachment.file.save(checked.sha256, upload, save=False)
    attachment.save()
    Application.objects.filter(pk=application.pk).update(updated_at=timezone.now())
    if application.status != Status.DRAFT:
        _event(application, by=by, kind=EventKind.EDIT, section="attachments", message=name)
    signatures.signatures_after_edit(
        application=application, by=by, what=_("bilagan ”%(name)s” lades till") % {"name": name}
    )
    return attachment

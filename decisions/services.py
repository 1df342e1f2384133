"""RUN's writes: forwarding recommended applications to a board meeting, recording the
board's decisions (and correcting them), the budget's acts, and RUN's calendar.

Services are keyword-only, one durable transaction, the application row locked first, the
timeline event in the same transaction. The reads they share with the pages are in
``decisions.selectors`` and ``decisions.ledger``.

Choices made here, so that nobody has to guess:

* **RUN meetings** are created by the secretariat (``decisions.record_decision``: the
  secretariat keeps RUN's calendar). The project leader only picks one when forwarding;
  forwarding itself is the workflow's ``forward_to_run`` (the project leader).
* **A recorded decision is never edited.** A correction is a new ``Decision`` that
  ``corrects`` the current one, with a reason. It keeps the outcome: a correction that
  would turn an approval into a rejection (or the other way) is refused, because the
  workflow has no such move — a new decision needs a new case. On the timeline a
  correction is an event of its own kind (``correction``, not a state change), with the
  message "Rättelse av beslut § …: <skäl>".
* **The order of the law**: an application goes to RUN only after the minutes of the
  steering-group meeting that recommended it are approved, and only to a RUN meeting not
  yet held; a decision is dated on the RUN meeting's day and recorded from that day on.
* **The budget** is checked at call level inside the decision's transaction, with the
  call row locked (``select_for_update``), so two simultaneous approvals cannot both
  pass. Lowering a call's budget below what is already granted is refused as well.
* **The ledger's running totals** (``decisions.totals``) change in the act's transaction: an
  approval adds its amounts, a correction replaces the corrected decision's amounts.
* **A withdrawn application** closes its open RUN case as withdrawn, in the withdrawing
  transaction (``close_withdrawn``, a receiver of ``applications.signals.application_withdrawn``).
"""

from __future__ import annotations

import datetime
from typing import NotRequired, TypedDict, Unpack

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import services as application_services
from applications import workflow
from applications.models import Application, EventKind, Status
from partnership.models import Body, BodyKind, Call, User
from reviews.models import Minutes
from simportal.formatting import format_kronor

from . import ledger, selectors, totals
from .letters import decision_recorded
from .models import (
    RUN_REFERENCE_HELP,
    BudgetAdjustment,
    Decision,
    DecisionOutcome,
    GrantedYear,
    RunCase,
    RunMeeting,
    run_reference_validator,
)

# The workflow transition that carries out each outcome.
TRANSITION_FOR_OUTCOME = {
    DecisionOutcome.APPROVED: "approve",
    DecisionOutcome.REJECTED: "reject",
    DecisionOutcome.REFERRED_BACK: "refer_back",
}


class DecisionRefused(Exception):
    """The decision (or budget act) cannot be recorded; ``message`` says why, in Swedish.

    ``field`` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _locked(application: Application) -> Application:
    return application_services.lock_application(application)


def _locked_call(call_id: int) -> Call:
    return Call.objects.select_for_update().get(pk=call_id)


def _transition(application: Application, *, name: str, by: User, message: str = "") -> Application:
    """Make one workflow transition on a locked application and write its timeline event."""
    return application_services.transition_apply(application=application, name=name, by=by, message=message)


@transaction.atomic(durable=True)
def run_meeting_create(*, held_on: datetime.date, place: str = "", by: User) -> RunMeeting:
    """A RUN meeting (sammanträde), entered by the secretariat."""
    if not by.has_perm("decisions.record_decision"):
        raise PermissionDenied
    board = Body.objects.filter(kind=BodyKind.RUN).order_by("pk").first()
    if board is None:
        raise DecisionRefused(_("Det finns ingen nämnd av typen RUN i portalen."))
    if RunMeeting.objects.filter(board=board, held_on=held_on).exists():
        raise DecisionRefused(
            _("RUN har redan ett sammanträde %(date)s.") % {"date": held_on.isoformat()}, field="held_on"
        )
    return RunMeeting.objects.create(board=board, held_on=held_on, place=place)


@transaction.atomic(durable=True)
def case_forward(*, application: Application, run_meeting: RunMeeting, by: User) -> RunCase:
    """Send a recommended application to a RUN meeting, with the steering group's
    recommendation (the latest item that recommended it)."""
    application = _locked(application)
    workflow.check(by, application, "forward_to_run")
    if RunMeeting.objects.filter(pk=run_meeting.pk, cancelled_at__isnull=False).exists():
        raise DecisionRefused(_("Sammanträdet är inställt. Välj ett annat sammanträde."), field="run_meeting")
    item = selectors.recommending_item(application)
    if item is None:
        raise DecisionRefused(_("Styrgruppen har inte tillstyrkt ansökan på något avslutat möte."))
    if not Minutes.objects.filter(meeting=item.meeting, locked_at__isnull=False).exists():
        raise DecisionRefused(
            _(
                "Ansökan kan skickas till RUN först när protokollet från styrgruppsmötet %(date)s är justerat "
                "av ordföranden och justeraren."
            )
            % {"date": item.meeting.day.isoformat()}
        )
    if run_meeting.held_on < timezone.localdate():
        raise DecisionRefused(
            _("RUN:s sammanträde %(date)s har redan hållits. Välj ett kommande sammanträde.")
            % {"date": run_meeting.held_on.isoformat()},
            field="run_meeting",
        )
    if RunCase.objects.filter(run_meeting=run_meeting, application=application).exists():
        raise DecisionRefused(
            _("Ansökan har redan varit uppe på RUN:s sammanträde %(date)s. Välj ett annat sammanträde.")
            % {"date": run_meeting.held_on.isoformat()},
            field="run_meeting",
        )
    case = RunCase.objects.create(run_meeting=run_meeting, application=application, agenda_item=item, forwarded_by=by)
    _transition(
        application,
        name="forward_to_run",
        by=by,
        message=_("Till RUN:s sammanträde %(date)s.") % {"date": run_meeting.held_on.isoformat()},
    )
    return case


def _check_limits(case: RunCase, granted: dict[int, int]) -> None:
    limits = selectors.grant_limits(case)
    for year, amount in sorted(granted.items()):
        if amount < 0:
            raise DecisionRefused(_("Beloppet kan inte vara negativt."), field=f"year_{year}")
        limit = limits.get(year, 0)
        if amount > limit:
            raise DecisionRefused(
                _("Högst %(limit)s kan beviljas för %(year)s.") % {"limit": format_kronor(limit), "year": year},
                field=f"year_{year}",
            )
    recommended_amount = case.agenda_item.recommended_amount
    if recommended_amount is not None and sum(granted.values()) > recommended_amount:
        raise DecisionRefused(
            _("Styrgruppen tillstyrkte %(amount)s; det beviljade beloppet får inte vara högre.")
            % {"amount": format_kronor(recommended_amount)}
        )


def _check_budget(call_id: int, *, adding: int, releasing: int = 0) -> None:
    """Refuse when the call's remaining budget (with the call row locked) does not cover ``adding``."""
    call = _locked_call(call_id)
    remaining = ledger.earmarked(call) - ledger.granted_total(call) + releasing
    if adding > remaining:
        raise DecisionRefused(
            _("Det återstår %(remaining)s av utlysningens budget; beslutet skulle överskrida den med %(excess)s.")
            % {"remaining": format_kronor(remaining), "excess": format_kronor(adding - remaining)}
        )


def _summary(outcome: str, *, paragraph: str, decided_on: datetime.date, granted: dict[int, int]) -> str:
    label = DecisionOutcome(outcome).label
    head = f"{label} § {paragraph} ({decided_on.isoformat()})"
    if outcome != DecisionOutcome.APPROVED:
        return head
    years = ", ".join(f"{year}: {format_kronor(amount)}" for year, amount in sorted(granted.items()))
    return f"{head}: {format_kronor(sum(granted.values()))} – {years}."


def _check_decision_day(case: RunCase, decided_on: datetime.date, *, correction: bool = False) -> None:
    """RUN decides at its meeting: a decision is dated on the meeting's day and never in the
    future (it is recorded from that day on). A correction is dated from the meeting's day to today."""
    held_on = case.run_meeting.held_on
    today = timezone.localdate()
    if held_on > today:
        raise DecisionRefused(
            _("RUN sammanträder %(date)s. Beslutet kan registreras från den dagen.") % {"date": held_on.isoformat()},
            field="decided_on",
        )
    if decided_on > today:
        raise DecisionRefused(
            _("Beslutsdatum kan inte ligga i framtiden. Ange %(date)s eller tidigare.") % {"date": today.isoformat()},
            field="decided_on",
        )
    if correction:
        if decided_on < held_on:
            raise DecisionRefused(
                _("En rättelse kan inte vara daterad före RUN:s sammanträde %(date)s.") % {"date": held_on.isoformat()},
                field="decided_on",
            )
    elif decided_on != held_on:
        raise DecisionRefused(
            _("Beslutsdatum ska vara dagen för RUN:s sammanträde, %(date)s.") % {"date": held_on.isoformat()},
            field="decided_on",
        )


def normalised_run_reference(value: str) -> str:
    """``" run  2026-00123 "`` -> ``"RUN 2026-00123"``; refused unless it has RUN's format."""
    reference = " ".join(value.split()).upper()
    try:
        run_reference_validator(reference)
    except ValidationError as error:
        raise DecisionRefused(str(RUN_REFERENCE_HELP), field="run_reference") from error
    return reference


def _record_meeting_facts(case: RunCase, *, chair_name: str, minutes_posted_on: datetime.date | None) -> None:
    """Keep who chaired RUN's meeting and the day its minutes were posted on the notice board
    on the meeting, where every letter of the meeting reads them. Entered with the meeting's
    first decision; a later decision must agree, because the letters already sent say so."""
    meeting = RunMeeting.objects.select_for_update(no_key=True).get(pk=case.run_meeting_id)
    chair_name = " ".join(chair_name.split())
    changed: list[str] = []
    if minutes_posted_on is not None:
        if minutes_posted_on < meeting.held_on:
            raise DecisionRefused(
                _("Protokollet kan inte anslås före sammanträdet. Ange %(date)s eller senare.")
                % {"date": meeting.held_on.isoformat()},
                field="minutes_posted_on",
            )
        if minutes_posted_on > timezone.localdate():
            raise DecisionRefused(
                _(
                    "Ange dagen då protokollet anslogs; den kan inte ligga i framtiden. "
                    "Registrera beslutet när protokollet är justerat och anslaget."
                ),
                field="minutes_posted_on",
            )
        if meeting.minutes_posted_on not in (None, minutes_posted_on):
            raise DecisionRefused(
                _("Protokollet från sammanträdet anslogs %(date)s enligt tidigare beslut. Ange samma dag.")
                % {"date": meeting.minutes_posted_on.isoformat()},
                field="minutes_posted_on",
            )
        if meeting.minutes_posted_on is None:
            meeting.minutes_posted_on = minutes_posted_on
            changed.append("minutes_posted_on")
    if chair_name:
        if meeting.chair_name and meeting.chair_name != chair_name:
            raise DecisionRefused(
                _("%(name)s är registrerad som ordförande vid sammanträdet i tidigare beslut. Ange samma namn.")
                % {"name": meeting.chair_name},
                field="chair_name",
            )
        if not meeting.chair_name:
            meeting.chair_name = chair_name
            changed.append("chair_name")
    if changed:
        meeting.save(update_fields=changed)
    case.run_meeting = meeting


def _validate_texts(outcome: str, *, paragraph: str, reasons: str) -> None:
    if not paragraph.strip():
        raise DecisionRefused(_("Ange paragrafen (§) i RUN:s protokoll."), field="paragraph")
    if outcome != DecisionOutcome.APPROVED and not reasons.strip():
        raise DecisionRefused(_("Ett avslag eller en återremiss ska ha skäl."), field="reasons")


class _DecisionFields(TypedDict):
    """The columns of a new ``Decision`` besides its case; a correction adds the last two."""

    outcome: str
    paragraph: str
    decided_on: datetime.date
    reasons: str
    conditions: str
    payment_schedule: str
    run_reference: str
    recorded_by: User
    corrects: NotRequired[Decision]
    correction_reason: NotRequired[str]


def _write_decision(*, case: RunCase, granted: dict[int, int], **fields: Unpack[_DecisionFields]) -> Decision:
    decision = Decision(case=case, **fields)
    decision.full_clean(exclude=["case", "recorded_by", "corrects"])
    decision.save()
    if fields["outcome"] == DecisionOutcome.APPROVED:
        GrantedYear.objects.bulk_create(
            [GrantedYear(decision=decision, year=year, amount=amount) for year, amount in sorted(granted.items())]
        )
    return decision


@transaction.atomic(durable=True)
def decision_record(
    *,
    case: RunCase,
    outcome: str,
    paragraph: str,
    decided_on: datetime.date,
    by: User,
    reasons: str = "",
    conditions: str = "",
    payment_schedule: str = "",
    granted: dict[int, int] | None = None,
    run_reference: str = "",
    chair_name: str = "",
    minutes_posted_on: datetime.date | None = None,
) -> Decision:
    """Record RUN's decision on a case and move the application by the matching transition.

    An approval grants an amount per year, each within the steering group's recommendation
    (or the request), and within what remains of the call's budget. ``run_reference`` is
    RUN's own diarienummer of the case; ``chair_name`` and ``minutes_posted_on`` (the day the
    approved minutes were posted on the region's notice board, from which the appeal period
    runs) are kept on the RUN meeting for every letter of the meeting. The decide form
    requires all three.
    """
    if not by.has_perm("decisions.record_decision", case):
        raise PermissionDenied
    application = _locked(case.application)
    name = TRANSITION_FOR_OUTCOME[DecisionOutcome(outcome)]
    workflow.check(by, application, name)
    case = selectors.case_details().get(pk=case.pk)
    if case.decisions.all():
        raise DecisionRefused(_("RUN:s beslut i ärendet är redan registrerat. Ett fel rättas med en rättelse."))
    latest_case = application.run_cases.order_by("-forwarded_at", "-pk").first()
    if latest_case is None or latest_case.pk != case.pk:
        raise DecisionRefused(_("Ansökan ligger hos RUN i ett senare ärende; registrera beslutet där."))
    if case.is_withdrawn:
        raise DecisionRefused(_("Arbetsgruppen har återtagit ansökan; ärendet är avslutat utan beslut."))
    _check_decision_day(case, decided_on)
    _validate_texts(outcome, paragraph=paragraph, reasons=reasons)
    run_reference = normalised_run_reference(run_reference) if run_reference.strip() else ""
    _record_meeting_facts(case, chair_name=chair_name, minutes_posted_on=minutes_posted_on)
    granted = {year: amount for year, amount in (granted or {}).items() if amount} if outcome == "approved" else {}
    if outcome == DecisionOutcome.APPROVED:
        if not granted:
            raise DecisionRefused(_("Ange beviljat belopp för minst ett år."))
        _check_limits(case, granted)
        _check_budget(application.call_id, adding=sum(granted.values()))
        totals.add(application.call_id, "granted", granted)
    decision = _write_decision(
        case=case,
        granted=granted,
        outcome=outcome,
        paragraph=paragraph.strip(),
        decided_on=decided_on,
        reasons=reasons,
        conditions=conditions,
        payment_schedule=payment_schedule,
        run_reference=run_reference,
        recorded_by=by,
    )
    message = (
        _summary(outcome, paragraph=decision.paragraph, decided_on=decided_on, granted=granted)
        if outcome == DecisionOutcome.APPROVED
        else reasons
    )
    _transition(application, name=name, by=by, message=message)
    decision_recorded(decision.pk)
    return decision


@transaction.atomic(durable=True)
def decision_correct(
    *,
    decision: Decision,
    correction_reason: str,
    paragraph: str,
    decided_on: datetime.date,
    by: User,
    reasons: str = "",
    conditions: str = "",
    payment_schedule: str = "",
    granted: dict[int, int] | None = None,
    outcome: str | None = None,
) -> Decision:
    """Correct a recorded decision with a new one that names it and says why.

    The outcome stays: changing it is refused (the workflow has no such move; a new
    decision needs a new case). The application's status is untouched; the timeline
    gets a ``correction`` event.
    """
    case = decision.case
    if not by.has_perm("decisions.record_decision", case):
        raise PermissionDenied
    application = _locked(case.application)
    old = Decision.objects.select_for_update().get(pk=decision.pk)
    if Decision.objects.filter(corrects=old).exists():
        raise DecisionRefused(_("Beslutet är redan rättat. Rätta det senaste beslutet i stället."))
    if outcome is not None and outcome != old.outcome:
        raise DecisionRefused(
            _(
                "En rättelse kan inte ändra beslutet från %(old)s till %(new)s. "
                "Ett nytt beslut kräver ett nytt ärende till RUN."
            )
            % {"old": old.get_outcome_display().lower(), "new": DecisionOutcome(outcome).label.lower()},
            field="outcome",
        )
    if not correction_reason.strip():
        raise DecisionRefused(_("Skriv varför beslutet rättas."), field="correction_reason")
    _validate_texts(old.outcome, paragraph=paragraph, reasons=reasons)
    case = selectors.case_details().get(pk=case.pk)
    _check_decision_day(case, decided_on, correction=True)
    granted = (
        {year: amount for year, amount in (granted or {}).items() if amount}
        if old.outcome == DecisionOutcome.APPROVED
        else {}
    )
    if old.outcome == DecisionOutcome.APPROVED:
        if not granted:
            raise DecisionRefused(_("Ange beviljat belopp för minst ett år."))
        _check_limits(case, granted)
        released = dict(old.granted_years.values_list("year", "amount"))
        _check_budget(application.call_id, adding=sum(granted.values()), releasing=sum(released.values()))
        totals.add(application.call_id, "granted", totals.difference(granted, released))
    correction = _write_decision(
        case=case,
        granted=granted,
        outcome=old.outcome,
        paragraph=paragraph.strip(),
        decided_on=decided_on,
        reasons=reasons,
        conditions=conditions,
        payment_schedule=payment_schedule,
        run_reference=old.run_reference,
        recorded_by=by,
        corrects=old,
        correction_reason=correction_reason.strip(),
    )
    message = _("Rättelse av beslut § %(paragraph)s: %(reason)s") % {
        "paragraph": old.paragraph,
        "reason": correction.correction_reason,
    }
    if granted:
        message += "\n" + _summary(old.outcome, paragraph=correction.paragraph, decided_on=decided_on, granted=granted)
    application_services.timeline_note(application=application, kind=EventKind.CORRECTION, by=by, message=message)
    decision_recorded(correction.pk)
    return correction


@transaction.atomic(durable=True)
def budget_adjust(*, call: Call, amount: int, reason: str, decided_on: datetime.date, by: User) -> BudgetAdjustment:
    """Raise (or lower) a call's earmarked budget as a recorded act. Lowering it below
    what is already granted is refused."""
    if not by.has_perm("decisions.adjust_budget", call):
        raise PermissionDenied
    if amount == 0:
        raise DecisionRefused(_("Ändringen kan inte vara 0 kr."), field="amount")
    if not reason.strip():
        raise DecisionRefused(_("Skriv skälet till ändringen."), field="reason")
    call = _locked_call(call.pk)
    remaining = ledger.earmarked(call) - ledger.granted_total(call)
    if remaining + amount < 0:
        raise DecisionRefused(
            _(
                "Det återstår %(remaining)s av utlysningens budget; budgeten kan inte sänkas med %(amount)s "
                "eftersom det redan är beviljat."
            )
            % {"remaining": format_kronor(remaining), "amount": format_kronor(-amount)},
            field="amount",
        )
    adjustment = BudgetAdjustment(
        call=call, amount=amount, reason=reason.strip(), decided_on=decided_on, recorded_by=by
    )
    adjustment.full_clean()
    adjustment.save()
    return adjustment


# --- editing and cancelling a RUN meeting ----------------------------------------------------


def _locked_run_meeting(run_meeting: RunMeeting) -> RunMeeting:
    return RunMeeting.objects.select_for_update(no_key=True).select_related("board").get(pk=run_meeting.pk)


def _check_run_meeting_changeable(meeting: RunMeeting, by: User) -> None:
    """A RUN meeting changes until it is cancelled or RUN has decided one of its cases."""
    if not by.has_perm("decisions.edit_run_meeting", meeting):
        raise PermissionDenied
    refusal = selectors.run_meeting_change_refusal(meeting)
    if refusal:
        raise DecisionRefused(refusal)


@transaction.atomic(durable=True)
def run_meeting_update(*, run_meeting: RunMeeting, held_on: datetime.date, place: str = "", by: User) -> RunMeeting:
    """Change the day or place of a RUN meeting whose cases are not yet decided."""
    meeting = _locked_run_meeting(run_meeting)
    _check_run_meeting_changeable(meeting, by)
    place = place.strip()
    if held_on != meeting.held_on:
        taken = RunMeeting.objects.filter(board=meeting.board, held_on=held_on).exclude(pk=meeting.pk)
        if taken.exists():
            raise DecisionRefused(
                _("RUN har redan ett sammanträde %(date)s. Välj en annan dag.") % {"date": held_on.isoformat()},
                field="held_on",
            )
    changed = [name for name, value in (("held_on", held_on), ("place", place)) if getattr(meeting, name) != value]
    meeting.held_on, meeting.place = held_on, place
    if changed:
        meeting.save(update_fields=changed)
    return meeting


@transaction.atomic(durable=True)
def run_meeting_cancel(*, run_meeting: RunMeeting, reason: str, by: User) -> RunMeeting:
    """Cancel a RUN meeting before it has decided anything. Each application forwarded to it goes
    back through the workflow (``take_back_from_run``) to the steering group's recommendation,
    so the project leader can forward it to another meeting; its case stays on record."""
    meeting = _locked_run_meeting(run_meeting)
    if not by.has_perm("decisions.edit_run_meeting", meeting):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise DecisionRefused(_("Skriv varför sammanträdet ställs in."), field="reason")
    cases = list(meeting.cases.select_related("application").order_by("forwarded_at", "pk"))
    # Lock the applications before looking for decisions: a decision being recorded now holds
    # its application, so it is either seen below or refused afterwards.
    applications = [_locked(case.application) for case in cases]
    _check_run_meeting_changeable(meeting, by)
    message = _("RUN:s sammanträde %(date)s ställdes in: %(reason)s") % {
        "date": meeting.held_on.isoformat(),
        "reason": reason,
    }
    for application in applications:
        latest = application.run_cases.order_by("-forwarded_at", "-pk").first()
        if application.status == Status.AT_RUN and latest is not None and latest.run_meeting_id == meeting.pk:
            _transition(application, name="take_back_from_run", by=by, message=message)
    meeting.cancelled_at = timezone.now()
    meeting.cancelled_by = by
    meeting.cancellation_reason = reason
    meeting.save(update_fields=["cancelled_at", "cancelled_by", "cancellation_reason"])
    return meeting


# --- a withdrawn application ------------------------------------------------------------------


def close_withdrawn(
    sender: object, *, application: Application, from_status: str, by: User, message: str = "", **kwargs: object
) -> None:
    """Receiver of ``applications.signals.application_withdrawn``: an application withdrawn
    while at RUN closes its undecided RUN case as withdrawn."""
    if from_status == Status.AT_RUN:
        _close_run_cases(application, by=by)


def _close_run_cases(application: Application, *, by: User) -> None:
    cases = (
        RunCase.objects.select_for_update(no_key=True, of=("self",))
        .select_related("run_meeting")
        .filter(application=application, withdrawn_at__isnull=True, decisions__isnull=True)
        .order_by("pk")
    )
    now = timezone.now()
    for case in cases:
        case.withdrawn_at = now
        case.withdrawn_by = by
        case.save(update_fields=["withdrawn_at", "withdrawn_by"])
        application_services.timeline_note(
            application=application,
            kind=EventKind.CASE_CLOSED,
            by=by,
            message=_("Ärendet till RUN:s sammanträde %(date)s avslutat: ansökan återtagen.")
            % {"date": case.run_meeting.held_on.isoformat()},
        )

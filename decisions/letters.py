"""RUN's decision letter (beslutsbrev): the PDF the applicants receive for each decision.

The letter is rendered once, in the background, after the decision is recorded
(``letter_store``, called by a task with the decision's id) and stored with its
checksum. It is never rendered again: what is stored is what was sent. A correction
(rättelse) is a decision of its own and gets a letter of its own, which says which
paragraph it corrects and why.

Who may download a letter is the rules' business (``decisions.view_decision_letter``,
asked about the decision): whoever may see the application, and RUN's secretariat,
the project leader and Koncernkontoret.
"""

from __future__ import annotations

import datetime
import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypedDict

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.utils import timezone

from applications.models import Application, LogicLevel, LogicModelRow
from outbox.models import OutboxKind, OutboxMessage
from outbox.services import PermanentFailure, event_add, outbox_add
from partnership.models import Body, Membership, MembershipRole, Partnership, Region, User
from simportal import pdf

from .models import Decision, DecisionLetter, DecisionOutcome, GrantedYear, RunMeeting

logger = logging.getLogger(__name__)

TEMPLATE = "decisions/pdf/decision_letter.html"
LEVEL_ORDER = {level: position for position, level in enumerate(LogicLevel.values)}


@dataclass(frozen=True)
class Contact:
    name: str
    title: str
    organisation: str
    email: str
    phone: str


class LetterContext(TypedDict):
    """What the letter's template reads."""

    decision: Decision
    application: Application
    run_meeting: RunMeeting
    board: Body
    region: Region
    partnership: Partnership
    working_group: Body | None
    municipalities: list[str]
    granted: list[GrantedYear]
    granted_total: int
    is_approved: bool
    is_rejected: bool
    is_referred_back: bool
    corrects: Decision | None
    follow_up: list[LogicModelRow]
    contact: Contact | None
    letter_date: datetime.date


# --- what the letter says -----------------------------------------------------------------


def _ascii_slug(text: str) -> str:
    """``SIM 2026/0001`` -> ``sim-2026-0001``; å, ä, ö become a, a, o."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def letter_filename(decision: Decision) -> str:
    """``beslutsbrev-sim-2026-0001-paragraf-12.pdf`` (ASCII only, safe in any mail client or file system)."""
    application = decision.case.application
    reference = _ascii_slug(application.reference_number or "") or f"ansokan-{application.pk}"
    paragraph = _ascii_slug(decision.paragraph) or str(decision.pk)
    suffix = "-rattelse" if decision.corrects_id else ""
    return f"beslutsbrev-{reference}-paragraf-{paragraph}{suffix}.pdf"


def project_leader_contact(application: Application, on: datetime.date | None = None) -> Contact | None:
    """The partnership's project leader today: the contact person of every letter."""
    membership = (
        Membership.objects.current(on)
        .filter(role=MembershipRole.PROJECT_LEADER, body__partnership_id=application.call.partnership_id)
        .select_related("person__organisation", "organisation")
        .order_by("starts_on", "pk")
        .first()
    )
    if membership is None:
        return None
    person: User = membership.person
    organisation = membership.organisation or person.organisation
    return Contact(
        name=str(person),
        title=person.title,
        organisation=organisation.name if organisation else "",
        email=person.email,
        phone=person.phone,
    )


def follow_up_rows(application: Application) -> list[LogicModelRow]:
    """The rows of the logic model that say what is measured: the reports the group owes."""
    rows = [row for row in application.logic_rows.all() if row.indicator.strip() or row.measurement.strip()]
    return sorted(rows, key=lambda row: (LEVEL_ORDER.get(row.level, len(LEVEL_ORDER)), row.pk))


def _decision_for_letter(decision_id: int) -> Decision:
    return (
        Decision.objects.select_related(
            "case__run_meeting__board",
            "case__application__call__partnership__region",
            "case__application__working_group__municipality",
            "corrects",
            "recorded_by",
        )
        .prefetch_related(
            Prefetch("granted_years", queryset=GrantedYear.objects.order_by("year")),
            "case__application__municipalities",
            "case__application__logic_rows",
        )
        .get(pk=decision_id)
    )


def letter_context(decision: Decision) -> LetterContext:
    """Everything the letter's template shows, read once."""
    case = decision.case
    application = case.application
    granted = list(decision.granted_years.all())
    working_group = application.working_group
    municipalities = [m.name for m in application.municipalities.all()]
    if not municipalities and working_group is not None and working_group.municipality is not None:
        municipalities = [working_group.municipality.name]
    partnership = application.call.partnership
    return {
        "decision": decision,
        "application": application,
        "run_meeting": case.run_meeting,
        "board": case.run_meeting.board,
        "region": partnership.region,
        "partnership": partnership,
        "working_group": working_group,
        "municipalities": municipalities,
        "granted": granted,
        "granted_total": sum(year.amount for year in granted),
        "is_approved": decision.outcome == DecisionOutcome.APPROVED,
        "is_rejected": decision.outcome == DecisionOutcome.REJECTED,
        "is_referred_back": decision.outcome == DecisionOutcome.REFERRED_BACK,
        "corrects": decision.corrects,
        "follow_up": follow_up_rows(application),
        "contact": project_leader_contact(application),
        "letter_date": timezone.localdate(),
    }


# --- the service ----------------------------------------------------------------------------


def letter_store(decision_id: int) -> DecisionLetter:
    """Render and store the decision letter of a decision, once.

    Idempotent: with the decision row locked, an existing letter is returned as it is,
    so a task run twice (a retry, a redelivered message) never renders a second,
    different letter.
    """
    with transaction.atomic():
        Decision.objects.select_for_update().filter(pk=decision_id).values_list("pk", flat=True).get()
        existing = DecisionLetter.objects.filter(decision_id=decision_id).first()
        if existing is not None:
            return existing
        decision = _decision_for_letter(decision_id)
        logger.info("Beslutsbrev för beslut %s renderas", decision_id)
        rendered = pdf.render_pdf(TEMPLATE, letter_context(decision))
        filename = letter_filename(decision)
        letter = DecisionLetter(
            decision=decision, filename=filename, sha256=rendered.sha256, size=len(rendered.content)
        )
        letter.pdf.save(filename, rendered.as_file(filename), save=False)
        try:
            letter.save()
        except Exception:
            letter.pdf.delete(save=False)  # no file without its row
            raise
    return letter


# --- selectors -------------------------------------------------------------------------------


def get_letter_for_user(user: User | AnonymousUser, decision_pk: int) -> tuple[Decision, DecisionLetter | None]:
    """The decision and its letter (None while it is being rendered), if this person may
    read the letter; 404 for everyone else, and for a decision that does not exist."""
    decision = (
        Decision.objects.select_related(
            "case__application__call", "case__application__working_group", "case__run_meeting", "letter"
        )
        .filter(pk=decision_pk)
        .first()
    )
    if decision is None or not user.has_perm("decisions.view_decision_letter", decision):
        raise Http404
    return decision, letter_of(decision)


def letter_of(decision: Decision) -> DecisionLetter | None:
    try:
        return decision.letter
    except ObjectDoesNotExist:
        return None


def with_letters(decisions: Iterable[Decision]) -> None:
    """Fetch the letters of many decisions in one query, so that a page's query count
    does not grow with its decisions (``decision.letter`` reads from the cache afterwards)."""
    prefetch_related_objects([d for d in decisions if d.pk], "letter")


def letters_of_application(application: Application) -> list[DecisionLetter]:
    """The stored letters of an application's decisions, oldest first, in one query."""
    letters = list(
        DecisionLetter.objects.filter(decision__case__application=application)
        .select_related("decision__case__run_meeting", "decision__corrected_by")
        .order_by("decision__recorded_at", "decision__pk")
    )
    for letter in letters:
        letter.decision.case.application = application  # the rules read it; it is already loaded
    return letters


def decision_recorded(decision_id: int) -> OutboxMessage:
    """RUN's decision is recorded: render its letter, then tell everyone with the letter attached."""
    return outbox_add(OutboxKind.DECISION_LETTER, f"letter:{decision_id}", decision=decision_id)


def store_decision_letter(message: OutboxMessage) -> None:
    """The outbox's work of kind DECISION_LETTER (registered in ``ReviewsConfig.ready()``): store
    the letter, then tell ``decided`` with it."""
    decision_id = message.payload["decision"]
    try:
        letter = letter_store(decision_id)
    except Decision.DoesNotExist as gone:
        raise PermanentFailure(str(gone)) from gone
    event_add("decided", key=f"decided:{decision_id}", by=letter.decision.recorded_by, decision=decision_id)

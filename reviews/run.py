"""RUN: forwarding recommended applications to a board meeting, recording the board's
decisions (and correcting them), and the budget ledger of each call.

Writes are services (keyword-only, one durable transaction, the application row locked
first, the timeline event in the same transaction); reads are selectors that own their
joins, so the query count of a page is decided here.

Choices made here, so that nobody has to guess:

* **RUN meetings** are created by the secretariat (``reviews.record_decision``: the
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
* **Recommended** in the ledger counts, per application, only the latest item the
  steering group recommended (an application referred back and recommended again is
  counted once), and not withdrawn applications.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import services, workflow
from applications.models import Application, BudgetYear, EventKind, Message, MessageKind, Status
from partnership.models import Body, BodyKind, Call, User
from partnership.rules import Roles
from simportal.formatting import format_kronor

from .letters import decision_recorded
from .models import (
    AgendaItem,
    BudgetAdjustment,
    Decision,
    DecisionOutcome,
    GrantedYear,
    ItemOutcome,
    Minutes,
    RecommendedYear,
    RunCase,
    RunMeeting,
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


# --- selectors -------------------------------------------------------------------------


def followed_cases(roles: Roles, prefix: str = "") -> Q:
    """The RUN cases (``prefix``: the path to them) of the partnerships this person follows at RUN."""
    if roles.follows_every_partnership_at_run:
        return Q()
    return Q(**{f"{prefix}application__call__partnership__in": roles.run_partnerships})


def run_meetings(roles: Roles) -> QuerySet[RunMeeting]:
    """The RUN meetings this person sees, the latest first, with the number of the cases in
    each that they follow. The secretariat sees every meeting (it keeps RUN's calendar),
    others the meetings with a case they follow."""
    meetings = RunMeeting.objects.all()
    if not (roles.run_secretariat or roles.follows_every_partnership_at_run):
        meetings = meetings.filter(pk__in=RunCase.objects.filter(followed_cases(roles)).values("run_meeting"))
    return (
        meetings.select_related("board")
        .annotate(case_count=Count("cases", filter=followed_cases(roles, "cases__")))
        .order_by("-held_on")
    )


def upcoming_run_meetings(today: datetime.date | None = None) -> QuerySet[RunMeeting]:
    return RunMeeting.objects.filter(held_on__gte=today or timezone.localdate(), cancelled_at__isnull=True).order_by(
        "held_on"
    )


def get_run_meeting_for_user(user: User | AnonymousUser, pk: int) -> RunMeeting:
    meeting = RunMeeting.objects.select_related("board").filter(pk=pk).first()
    if meeting is None or not user.has_perm("reviews.view_run_meeting", meeting):
        raise Http404
    return meeting


def get_case_for_user(user: User | AnonymousUser, pk: int, *, record: bool = False) -> RunCase:
    """A case, if this person may see RUN's cases (else 404); with ``record``, also
    only if they record decisions (else 403)."""
    case = _cases().filter(pk=pk).first()
    if case is None or not user.has_perm("reviews.view_run_cases", case):
        raise Http404
    if record and not user.has_perm("reviews.record_decision", case):
        raise PermissionDenied
    return case


def get_decision_for_user(user: User | AnonymousUser, pk: int) -> Decision:
    """A decision to correct: 404 unless the person sees RUN's cases, 403 unless they record."""
    decision = (
        Decision.objects.select_related("case__run_meeting", "case__application__call", "case__agenda_item")
        .prefetch_related("granted_years")
        .filter(pk=pk)
        .first()
    )
    if decision is None or not user.has_perm("reviews.view_run_cases", decision.case):
        raise Http404
    if not user.has_perm("reviews.record_decision", decision.case):
        raise PermissionDenied
    return decision


def _cases() -> QuerySet[RunCase]:
    comments = Prefetch(
        "application__messages",
        queryset=Message.objects.filter(kind=MessageKind.COMMENT).select_related("author").order_by("created_at", "pk"),
        to_attr="comments",
    )
    decisions = Prefetch(
        "decisions",
        queryset=Decision.objects.select_related("recorded_by").prefetch_related(
            Prefetch("granted_years", queryset=GrantedYear.objects.order_by("year"))
        ),
    )
    return RunCase.objects.select_related(
        "run_meeting",
        "application__working_group__municipality",
        "application__call",
        "agenda_item__meeting__steering_group",
        "forwarded_by",
    ).prefetch_related(
        Prefetch("agenda_item__recommended_years", queryset=RecommendedYear.objects.order_by("year")),
        Prefetch("application__budget_years", queryset=BudgetYear.objects.order_by("year")),
        comments,
        decisions,
    )


@dataclass(frozen=True)
class DecisionRow:
    decision: Decision
    granted: list[GrantedYear]
    corrected_by: Decision | None

    @property
    def is_corrected(self) -> bool:
        return self.corrected_by is not None

    @property
    def granted_total(self) -> int:
        return sum(g.amount for g in self.granted)


@dataclass(frozen=True)
class CaseView:
    """One case as the pages show it: the recommendation, the comments and the decisions."""

    case: RunCase
    decisions: list[DecisionRow]
    limits: dict[int, int]

    @property
    def application(self) -> Application:
        return self.case.application

    @property
    def item(self) -> AgendaItem:
        return self.case.agenda_item

    @property
    def recommended_years(self) -> list[RecommendedYear]:
        return list(self.item.recommended_years.all())

    @property
    def recommended_total(self) -> int | None:
        years = self.recommended_years
        if years:
            return sum(y.amount for y in years)
        return self.item.recommended_amount

    @property
    def comments(self) -> list[Message]:
        comments: list[Message] = getattr(self.application, "comments", [])  # prefetched by ``_cases``
        return comments

    @property
    def current(self) -> DecisionRow | None:
        for row in reversed(self.decisions):
            if not row.is_corrected:
                return row
        return None

    @property
    def is_decided(self) -> bool:
        return bool(self.decisions)


def case_view(case: RunCase) -> CaseView:
    """Read from what ``_cases`` prefetched: no further queries."""
    decisions = sorted(case.decisions.all(), key=lambda d: (d.recorded_at, d.pk))
    by_corrected = {d.corrects_id: d for d in decisions if d.corrects_id}
    rows = [
        DecisionRow(decision=d, granted=list(d.granted_years.all()), corrected_by=by_corrected.get(d.pk))
        for d in decisions
    ]
    return CaseView(case=case, decisions=rows, limits=_limits_from(case))


def cases_of(meeting: RunMeeting, roles: Roles) -> list[CaseView]:
    """The meeting's cases of the partnerships this person follows at RUN."""
    cases = _cases().filter(followed_cases(roles), run_meeting=meeting)
    return [case_view(case) for case in cases.order_by("forwarded_at", "pk")]


def awaiting_forwarding(roles: Roles) -> QuerySet[Application]:
    """Recommended applications of the project leader's partnerships, not yet sent to RUN;
    ``minutes_approved`` says whether the minutes that recommended each one are approved
    (only then may it be sent)."""
    approved = Minutes.objects.filter(
        locked_at__isnull=False,
        meeting__items__application=OuterRef("pk"),
        meeting__items__outcome=ItemOutcome.RECOMMENDED,
    )
    return (
        Application.objects.filter(status=Status.RECOMMENDED, call__partnership__in=roles.project_leader_partnerships)
        .annotate(minutes_approved=Exists(approved))
        .select_related("working_group__municipality", "call")
        .order_by("reference_number")
    )


def recommending_item(application: Application) -> AgendaItem | None:
    """The latest closed agenda item at which the steering group recommended the application."""
    return (
        AgendaItem.objects.filter(application=application, outcome=ItemOutcome.RECOMMENDED, closed_at__isnull=False)
        .select_related("meeting")
        .prefetch_related(Prefetch("recommended_years", queryset=RecommendedYear.objects.order_by("year")))
        .order_by("-closed_at", "-pk")
        .first()
    )


def _limits_from(case: RunCase) -> dict[int, int]:
    recommended = {y.year: y.amount for y in case.agenda_item.recommended_years.all()}
    if recommended:
        return recommended
    return {b.year: b.requested for b in case.application.budget_years.all()}


def grant_limits(case: RunCase) -> dict[int, int]:
    """The most RUN may grant per year: what the steering group recommended for the years
    it named, or, if it named none, what was requested."""
    return _limits_from(case)


def ledger_calls(roles: Roles) -> QuerySet[Call]:
    """The calls whose budget this person follows: those of the partnerships they serve at
    RUN, and of their steering groups' partnerships."""
    if roles.follows_every_partnership_at_run:
        return Call.objects.all()
    return Call.objects.filter(partnership__in=roles.run_partnerships | roles.steering_partnerships)


def granted_years() -> QuerySet[GrantedYear]:
    """Amounts of current (not corrected) approving decisions."""
    return GrantedYear.objects.filter(decision__outcome=DecisionOutcome.APPROVED, decision__corrected_by__isnull=True)


def granted_total(call: Call) -> int:
    total = granted_years().filter(decision__case__application__call=call).aggregate(total=Sum("amount"))["total"]
    return int(total or 0)


def earmarked(call: Call) -> int:
    total = BudgetAdjustment.objects.filter(call=call).aggregate(total=Sum("amount"))["total"]
    return int(call.budget + (total or 0))


@dataclass(frozen=True)
class LedgerYear:
    year: int
    requested: int = 0
    recommended: int = 0
    granted: int = 0


@dataclass(frozen=True)
class CallLedger:
    call: Call
    adjustments: list[BudgetAdjustment]
    years: list[LedgerYear] = field(default_factory=list)

    @property
    def budget(self) -> int:
        return self.call.budget

    @property
    def earmarked(self) -> int:
        return self.call.budget + sum(a.amount for a in self.adjustments)

    @property
    def requested(self) -> int:
        return sum(y.requested for y in self.years)

    @property
    def recommended(self) -> int:
        return sum(y.recommended for y in self.years)

    @property
    def granted(self) -> int:
        return sum(y.granted for y in self.years)

    @property
    def remaining(self) -> int:
        return self.earmarked - self.granted


def _by_call_and_year(rows: Any, call_key: str) -> dict[int, dict[int, int]]:
    result: dict[int, dict[int, int]] = defaultdict(dict)
    for row in rows:
        result[row[call_key]][row["year"]] = int(row["total"] or 0)
    return result


def ledger(calls: QuerySet[Call] | None = None) -> list[CallLedger]:
    """Per call and year: requested, recommended and granted; per call: earmarked and
    remaining. Five queries whatever the number of applications."""
    calls = (calls if calls is not None else Call.objects.all()).prefetch_related(
        Prefetch("budget_adjustments", queryset=BudgetAdjustment.objects.select_related("recorded_by"))
    )
    call_list = list(calls)
    ids = [c.pk for c in call_list]
    requested = _by_call_and_year(
        BudgetYear.objects.filter(application__call__in=ids, application__submitted_at__isnull=False)
        .exclude(application__status__in=[Status.DRAFT, Status.WITHDRAWN])
        .values("application__call", "year")
        .annotate(total=Sum("requested"))
        .order_by(),
        "application__call",
    )
    later_recommendation = AgendaItem.objects.filter(
        application=OuterRef("item__application"),
        outcome=ItemOutcome.RECOMMENDED,
        closed_at__gt=OuterRef("item__closed_at"),
    )
    recommended = _by_call_and_year(
        RecommendedYear.objects.filter(item__outcome=ItemOutcome.RECOMMENDED, item__application__call__in=ids)
        .exclude(item__application__status=Status.WITHDRAWN)
        .exclude(Exists(later_recommendation))
        .values("item__application__call", "year")
        .annotate(total=Sum("amount"))
        .order_by(),
        "item__application__call",
    )
    granted = _by_call_and_year(
        granted_years()
        .filter(decision__case__application__call__in=ids)
        .values("decision__case__application__call", "year")
        .annotate(total=Sum("amount"))
        .order_by(),
        "decision__case__application__call",
    )
    ledgers = []
    for call in call_list:
        years = sorted(set(requested[call.pk]) | set(recommended[call.pk]) | set(granted[call.pk]))
        ledgers.append(
            CallLedger(
                call=call,
                adjustments=list(call.budget_adjustments.all()),
                years=[
                    LedgerYear(
                        year=year,
                        requested=requested[call.pk].get(year, 0),
                        recommended=recommended[call.pk].get(year, 0),
                        granted=granted[call.pk].get(year, 0),
                    )
                    for year in years
                ],
            )
        )
    return ledgers


# --- services --------------------------------------------------------------------------


def _locked(application: Application) -> Application:
    return services.lock_application(application)


def _locked_call(call_id: int) -> Call:
    return Call.objects.select_for_update().get(pk=call_id)


def _transition(application: Application, *, name: str, by: User, message: str = "") -> Application:
    """Make one workflow transition on a locked application and write its timeline event."""
    return services.transition_apply(application=application, name=name, by=by, message=message)


@transaction.atomic(durable=True)
def run_meeting_create(*, held_on: datetime.date, place: str = "", by: User) -> RunMeeting:
    """A RUN meeting (sammanträde), entered by the secretariat."""
    if not by.has_perm("reviews.record_decision"):
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
    item = recommending_item(application)
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
    limits = grant_limits(case)
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
    remaining = earmarked(call) - granted_total(call) + releasing
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


def _validate_texts(outcome: str, *, paragraph: str, reasons: str) -> None:
    if not paragraph.strip():
        raise DecisionRefused(_("Ange paragrafen (§) i RUN:s protokoll."), field="paragraph")
    if outcome != DecisionOutcome.APPROVED and not reasons.strip():
        raise DecisionRefused(_("Ett avslag eller en återremiss ska ha skäl."), field="reasons")


def _write_decision(*, case: RunCase, granted: dict[int, int], **fields: Any) -> Decision:
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
) -> Decision:
    """Record RUN's decision on a case and move the application by the matching transition.

    An approval grants an amount per year, each within the steering group's recommendation
    (or the request), and within what remains of the call's budget.
    """
    if not by.has_perm("reviews.record_decision", case):
        raise PermissionDenied
    application = _locked(case.application)
    name = TRANSITION_FOR_OUTCOME[DecisionOutcome(outcome)]
    workflow.check(by, application, name)
    case = _cases().get(pk=case.pk)
    if case.decisions.all():
        raise DecisionRefused(_("RUN:s beslut i ärendet är redan registrerat. Ett fel rättas med en rättelse."))
    latest_case = application.run_cases.order_by("-forwarded_at", "-pk").first()
    if latest_case is None or latest_case.pk != case.pk:
        raise DecisionRefused(_("Ansökan ligger hos RUN i ett senare ärende; registrera beslutet där."))
    if case.is_withdrawn:
        raise DecisionRefused(_("Arbetsgruppen har återtagit ansökan; ärendet är avslutat utan beslut."))
    _check_decision_day(case, decided_on)
    _validate_texts(outcome, paragraph=paragraph, reasons=reasons)
    granted = {year: amount for year, amount in (granted or {}).items() if amount} if outcome == "approved" else {}
    if outcome == DecisionOutcome.APPROVED:
        if not granted:
            raise DecisionRefused(_("Ange beviljat belopp för minst ett år."))
        _check_limits(case, granted)
        _check_budget(application.call_id, adding=sum(granted.values()))
    decision = _write_decision(
        case=case,
        granted=granted,
        outcome=outcome,
        paragraph=paragraph.strip(),
        decided_on=decided_on,
        reasons=reasons,
        conditions=conditions,
        payment_schedule=payment_schedule,
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
    if not by.has_perm("reviews.record_decision", case):
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
    case = _cases().get(pk=case.pk)
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
        released = old.granted_years.aggregate(total=Sum("amount"))["total"] or 0
        _check_budget(application.call_id, adding=sum(granted.values()), releasing=int(released))
    correction = _write_decision(
        case=case,
        granted=granted,
        outcome=old.outcome,
        paragraph=paragraph.strip(),
        decided_on=decided_on,
        reasons=reasons,
        conditions=conditions,
        payment_schedule=payment_schedule,
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
    services.timeline_note(application=application, kind=EventKind.CORRECTION, by=by, message=message)
    decision_recorded(correction.pk)
    return correction


@transaction.atomic(durable=True)
def budget_adjust(*, call: Call, amount: int, reason: str, decided_on: datetime.date, by: User) -> BudgetAdjustment:
    """Raise (or lower) a call's earmarked budget as a recorded act. Lowering it below
    what is already granted is refused."""
    if not by.has_perm("reviews.adjust_budget", call):
        raise PermissionDenied
    if amount == 0:
        raise DecisionRefused(_("Ändringen kan inte vara 0 kr."), field="amount")
    if not reason.strip():
        raise DecisionRefused(_("Skriv skälet till ändringen."), field="reason")
    call = _locked_call(call.pk)
    remaining = earmarked(call) - granted_total(call)
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


def run_meeting_change_refusal(meeting: RunMeeting) -> str | None:
    """Why the RUN meeting can no longer be edited or cancelled, or None while it can."""
    if meeting.is_cancelled:
        return _("Sammanträdet är inställt och kan inte längre ändras.")
    if Decision.objects.filter(case__run_meeting=meeting).exists():
        return _("RUN har redan beslutat i ärenden från sammanträdet. Det kan inte längre ändras eller ställas in.")
    return None


def _check_run_meeting_changeable(meeting: RunMeeting, by: User) -> None:
    """A RUN meeting changes until it is cancelled or RUN has decided one of its cases."""
    if not by.has_perm("reviews.edit_run_meeting", meeting):
        raise PermissionDenied
    refusal = run_meeting_change_refusal(meeting)
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
    if not by.has_perm("reviews.edit_run_meeting", meeting):
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

"""RUN's reads: the meetings and cases a person follows, each case as its pages show it,
what awaits forwarding, the steering group's recommendation and what RUN may grant.

Selectors own their joins, so the query count of a page is decided here. Fetching an
object for a person also asks the rules: 404 for what they may not see, 403 for what
they see but may not record.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, BudgetYear, Message, MessageKind, Status
from partnership.models import Call, User
from partnership.rules import Roles
from reviews.models import AgendaItem, ItemOutcome, Minutes, RecommendedYear

from .ledger import CallLedger, ledger
from .models import Decision, GrantedYear, RunCase, RunMeeting


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


def has_upcoming_run_meetings(today: datetime.date | None = None) -> bool:
    return upcoming_run_meetings(today).exists()


def get_run_meeting_for_user(user: User | AnonymousUser, pk: int) -> RunMeeting:
    meeting = RunMeeting.objects.select_related("board").filter(pk=pk).first()
    if meeting is None or not user.has_perm("decisions.view_run_meeting", meeting):
        raise Http404
    return meeting


def get_case_for_user(user: User | AnonymousUser, pk: int, *, record: bool = False) -> RunCase:
    """A case, if this person may see RUN's cases (else 404); with ``record``, also
    only if they record decisions (else 403)."""
    case = case_details().filter(pk=pk).first()
    if case is None or not user.has_perm("decisions.view_run_cases", case):
        raise Http404
    if record and not user.has_perm("decisions.record_decision", case):
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
    if decision is None or not user.has_perm("decisions.view_run_cases", decision.case):
        raise Http404
    if not user.has_perm("decisions.record_decision", decision.case):
        raise PermissionDenied
    return decision


def get_call_for_budget_adjustment(user: User | AnonymousUser, pk: int) -> Call:
    """A call whose budget to adjust: 404 unless the person follows its ledger, 403 unless they adjust it."""
    call = Call.objects.filter(pk=pk).first()
    if call is None or not user.has_perm("decisions.view_ledger", call):
        raise Http404
    if not user.has_perm("decisions.adjust_budget", call):
        raise PermissionDenied
    return call


def call_ledger(call: Call) -> CallLedger:
    """The budget ledger of one call."""
    return ledger(Call.objects.filter(pk=call.pk))[0]


def case_details() -> QuerySet[RunCase]:
    """RUN's cases with everything their pages and services read, in a fixed number of queries."""
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
        comments: list[Message] = getattr(self.application, "comments", [])  # prefetched by ``case_details``
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
    """Read from what ``case_details`` prefetched: no further queries."""
    decisions = sorted(case.decisions.all(), key=lambda d: (d.recorded_at, d.pk))
    by_corrected = {d.corrects_id: d for d in decisions if d.corrects_id}
    rows = [
        DecisionRow(decision=d, granted=list(d.granted_years.all()), corrected_by=by_corrected.get(d.pk))
        for d in decisions
    ]
    return CaseView(case=case, decisions=rows, limits=_limits_from(case))


def cases_of(meeting: RunMeeting, roles: Roles) -> list[CaseView]:
    """The meeting's cases of the partnerships this person follows at RUN."""
    cases = case_details().filter(followed_cases(roles), run_meeting=meeting)
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


def run_meeting_change_refusal(meeting: RunMeeting) -> str | None:
    """Why the RUN meeting can no longer be edited or cancelled, or None while it can."""
    if meeting.is_cancelled:
        return _("Sammanträdet är inställt och kan inte längre ändras.")
    if Decision.objects.filter(case__run_meeting=meeting).exists():
        return _("RUN har redan beslutat i ärenden från sammanträdet. Det kan inte längre ändras eller ställas in.")
    return None


def next_run_meetings(roles: Roles, limit: int = 2) -> QuerySet[RunMeeting]:
    """The next RUN meetings this person sees, from today."""
    return run_meetings(roles).filter(held_on__gte=timezone.localdate())[:limit]


def meeting_cases(meeting: RunMeeting) -> QuerySet[RunCase]:
    """A RUN meeting's cases in the order they were forwarded, with their applications."""
    return meeting.cases.select_related("application").order_by("forwarded_at", "pk")

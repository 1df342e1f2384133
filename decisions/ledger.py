"""The budget ledger of each call: what is earmarked (the call's budget and RUN's budget
acts), requested, recommended by the steering group and granted by RUN, per year, and what
remains. Three queries whatever the number of applications: the figures per year are the
running totals the services keep (``decisions.totals``); ``recomputed`` sums the records the
long way, for the operator's check (``manage.py ledger_check``).

**Recommended** counts, per application, only the latest item the steering group
recommended (an application referred back and recommended again is counted once), and not
withdrawn applications. **Granted** counts only current (not corrected) approvals.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Sum

from applications.models import BudgetYear, Status
from partnership.models import Call
from partnership.rules import Roles
from reviews.models import AgendaItem, ItemOutcome, RecommendedYear

from .models import BudgetAdjustment, DecisionOutcome, GrantedYear, LedgerTotal


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
    """What RUN has granted from the call, from the running totals."""
    total = LedgerTotal.objects.filter(call=call).aggregate(total=Sum("granted"))["total"]
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


def recomputed(call_ids: list[int] | None = None) -> dict[tuple[int, int], tuple[int, int, int]]:
    """The totals summed from the records, (call, year) → (requested, recommended, granted),
    years with nothing left out: what the running totals must equal. Reads every row of the
    calls' budgets, recommendations and grants, so it is for the operator's check, not a page."""
    applications = BudgetYear.objects.filter(application__submitted_at__isnull=False).exclude(
        application__status__in=[Status.DRAFT, Status.WITHDRAWN]
    )
    recommendations = RecommendedYear.objects.filter(item__outcome=ItemOutcome.RECOMMENDED).exclude(
        item__application__status=Status.WITHDRAWN
    )
    grants = granted_years()
    if call_ids is not None:
        applications = applications.filter(application__call__in=call_ids)
        recommendations = recommendations.filter(item__application__call__in=call_ids)
        grants = grants.filter(decision__case__application__call__in=call_ids)
    later_recommendation = AgendaItem.objects.filter(
        application=OuterRef("item__application"),
        outcome=ItemOutcome.RECOMMENDED,
        closed_at__gt=OuterRef("item__closed_at"),
    )
    requested = _by_call_and_year(
        applications.values("application__call", "year").annotate(total=Sum("requested")).order_by(),
        "application__call",
    )
    recommended = _by_call_and_year(
        recommendations.exclude(Exists(later_recommendation))
        .values("item__application__call", "year")
        .annotate(total=Sum("amount"))
        .order_by(),
        "item__application__call",
    )
    granted = _by_call_and_year(
        grants.values("decision__case__application__call", "year").annotate(total=Sum("amount")).order_by(),
        "decision__case__application__call",
    )
    result = {}
    for call_id in set(requested) | set(recommended) | set(granted):
        for year in set(requested[call_id]) | set(recommended[call_id]) | set(granted[call_id]):
            figures = (
                requested[call_id].get(year, 0),
                recommended[call_id].get(year, 0),
                granted[call_id].get(year, 0),
            )
            if any(figures):
                result[(call_id, year)] = figures
    return result


def ledger(calls: QuerySet[Call] | None = None) -> list[CallLedger]:
    """Per call and year: requested, recommended and granted; per call: earmarked and
    remaining. Three queries whatever the number of applications: the calls, their budget
    acts and their running totals."""
    calls = (calls if calls is not None else Call.objects.all()).prefetch_related(
        Prefetch("budget_adjustments", queryset=BudgetAdjustment.objects.select_related("recorded_by")),
        Prefetch("ledger_totals", queryset=LedgerTotal.objects.order_by("year")),
    )
    return [
        CallLedger(
            call=call,
            adjustments=list(call.budget_adjustments.all()),
            years=[
                LedgerYear(year=row.year, requested=row.requested, recommended=row.recommended, granted=row.granted)
                for row in call.ledger_totals.all()
                if not row.is_empty
            ],
        )
        for call in calls
    ]

"""The budget ledger's running totals per call and budget year (``LedgerTotal``), and the only
code that writes them. Each act adds what it changes, inside the act's own transaction:

* **requested**: ``applications`` sends ``requested_changed`` when a registered application's
  budget is saved, when it is first submitted and when it is withdrawn;
* **recommended**: ``reviews`` sends ``item_recommended`` when the steering group recommends an
  application (the new recommendation replaces the application's earlier one), and a
  withdrawal takes the application's recommendation away;
* **granted**: ``decisions.services`` adds an approval's amounts and, for a correction, takes
  the corrected decision's amounts away.

Each year's row is changed by one ``UPDATE … SET x = x + n``: PostgreSQL locks the row and adds
to what the last committed act left, so simultaneous acts never lose one another's change.
Rows are changed in year order, so two acts wait for each other instead of deadlocking.
``rebuild`` recomputes every row from the records (``manage.py ledger_check --repair``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from django.db import connection, transaction
from django.db.models import F

from applications.models import Application
from reviews.models import AgendaItem, ItemOutcome, RecommendedYear

from .models import LedgerTotal

Column = Literal["requested", "recommended", "granted"]


def add(call_id: int, column: Column, change: Mapping[int, int]) -> None:
    """Add ``change`` (year → kronor, negative to take away) to one column of a call's totals."""
    for year in sorted(change):
        amount = change[year]
        if not amount:
            continue
        rows = LedgerTotal.objects.filter(call_id=call_id, year=year)
        if not rows.update(**{column: F(column) + amount}):
            LedgerTotal.objects.bulk_create([LedgerTotal(call_id=call_id, year=year)], ignore_conflicts=True)
            rows.update(**{column: F(column) + amount})


def difference(after: Mapping[int, int], before: Mapping[int, int]) -> dict[int, int]:
    """Year by year, what ``after`` adds to ``before``."""
    return {year: after.get(year, 0) - before.get(year, 0) for year in sorted(set(after) | set(before))}


def negated(amounts: Mapping[int, int]) -> dict[int, int]:
    return {year: -amount for year, amount in amounts.items()}


def latest_recommendation(application_id: int, *, besides: int | None = None) -> dict[int, int]:
    """The amounts per year of the latest item that recommended the application (the one the
    ledger counts), leaving out the item ``besides``."""
    items = AgendaItem.objects.filter(application_id=application_id, outcome=ItemOutcome.RECOMMENDED)
    if besides is not None:
        items = items.exclude(pk=besides)
    latest = items.order_by("-closed_at", "-pk").values("pk")[:1]
    return dict(RecommendedYear.objects.filter(item__in=latest).values_list("year", "amount"))


# --- receivers, inside the sender's transaction --------------------------------------------------


def requested_changed(sender: object, *, application: Application, change: Mapping[int, int], **kwargs: Any) -> None:
    """Receiver of ``applications.signals.requested_changed``."""
    add(application.call_id, "requested", change)


def item_recommended(sender: object, *, item: AgendaItem, amounts: Mapping[int, int], **kwargs: Any) -> None:
    """Receiver of ``reviews.signals.item_recommended``: the new recommendation replaces the
    application's earlier one in the totals."""
    earlier = latest_recommendation(item.application_id, besides=item.pk)
    add(item.application.call_id, "recommended", difference(amounts, earlier))


def recommendation_withdrawn(sender: object, *, application: Application, from_status: str, **kwargs: Any) -> None:
    """Receiver of ``applications.signals.application_withdrawn``: a withdrawn application's
    recommendation no longer counts."""
    add(application.call_id, "recommended", negated(latest_recommendation(application.pk)))


# --- the operator's check ----------------------------------------------------------------------


def stored(call_ids: list[int] | None = None) -> dict[tuple[int, int], tuple[int, int, int]]:
    """The stored totals, (call, year) → (requested, recommended, granted), empty rows left out."""
    rows = LedgerTotal.objects.all() if call_ids is None else LedgerTotal.objects.filter(call_id__in=call_ids)
    return {(row.call_id, row.year): (row.requested, row.recommended, row.granted) for row in rows if not row.is_empty}


@transaction.atomic
def rebuild() -> int:
    """Recompute every stored total from the records (after data was written around the
    services, or to repair a difference ``ledger_check`` found). Returns the rows written."""
    from .ledger import recomputed

    if connection.vendor == "postgresql":
        # Acts in progress finish first and acts that start now wait, so none is summed twice or lost.
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {LedgerTotal._meta.db_table} IN EXCLUSIVE MODE")
    expected = recomputed()
    LedgerTotal.objects.all().delete()
    LedgerTotal.objects.bulk_create(
        [
            LedgerTotal(call_id=call_id, year=year, requested=r, recommended=m, granted=g)
            for (call_id, year), (r, m, g) in sorted(expected.items())
        ]
    )
    return len(expected)

"""The steering group's meeting pack: a meeting's items compared side by side, and the agenda
with every item's application as sent, as one PDF.

It sits in ``simportal`` because it gathers from three apps: the agenda (``reviews``), the
applications (``applications``) and what remains of the call's budget (``decisions.ledger``,
which ``reviews`` may not import). Every read is here, in a fixed number of queries whatever the
number of items; the views only ask for it and render it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.utils import timezone, translation

from applications.models import (
    Application,
    BudgetYear,
    CoFinancing,
    Criterion,
    CriterionAnswer,
    Fulfilment,
    Message,
    MessageKind,
    Signature,
)
from applications.models import Snapshot as ApplicationSnapshot
from applications.sections import BY_KEY
from decisions.ledger import ledger
from partnership.models import Call, User
from reviews import selectors as review_selectors
from reviews.models import AgendaItem, ItemOutcome, Meeting

from .pdf import RenderedPdf, render_pdf

# Items that are no longer before the meeting: they ask nothing of the budget.
NOT_BEFORE_THE_MEETING = frozenset({ItemOutcome.DROPPED, ItemOutcome.WITHDRAWN})


def get_meeting_for_pack(user: User | AnonymousUser, pk: int) -> Meeting:
    """The meeting whose pack this person may read: 404 for a meeting they may not see (another
    partnership's, or one not yet published), 403 when they see it but the pack is not theirs."""
    meeting = review_selectors.get_meeting_for_user(user, pk)
    if not user.has_perm("reviews.view_meeting_pack", meeting):
        raise PermissionDenied
    return meeting


def kronor_per_child(requested: int, children: int | None) -> int | None:
    """The amount requested per child reached, in whole kronor (half up); None when no children are given."""
    if not children:
        return None
    return (2 * requested + children) // (2 * children)


@dataclass(frozen=True)
class CriterionCell:
    label: str
    fulfilment: str
    justification: str


@dataclass(frozen=True)
class ItemRow:
    """One agenda item's figures, as the comparison shows them."""

    item: AgendaItem
    requested_by_year: dict[int, int]
    requested_total: int
    co_financing_total: int
    children: int | None
    families: int | None
    criteria: list[CriterionCell]
    latest_comment: Message | None
    # (year, amount) in the budget years of the whole comparison, filled in once every item is read.
    year_amounts: list[tuple[int, int | None]] = field(default_factory=list)
    # The principals' signatures the application was sent with (who, in which role, when).
    principal_signatures: tuple[str, ...] = ()

    @property
    def application(self) -> Any:
        return self.item.application

    @property
    def kronor_per_child(self) -> int | None:
        return kronor_per_child(self.requested_total, self.children)

    @property
    def asks_the_budget(self) -> bool:
        return self.item.outcome not in NOT_BEFORE_THE_MEETING


@dataclass(frozen=True)
class Totals:
    year_amounts: list[tuple[int, int]]
    requested_total: int
    co_financing_total: int
    children: int
    families: int
    # Over the items that give their number of children only.
    requested_with_children: int

    @property
    def kronor_per_child(self) -> int | None:
        return kronor_per_child(self.requested_with_children, self.children)


@dataclass(frozen=True)
class BudgetOutlook:
    """One call's budget before the meeting: what remains now, and if every item of the call on the
    agenda were recommended as requested."""

    call: Call
    remaining_now: int
    requested_here: int
    item_count: int

    @property
    def remaining_if_recommended(self) -> int:
        return self.remaining_now - self.requested_here

    @property
    def goes_over(self) -> bool:
        return self.remaining_if_recommended < 0

    @property
    def over_by(self) -> int:
        return max(0, -self.remaining_if_recommended)


@dataclass(frozen=True)
class Comparison:
    meeting: Meeting
    years: list[int]
    rows: list[ItemRow]
    totals: Totals
    budgets: list[BudgetOutlook]

    @property
    def criteria_labels(self) -> list[str]:
        return [str(label) for label in Criterion.labels]

    @property
    def has_signatures(self) -> bool:
        return any(row.principal_signatures for row in self.rows)


def _pack_items(meeting: Meeting, *, with_snapshots: bool) -> QuerySet[AgendaItem]:
    """The agenda in paragraph order, with everything the comparison (and the PDF) reads of each item."""
    lookups: list[str | Prefetch[Any]] = [
        Prefetch(
            "application__budget_years",
            queryset=BudgetYear.objects.order_by("year").prefetch_related(
                Prefetch("co_financing", queryset=CoFinancing.objects.order_by("pk"))
            ),
        ),
        Prefetch("application__criterion_answers", queryset=CriterionAnswer.objects.order_by("pk")),
        Prefetch(
            "application__messages",
            queryset=Message.objects.filter(kind=MessageKind.COMMENT)
            .select_related("author")
            .order_by("-created_at", "-pk"),
            to_attr="comments_latest_first",
        ),
    ]
    # The versions sent, newest first, with the principals' signatures each was sent with (the
    # comparison reads only those; the PDF reads the whole of the latest).
    snapshots = ApplicationSnapshot.objects.order_by("-number").prefetch_related(
        Prefetch("signatures", queryset=Signature.objects.select_related("person").order_by("principal"))
    )
    lookups.append(
        Prefetch(
            "application__snapshots",
            queryset=snapshots if with_snapshots else snapshots.defer("data"),
            to_attr="snapshots_latest_first",
        )
    )
    return (
        meeting.items.select_related("application__working_group__municipality", "application__call")
        .prefetch_related(*lookups)
        .order_by("position")
    )


def _row(item: AgendaItem) -> ItemRow:
    application = item.application
    years = list(application.budget_years.all())
    fulfilment = dict(Fulfilment.choices)
    answers = {answer.criterion: answer for answer in application.criterion_answers.all()}
    criteria = []
    for criterion in Criterion:
        answer = answers.get(criterion.value)
        criteria.append(
            CriterionCell(
                label=str(criterion.label),
                fulfilment=str(fulfilment.get(answer.fulfilment, "")) if answer else "",
                justification=answer.justification if answer else "",
            )
        )
    comments: list[Message] = getattr(application, "comments_latest_first", [])
    snapshots: list[ApplicationSnapshot] = getattr(application, "snapshots_latest_first", [])
    signatures = tuple(
        f"{signature.person.get_full_name() or signature.person.username} "
        f"({signature.role}, {timezone.localtime(signature.signed_at):%Y-%m-%d})"
        for signature in (snapshots[0].signatures.all() if snapshots else [])
    )
    return ItemRow(
        item=item,
        requested_by_year={y.year: y.requested for y in years},
        requested_total=sum(y.requested for y in years),
        co_financing_total=sum(c.amount for y in years for c in y.co_financing.all()),
        children=application.expected_children,
        families=application.expected_families,
        criteria=criteria,
        latest_comment=comments[0] if comments else None,
        principal_signatures=signatures,
    )


def _budgets(rows: list[ItemRow]) -> list[BudgetOutlook]:
    """What remains of each call the items apply to (RUN's ledger: earmarked minus granted), and
    what would remain if every item still before the meeting were recommended as requested."""
    call_ids = sorted({row.application.call_id for row in rows})
    if not call_ids:
        return []
    outlooks = []
    for entry in ledger(Call.objects.filter(pk__in=call_ids).order_by("name", "pk")):
        asking = [r for r in rows if r.application.call_id == entry.call.pk and r.asks_the_budget]
        outlooks.append(
            BudgetOutlook(
                call=entry.call,
                remaining_now=entry.remaining,
                requested_here=sum(r.requested_total for r in asking),
                item_count=len(asking),
            )
        )
    return outlooks


def comparison(meeting: Meeting, *, with_snapshots: bool = False) -> Comparison:
    """The meeting's items side by side, with totals and the calls' budgets."""
    items = list(_pack_items(meeting, with_snapshots=with_snapshots))
    for item in items:
        item.meeting = meeting
    rows = [_row(item) for item in items]
    years = sorted({year for row in rows for year in row.requested_by_year})
    for row in rows:
        row.year_amounts.extend((year, row.requested_by_year.get(year)) for year in years)
    with_children = [row for row in rows if row.children]
    totals = Totals(
        year_amounts=[(year, sum(row.requested_by_year.get(year, 0) for row in rows)) for year in years],
        requested_total=sum(row.requested_total for row in rows),
        co_financing_total=sum(row.co_financing_total for row in rows),
        children=sum(row.children or 0 for row in rows),
        families=sum(row.families or 0 for row in rows),
        requested_with_children=sum(row.requested_total for row in with_children),
    )
    return Comparison(meeting=meeting, years=years, rows=rows, totals=totals, budgets=_budgets(rows))


@dataclass(frozen=True)
class SentSection:
    title: str
    entries: list[tuple[str, str]]


def _reading_order(key: str, section: dict[str, str]) -> list[tuple[str, str]]:
    """A snapshot section's entries in the form's order. The database keeps JSON objects with their
    keys sorted, not in the order they were written, so the order is taken from the sections."""
    order: list[str] = []
    if key == "criteria":
        order = [str(label) for label in Criterion.labels]
    elif key in BY_KEY:
        for name in BY_KEY[key].fields:
            try:
                model_field = Application._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            # As ``snapshot_data`` names it.
            order.append(str(getattr(model_field, "verbose_name", name)).capitalize())
    rank = {label: index for index, label in enumerate(order)}
    return sorted(section.items(), key=lambda entry: (rank.get(entry[0], len(rank)), entry[0]))


def sent_version(item: AgendaItem) -> list[SentSection]:
    """The item's application as it was sent: its latest submission snapshot, section by section
    in the application's order."""
    snapshots: list[ApplicationSnapshot] = getattr(item.application, "snapshots_latest_first", [])
    if not snapshots:
        return []
    data: dict[str, dict[str, str]] = snapshots[0].data
    keys = [key for key in BY_KEY if key in data] + sorted(key for key in data if key not in BY_KEY)
    return [
        SentSection(title=str(BY_KEY[key].title) if key in BY_KEY else key, entries=_reading_order(key, data[key]))
        for key in keys
    ]


def pack_context(meeting: Meeting) -> dict[str, Any]:
    """Everything the meeting pack's PDF shows."""
    compared = comparison(meeting, with_snapshots=True)
    return {
        "meeting": meeting,
        "comparison": compared,
        "applications": [(row, sent_version(row.item)) for row in compared.rows],
        "made_at": timezone.now(),
    }


def pack_filename(meeting: Meeting) -> str:
    return f"motespaket-{meeting.day.isoformat()}-{meeting.pk}.pdf"


def render_pack(meeting: Meeting, *, language: str = "sv") -> RenderedPdf:
    """The meeting pack as one PDF (PDF/A and tagged where WeasyPrint manages it), rendered now,
    in Swedish like the portal's other documents."""
    with translation.override(language):
        context = pack_context(meeting)
    return render_pdf("pdf/meeting_pack.html", context, language=language)

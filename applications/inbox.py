"""The project leader's inbox: every submitted application of the partnerships they
lead, filtered, sorted, counted per state, paged and exported.

All reads start from ``inbox_applications``, which owns the joins, so the page costs the same number of queries whatever
the number of applications. Who may see the inbox is ``applications.view_inbox``
in ``partnership.rules``; which triage step a row offers is ``applications.workflow``.
"""

from __future__ import annotations

import csv
import datetime
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from typing import Any

import django_filters
from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partnership.models import Body, BodyKind, Call, Municipality, Part, PriorityArea, User
from partnership.rules import Roles, roles_of

from . import search, workflow
from .forms import DeadlineExtensionForm
from .models import AddressedArea, Application, DeadlineExtension, Status
from .selectors import registered_in_led_partnerships

PAGE_SIZE = 25
TRIAGE_TRANSITIONS = ("request_completion", "accept")
# Every state an application can have once it is registered; a draft is the group's own.
INBOX_STATES = [status for status in Status if status != Status.DRAFT]


# --- the one selector ---------------------------------------------------------------


def inbox_applications(roles: Roles) -> QuerySet[Application]:
    """Registered applications in the calls of the partnerships this person leads as
    project leader (``selectors.registered_in_led_partnerships``, the set the start page
    counts), with call and working group joined. The total requested from RUN is the
    stored ``requested_total``, kept by the service that saves the budget.
    """
    return registered_in_led_partnerships(roles).select_related("call", "working_group__municipality")


# --- filters -----------------------------------------------------------------------


def _priority_areas(roles: Roles) -> QuerySet[PriorityArea]:
    """The priority areas of the calls of the partnerships this person leads, newest call first."""
    return (
        PriorityArea.objects.filter(call__in=_calls(roles))
        .select_related("call")
        .order_by("-call__deadline", "call", "position", "pk")
    )


def _calls(roles: Roles) -> QuerySet[Call]:
    return Call.objects.filter(partnership__in=roles.project_leader_partnerships).order_by("-deadline")


def _area_choices(roles: Roles) -> Callable[[], list[tuple[str, str]]]:
    """The priority-area choices, read when first needed (the export never needs them unless
    it is filtered by an area) and then kept: one query whatever is chosen."""
    read: list[tuple[str, str]] = []

    def choices() -> list[tuple[str, str]]:
        if not read:
            areas = list(_priority_areas(roles))
            # With several calls an area's name is not enough: say whose it is.
            several_calls = len({area.call_id for area in areas}) > 1
            read.extend(
                (str(area.pk), f"{area.name} ({area.call.name})" if several_calls else area.name) for area in areas
            )
        return read

    return choices


class InboxFilter(django_filters.FilterSet):
    """The filters above the inbox table. Without a state, withdrawn applications are left out."""

    call = django_filters.ModelChoiceFilter(
        label=_("Utlysning"), field_name="call", queryset=Call.objects.none(), empty_label=_("Alla utlysningar")
    )
    part = django_filters.ModelChoiceFilter(
        label=_("Del"),
        # The part of the partnership that the applying group's municipality belongs to.
        field_name="working_group__municipality__parts",
        queryset=Part.objects.none(),
        empty_label=_("Alla delar"),
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Kommun"),
        field_name="working_group__municipality",
        queryset=Municipality.objects.none(),
        empty_label=_("Alla kommuner"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(status.value, status.label) for status in INBOX_STATES],
        empty_label=_("Alla utom återtagna"),
    )
    min_amount = django_filters.NumberFilter(
        label=_("Sökt belopp från (kr)"), field_name="requested_total", lookup_expr="gte", min_value=0
    )
    max_amount = django_filters.NumberFilter(
        label=_("Sökt belopp till (kr)"), field_name="requested_total", lookup_expr="lte", min_value=0
    )
    q = django_filters.CharFilter(
        label=_("Sök"),
        method="filter_text",
        help_text=_("Ord ur insatsens namn, diarienummer eller syfte."),
    )
    priority_area = django_filters.MultipleChoiceFilter(
        label=_("Prioriterade områden"),
        choices=[],
        method="filter_priority_areas",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ansökningar som tar upp något av de valda områdena."),
    )

    class Meta:
        model = Application
        fields: list[str] = []

    def __init__(self, data: Mapping[str, Any] | None = None, queryset: QuerySet | None = None, *, roles: Roles):
        super().__init__(data, queryset)
        partnerships = roles.project_leader_partnerships
        self.filters["call"].queryset = _calls(roles)
        self.filters["part"].queryset = Part.objects.filter(partnership__in=partnerships).order_by(
            "partnership", "number"
        )
        self.filters["municipality"].queryset = (
            Municipality.objects.filter(bodies__kind=BodyKind.LOCAL_WORKING_GROUP, bodies__partnership__in=partnerships)
            .distinct()
            .order_by("name")
        )
        self.form.fields["priority_area"].choices = _area_choices(roles)
        for name, field in self.form.fields.items():
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                continue
            field.widget.attrs["class"] = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            if name in {"min_amount", "max_amount"}:
                field.widget.attrs.update({"inputmode": "numeric", "step": 1, "min": 0})

    def filter_text(self, queryset: QuerySet[Application], name: str, value: str) -> QuerySet[Application]:
        """Every word in the name, the diarienummer or the purpose (``applications.search``)."""
        return search.applications_matching(queryset, value, search.INBOX)

    def filter_priority_areas(
        self, queryset: QuerySet[Application], name: str, value: Iterable[str]
    ) -> QuerySet[Application]:
        """Applications that address any of the areas chosen (none chosen: no narrowing)."""
        areas = [int(pk) for pk in value]
        if not areas:
            return queryset
        return queryset.filter(Exists(AddressedArea.objects.filter(application=OuterRef("pk"), area_id__in=areas)))

    def _apply(self, queryset: QuerySet[Application], *, with_state: bool) -> QuerySet[Application]:
        cleaned: dict[str, Any] = {}
        if self.is_bound:
            self.form.is_valid()  # validates; cleaned_data then holds the filters that are valid
            cleaned = self.form.cleaned_data
        state = cleaned.get("status")
        for name, value in cleaned.items():
            if name == "status" and not with_state:
                continue
            queryset = self.filters[name].filter(queryset, value)
        if with_state and not state:
            queryset = queryset.exclude(status=Status.WITHDRAWN)
        return queryset

    def chosen_state(self) -> str:
        """The state the list is narrowed to ("" for every state but withdrawn)."""
        if not self.is_bound:
            return ""
        self.form.is_valid()  # as in _apply: cleaned_data then holds the filters that are valid
        return str(self.form.cleaned_data.get("status") or "")

    def filter_queryset(self, queryset: QuerySet[Application]) -> QuerySet[Application]:
        return self._apply(queryset, with_state=True)

    def without_state(self) -> QuerySet[Application]:
        """Every filter but the state: what the counts per state are taken over."""
        return self._apply(self.queryset.all(), with_state=False)


# --- sorting -------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: Any
    numeric: bool = False


COLUMNS = [
    Column("reference", _("Diarienummer")),
    Column("title", _("Insats")),
    Column("group", _("Arbetsgrupp")),
    Column("call", _("Utlysning")),
    Column("status", _("Status")),
    Column("requested", _("Sökt belopp"), numeric=True),
    Column("submitted", _("Inskickad")),
]
DEFAULT_SORT = "-submitted"


def _order_by(key: str) -> list[Any]:
    if key == "status":
        # The workflow's order, not the alphabet of the codes.
        return [Case(*[When(status=s.value, then=Value(i)) for i, s in enumerate(Status)], default=Value(99))]
    return [
        {
            "reference": "reference_number",
            "title": "title",
            "group": "working_group__municipality__name",
            # Calls are rounds: in time order, not by the alphabet of their names.
            "call": "call__deadline",
            "requested": "requested_total",
            "submitted": "submitted_at",
        }[key]
    ]


def parse_sort(value: str | None) -> tuple[str, bool]:
    """(column key, descending) from ``?sort=``; unknown values fall back to the newest first."""
    value = (value or "").strip()
    key = value.removeprefix("-")
    if key not in {c.key for c in COLUMNS}:
        value = DEFAULT_SORT
        key = value.removeprefix("-")
    return key, value.startswith("-")


def sorted_applications(queryset: QuerySet[Application], sort: str | None) -> QuerySet[Application]:
    key, descending = parse_sort(sort)
    terms = [
        (term.desc() if descending else term.asc()) if hasattr(term, "asc") else (f"-{term}" if descending else term)
        for term in _order_by(key)
    ]
    return queryset.order_by(*terms, "-pk" if descending else "pk")


@dataclass(frozen=True)
class SortHeader:
    key: str
    label: Any
    numeric: bool
    aria_sort: str  # "ascending", "descending" or "" for a column not sorted on
    next_sort: str  # the ?sort= value a click on the header asks for


def sort_headers(sort: str | None) -> list[SortHeader]:
    active, descending = parse_sort(sort)
    headers = []
    for column in COLUMNS:
        if column.key == active:
            aria = "descending" if descending else "ascending"
            next_sort = column.key if descending else f"-{column.key}"
        else:
            aria, next_sort = "", column.key
        headers.append(SortHeader(column.key, column.label, column.numeric, aria, next_sort))
    return headers


# --- the page ------------------------------------------------------------------------


@dataclass(frozen=True)
class StateCount:
    status: str
    label: Any
    count: int


@dataclass(frozen=True)
class Inbox:
    filterset: InboxFilter
    page: Page
    counts: list[StateCount]
    headers: list[SortHeader]
    sort: str
    page_range: list[Any]

    @property
    def counted(self) -> int:
        return sum(state.count for state in self.counts)

    @property
    def filtered(self) -> bool:
        """Whether any filter narrows the list (for the right empty-state text)."""
        data = getattr(self.filterset.form, "cleaned_data", {})
        return any(value not in (None, "", []) for value in data.values())


def addressed_areas() -> QuerySet[AddressedArea]:
    """The areas applications ticked, with their names, in the call's order."""
    return AddressedArea.objects.select_related("area").order_by("area__position", "area__pk")


def state_counts(queryset: QuerySet[Application]) -> list[StateCount]:
    """How many applications are in each state, in one aggregate query."""
    totals = queryset.order_by().aggregate(
        **{f"n_{status.value}": Count("pk", filter=Q(status=status.value)) for status in INBOX_STATES}
    )
    return [StateCount(status.value, status.label, totals[f"n_{status.value}"] or 0) for status in INBOX_STATES]


def triage_actions(user: User, application: Application) -> list[workflow.Transition]:
    """The triage steps the workflow allows this person now, for the row's links."""
    return [workflow.transition_for(name) for name in TRIAGE_TRANSITIONS if workflow.can(user, application, name)]


class CountedPaginator(Paginator):
    """A paginator told its number of rows, so it runs no COUNT of its own."""

    def __init__(self, object_list: QuerySet[Application], per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def listed_count(counts: list[StateCount], state: str) -> int:
    """How many rows the list has, from the counts per state: the chosen state's, or without
    one every state but withdrawn (as ``InboxFilter`` lists them)."""
    if state:
        return sum(c.count for c in counts if c.status == state)
    return sum(c.count for c in counts if c.status != Status.WITHDRAWN)


def inbox_page(*, user: User, params: Mapping[str, Any]) -> Inbox:
    """One page of the inbox, with the filter form, the counts per state and the sort headers."""
    roles = roles_of(user)
    filterset = InboxFilter(params, queryset=inbox_applications(roles), roles=roles)
    key, descending = parse_sort(params.get("sort"))
    sort = f"-{key}" if descending else key
    applications = sorted_applications(filterset.qs, sort)
    # The counts per state are needed anyway; the page count is read from them.
    counts = state_counts(filterset.without_state())
    paginator = CountedPaginator(applications, PAGE_SIZE, count=listed_count(counts, filterset.chosen_state()))
    page = paginator.get_page(params.get("page"))
    page.object_list = list(page.object_list)
    # The areas each row ticked: one query for the page, whatever its rows.
    prefetch_related_objects(page.object_list, Prefetch("addressed_areas", queryset=addressed_areas()))
    for application in page.object_list:
        application.triage_actions = triage_actions(user, application)
    return Inbox(
        filterset=filterset,
        page=page,
        counts=counts,
        headers=sort_headers(sort),
        sort=sort,
        page_range=list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
    )


def inbox_for_export(*, user: User, params: Mapping[str, Any]) -> QuerySet[Application]:
    """Every application the inbox shows with these filters and this sort, all pages."""
    roles = roles_of(user)
    filterset = InboxFilter(params, queryset=inbox_applications(roles), roles=roles)
    return sorted_applications(filterset.qs, params.get("sort"))


# --- export ----------------------------------------------------------------------------


def export_header() -> list[str]:
    return [
        gettext("Diarienummer"),
        gettext("Insats"),
        gettext("Arbetsgrupp"),
        gettext("Kommun"),
        gettext("Utlysning"),
        gettext("Status"),
        gettext("Sökt belopp (kr)"),
        gettext("Inskickad"),
        gettext("Prioriterade områden"),
    ]


# The columns of an export, read straight from the database (no model objects): reference
# number, title, working group, municipality, call, state, requested total, submitted at. The
# priority areas, last, are read per chunk of rows (``_area_names``).
EXPORT_COLUMNS = (
    "reference_number",
    "title",
    "working_group__name",
    "working_group__municipality__name",
    "call__name",
    "status",
    "requested_total",
    "submitted_at",
)
EXPORT_CHUNK = 2000  # rows fetched from the database at a time, and rows per written chunk of CSV


def _area_names(application_ids: list[int]) -> dict[int, str]:
    """The names of the areas each of these applications ticked, in the call's order, as one
    cell ("Psykisk hälsa, Läsning och språk"): one query for all of them."""
    names: dict[int, list[str]] = {}
    ticked = addressed_areas().filter(application_id__in=application_ids).values_list("application_id", "area__name")
    for application_id, name in ticked:
        names.setdefault(application_id, []).append(name)
    return {application_id: ", ".join(each) for application_id, each in names.items()}


def export_rows(applications: QuerySet[Application]) -> Iterator[list[Any]]:
    """One row per application: text, the amount as a whole number, the date as a date.

    Rows come from ``values_list`` through a server-side cursor, so memory stays flat
    whatever the number of rows; the state's label is looked up once per export, and the
    priority areas once per chunk of ``EXPORT_CHUNK`` rows.
    """
    labels = {value: str(label) for value, label in Status.choices}
    tz = timezone.get_current_timezone()
    rows = applications.values_list("pk", *EXPORT_COLUMNS).iterator(chunk_size=EXPORT_CHUNK)
    while chunk := list(islice(rows, EXPORT_CHUNK)):
        areas = _area_names([row[0] for row in chunk])
        for pk, reference, title, group, municipality, call, status, requested, submitted_at in chunk:
            yield [
                reference or "",
                title,
                group or "",
                municipality or "",
                call,
                labels.get(status, status),
                int(requested or 0),
                submitted_at.astimezone(tz).date() if submitted_at else None,
                areas.get(pk, ""),
            ]


# A cell that starts with one of these is run as a formula by spreadsheet programs
# (CSV injection): such text is written with a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return f"'{value}" if value.startswith(FORMULA_STARTS) else value
    return str(value)


def export_csv(rows: Iterable[list[Any]]) -> Iterator[bytes]:
    """CSV as Swedish Excel opens it: UTF-8 with a byte-order mark, ``;`` between fields.

    Written in chunks as the rows arrive: the first bytes (the header) go out before the
    first row is read.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(export_header())
    yield buffer.getvalue().encode("utf-8-sig")
    buffer.seek(0)
    buffer.truncate()
    for number, row in enumerate(rows, start=1):
        writer.writerow([_csv_cell(value) for value in row])
        if number % EXPORT_CHUNK == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def export_xlsx(rows: Iterable[list[Any]]) -> Iterator[bytes]:
    """An Excel workbook: a bold header row, amounts as numbers, dates as dates.

    openpyxl's write-only mode writes each row as it comes, into a temporary file; the
    finished file is then sent in chunks (a workbook is a zip, whose directory comes last).
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(gettext("Inkorg"))
    for letter, width in zip("ABCDEFGHI", (16, 48, 32, 16, 40, 28, 18, 12, 48), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in export_header():
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for count, row in enumerate(rows, start=1):  # noqa: B007 - the last number is the row count
        cells: list[Any] = []
        for value in row:
            if isinstance(value, str) and value.startswith("="):
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"  # never a formula, whatever the text starts with
                cells.append(cell)
            elif isinstance(value, int):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "#,##0"
                cells.append(cell)
            elif isinstance(value, datetime.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    sheet.auto_filter.ref = f"A1:I{count + 1}"
    with tempfile.TemporaryFile() as file:
        workbook.save(file)
        file.seek(0)
        while chunk := file.read(64 * 1024):
            yield chunk


EXPORTS = {
    "csv": ("text/csv; charset=utf-8", export_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", export_xlsx),
}


# --- deadline extensions --------------------------------------------------------------


def deadline_extensions(roles: Roles) -> QuerySet[DeadlineExtension]:
    return (
        DeadlineExtension.objects.filter(call__partnership__in=roles.project_leader_partnerships)
        .select_related("call", "working_group__municipality", "granted_by")
        .order_by("-call__deadline", "working_group__name")
    )


class GroupDeadlineForm(DeadlineExtensionForm):
    """A later deadline for one working group: the call and the group are chosen here too."""

    call = forms.ModelChoiceField(label=_("Utlysning"), queryset=Call.objects.none(), empty_label=None)
    working_group = forms.ModelChoiceField(
        label=_("Arbetsgrupp"), queryset=Body.objects.none(), empty_label=_("Välj arbetsgrupp")
    )
    field_order = ["call", "working_group", "deadline", "reason"]

    def __init__(self, *args: Any, roles: Roles, **kwargs: Any) -> None:
        super().__init__(*args, call=None, **kwargs)
        self.fields["call"].queryset = _calls(roles)
        self.fields["working_group"].queryset = (
            Body.objects.filter(kind=BodyKind.LOCAL_WORKING_GROUP, partnership__in=roles.project_leader_partnerships)
            .select_related("municipality")
            .order_by("name")
        )
        self.fields["working_group"].error_messages["required"] = _("Välj den arbetsgrupp som ska få mer tid.")
        self.fields["deadline"].error_messages["required"] = _("Skriv den nya sista dagen och tiden.")
        self.fields["reason"].error_messages["required"] = _("Skriv varför arbetsgruppen får mer tid.")

    def clean_deadline(self) -> datetime.datetime:
        # Compared with the call's deadline in clean(), once the call is known.
        deadline: datetime.datetime = self.cleaned_data["deadline"]
        return deadline

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        call, group, deadline = data.get("call"), data.get("working_group"), data.get("deadline")
        if call and group and group.partnership_id != call.partnership_id:
            self.add_error("working_group", _("Arbetsgruppen hör inte till utlysningens partnerskap."))
        if call and deadline and deadline <= call.deadline:
            self.add_error(
                "deadline",
                _("Den nya tiden måste ligga efter utlysningens sista dag, %(deadline)s.")
                % {"deadline": timezone.localtime(call.deadline).strftime("%Y-%m-%d %H:%M")},
            )
        return data

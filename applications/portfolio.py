"""The public portfolio: the social investments RUN has granted, ongoing and completed.

Step 8 of the path. Anyone may read it, logged in or not. Only approved
applications are listed (``public_investments``); whether one investment may be
shown on its own page is ``applications.view_public_investment`` in
``partnership.rules``.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import django_filters
from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnership.models import Municipality

from . import search
from .models import AddressedArea, Application, Partner, RunStatus, Status

PAGE_SIZE = 25


def phase(today: datetime.date) -> Case:
    """Whether an investment is ongoing or completed, as the portfolio shows it.

    ``run_status``, when set, decides: it is what the published list said for an
    imported investment, and what the secretariat recorded for one granted in the
    portal. Without it, a granted investment is ongoing until its end date has
    passed (it is still ongoing on its last day), and ongoing when it has no end
    date.
    """
    return Case(
        When(run_status=RunStatus.COMPLETED, then=Value(RunStatus.COMPLETED.value)),
        When(run_status=RunStatus.ONGOING, then=Value(RunStatus.ONGOING.value)),
        When(ends_on__lt=today, then=Value(RunStatus.COMPLETED.value)),
        default=Value(RunStatus.ONGOING.value),
        output_field=CharField(),
    )


def _with_details(queryset: QuerySet[Application], today: datetime.date) -> QuerySet[Application]:
    partners = Partner.objects.select_related("unit__organisation").order_by("pk")
    return queryset.annotate(phase=phase(today)).prefetch_related(
        Prefetch("municipalities", queryset=Municipality.objects.order_by("name")),
        Prefetch("partners", queryset=partners),
        Prefetch(
            "addressed_areas",
            queryset=AddressedArea.objects.select_related("area").order_by("area__position", "pk"),
        ),
    )


def public_investments(today: datetime.date | None = None) -> QuerySet[Application]:
    """Every granted investment with its municipalities, partners and priority areas, in four queries
    whatever the number; ongoing first, then completed, the latest started first."""
    today = today or timezone.localdate()
    return (
        _with_details(Application.objects.filter(status=Status.APPROVED), today)
        .annotate(
            phase_order=Case(
                When(phase=RunStatus.ONGOING.value, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("phase_order", "-starts_on", "title", "pk")
    )


def investment(pk: int, today: datetime.date | None = None) -> Application | None:
    """One application with what its public page shows, whatever its state: the view
    asks the rules whether it may be shown."""
    one = Application.objects.filter(pk=pk).select_related("call__partnership")  # the footer names it
    return _with_details(one, today or timezone.localdate()).first()


def year_choices() -> list[tuple[int, int]]:
    """The years that granted investments run in, the latest first."""
    span = Application.objects.filter(status=Status.APPROVED).aggregate(
        first=Min("starts_on__year"), last=Max("ends_on__year")
    )
    first, last = span["first"], span["last"]
    if first is None or last is None:
        return []
    return [(year, year) for year in range(max(first, last), min(first, last) - 1, -1)]


def area_choices() -> list[tuple[str, str]]:
    """The priority areas granted investments address, by name: calls may name the same area
    (each call its own *psykisk hälsa*), and a visitor asks for the area, not the call."""
    names = (
        AddressedArea.objects.filter(application__status=Status.APPROVED)
        .order_by("area__name")
        .values_list("area__name", flat=True)
        .distinct()
    )
    return [(name, name) for name in names]


class InvestmentFilter(django_filters.FilterSet):
    municipality = django_filters.ModelChoiceFilter(
        label=_("Kommun"),
        field_name="municipalities",
        queryset=Municipality.objects.none(),
        empty_label=_("Alla kommuner"),
    )
    year = django_filters.ChoiceFilter(
        label=_("År"),
        method="filter_year",
        choices=[],
        empty_label=_("Alla år"),
        help_text=_("Investeringar som pågick någon gång under året."),
    )
    phase = django_filters.ChoiceFilter(
        label=_("Visa"),
        method="filter_phase",
        choices=[(RunStatus.ONGOING.value, _("Pågående")), (RunStatus.COMPLETED.value, _("Avslutade"))],
        empty_label=_("Pågående och avslutade"),
    )
    priority_area = django_filters.ChoiceFilter(
        label=_("Prioriterat område"),
        method="filter_priority_area",
        choices=[],
        empty_label=_("Alla områden"),
    )
    q = django_filters.CharFilter(
        label=_("Sök"),
        method="filter_text",
        help_text=_("Ord ur investeringens namn, syfte eller innehåll."),
    )

    class Meta:
        model = Application
        fields: list[str] = []

    def __init__(self, data: Mapping[str, Any] | None = None, queryset: QuerySet[Application] | None = None) -> None:
        super().__init__(data, queryset)
        # Only municipalities that have a granted investment: every choice finds something.
        self.filters["municipality"].queryset = (
            Municipality.objects.filter(applications__status=Status.APPROVED).distinct().order_by("name")
        )
        self.form.fields["year"].choices = year_choices()
        self.form.fields["priority_area"].choices = area_choices()
        for field in self.form.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        self.form.fields["q"].widget.input_type = "search"

    def filter_year(self, queryset: QuerySet[Application], name: str, value: str) -> QuerySet[Application]:
        """Investments whose period overlaps the year; one without a start date matches no year."""
        if not value:
            return queryset
        year = int(value)
        return queryset.filter(
            Q(starts_on__lte=datetime.date(year, 12, 31)),
            Q(ends_on__isnull=True) | Q(ends_on__gte=datetime.date(year, 1, 1)),
        )

    def filter_phase(self, queryset: QuerySet[Application], name: str, value: str) -> QuerySet[Application]:
        return queryset.filter(phase=value) if value else queryset

    def filter_priority_area(self, queryset: QuerySet[Application], name: str, value: str) -> QuerySet[Application]:
        """Investments that address an area of that name, in whichever call."""
        if not value:
            return queryset
        return queryset.filter(Exists(AddressedArea.objects.filter(application=OuterRef("pk"), area__name=value)))

    def filter_text(self, queryset: QuerySet[Application], name: str, value: str) -> QuerySet[Application]:
        """Every word in the title, the purpose or the content (``applications.search``)."""
        return search.applications_matching(queryset, value, search.PORTFOLIO)


@dataclass(frozen=True)
class Portfolio:
    filterset: InvestmentFilter
    page: Page[Application]
    page_range: list[Any]
    ongoing: int
    completed: int

    @property
    def filtered(self) -> bool:
        data = getattr(self.filterset.form, "cleaned_data", {})
        return any(value not in (None, "") for value in data.values())


def portfolio_page(*, params: Mapping[str, Any]) -> Portfolio:
    """One page of the portfolio, filtered. ``params``: the query string."""
    filterset = InvestmentFilter(params, queryset=public_investments())
    counts = filterset.qs.order_by().aggregate(
        ongoing=Count("pk", filter=Q(phase=RunStatus.ONGOING.value)),
        completed=Count("pk", filter=Q(phase=RunStatus.COMPLETED.value)),
    )
    paginator = Paginator(filterset.qs, PAGE_SIZE)
    paginator.count = counts["ongoing"] + counts["completed"]  # already counted: no second query
    page = paginator.get_page(params.get("sida"))
    return Portfolio(
        filterset=filterset,
        page=page,
        page_range=list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
        ongoing=counts["ongoing"],
        completed=counts["completed"],
    )

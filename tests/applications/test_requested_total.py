"""The total requested from RUN stored on the application: kept by the service that saves the
budget, and what the inbox filters and sorts on (the same results as summing the budget years)."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications import forms, services
from applications.models import Application, BudgetYear, Partner, Status
from partnership.models import Unit
from tests.factories import applications_through_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(demo):
    return services.application_create(
        call=demo.call(),
        working_group=demo.working_group("Uddevalla"),
        title="Läsfrämjande BVC",
        by=demo.person("member"),
    )


def save_budget(application, person, version, requested_per_year, years=None):
    """The budget section as a group member saves it: cost 400 000 a year, the amounts given."""
    partner = Partner.objects.filter(application=application).first() or Partner.objects.create(
        application=application, unit=Unit.objects.filter(organisation__principal="region").first(), role="BVC"
    )
    data = {"version": version}
    for year, requested in zip(years or forms.budget_years(application), requested_per_year, strict=False):
        data |= {
            f"cost_{year}": 400_000,
            f"requested_{year}": requested,
            f"cofinancing_{year}_{partner.pk}": 400_000 - requested,
        }
    form = forms.BudgetForm(data, application=application)
    assert form.is_valid(), form.errors
    return services.section_save(application=application, key="budget", version=version, by=person, form=form)


def summed(application: Application) -> int:
    return BudgetYear.objects.filter(application=application).aggregate(total=Sum("requested"))["total"] or 0


def test_it_stores_the_total_when_the_budget_is_saved(draft, demo):
    years = forms.budget_years(draft)
    assert draft.requested_total == 0
    saved = save_budget(draft, demo.person("member"), 0, [300_000] * len(years))
    assert saved.application.requested_total == 300_000 * len(years)
    draft.refresh_from_db()
    assert draft.requested_total == summed(draft) == 300_000 * len(years)


def test_it_stores_the_new_total_when_the_budget_is_changed(draft, demo):
    years = forms.budget_years(draft)
    save_budget(draft, demo.person("member"), 0, [300_000] * len(years))
    save_budget(draft, demo.person("member"), 1, [100_000] * len(years))
    draft.refresh_from_db()
    assert draft.requested_total == summed(draft) == 100_000 * len(years)


def test_it_counts_a_year_emptied_as_nothing(draft, demo):
    years = forms.budget_years(draft)
    save_budget(draft, demo.person("member"), 0, [300_000] * len(years))
    save_budget(draft, demo.person("member"), 1, [200_000], years=years[:1])
    draft.refresh_from_db()
    assert draft.requested_total == summed(draft) == 200_000


def test_it_refuses_a_negative_total_in_the_database(draft):
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=draft.pk).update(requested_total=-1)


def test_the_demo_application_has_its_total(demo):
    (application,) = applications_through_services(demo, 1, states=(Status.SUBMITTED,))
    assert application.requested_total == summed(application) > 0


def inbox_titles(client, **query) -> list[str]:
    response = client.get(reverse("inbox:list"), query)
    assert response.status_code == 200
    return [application.title for application in response.context["inbox"].page.object_list]


def returned_with_budgets(demo, amounts: list[int]) -> list[Application]:
    """Applications returned for completion, each with its budget saved again by the group's
    leader through the budget section: ``amounts[i]`` requested each year."""
    built = applications_through_services(demo, len(amounts), states=(Status.RETURNED,))
    for application, amount in zip(built, amounts, strict=True):
        version = application.sections.get(key="budget").version
        save_budget(application, demo.person("leader"), version, [amount] * len(forms.budget_years(application)))
        application.refresh_from_db()
    return built


def test_the_inbox_filters_and_sorts_on_the_stored_total_as_on_the_budget_years(as_persona, demo):
    applications = returned_with_budgets(demo, [50_000, 350_000, 150_000])
    sums = {application.title: summed(application) for application in applications}
    assert {application.title: application.requested_total for application in applications} == sums
    client = as_persona("project_leader")

    low = min(sums.values()) + 1
    expected = sorted((t for t, total in sums.items() if total >= low), key=lambda t: (-sums[t], t))
    with CaptureQueriesContext(connection) as queries:
        titles = inbox_titles(client, status="returned", min_amount=low, sort="-requested")
    assert titles == expected
    # On the stored column: no sum of budget years per row.
    listing = [q["sql"] for q in queries.captured_queries if "applications_budgetyear" in q["sql"]]
    assert listing == []

    high = max(sums.values()) - 1
    assert inbox_titles(client, status="returned", max_amount=high, sort="requested") == sorted(
        (t for t, total in sums.items() if total <= high), key=lambda t: sums[t]
    )

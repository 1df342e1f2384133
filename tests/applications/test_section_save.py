"""Saving a section: partial drafts are kept, and a second editor never silently overwrites the first."""

import pytest

from applications import forms, services
from applications.models import Section, SectionState
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(demo):
    return services.application_create(
        call=demo.call(),
        working_group=demo.working_group("Uddevalla"),
        title="Läsfrämjande BVC",
        by=demo.person("member"),
    )


def save_purpose(draft, person, version, purpose, problem=""):
    form = forms.PurposeForm({"purpose": purpose, "problem": problem, "version": version}, instance=draft)
    assert form.is_valid(), form.errors
    return services.section_save(application=draft, key="purpose", version=version, by=person, form=form)


def test_it_saves_a_half_written_section_as_in_progress(draft, demo):
    saved = save_purpose(draft, demo.person("member"), 0, "Fler barn läser hemma.")
    assert saved.section.version == 1
    assert saved.section.state == SectionState.IN_PROGRESS
    draft.refresh_from_db()
    assert draft.purpose == "Fler barn läser hemma."


def test_it_marks_a_filled_section_complete(draft, demo):
    saved = save_purpose(draft, demo.person("member"), 0, "Fler barn läser hemma.", "Få barn har böcker hemma.")
    assert saved.section.state == SectionState.COMPLETE


def test_it_refuses_a_save_based_on_an_older_version(draft, demo):
    save_purpose(draft, demo.person("member"), 0, "Första versionen.")
    with pytest.raises(services.EditConflict) as conflict:
        save_purpose(draft, demo.person("leader"), 0, "Andra personens text.")
    assert conflict.value.section.version == 1
    assert conflict.value.section.updated_by == demo.person("member")
    draft.refresh_from_db()
    assert draft.purpose == "Första versionen."


def test_it_lets_the_second_editor_save_after_seeing_the_change(draft, demo):
    save_purpose(draft, demo.person("member"), 0, "Första versionen.")
    saved = save_purpose(draft, demo.person("leader"), 1, "Andra personens text, efter jämförelse.")
    assert saved.section.version == 2
    draft.refresh_from_db()
    assert draft.purpose == "Andra personens text, efter jämförelse."


def test_it_keeps_other_sections_apart(draft, demo):
    save_purpose(draft, demo.person("member"), 0, "Syftet.")
    form = forms.PeriodForm({"starts_on": "2027-05-01", "ends_on": "2029-04-30", "version": 0}, instance=draft)
    assert form.is_valid(), form.errors
    services.section_save(application=draft, key="period", version=0, by=demo.person("leader"), form=form)
    assert Section.objects.get(application=draft, key="period").version == 1


def test_it_refuses_text_with_a_personal_identity_number(draft):
    form = forms.PurposeForm({"purpose": "Gäller barnet 811218-9876.", "problem": "", "version": 0}, instance=draft)
    assert not form.is_valid()
    assert "personnummer" in form.errors["purpose"][0]


def test_it_refuses_an_outsider(demo):
    draft = ApplicationFactory(call=demo.call(), working_group=demo.working_group("Uddevalla"))
    form = forms.PurposeForm({"purpose": "x", "problem": "", "version": 0}, instance=draft)
    assert form.is_valid()
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.section_save(application=draft, key="purpose", version=0, by=demo.person("outsider"), form=form)


def test_it_saves_the_budget_with_co_financing(draft, demo):
    from applications.models import Partner
    from partnership.models import Unit

    partner = Partner.objects.create(
        application=draft, unit=Unit.objects.filter(organisation__principal="region").first(), role="BVC"
    )
    years = forms.budget_years(draft)
    data = {"version": 0}
    for year in years:
        data |= {f"cost_{year}": 400000, f"requested_{year}": 300000, f"cofinancing_{year}_{partner.pk}": 100000}
    form = forms.BudgetForm(data, application=draft)
    assert form.is_valid(), form.errors
    services.section_save(application=draft, key="budget", version=0, by=demo.person("member"), form=form)
    assert [(b.year, b.cost, b.requested) for b in draft.budget_years.all()] == [(y, 400000, 300000) for y in years]
    assert sum(c.amount for b in draft.budget_years.all() for c in b.co_financing.all()) == 100000 * len(years)


def test_it_refuses_a_requested_amount_above_the_cost(draft):
    year = forms.budget_years(draft)[0]
    form = forms.BudgetForm({"version": 0, f"cost_{year}": 100, f"requested_{year}": 200}, application=draft)
    assert not form.is_valid()
    assert form.errors[f"requested_{year}"] == [f"Det sökta beloppet för {year} är större än kostnaden."]


def test_it_totals_the_budget_while_typing():
    totals = forms.budget_totals(
        {
            "cost_2027": "1000",
            "requested_2027": "600",
            "cofinancing_2027_1": "300",
            "cost_2028": "1 000",
            "requested_2028": "x",
        },
        [2027, 2028],
        [1],
    )
    assert (totals["cost"], totals["requested"], totals["cofinancing"]) == (2000, 600, 300)
    assert [r["difference"] for r in totals["years"]] == [100, 1000]

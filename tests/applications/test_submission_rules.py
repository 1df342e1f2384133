"""Each submission rule, one by one, on an application that otherwise passes."""

import datetime

import pytest
from django.utils import timezone

from applications import submission
from applications.models import BudgetYear, CoFinancing, CriterionAnswer, DeadlineExtension, LogicModelRow
from tests.factories import complete_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(demo):
    return complete_application(demo.call(), demo.working_group("Uddevalla"), by=demo.person("leader"))


def messages(application, at=None):
    return [(p.section, p.field, p.message) for p in submission.problems(application, at)]


def test_it_accepts_a_complete_application(application):
    assert messages(application) == []


def test_it_needs_a_partner_from_the_region(application):
    application.partners.filter(unit__organisation__principal="region").delete()
    assert (
        "partners",
        "id_partners-0-unit",
        "Lägg till minst en samverkanspart från regionens hälso- och sjukvård.",
    ) in messages(application)


def test_it_needs_a_partner_from_the_municipality(application):
    application.partners.filter(unit__organisation__principal="municipality").delete()
    assert ("partners", "id_partners-0-unit", "Lägg till minst en samverkanspart från kommunen.") in messages(
        application
    )


def test_it_needs_each_partners_role(application):
    partner = application.partners.first()
    partner.role = " "
    partner.save()
    assert any(m[0] == "partners" and "vilken roll" in m[2] for m in messages(application))


def test_it_keeps_the_age_span_inside_the_calls(application):
    application.target_age_max = 15
    application.save()
    assert ("target_group", "id_target_age_max", "Utlysningen gäller barn 0–12 år; målgruppen är 1–15 år.") in messages(
        application
    )


def test_it_refuses_a_period_longer_than_the_calls_maximum(application):
    application.ends_on = application.starts_on.replace(year=application.starts_on.year + 3) + datetime.timedelta(
        days=1
    )
    application.save()
    last_day = application.starts_on.replace(year=application.starts_on.year + 3) - datetime.timedelta(days=1)
    latest = last_day.isoformat()
    assert (
        "period",
        "id_ends_on",
        f"Insatsen får vara högst 36 månader, alltså sluta senast {latest}; korta perioden.",
    ) in messages(application)


def test_it_accepts_exactly_36_months(application):
    application.ends_on = application.starts_on.replace(year=application.starts_on.year + 3) - datetime.timedelta(
        days=1
    )
    application.save()
    assert not any(m[0] == "period" for m in messages(application))


def test_it_refuses_a_start_before_the_run_decision(application):
    application.starts_on = application.call.run_meeting_on
    application.save()
    found = [m for m in messages(application) if m[1] == "id_starts_on"]
    assert found
    assert "tidigast dagen efter RUN:s beslut" in found[0][2]


def test_it_refuses_a_year_that_does_not_add_up(application):
    year = application.budget_years.first()
    year.cost = 600_000
    year.save()
    found = [m for m in messages(application) if m[0] == "budget"]
    assert found[0][1] == f"id_cost_{year.year}"
    assert "kostnaden är 600 000 kr men sökt belopp och medfinansiering är tillsammans 500 000 kr" in found[0][2]


def test_it_refuses_more_than_the_calls_budget(application):
    application.call.budget = 500_000
    application.call.save()
    found = [m for m in messages(application) if m[0] == "budget"]
    assert found
    assert "utlysningens hela budget är 500 000 kr" in found[0][2]


def test_it_needs_a_requested_amount(application):
    for budget_year in application.budget_years.all():
        CoFinancing.objects.filter(budget_year=budget_year).delete()
        BudgetYear.objects.filter(pk=budget_year.pk).update(cost=0, requested=0)
    assert any("Ange hur mycket ni söker" in m[2] for m in messages(application))


def test_it_needs_a_logic_model_row_with_indicator_on_every_level(application):
    LogicModelRow.objects.filter(application=application, level="outputs").update(indicator="")
    assert (
        "logic_model",
        "id_logic_rows-0-level",
        "Logikmodellen saknar en rad med indikator för ”Prestationer”.",
    ) in messages(application)


def test_it_needs_every_criterion_answered(application):
    CriterionAnswer.objects.filter(application=application, criterion="evidence").update(fulfilment="")
    CriterionAnswer.objects.filter(application=application, criterion="early").update(justification="")
    found = messages(application)
    assert ("criteria", "id_evidence_fulfilment", "Ta ställning till kriteriet ”Evidens”.") in found
    assert (
        "criteria",
        "id_early_justification",
        "Motivera er bedömning av kriteriet ”Tidigt i ålder eller i processer”.",
    ) in found


def test_it_needs_the_written_sections(application):
    application.purpose = ""
    application.evidence = "  "
    application.save()
    found = messages(application)
    assert ("purpose", "id_purpose", "Beskriv insatsens syfte.") in found
    assert ("content", "id_evidence", "Beskriv vilket stöd (evidens) metoden har.") in found


def test_it_refuses_a_submission_after_the_deadline(application):
    late = application.call.deadline + datetime.timedelta(minutes=1)
    found = messages(application, at=late)
    assert any("Sista dag för ansökan var" in m[2] and "Kontakta projektledaren" in m[2] for m in found)


def test_it_accepts_a_submission_at_the_deadline_minute(application):
    assert messages(application, at=application.call.deadline) == []


def test_it_honours_a_deadline_extended_for_the_group(application, demo):
    late = application.call.deadline + datetime.timedelta(days=2)
    DeadlineExtension.objects.create(
        call=application.call,
        working_group=application.working_group,
        deadline=late + datetime.timedelta(hours=1),
        reason="Sjukdom i gruppen",
        granted_by=demo.person("project_leader"),
    )
    assert messages(application, at=late) == []


def test_it_does_not_extend_the_deadline_for_other_groups(application, demo):
    late = application.call.deadline + datetime.timedelta(days=2)
    DeadlineExtension.objects.create(
        call=application.call,
        working_group=demo.working_group("Munkedal"),
        deadline=late + datetime.timedelta(hours=1),
        reason="Sjukdom",
        granted_by=demo.person("project_leader"),
    )
    assert messages(application, at=late) != []
    assert timezone.now() < application.call.deadline


# --- the call decides: calendar months, age span, budget with its acts -------------------


@pytest.mark.parametrize(
    ("starts_on", "months", "last_day"),
    [
        (datetime.date(2031, 1, 1), 36, datetime.date(2033, 12, 31)),
        (datetime.date(2031, 1, 31), 1, datetime.date(2031, 2, 27)),  # February is short
        (datetime.date(2032, 2, 29), 12, datetime.date(2033, 2, 27)),  # from a leap day
        (datetime.date(2031, 3, 31), 6, datetime.date(2031, 9, 29)),
    ],
)
def test_it_counts_calendar_months_exactly(application, starts_on, months, last_day):
    application.call.max_duration_months = months
    application.call.save()
    application.starts_on, application.ends_on = starts_on, last_day
    application.save()
    assert not [m for m in messages(application) if m[0] == "period"]

    application.ends_on = last_day + datetime.timedelta(days=1)
    application.save()
    assert (
        "period",
        "id_ends_on",
        f"Insatsen får vara högst {months} månader, alltså sluta senast {last_day.isoformat()}; korta perioden.",
    ) in messages(application)


def test_it_takes_the_age_span_only_from_the_call(application):
    application.call.target_age_min, application.call.target_age_max = 0, 29
    application.call.save()
    application.target_age_min, application.target_age_max = 16, 29
    application.save()  # no age is hard-coded in the database either

    assert not [m for m in messages(application) if m[0] == "target_group"]
    application.target_age_max = 30
    application.save()
    message = "Utlysningen gäller barn 0–29 år; målgruppen är 16–30 år."
    assert ("target_group", "id_target_age_max", message) in messages(application)


def test_it_checks_the_request_against_the_budget_with_its_recorded_acts(application, demo):
    from decisions import services as decision_services

    requested = sum(b.requested for b in application.budget_years.all())
    call = application.call
    call.budget = requested - 100_000
    call.save()
    assert any("Sänk det sökta beloppet" in m[2] for m in messages(application))

    decision_services.budget_adjust(
        call=call,
        amount=200_000,
        reason="RUN § 77: utökad ram.",
        decided_on=datetime.date(2026, 11, 23),
        by=demo.person("secretariat"),
    )
    assert not [m for m in messages(application) if m[0] == "budget"]

    decision_services.budget_adjust(
        call=call,
        amount=-150_000,
        reason="RUN § 80: minskad ram.",
        decided_on=datetime.date(2026, 11, 30),
        by=demo.person("secretariat"),
    )
    earmarked = f"{requested - 50_000:,}".replace(",", " ")
    assert any(f"utlysningens hela budget är {earmarked} kr" in m[2] for m in messages(application))

"""RUN's decisions, recorded by the secretariat: bifall with amounts per year, avslag and
återremiss with reasons; a recorded decision is never edited, only corrected by a new one."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from applications import workflow
from applications.models import Status
from decisions import services as decision_services
from decisions.models import Decision, GrantedYear
from tests.decisions.test_run import RECOMMENDED_PER_YEAR, forwarded_case, years_of

pytestmark = pytest.mark.django_db


def approve(demo, case, *, per_year=RECOMMENDED_PER_YEAR, paragraph="142", **kwargs):
    return decision_services.decision_record(
        case=case,
        outcome="approved",
        paragraph=paragraph,
        decided_on=case.run_meeting.held_on,
        granted=dict.fromkeys(years_of(case), per_year),
        by=demo.person("secretariat"),
        **kwargs,
    )


def correct(demo, decision, *, reason="Fel belopp för det sista året.", per_year=200_000, **kwargs):
    return decision_services.decision_correct(
        decision=decision,
        correction_reason=reason,
        paragraph=kwargs.pop("paragraph", decision.paragraph),
        decided_on=decision.decided_on,
        granted=dict.fromkeys(years_of(decision.case), per_year),
        by=demo.person("secretariat"),
        **kwargs,
    )


def form_data(case, outcome, **fields):
    data = {
        "outcome": outcome,
        "paragraph": "142",
        "decided_on": case.run_meeting.held_on.isoformat(),
        "conditions": "",
        "payment_schedule": "",
        "reasons": "",
    }
    data.update({f"year_{year}": str(RECOMMENDED_PER_YEAR) for year in years_of(case)})
    data.update(fields)
    return data


# --- the three outcomes --------------------------------------------------------------------


def test_it_approves_with_an_amount_per_year(demo):
    case = forwarded_case(demo)
    years = years_of(case)

    decision = approve(demo, case, conditions="Rapport varje år.", payment_schedule="En gång per år i januari.")

    case.application.refresh_from_db()
    assert case.application.status == Status.APPROVED
    assert (decision.outcome, decision.paragraph, decision.recorded_by) == (
        "approved",
        "142",
        demo.person("secretariat"),
    )
    assert decision.conditions == "Rapport varje år."
    assert decision.payment_schedule == "En gång per år i januari."
    assert {(g.year, g.amount) for g in GrantedYear.objects.filter(decision=decision)} == {
        (year, RECOMMENDED_PER_YEAR) for year in years
    }
    event = case.application.events.get(transition="approve")
    assert (event.from_status, event.to_status, event.actor) == (Status.AT_RUN, Status.APPROVED, decision.recorded_by)
    assert event.message.startswith("Bifall § 142")
    assert "750 000 kr" in event.message
    assert f"{years[0]}: 250 000 kr" in event.message


def test_it_rejects_with_reasons(demo):
    case = forwarded_case(demo)

    decision = decision_services.decision_record(
        case=case,
        outcome="rejected",
        paragraph="143",
        decided_on=case.run_meeting.held_on,
        reasons="Insatsen saknar medfinansiering från kommunen.",
        by=demo.person("secretariat"),
    )

    case.application.refresh_from_db()
    assert case.application.status == Status.REJECTED
    assert decision.outcome == "rejected"
    assert not decision.granted_years.exists()
    event = case.application.events.get(transition="reject")
    assert (event.from_status, event.to_status) == (Status.AT_RUN, Status.REJECTED)
    assert event.message == "Insatsen saknar medfinansiering från kommunen."


def test_it_refers_back_to_the_project_leader(demo):
    case = forwarded_case(demo)

    decision_services.decision_record(
        case=case,
        outcome="referred_back",
        paragraph="144",
        decided_on=case.run_meeting.held_on,
        reasons="Förtydliga hur insatsen blir ordinarie verksamhet.",
        by=demo.person("secretariat"),
    )

    application = case.application
    application.refresh_from_db()
    assert application.status == Status.REFERRED_BACK
    assert Decision.objects.get(case=case).outcome == "referred_back"
    event = application.events.get(transition="refer_back")
    assert event.message == "Förtydliga hur insatsen blir ordinarie verksamhet."
    project_leader = demo.person("project_leader")
    assert workflow.can(project_leader, application, "put_on_agenda")
    assert workflow.can(project_leader, application, "request_completion")


@pytest.mark.parametrize("outcome", ["rejected", "referred_back"])
def test_it_requires_reasons_for_avslag_and_aterremiss(demo, outcome):
    case = forwarded_case(demo)
    with pytest.raises(decision_services.DecisionRefused) as refused:
        decision_services.decision_record(
            case=case,
            outcome=outcome,
            paragraph="145",
            decided_on=case.run_meeting.held_on,
            reasons="  ",
            by=demo.person("secretariat"),
        )
    assert refused.value.message == "Ett avslag eller en återremiss ska ha skäl."
    case.application.refresh_from_db()
    assert case.application.status == Status.AT_RUN
    assert not Decision.objects.exists()


@pytest.mark.parametrize("outcome", ["rejected", "referred_back"])
def test_the_form_requires_reasons_for_avslag_and_aterremiss(as_persona, demo, outcome):
    case = forwarded_case(demo)
    response = as_persona("secretariat").post(reverse("run:decide", args=[case.pk]), form_data(case, outcome))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in html
    assert "Ett avslag eller en återremiss ska ha skäl." in html
    assert not Decision.objects.exists()


def test_it_refuses_more_than_recommended_for_a_year(demo):
    case = forwarded_case(demo)
    year = years_of(case)[0]
    with pytest.raises(decision_services.DecisionRefused) as refused:
        decision_services.decision_record(
            case=case,
            outcome="approved",
            paragraph="146",
            decided_on=case.run_meeting.held_on,
            granted={year: RECOMMENDED_PER_YEAR + 1},
            by=demo.person("secretariat"),
        )
    assert refused.value.message == f"Högst 250 000 kr kan beviljas för {year}."
    assert not Decision.objects.exists()


def test_it_refuses_more_than_requested_when_no_years_were_recommended(demo):
    case = forwarded_case(demo, per_year=None)
    year = years_of(case)[0]
    with pytest.raises(decision_services.DecisionRefused) as refused:
        decision_services.decision_record(
            case=case,
            outcome="approved",
            paragraph="147",
            decided_on=case.run_meeting.held_on,
            granted={year: 300_001},
            by=demo.person("secretariat"),
        )
    assert refused.value.message == f"Högst 300 000 kr kan beviljas för {year}."
    decision = decision_services.decision_record(
        case=case,
        outcome="approved",
        paragraph="147",
        decided_on=case.run_meeting.held_on,
        granted={year: 300_000},
        by=demo.person("secretariat"),
    )
    assert decision.granted_years.get().amount == 300_000


def test_the_form_refuses_more_than_recommended(as_persona, demo):
    case = forwarded_case(demo)
    year = years_of(case)[-1]
    response = as_persona("secretariat").post(
        reverse("run:decide", args=[case.pk]), form_data(case, "approved", **{f"year_{year}": "260000"})
    )
    assert f"Högst 250 000 kr kan beviljas för {year}." in response.content.decode()
    assert not Decision.objects.exists()


def test_it_requires_an_amount_for_an_approval(demo):
    case = forwarded_case(demo)
    with pytest.raises(decision_services.DecisionRefused, match=r"Ange beviljat belopp för minst ett år\."):
        approve(demo, case, per_year=0)


def test_it_records_a_decision_only_once(demo):
    case = forwarded_case(demo)
    approve(demo, case)
    with pytest.raises(workflow.TransitionNotAllowed):
        approve(demo, case)
    assert Decision.objects.count() == 1


def test_it_prefills_the_form_with_the_recommended_amounts(as_persona, demo):
    case = forwarded_case(demo)
    response = as_persona("secretariat").get(reverse("run:decide", args=[case.pk]))
    form = response.context["form"]
    assert {name: form[name].value() for name in form.fields if name.startswith("year_")} == {
        f"year_{year}": RECOMMENDED_PER_YEAR for year in years_of(case)
    }
    assert form["decided_on"].value() == case.run_meeting.held_on
    assert form["conditions"].value() == "Insatsen följs upp efter ett år."


def test_it_records_a_decision_through_the_page(as_persona, demo):
    case = forwarded_case(demo)
    response = as_persona("secretariat").post(
        reverse("run:decide", args=[case.pk]), form_data(case, "approved", conditions="Rapport varje år.")
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.granted_years.count() == len(years_of(case))
    assert decision.conditions == "Rapport varje år."


@pytest.mark.parametrize(("persona", "status"), [("project_leader", 403), ("koncernkontoret", 403)])
def test_it_lets_only_the_secretariat_record_readers_get_403(as_persona, demo, persona, status):
    case = forwarded_case(demo)
    client = as_persona(persona)
    assert client.get(reverse("run:decide", args=[case.pk])).status_code == status
    assert client.post(reverse("run:decide", args=[case.pk]), form_data(case, "approved")).status_code == status
    assert not Decision.objects.exists()


@pytest.mark.parametrize("persona", ["steering_chair", "leader", "outsider"])
def test_it_lets_only_the_secretariat_record_others_get_404(as_persona, demo, persona):
    case = forwarded_case(demo)
    client = as_persona(persona)
    assert client.post(reverse("run:decide", args=[case.pk]), form_data(case, "approved")).status_code == 404
    assert not Decision.objects.exists()


@pytest.mark.parametrize("persona", ["project_leader", "steering_chair", "leader"])
def test_the_service_refuses_anyone_but_the_secretariat(demo, persona):
    case = forwarded_case(demo)
    with pytest.raises(PermissionDenied):
        decision_services.decision_record(
            case=case,
            outcome="approved",
            paragraph="1",
            decided_on=case.run_meeting.held_on,
            granted={years_of(case)[0]: 1},
            by=demo.person(persona),
        )


# --- corrections ---------------------------------------------------------------------------


def test_it_corrects_with_a_new_decision_and_keeps_the_original(demo):
    case = forwarded_case(demo)
    original = approve(demo, case)

    correction = correct(demo, original, conditions="Rapport varje halvår.")

    original.refresh_from_db()
    assert correction.corrects == original
    assert correction.correction_reason == "Fel belopp för det sista året."
    assert correction.outcome == "approved"
    assert not original.is_current
    assert correction.is_current
    assert {g.amount for g in original.granted_years.all()} == {RECOMMENDED_PER_YEAR}
    assert {g.amount for g in correction.granted_years.all()} == {200_000}
    case.application.refresh_from_db()
    assert case.application.status == Status.APPROVED


def test_it_writes_the_correction_on_the_timeline(demo):
    case = forwarded_case(demo)
    correct(demo, approve(demo, case))
    event = case.application.events.get(kind="correction")
    assert (event.transition, event.from_status, event.to_status) == ("", "", "")
    case.application.refresh_from_db()
    assert case.application.status == Status.APPROVED
    assert event.message.startswith("Rättelse av beslut § 142: Fel belopp för det sista året.")
    assert event.actor == demo.person("secretariat")


def test_it_requires_a_reason_for_a_correction(demo):
    case = forwarded_case(demo)
    original = approve(demo, case)
    with pytest.raises(decision_services.DecisionRefused, match=r"Skriv varför beslutet rättas\."):
        correct(demo, original, reason=" ")
    assert Decision.objects.count() == 1


def test_the_correction_form_requires_a_reason(as_persona, demo):
    case = forwarded_case(demo)
    original = approve(demo, case)
    data = form_data(case, "approved", correction_reason="")
    response = as_persona("secretariat").post(reverse("run:correct", args=[original.pk]), data)
    assert "Skriv varför beslutet rättas." in response.content.decode()
    assert Decision.objects.count() == 1


def test_a_second_correction_corrects_the_latest(demo):
    case = forwarded_case(demo)
    original = approve(demo, case)
    first = correct(demo, original)

    with pytest.raises(decision_services.DecisionRefused, match="Beslutet är redan rättat"):
        correct(demo, original, reason="Igen")
    second = correct(demo, first, reason="Fel paragraf.", paragraph="150")

    assert second.corrects == first
    assert [d.is_current for d in Decision.objects.order_by("pk")] == [False, False, True]
    assert case.application.events.filter(kind="correction").count() == 2


def test_it_refuses_a_correction_that_changes_the_outcome(demo):
    case = forwarded_case(demo)
    original = approve(demo, case)
    with pytest.raises(decision_services.DecisionRefused) as refused:
        correct(demo, original, outcome="rejected", reasons="Ångrat.")
    assert refused.value.message == (
        "En rättelse kan inte ändra beslutet från bifall till avslag. Ett nytt beslut kräver ett nytt ärende till RUN."
    )
    assert Decision.objects.count() == 1


def test_it_corrects_the_reasons_of_a_rejection(demo):
    case = forwarded_case(demo)
    original = decision_services.decision_record(
        case=case,
        outcome="rejected",
        paragraph="151",
        decided_on=case.run_meeting.held_on,
        reasons="Fel skäl.",
        by=demo.person("secretariat"),
    )
    with pytest.raises(decision_services.DecisionRefused, match="ska ha skäl"):
        decision_services.decision_correct(
            decision=original,
            correction_reason="Skälen var fel återgivna.",
            paragraph="151",
            decided_on=original.decided_on,
            by=demo.person("secretariat"),
        )
    correction = decision_services.decision_correct(
        decision=original,
        correction_reason="Skälen var fel återgivna.",
        paragraph="151",
        decided_on=original.decided_on,
        reasons="Rätt skäl.",
        by=demo.person("secretariat"),
    )
    assert correction.reasons == "Rätt skäl."
    assert not correction.granted_years.exists()


def test_it_shows_the_original_as_corrected_on_the_case_page(as_persona, demo):
    case = forwarded_case(demo)
    original = approve(demo, case)
    correction = correct(demo, original, paragraph="152")

    response = as_persona("secretariat").get(reverse("run:case_detail", args=[case.pk]))

    html = response.content.decode()
    assert "Rättat – se rättelsen § 152" in html
    assert "Fel belopp för det sista året." in html
    assert reverse("run:correct", args=[correction.pk]) in html
    assert reverse("run:correct", args=[original.pk]) not in html


def test_it_corrects_through_the_page(as_persona, demo):
    case = forwarded_case(demo)
    original = approve(demo, case)
    client = as_persona("secretariat")
    page = client.get(reverse("run:correct", args=[original.pk]))
    assert page.context["form"]["paragraph"].value() == "142"

    data = form_data(case, "approved", correction_reason="Skrivfel i beloppet.")
    data.update({f"year_{year}": "100000" for year in years_of(case)})
    response = client.post(reverse("run:correct", args=[original.pk]), data)

    assert response.status_code == 302
    correction = Decision.objects.get(corrects=original)
    assert {g.amount for g in correction.granted_years.all()} == {100_000}


@pytest.mark.parametrize(("persona", "status"), [("project_leader", 403), ("steering_chair", 404), ("leader", 404)])
def test_it_lets_only_the_secretariat_correct(as_persona, demo, persona, status):
    case = forwarded_case(demo)
    original = approve(demo, case)
    data = form_data(case, "approved", correction_reason="x")
    assert as_persona(persona).post(reverse("run:correct", args=[original.pk]), data).status_code == status
    assert Decision.objects.count() == 1

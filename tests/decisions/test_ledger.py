"""The budget ledger: per call and year, what was requested, recommended and granted, and
what remains of the earmarked budget. An approval beyond what remains is refused; the
secretariat raises (or lowers) the budget as its own recorded act."""

import datetime
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications import services
from applications.models import Application, BudgetYear, Status
from decisions import ledger as budget_ledger
from decisions import services as decision_services
from decisions.models import BudgetAdjustment, Decision
from partnership.models import Call, Membership, MembershipRole
from tests.decisions.test_decisions import approve, correct
from tests.decisions.test_run import (
    RECOMMENDED_PER_YEAR,
    forwarded_case,
    recommend_again,
    recommended_application,
    run_meeting,
    years_of,
)
from tests.factories import accepted_application, complete_application, signed_again

pytestmark = pytest.mark.django_db


def set_budget(call: Call, amount: int) -> None:
    """The call's budget, set after the applications were submitted (their request is checked against it)."""
    Call.objects.filter(pk=call.pk).update(budget=amount)


def leader_of(demo, municipality: str):
    return Membership.objects.get(body=demo.working_group(municipality), role=MembershipRole.LEADER).person


def ledger_of(call: Call) -> budget_ledger.CallLedger:
    return budget_ledger.ledger(Call.objects.filter(pk=call.pk))[0]


def raise_budget(demo, call, amount, reason="RUN beslutade att utöka ramen.", **kwargs):
    return decision_services.budget_adjust(
        call=call,
        amount=amount,
        reason=reason,
        decided_on=kwargs.pop("decided_on", datetime.date(2026, 11, 23)),
        by=demo.person("secretariat"),
    )


# --- the budget check ----------------------------------------------------------------------


def test_it_refuses_an_approval_beyond_the_remaining_budget_and_names_the_shortfall(demo):
    call = demo.call()
    case = forwarded_case(demo)
    set_budget(call, 450_000)  # the approval asks for 750 000 kr

    with pytest.raises(decision_services.DecisionRefused) as refused:
        approve(demo, case)

    assert refused.value.message == (
        "Det återstår 450 000 kr av utlysningens budget; beslutet skulle överskrida den med 300 000 kr."
    )
    case.application.refresh_from_db()
    assert case.application.status == Status.AT_RUN
    assert not Decision.objects.exists()


def test_it_counts_what_is_already_granted(demo):
    call = demo.call()
    set_budget(call, 1_200_000)
    approve(demo, forwarded_case(demo, title="Först"))
    second = forwarded_case(demo, title="Sedan", municipality="Munkedal")

    with pytest.raises(decision_services.DecisionRefused) as refused:
        approve(demo, second)

    assert refused.value.message == (
        "Det återstår 450 000 kr av utlysningens budget; beslutet skulle överskrida den med 300 000 kr."
    )


def test_it_shows_the_refusal_on_the_form(as_persona, demo):
    case = forwarded_case(demo)
    set_budget(demo.call(), 450_000)
    data = {
        "outcome": "approved",
        "paragraph": "160",
        "run_reference": "RUN 2026-00160",
        "decided_on": case.run_meeting.held_on.isoformat(),
        "chair_name": "Birgitta Lund",
        "minutes_posted_on": case.run_meeting.held_on.isoformat(),
        **{f"year_{year}": str(RECOMMENDED_PER_YEAR) for year in years_of(case)},
    }
    response = as_persona("secretariat").post(reverse("run:decide", args=[case.pk]), data)
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert "beslutet skulle överskrida den med 300 000 kr." in html


def test_it_allows_the_approval_after_the_budget_is_raised(demo):
    call = demo.call()
    case = forwarded_case(demo)
    set_budget(call, 450_000)
    with pytest.raises(decision_services.DecisionRefused):
        approve(demo, case)

    adjustment = raise_budget(demo, call, 300_000)
    decision = approve(demo, case)

    assert adjustment.recorded_by == demo.person("secretariat")
    assert decision.outcome == "approved"
    assert ledger_of(call).remaining == 0


def test_a_correction_may_use_what_the_corrected_decision_held(demo):
    call = demo.call()
    case = forwarded_case(demo)
    set_budget(call, 750_000)
    original = approve(demo, case)
    correction = correct(demo, original, per_year=RECOMMENDED_PER_YEAR)  # same amount: the old one is released
    assert correction.corrects == original
    assert ledger_of(call).granted == 750_000


def test_rejections_do_not_need_budget(demo):
    case = forwarded_case(demo)
    set_budget(demo.call(), 0)
    decision_services.decision_record(
        case=case,
        outcome="rejected",
        paragraph="161",
        decided_on=case.run_meeting.held_on,
        reasons="Ingen budget.",
        by=demo.person("secretariat"),
    )
    assert Decision.objects.get().outcome == "rejected"


# --- budget acts ---------------------------------------------------------------------------


def test_it_lowers_the_budget_but_not_below_what_is_granted(demo):
    call = demo.call()
    set_budget(call, 1_000_000)
    approve(demo, forwarded_case(demo))

    with pytest.raises(decision_services.DecisionRefused) as refused:
        raise_budget(demo, call, -300_000, reason="Neddragning.")
    raise_budget(demo, call, -250_000, reason="Neddragning.")

    assert "Det återstår 250 000 kr av utlysningens budget" in refused.value.message
    assert ledger_of(call).earmarked == 750_000
    assert ledger_of(call).remaining == 0


def test_it_requires_a_reason_and_a_date_for_a_budget_act(as_persona, demo):
    call = demo.call()
    response = as_persona("secretariat").post(reverse("run:adjust_budget", args=[call.pk]), {"amount": "500000"})
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert "Skriv skälet till ändringen." in html
    assert "Ange beslutsdatum." in html
    assert not BudgetAdjustment.objects.exists()


def test_it_refuses_a_zero_adjustment(as_persona, demo):
    call = demo.call()
    response = as_persona("secretariat").post(
        reverse("run:adjust_budget", args=[call.pk]), {"amount": "0", "decided_on": "2026-11-23", "reason": "Inget."}
    )
    assert "Ändringen kan inte vara 0 kr." in response.content.decode()


def test_it_records_a_budget_act_through_the_page_and_lists_it(as_persona, demo):
    call = demo.call()
    client = as_persona("secretariat")
    response = client.post(
        reverse("run:adjust_budget", args=[call.pk]),
        {"amount": "1500000", "decided_on": "2026-11-23", "reason": "RUN § 77: utökad ram för spår 2."},
    )
    assert response.status_code == 302
    html = client.get(reverse("run:ledger")).content.decode()
    assert "RUN § 77: utökad ram för spår 2." in html
    assert "2026-11-23" in html
    assert "10 500 000 kr" in html  # 9 000 000 kr + 1 500 000 kr
    assert "Henrik Wallin" in html


@pytest.mark.parametrize(("persona", "status"), [("project_leader", 403), ("koncernkontoret", 403), ("leader", 404)])
def test_it_lets_only_the_secretariat_change_the_budget(as_persona, demo, persona, status):
    call = demo.call()
    response = as_persona(persona).post(
        reverse("run:adjust_budget", args=[call.pk]), {"amount": "1", "decided_on": "2026-11-23", "reason": "x"}
    )
    assert response.status_code == status
    assert not BudgetAdjustment.objects.exists()


# --- the figures ---------------------------------------------------------------------------


def test_it_sums_requested_recommended_and_granted_per_year(demo):
    call = demo.call()
    approved_case = forwarded_case(demo, title="Beviljad")
    years = years_of(approved_case)
    original = approve(demo, approved_case)
    correct(demo, original, per_year=200_000)  # only the correction counts
    recommended_application(demo, title="Tillstyrkt, inte skickad", municipality="Munkedal", per_year=100_000)
    # Registered, not recommended: requested only.
    registered = complete_application(call, demo.working_group("Munkedal"), title="Inskickad")
    registered.budget_years.exclude(year=years[0]).delete()
    registered.budget_years.update(requested=80_000, cost=280_000)  # the partners give 200 000 kr
    registered = signed_again(registered)
    services.application_submit(application=registered, by=leader_of(demo, "Munkedal"))
    # Neither a draft nor a withdrawn application counts.
    draft = Application.objects.create(call=call, working_group=demo.working_group("Uddevalla"), title="Utkast")
    BudgetYear.objects.create(application=draft, year=years[0], cost=999_000, requested=999_000)
    withdrawn = accepted_application(demo, title="Återtagen")
    services.application_withdraw(application=withdrawn, by=demo.person("leader"), message="Vi avstår i år.")

    entry = ledger_of(call)

    by_year = {row.year: row for row in entry.years}
    assert sorted(by_year) == years
    assert by_year[years[0]].requested == 300_000 + 300_000 + 80_000
    assert by_year[years[1]].requested == 600_000
    assert all(by_year[y].recommended == RECOMMENDED_PER_YEAR + 100_000 for y in years)
    assert all(by_year[y].granted == 200_000 for y in years)
    assert entry.earmarked == 9_000_000
    assert entry.granted == 200_000 * len(years)
    assert entry.remaining == 9_000_000 - 200_000 * len(years)


def test_it_counts_a_re_recommended_application_once(demo):
    application = recommended_application(demo, days_ago=60, per_year=100_000)
    recommend_again(demo, application, per_year=150_000)

    entry = ledger_of(demo.call())

    assert {row.recommended for row in entry.years} == {150_000}


def test_it_shows_the_ledger_to_those_who_follow_the_budget(as_persona, demo):
    approve(demo, forwarded_case(demo))
    for persona in ["secretariat", "project_leader", "koncernkontoret", "steering_member"]:
        html = as_persona(persona).get(reverse("run:ledger")).content.decode()
        assert "8 250 000 kr" in html, persona
        assert ("Ändra budgeten för" in html) == (persona == "secretariat")
    assert as_persona("leader").get(reverse("run:ledger")).status_code == 403


def test_it_renders_the_ledger_in_a_constant_number_of_queries(as_persona, demo):
    client = as_persona("koncernkontoret")
    url = reverse("run:ledger")
    approve(demo, forwarded_case(demo, title="Först"))
    raise_budget(demo, demo.call(), 100_000)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    meeting = run_meeting()
    for number in range(8):
        case = forwarded_case(demo, meeting, title=f"Insats {number}", municipality="Munkedal")
        if number % 2:
            approve(demo, case, per_year=10_000, paragraph=str(300 + number))
        services.application_submit(
            application=complete_application(demo.call(), demo.working_group("Uddevalla"), title=f"Ny {number}"),
            by=leader_of(demo, "Uddevalla"),
        )
    raise_budget(demo, demo.call(), 200_000)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.context["ledgers"][0].granted > 0
    assert len(small) == len(large), [q["sql"] for q in large.captured_queries]


# --- two approvals at once (PostgreSQL: row locks) -----------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_lets_only_one_of_two_simultaneous_approvals_through(demo):
    call = demo.call()
    set_budget(call, 1_000_000)  # room for one approval of 750 000 kr, not two
    meeting = run_meeting()
    cases = [
        forwarded_case(demo, meeting, title="Samtidig A"),
        forwarded_case(demo, meeting, title="Samtidig B", municipality="Munkedal"),
    ]
    start = threading.Barrier(2)
    decided, refused = [], []

    def decide(case):
        try:
            start.wait()
            decided.append(approve(demo, case))
        except decision_services.DecisionRefused as error:
            refused.append(error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(case,)) for case in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(decided) == 1
    assert refused == ["Det återstår 250 000 kr av utlysningens budget; beslutet skulle överskrida den med 500 000 kr."]
    assert ledger_of(call).granted == 750_000

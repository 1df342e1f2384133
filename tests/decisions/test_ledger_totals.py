"""The budget ledger's running totals: kept by the services that change what the ledger shows
(a registered budget, a submission, a withdrawal, a recommendation, an approval, a correction),
equal after each act to the same figures summed from the records, read by the ledger in three
queries whatever the number of applications, checked (and repaired) by ``ledger_check``."""

import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from applications import forms, services
from applications.models import Section, Status
from decisions import ledger as budget_ledger
from decisions import services as decision_services
from decisions import totals
from decisions.models import LedgerTotal
from partnership.models import Membership, MembershipRole
from reviews.models import VoteChoice
from tests.applications.test_requested_total import save_budget
from tests.decisions.test_decisions import approve, correct
from tests.decisions.test_run import (
    RECOMMENDED_PER_YEAR,
    forwarded_case,
    hold_meeting,
    recommend_again,
    recommended_application,
    run_meeting,
    years_of,
)
from tests.factories import applications_through_services, complete_application, group_leader
from tests.reviews.test_meetings import meeting_with

pytestmark = pytest.mark.django_db


def assert_totals_agree() -> None:
    assert totals.stored() == budget_ledger.recomputed()


def stored_of(call, column: str) -> dict[int, int]:
    return {row.year: getattr(row, column) for row in LedgerTotal.objects.filter(call=call) if getattr(row, column)}


def leader_of(demo, municipality: str):
    return Membership.objects.get(body=demo.working_group(municipality), role=MembershipRole.LEADER).person


def budget_version(application) -> int:
    return Section.objects.get(application=application, key="budget").version


# --- requested ---------------------------------------------------------------------------------


def test_it_leaves_a_draft_out(demo):
    complete_application(demo.call(), demo.working_group("Uddevalla"), title="Utkast")
    assert not LedgerTotal.objects.exists()
    assert_totals_agree()


def test_it_adds_the_request_when_the_application_is_submitted(demo):
    (application,) = applications_through_services(demo, 1, states=(Status.SUBMITTED,))
    assert stored_of(demo.call(), "requested") == dict(application.budget_years.values_list("year", "requested"))
    assert_totals_agree()


def test_it_follows_the_budget_the_group_completes(demo):
    (application,) = applications_through_services(demo, 1, states=(Status.RETURNED,))
    years = forms.budget_years(application)

    save_budget(application, leader_of(demo, "Uddevalla"), budget_version(application), [100_000] * len(years))
    assert stored_of(demo.call(), "requested") == dict.fromkeys(years, 100_000)
    save_budget(application, leader_of(demo, "Uddevalla"), budget_version(application), [50_000], years=years[:1])

    assert stored_of(demo.call(), "requested") == {years[0]: 50_000}
    assert_totals_agree()


def test_it_takes_a_withdrawn_request_away(demo):
    built = applications_through_services(demo, 2, states=(Status.SUBMITTED, Status.WITHDRAWN))
    (kept,) = [application for application in built if application.status == Status.SUBMITTED]
    assert stored_of(demo.call(), "requested") == dict(kept.budget_years.values_list("year", "requested"))
    assert_totals_agree()


# --- recommended -------------------------------------------------------------------------------


def test_it_adds_the_recommendation_and_replaces_it_when_recommended_again(demo):
    application = recommended_application(demo, days_ago=60, per_year=100_000)
    years = sorted(application.budget_years.values_list("year", flat=True))
    assert stored_of(demo.call(), "recommended") == dict.fromkeys(years, 100_000)

    recommend_again(demo, application, per_year=150_000)

    assert stored_of(demo.call(), "recommended") == dict.fromkeys(years, 150_000)
    assert_totals_agree()


def test_it_keeps_the_earlier_recommendation_when_the_next_meeting_does_not_recommend(demo):
    application = recommended_application(demo, days_ago=60, per_year=100_000)
    case = decision_services.case_forward(
        application=application, run_meeting=run_meeting(), by=demo.person("project_leader")
    )
    decision_services.decision_record(
        case=case,
        outcome="referred_back",
        paragraph="12",
        decided_on=case.run_meeting.held_on,
        reasons="Styrgruppen behöver pröva den nya kartläggningen.",
        by=demo.person("secretariat"),
    )
    application.refresh_from_db()
    hold_meeting(meeting_with(demo, application), choice=VoteChoice.NOT_RECOMMEND)

    years = sorted(application.budget_years.values_list("year", flat=True))
    assert stored_of(demo.call(), "recommended") == dict.fromkeys(years, 100_000)
    assert_totals_agree()


def test_it_takes_a_withdrawn_recommendation_away(demo):
    application = recommended_application(demo)
    services.application_withdraw(application=application, by=leader_of(demo, "Uddevalla"), message="Vi avstår.")
    assert stored_of(demo.call(), "recommended") == {}
    assert stored_of(demo.call(), "requested") == {}
    assert_totals_agree()


# --- granted -------------------------------------------------------------------------------------


def test_it_adds_an_approval_and_replaces_it_with_its_correction(demo):
    case = forwarded_case(demo)
    years = years_of(case)
    original = approve(demo, case)
    assert stored_of(demo.call(), "granted") == dict.fromkeys(years, RECOMMENDED_PER_YEAR)

    correct(demo, original, per_year=200_000)

    assert stored_of(demo.call(), "granted") == dict.fromkeys(years, 200_000)
    assert budget_ledger.granted_total(demo.call()) == 200_000 * len(years)
    assert_totals_agree()


def test_a_rejection_grants_nothing(demo):
    case = forwarded_case(demo)
    decision_services.decision_record(
        case=case,
        outcome="rejected",
        paragraph="161",
        decided_on=case.run_meeting.held_on,
        reasons="Ryms inte.",
        by=demo.person("secretariat"),
    )
    assert stored_of(demo.call(), "granted") == {}
    assert_totals_agree()


def test_they_agree_with_the_records_after_every_kind_of_act(demo):
    applications_through_services(
        demo,
        6,
        states=(Status.SUBMITTED, Status.RETURNED, Status.WITHDRAWN, Status.COMPLETE, Status.RECOMMENDED),
        municipalities=("Uddevalla", "Munkedal"),
    )
    approve(demo, forwarded_case(demo, title="Beviljad", municipality="Munkedal"))
    assert_totals_agree()


# --- the ledger reads them ---------------------------------------------------------------------


def test_the_ledger_reads_the_totals_in_three_queries_whatever_the_number_of_applications(
    demo, django_assert_num_queries
):
    approve(demo, forwarded_case(demo))
    with django_assert_num_queries(3):
        small = budget_ledger.ledger()
    applications_through_services(demo, 8, states=(Status.SUBMITTED, Status.RECOMMENDED), first=10)
    with django_assert_num_queries(3):
        large = budget_ledger.ledger()
    assert large[0].requested > small[0].requested


# --- the operator's check --------------------------------------------------------------------


def test_the_check_reports_agreement(demo, capsys):
    approve(demo, forwarded_case(demo))
    call_command("ledger_check")
    assert "The running totals agree with the records" in capsys.readouterr().out


def test_the_check_names_a_difference_and_the_repair_mends_it(demo, capsys):
    approve(demo, forwarded_case(demo))
    row = LedgerTotal.objects.filter(call=demo.call()).order_by("year").first()
    LedgerTotal.objects.filter(pk=row.pk).update(granted=1)

    with pytest.raises(CommandError, match="1 running totals differ"):
        call_command("ledger_check")
    assert f"call {demo.call().pk}, {row.year}, granted: stored 1, recomputed {RECOMMENDED_PER_YEAR}" in (
        capsys.readouterr().err
    )
    call_command("ledger_check", "--repair")
    assert_totals_agree()


# --- two acts at once (PostgreSQL: row locks) --------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_budgets_saved_at_once_both_count(demo):
    first, second = applications_through_services(
        demo, 2, states=(Status.RETURNED,), municipalities=("Uddevalla", "Munkedal")
    )
    years = forms.budget_years(first)
    start = threading.Barrier(2)
    failures = []

    def save(application, amount):
        try:
            start.wait()
            leader = group_leader(application.working_group)
            save_budget(application, leader, budget_version(application), [amount] * len(years))
        except Exception as error:  # noqa: BLE001 - the assertion below names it
            failures.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(first, 100_000)),
        threading.Thread(target=save, args=(second, 200_000)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    assert stored_of(demo.call(), "requested") == dict.fromkeys(years, 300_000)
    assert_totals_agree()


# --- the migration fills them ------------------------------------------------------------------


@pytest.mark.migrations
@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_totals_from_the_records(demo):
    approve(demo, forwarded_case(demo))
    applications_through_services(demo, 3, states=(Status.SUBMITTED, Status.WITHDRAWN, Status.RETURNED), first=10)
    expected = budget_ledger.recomputed()
    assert expected

    executor = MigrationExecutor(connection)
    executor.migrate([("decisions", "0002_run_reference_chair_and_notice_board_date")])
    MigrationExecutor(connection).migrate(MigrationLoader(connection).graph.leaf_nodes())

    assert totals.stored() == expected

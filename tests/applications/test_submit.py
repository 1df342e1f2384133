"""Submitting: the diarienummer, the frozen version, the timeline, and who may."""

import pytest
from django.utils import timezone

from applications import services, workflow
from applications.models import Event, Status
from decisions import services as decision_services
from tests.decisions.test_run import forwarded_case
from tests.factories import complete_application, signed_again

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(demo):
    return complete_application(demo.call(), demo.working_group("Uddevalla"), by=demo.person("leader"))


def test_it_gives_a_reference_number_and_freezes_the_application(application, demo):
    submitted = services.application_submit(application=application, by=demo.person("leader"))
    year = timezone.localdate().year
    assert submitted.reference_number == f"SIM {year}/0001"
    assert submitted.status == Status.SUBMITTED
    assert submitted.submitted_at is not None
    assert submitted.snapshots.count() == 1
    assert submitted.snapshots.get().data["basics"]["Insatsens namn"] == "Språkstöd i förskolan"
    assert not demo.person("leader").has_perm("applications.change_application", submitted)
    event = Event.objects.get(application=submitted)
    assert (event.actor, event.from_status, event.to_status) == (demo.person("leader"), "draft", "submitted")


def test_it_numbers_submissions_one_after_another(demo):
    leader = demo.person("leader")
    numbers = [
        services.application_submit(
            application=complete_application(demo.call(), demo.working_group("Uddevalla"), title=f"Insats {i}"),
            by=leader,
        ).reference_number
        for i in range(3)
    ]
    year = timezone.localdate().year
    assert numbers == [f"SIM {year}/0001", f"SIM {year}/0002", f"SIM {year}/0003"]


def test_it_starts_the_numbers_again_each_year(demo):
    assert services.next_reference_number(2026) == "SIM 2026/0001"
    assert services.next_reference_number(2026) == "SIM 2026/0002"
    assert services.next_reference_number(2027) == "SIM 2027/0001"


def test_it_refuses_a_member_who_is_not_the_leader(application, demo):
    with pytest.raises(workflow.TransitionNotAllowed):
        services.application_submit(application=application, by=demo.person("member"))
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert application.reference_number is None


def test_it_refuses_an_incomplete_application_and_keeps_the_draft(application, demo):
    application.purpose = ""
    application.save()
    with pytest.raises(services.SubmissionRefused) as refused:
        services.application_submit(application=application, by=demo.person("leader"))
    # The principals signed the application with its purpose: they are asked to sign again too.
    assert [p.field for p in refused.value.problems] == ["id_purpose", "signatory-region", "signatory-municipality"]
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert application.reference_number is None


def test_it_gives_back_no_number_when_a_submission_is_refused(application, demo):
    application.purpose = ""
    application.save()
    with pytest.raises(services.SubmissionRefused):
        services.application_submit(application=application, by=demo.person("leader"))
    other = complete_application(demo.call(), demo.working_group("Uddevalla"), title="Nästa")
    assert services.application_submit(application=other, by=demo.person("leader")).reference_number.endswith("/0001")


def test_it_returns_for_completion_and_takes_the_resubmission(application, demo):
    leader, project_leader = demo.person("leader"), demo.person("project_leader")
    services.application_submit(application=application, by=leader)
    with pytest.raises(workflow.TransitionNotAllowed):
        services.application_request_completion(application=application, by=project_leader, message=" ")
    services.application_request_completion(
        application=application, by=project_leader, message="Komplettera budgeten för 2028."
    )
    application.refresh_from_db()
    assert application.status == Status.RETURNED
    assert leader.has_perm("applications.change_application", application)
    assert application.messages.get().body == "Komplettera budgeten för 2028."
    application.purpose = "Ett tydligare syfte."
    application.save()
    # The completion is signed again before it goes back.
    application = signed_again(application)
    resubmitted = services.application_submit(application=application, by=leader)
    assert resubmitted.status == Status.SUBMITTED
    assert resubmitted.reference_number.endswith("/0001")  # the same number as before
    assert resubmitted.snapshots.count() == 2
    from applications.selectors import changes_since_return

    changed = changes_since_return(resubmitted)
    assert [(c.label, c.before, c.after) for c in changed] == [
        ("Syfte", "Fler barn ska ha ett åldersadekvat språk när de börjar skolan.", "Ett tydligare syfte.")
    ]


def test_it_accepts_a_submitted_application_as_complete(application, demo):
    services.application_submit(application=application, by=demo.person("leader"))
    services.application_accept(application=application, by=demo.person("project_leader"))
    application.refresh_from_db()
    assert application.status == Status.COMPLETE
    assert [e.transition for e in application.events.all()] == ["submit", "accept"]


def test_it_lets_the_group_withdraw_before_a_decision(application, demo):
    services.application_submit(application=application, by=demo.person("leader"))
    services.application_withdraw(application=application, by=demo.person("leader"), message="Vi väntar ett år.")
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    assert application.events.last().message == "Vi väntar ett år."


def test_it_refuses_to_withdraw_a_decided_application(demo):
    case = forwarded_case(demo)
    decision_services.decision_record(
        case=case,
        outcome="rejected",
        paragraph="12",
        decided_on=case.run_meeting.held_on,
        reasons="Ryms inte i utlysningen.",
        by=demo.person("secretariat"),
    )
    application = case.application
    application.refresh_from_db()
    assert application.status == Status.REJECTED
    with pytest.raises(workflow.TransitionNotAllowed):
        services.application_withdraw(application=application, by=demo.person("leader"), message="För sent")


def test_it_changes_the_state_through_the_one_transition_function(application, demo, monkeypatch):
    made = []
    transition_apply = services.transition_apply

    def spy(**kwargs):
        made.append(kwargs["name"])
        return transition_apply(**kwargs)

    monkeypatch.setattr(services, "transition_apply", spy)

    services.application_submit(application=application, by=demo.person("leader"))

    assert made == ["submit"]
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.reference_number
    assert [(e.transition, e.from_status, e.to_status) for e in application.events.all()] == [
        ("submit", Status.DRAFT, Status.SUBMITTED)
    ]

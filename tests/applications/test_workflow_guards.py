"""Every transition, tried by every role: only the one the workflow names may make it."""

import pytest

from applications import services, workflow
from applications.models import Application, Status
from decisions import services as decision_services
from tests.conftest import PERSONAS
from tests.decisions.test_run import forwarded_case, recommended_application, years_of
from tests.factories import complete_application
from tests.reviews.test_meetings import meeting_with

pytestmark = pytest.mark.django_db

# transition -> (the state it is tried from, the personas who may make it)
WHO_MAY = {
    "submit": (Status.DRAFT, {"leader"}),
    "resubmit": (Status.RETURNED, {"leader"}),
    "request_completion": (Status.SUBMITTED, {"project_leader"}),
    "accept": (Status.SUBMITTED, {"project_leader"}),
    "withdraw": (Status.SUBMITTED, {"leader"}),
    "put_on_agenda": (Status.COMPLETE, {"project_leader"}),
    "take_off_agenda": (Status.ON_AGENDA, {"project_leader"}),
    "recommend": (Status.ON_AGENDA, {"steering_chair"}),
    "not_recommend": (Status.ON_AGENDA, {"steering_chair"}),
    "return_from_meeting": (Status.ON_AGENDA, {"steering_chair"}),
    "forward_to_run": (Status.RECOMMENDED, {"project_leader"}),
    "approve": (Status.AT_RUN, {"secretariat"}),
    "reject": (Status.AT_RUN, {"secretariat"}),
    "refer_back": (Status.AT_RUN, {"secretariat"}),
    "take_back_from_run": (Status.AT_RUN, {"secretariat"}),
}


def application_in(demo, state: str) -> Application:
    """Uddevalla's application brought to ``state`` through the services, as people do."""
    leader, project_leader = demo.person("leader"), demo.person("project_leader")
    if state in (Status.RECOMMENDED, Status.AT_RUN, Status.APPROVED):
        if state == Status.RECOMMENDED:
            return recommended_application(demo)
        case = forwarded_case(demo)
        if state == Status.APPROVED:
            decision_services.decision_record(
                case=case,
                outcome="approved",
                paragraph="12",
                decided_on=case.run_meeting.held_on,
                granted=dict.fromkeys(years_of(case), 100_000),
                by=demo.person("secretariat"),
            )
        case.application.refresh_from_db()
        return case.application
    application = complete_application(demo.call(), demo.working_group("Uddevalla"), by=leader)
    if state == Status.DRAFT:
        return application
    services.application_submit(application=application, by=leader)
    if state == Status.RETURNED:
        services.application_request_completion(application=application, by=project_leader, message="Komplettera.")
    elif state in (Status.COMPLETE, Status.ON_AGENDA):
        services.application_accept(application=application, by=project_leader)
        if state == Status.ON_AGENDA:
            meeting_with(demo, application)
    application.refresh_from_db()
    return application


def test_it_has_a_guard_for_every_transition():
    assert set(WHO_MAY) == set(workflow.TRANSITIONS)


@pytest.mark.parametrize("name", sorted(WHO_MAY))
@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_it_lets_only_the_named_role_make_each_transition(demo, name, persona):
    state, allowed = WHO_MAY[name]
    application = application_in(demo, state)
    assert application.status == state
    assert workflow.can(demo.person(persona), application, name) == (persona in allowed)


@pytest.mark.parametrize("name", sorted(WHO_MAY))
def test_it_refuses_each_transition_from_a_wrong_state(demo, name):
    application = application_in(demo, Status.APPROVED)
    with pytest.raises(workflow.TransitionNotAllowed) as refused:
        workflow.check(demo.person(WHO_MAY[name][1].copy().pop()), application, name)
    assert "Beviljad" in refused.value.message

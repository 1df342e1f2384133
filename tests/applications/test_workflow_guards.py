"""Every transition, tried by every role: only the one the workflow names may make it."""

import pytest
from django.utils import timezone

from applications import workflow
from applications.models import Status
from tests.conftest import PERSONAS
from tests.factories import AgendaItemFactory, MeetingFactory, complete_application

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


def test_it_has_a_guard_for_every_transition():
    assert set(WHO_MAY) == set(workflow.TRANSITIONS)


@pytest.mark.parametrize("name", sorted(WHO_MAY))
@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_it_lets_only_the_named_role_make_each_transition(demo, name, persona):
    state, allowed = WHO_MAY[name]
    application = complete_application(demo.call(), demo.working_group("Uddevalla"))
    if state != Status.DRAFT:
        type(application).objects.filter(pk=application.pk).update(
            status=state, reference_number="SIM 2026/0099", submitted_at=application.created_at
        )
        application.refresh_from_db()
    if state == Status.ON_AGENDA:
        meeting = MeetingFactory(steering_group=demo.steering_group(), published_at=timezone.now())
        AgendaItemFactory(meeting=meeting, application=application)
    assert workflow.can(demo.person(persona), application, name) == (persona in allowed)


@pytest.mark.parametrize("name", sorted(WHO_MAY))
def test_it_refuses_each_transition_from_a_wrong_state(demo, name):
    application = complete_application(demo.call(), demo.working_group("Uddevalla"))
    type(application).objects.filter(pk=application.pk).update(
        status=Status.APPROVED, reference_number="SIM 2026/0098", submitted_at=application.created_at
    )
    application.refresh_from_db()
    with pytest.raises(workflow.TransitionNotAllowed) as refused:
        workflow.check(demo.person(WHO_MAY[name][1].copy().pop()), application, name)
    assert "Beviljad" in refused.value.message

"""Moving and cancelling a RUN meeting on the portal's pages, through the services.

The secretariat moves or cancels a RUN meeting until RUN has decided one of its cases;
cancelling takes the applications back to the steering group's recommendation.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from applications.models import Event, Status
from decisions import selectors as decision_selectors
from decisions import services as decision_services
from decisions.models import RunCase
from notifications.models import Notification
from outbox.models import OutboxMessage
from tests.decisions.test_run import forwarded_case, run_meeting
from tests.reviews.test_meeting_edit import deliver

pytestmark = pytest.mark.django_db


def test_it_lets_the_secretariat_move_a_run_meeting(as_persona, demo):
    case = forwarded_case(demo)
    meeting = case.run_meeting
    day = meeting.held_on + datetime.timedelta(days=7)

    response = as_persona("secretariat").post(
        reverse("run:meeting_edit", args=[meeting.pk]), {"held_on": day.isoformat(), "place": "Residenset, Vänersborg"}
    )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.held_on, meeting.place) == (day, "Residenset, Vänersborg")
    assert RunCase.objects.get(pk=case.pk).run_meeting == meeting


def test_it_refuses_a_day_when_run_already_meets(as_persona, demo):
    meeting = run_meeting(days=30)
    other = run_meeting(days=40)

    response = as_persona("secretariat").post(
        reverse("run:meeting_edit", args=[meeting.pk]), {"held_on": other.held_on.isoformat(), "place": ""}
    )

    assert "RUN har redan ett sammanträde" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.held_on != other.held_on


def test_it_cancels_a_run_meeting_and_takes_its_cases_back_to_the_recommendation(
    as_persona, demo, django_capture_on_commit_callbacks
):
    case = forwarded_case(demo)

    with django_capture_on_commit_callbacks(execute=True):
        response = as_persona("secretariat").post(
            reverse("run:meeting_cancel", args=[case.run_meeting_id]), {"reason": "Nämnden sammanträder inte."}
        )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.run_meeting.is_cancelled
    application = case.application
    application.refresh_from_db()
    assert application.status == Status.RECOMMENDED
    assert Event.objects.filter(application=application, transition="take_back_from_run").exists()
    # The project leader is told to forward it again, and can: to another meeting, not the cancelled one.
    message = OutboxMessage.objects.get(payload__event="taken_back_from_run")
    deliver(message)
    assert Notification.objects.filter(event="taken_back_from_run", recipient=demo.person("project_leader")).exists()
    assert case.run_meeting not in decision_selectors.upcoming_run_meetings()
    with pytest.raises(decision_services.DecisionRefused, match="inställt"):
        decision_services.case_forward(
            application=application, run_meeting=case.run_meeting, by=demo.person("project_leader")
        )
    again = decision_services.case_forward(
        application=application, run_meeting=run_meeting(days=60), by=demo.person("project_leader")
    )
    application.refresh_from_db()
    assert again.run_meeting != case.run_meeting
    assert application.status == Status.AT_RUN
    # The decision is recorded on the new case, never on the cancelled meeting's.
    old_case = as_persona("secretariat").get(reverse("run:case_detail", args=[case.pk])).content.decode()
    assert reverse("run:decide", args=[case.pk]) not in old_case
    new_case = as_persona("secretariat").get(reverse("run:case_detail", args=[again.pk])).content.decode()
    assert reverse("run:decide", args=[again.pk]) in new_case


def test_it_refuses_to_change_a_run_meeting_once_a_case_is_decided(as_persona, demo):
    case = forwarded_case(demo)
    decision_services.decision_record(
        case=case,
        outcome="rejected",
        paragraph="12",
        decided_on=case.run_meeting.held_on,
        reasons="Ryms inte.",
        by=demo.person("secretariat"),
    )
    meeting = case.run_meeting
    client = as_persona("secretariat")

    edit = client.post(reverse("run:meeting_edit", args=[meeting.pk]), {"held_on": "2027-01-10", "place": ""})
    cancel = client.post(reverse("run:meeting_cancel", args=[meeting.pk]), {"reason": "Fel."})

    assert edit.status_code == cancel.status_code == 200
    assert "RUN har redan beslutat" in cancel.content.decode()
    meeting.refresh_from_db()
    assert meeting.held_on != datetime.date(2027, 1, 10)
    assert not meeting.is_cancelled


@pytest.mark.parametrize("name", ["run:meeting_edit", "run:meeting_cancel"])
@pytest.mark.parametrize(
    # Koncernkontoret reads RUN's meetings but keeps none; to the others a RUN meeting with none
    # of their cases is not theirs to see at all.
    ("persona", "status"),
    [("project_leader", 404), ("koncernkontoret", 403), ("steering_member", 404)],
)
def test_it_lets_only_the_secretariat_edit_or_cancel_a_run_meeting(as_persona, demo, name, persona, status):
    meeting = run_meeting()

    response = as_persona(persona).post(
        reverse(name, args=[meeting.pk]), {"held_on": "2027-02-01", "place": "", "reason": "x"}
    )

    assert response.status_code == status
    meeting.refresh_from_db()
    assert not meeting.is_cancelled

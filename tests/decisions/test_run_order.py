"""RUN follows the law's order.

A withdrawn application closes its RUN case as withdrawn; an application goes to RUN only
after the minutes that recommended it are approved, and only to a RUN meeting not yet held;
RUN's decision is dated on its meeting's day and never in the future; a correction is an event
of its own kind. Every state is reached through the services.
"""

import datetime

import pytest
import time_machine
from django.urls import reverse

from applications import services, workflow
from applications.models import EventKind, Status
from decisions import letters
from decisions import services as decision_services
from tests.decisions.test_run import forwarded_case, recommended_application, run_meeting
from tests.reviews.test_order import approve_minutes, local

pytestmark = pytest.mark.django_db


# --- withdrawal ------------------------------------------------------------------------------


def test_it_closes_the_run_case_of_a_withdrawn_application(demo, as_persona):
    case = forwarded_case(demo)

    services.application_withdraw(application=case.application, by=demo.person("leader"), message="Vi avstår.")

    case.refresh_from_db()
    assert case.is_withdrawn
    assert case.withdrawn_by == demo.person("leader")
    assert case.application.events.filter(kind=EventKind.CASE_CLOSED).count() == 1
    with pytest.raises(workflow.TransitionNotAllowed):
        decision_services.decision_record(
            case=case,
            outcome="rejected",
            paragraph="7",
            decided_on=case.run_meeting.held_on,
            reasons="Ansökan är återtagen.",
            by=demo.person("secretariat"),
        )
    page = as_persona("secretariat").get(reverse("run:meeting_detail", args=[case.run_meeting_id])).content.decode()
    assert "Ärendet är avslutat utan beslut." in page
    assert reverse("run:decide", args=[case.pk]) not in page


# --- the order of the law -------------------------------------------------------------------


def test_it_forwards_to_run_only_after_the_recommending_minutes_are_approved(demo, as_persona):
    application = recommended_application(demo, approve_minutes=False)
    item = application.agenda_items.get()
    client = as_persona("project_leader")
    page = client.get(reverse("run:meeting_list")).content.decode()
    assert "kan skickas till RUN när styrgruppens protokoll är justerat" in page
    assert reverse("run:forward", args=[application.pk]) not in page

    with pytest.raises(
        decision_services.DecisionRefused, match=f"först när protokollet från styrgruppsmötet {item.meeting.day}"
    ):
        decision_services.case_forward(
            application=application, run_meeting=run_meeting(), by=demo.person("project_leader")
        )
    application.refresh_from_db()
    assert application.status == Status.RECOMMENDED

    approve_minutes(item.meeting)
    assert reverse("run:forward", args=[application.pk]) in client.get(reverse("run:meeting_list")).content.decode()
    case = decision_services.case_forward(
        application=application, run_meeting=run_meeting(), by=demo.person("project_leader")
    )
    assert case.agenda_item == item


def test_it_does_not_forward_to_a_run_meeting_already_held(demo):
    application = recommended_application(demo)

    with pytest.raises(decision_services.DecisionRefused, match="har redan hållits"):
        decision_services.case_forward(
            application=application, run_meeting=run_meeting(days=-1), by=demo.person("project_leader")
        )


def test_it_records_a_decision_dated_on_the_run_meeting_day_and_never_in_the_future(demo):
    meeting = run_meeting(days=14)
    case = forwarded_case(demo, meeting)
    day = meeting.held_on

    def decide(on: datetime.date):
        return decision_services.decision_record(
            case=case,
            outcome="rejected",
            paragraph="31",
            decided_on=on,
            reasons="Ryms inte i utlysningens inriktning.",
            by=demo.person("secretariat"),
        )

    with pytest.raises(
        decision_services.DecisionRefused, match=f"RUN sammanträder {day}. Beslutet kan registreras från den dagen"
    ):
        decide(day)
    with time_machine.travel(local(day + datetime.timedelta(days=2), 10)):
        with pytest.raises(decision_services.DecisionRefused, match="i framtiden"):
            decide(day + datetime.timedelta(days=3))
        with pytest.raises(decision_services.DecisionRefused, match=f"ska vara dagen för RUN:s sammanträde, {day}"):
            decide(day - datetime.timedelta(days=1))
        decision = decide(day)
        context = letters.letter_context(decision)
    assert decision.decided_on == day
    assert context["letter_date"] == day + datetime.timedelta(days=2)  # the day it was sent


def test_a_correction_is_an_event_of_its_own_kind(demo, as_persona):
    case = forwarded_case(demo)
    secretariat = demo.person("secretariat")
    decision = decision_services.decision_record(
        case=case,
        outcome="rejected",
        paragraph="31",
        decided_on=case.run_meeting.held_on,
        reasons="Ryms inte.",
        by=secretariat,
    )

    decision_services.decision_correct(
        decision=decision,
        correction_reason="Fel paragraf.",
        paragraph="32",
        decided_on=case.run_meeting.held_on,
        reasons="Ryms inte.",
        by=secretariat,
    )

    event = case.application.events.get(kind=EventKind.CORRECTION)
    assert (event.transition, event.from_status, event.to_status) == ("", "", "")
    assert "Rättelse av beslut § 31: Fel paragraf." in event.message
    assert "correct_decision" not in workflow.TRANSITIONS
    page = as_persona("leader").get(reverse("applications:detail", args=[case.application_id])).content.decode()
    assert "rättade RUN:s beslut" in page

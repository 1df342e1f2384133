"""Editing and cancelling a steering-group meeting on the portal's pages, through the
services: what people used the admin for, without going around the workflow.

The project leader of its partnership changes the time, place or link freely before the
agenda is published, and with a notification to the steering group after; cancelling takes
every application on the agenda back to *komplett* through the workflow. Nothing changes once
the minutes are approved. RUN meetings: tests/decisions/test_run_meeting_edit.py.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from applications.models import Event, Status
from notifications.models import Notification
from outbox.models import OutboxMessage
from outbox.tasks import outbox_process
from partnership.models import Body, BodyKind, Membership, MembershipRole, Partnership
from reviews import services as meetings
from reviews.minutes import MinutesError
from reviews.models import ItemOutcome, Meeting
from reviews.services import minutes_approve, minutes_prepare
from tests.factories import UserFactory, accepted_application
from tests.reviews.test_meetings import meeting_with

pytestmark = pytest.mark.django_db


def later(days: int = 14, hour: int = 13) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def edit_data(when: datetime.datetime, place: str = "Kommunhuset, Uddevalla", video_link: str = "") -> dict:
    local = timezone.localtime(when)
    return {"date": local.date().isoformat(), "time": local.strftime("%H:%M"), "place": place, "video_link": video_link}


@pytest.fixture
def published_meeting(demo) -> Meeting:
    return meeting_with(demo, accepted_application(demo))


@pytest.fixture
def other_project_leader(demo, published_meeting):
    """The project leader of another partnership, with a steering group of its own (made after
    Fyrbodal's meeting: the demo's helpers expect one steering group)."""
    fyrbodal = demo.steering_group().partnership
    other = Partnership.objects.create(
        name="SIM spår 2 Skaraborg",
        short_name="Skaraborg",
        region=fyrbodal.region,
        project_owner=fyrbodal.project_owner,
    )
    group = Body.objects.create(kind=BodyKind.STEERING_GROUP, name="Styrgrupp SIM spår 2 Skaraborg", partnership=other)
    person = UserFactory(username="projektledare-skaraborg", first_name="Sara", last_name="Berg")
    Membership.objects.create(
        person=person, body=group, role=MembershipRole.PROJECT_LEADER, starts_on=datetime.date(2026, 1, 1)
    )
    return person


def events_of(meeting: Meeting) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(key__contains="meeting_").filter(payload__meeting=meeting.pk))


def deliver(message: OutboxMessage) -> None:
    outbox_process(message.pk)


# --- editing a steering-group meeting ----------------------------------------------------------


def test_it_lets_the_project_leader_change_an_unpublished_meeting_without_telling_anyone(as_persona, demo):
    meeting = meeting_with(demo, accepted_application(demo), published=False)
    when = later(days=20, hour=9)

    response = as_persona("project_leader").post(
        reverse("reviews:meeting_edit", args=[meeting.pk]),
        edit_data(when, place="", video_link="https://meet.vgregion.se/styrgrupp"),
    )

    assert response.status_code == 302
    assert response.url == reverse("reviews:meeting_detail", args=[meeting.pk])
    meeting.refresh_from_db()
    assert meeting.starts_at == when
    assert meeting.place == ""
    assert meeting.video_link == "https://meet.vgregion.se/styrgrupp"
    assert events_of(meeting) == []


def test_it_tells_the_steering_group_when_a_published_meeting_changes(
    as_persona, demo, django_capture_on_commit_callbacks
):
    meeting = meeting_with(demo, accepted_application(demo))
    was = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M")
    when = later(days=21, hour=10)

    with django_capture_on_commit_callbacks(execute=True):
        response = as_persona("project_leader").post(
            reverse("reviews:meeting_edit", args=[meeting.pk]), edit_data(when, place="Kommunhuset, Uddevalla")
        )

    assert response.status_code == 302
    [message] = events_of(meeting)
    assert message.payload["event"] == "meeting_changed"
    deliver(message)
    told = Notification.objects.filter(event="meeting_changed")
    recipients = set(told.values_list("recipient__username", flat=True))
    assert {"styrgrupp", "styrgrupp-ordf", "koncernkontoret"} <= recipients
    assert "projektledare" not in recipients  # the one who changed it is not told
    body = told.first().body
    assert timezone.localtime(when).strftime("%Y-%m-%d %H:%M") in body
    assert "Kommunhuset, Uddevalla" in body
    assert was in body


def test_it_changes_nothing_and_tells_nobody_when_nothing_changed(demo):
    meeting = meeting_with(demo, accepted_application(demo))

    meetings.meeting_update(
        meeting=meeting,
        starts_at=meeting.starts_at,
        place=meeting.place,
        video_link=meeting.video_link,
        by=demo.person("project_leader"),
    )

    assert events_of(meeting) == []


def test_it_asks_for_a_place_or_a_link_and_keeps_what_was_typed(as_persona, demo):
    meeting = meeting_with(demo, accepted_application(demo), published=False)

    response = as_persona("project_leader").post(
        reverse("reviews:meeting_edit", args=[meeting.pk]), {"date": "", "time": "14:30", "place": "", "video_link": ""}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in html
    assert "Ange mötets datum, till exempel 2026-11-23." in html
    assert "Ange plats eller videolänk." in html
    assert 'value="14:30"' in html


def test_it_refuses_a_new_time_in_the_past(as_persona, demo):
    meeting = meeting_with(demo, accepted_application(demo))
    before = meeting.starts_at

    response = as_persona("project_leader").post(
        reverse("reviews:meeting_edit", args=[meeting.pk]), edit_data(timezone.now() - datetime.timedelta(days=2))
    )

    assert "Mötet måste ligga framåt i tiden. Välj ett senare datum." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.starts_at == before


def test_it_refuses_every_change_once_the_minutes_are_approved(as_persona, demo, locked_meeting):
    before = (locked_meeting.starts_at, locked_meeting.place)
    client = as_persona("project_leader")

    edit = client.post(reverse("reviews:meeting_edit", args=[locked_meeting.pk]), edit_data(later(), place="Annan"))
    cancel = client.post(reverse("reviews:meeting_cancel", args=[locked_meeting.pk]), {"reason": "Fel möte."})
    page = client.get(reverse("reviews:meeting_edit", args=[locked_meeting.pk])).content.decode()

    assert edit.status_code == cancel.status_code == 200
    assert "Mötets protokoll är justerat och låst." in page
    assert 'name="place"' not in page
    locked_meeting.refresh_from_db()
    assert (locked_meeting.starts_at, locked_meeting.place) == before
    assert locked_meeting.cancelled_at is None
    with pytest.raises(meetings.MeetingRefused, match="justerat och låst"):
        meetings.meeting_cancel(meeting=locked_meeting, reason="Fel möte.", by=demo.person("project_leader"))


@pytest.fixture
def locked_meeting(demo) -> Meeting:
    from tests.reviews.test_minutes import build_meeting

    meeting = build_meeting(demo)
    minutes = minutes_prepare(
        meeting=meeting, adjuster=demo.person("steering_member"), by=demo.person("project_leader")
    )
    minutes_approve(minutes=minutes, by=demo.person("steering_chair"))
    minutes_approve(minutes=minutes, by=demo.person("steering_member"))
    return meeting


def test_it_keeps_the_time_of_a_meeting_that_has_been_held(demo):
    from tests.reviews.test_minutes import build_meeting

    meeting = build_meeting(demo)  # held yesterday, items closed, minutes not yet approved

    with pytest.raises(meetings.MeetingRefused, match="tiden kan inte ändras"):
        meetings.meeting_update(
            meeting=meeting, starts_at=later(), place=meeting.place, by=demo.person("project_leader")
        )
    meetings.meeting_update(
        meeting=meeting, starts_at=meeting.starts_at, place="Sal 3, Vänerparken", by=demo.person("project_leader")
    )
    meeting.refresh_from_db()
    assert meeting.place == "Sal 3, Vänerparken"


def test_it_keeps_the_time_of_a_meeting_that_has_opened(demo):
    """Once the meeting has opened its voters are frozen from that day's memberships: moving it
    to another day would count the wrong people."""
    meeting = meeting_with(demo, accepted_application(demo))
    meetings.attendance_record(meeting=meeting, present=[], by=demo.person("steering_chair"))
    meeting.refresh_from_db()
    assert meeting.opened_at is not None

    with pytest.raises(meetings.MeetingRefused, match="röstberättigade ledamöter är fastställda"):
        meetings.meeting_update(
            meeting=meeting, starts_at=later(), place=meeting.place, by=demo.person("project_leader")
        )
    meeting.refresh_from_db()
    assert meeting.starts_at < later()


# --- cancelling a steering-group meeting --------------------------------------------------------


def test_it_cancels_a_published_meeting_and_returns_its_applications_through_the_workflow(
    as_persona, demo, django_capture_on_commit_callbacks
):
    first = accepted_application(demo, "Uddevalla", title="Språkstöd i förskolan")
    second = accepted_application(demo, "Munkedal", title="Läsfrämjande i årskurs 1–3")
    meeting = meeting_with(demo, first, second)

    with django_capture_on_commit_callbacks(execute=True):
        response = as_persona("project_leader").post(
            reverse("reviews:meeting_cancel", args=[meeting.pk]), {"reason": "För få ledamöter kan komma."}
        )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.is_cancelled
    assert meeting.cancellation_reason == "För få ledamöter kan komma."
    for application in (first, second):
        application.refresh_from_db()
        assert application.status == Status.COMPLETE
        event = Event.objects.filter(application=application, transition="take_off_agenda").get()
        assert "ställdes in: För få ledamöter kan komma." in event.message
    # The agenda stays on record, every item closed: nothing is left open.
    assert list(meeting.items.values_list("outcome", flat=True)) == [ItemOutcome.DROPPED, ItemOutcome.DROPPED]
    assert not meeting.items.filter(closed_at__isnull=True).exists()
    [message] = events_of(meeting)
    assert message.payload["event"] == "meeting_cancelled"
    deliver(message)
    told = Notification.objects.get(event="meeting_cancelled", recipient=demo.person("steering_member"))
    assert "För få ledamöter kan komma." in told.body
    page = as_persona("steering_member").get(reverse("reviews:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Mötet är inställt" in page


def test_it_lets_a_cancelled_meetings_application_go_on_another_agenda(demo):
    application = accepted_application(demo)
    cancelled = meeting_with(demo, application)
    meetings.meeting_cancel(meeting=cancelled, reason="Flyttas.", by=demo.person("project_leader"))

    again = meeting_with(demo, application)

    application.refresh_from_db()
    assert application.status == Status.ON_AGENDA
    assert again.items.get().application == application


def test_it_closes_a_cancelled_meetings_applications_to_the_steering_group(as_persona, demo):
    application = accepted_application(demo, "Munkedal")  # not the group her NSV appointed
    cancelled = meeting_with(demo, application)
    page = reverse("applications:detail", args=[application.pk])
    assert as_persona("steering_member").get(page).status_code == 200

    meetings.meeting_cancel(meeting=cancelled, reason="Flyttas.", by=demo.person("project_leader"))

    assert as_persona("steering_member").get(page).status_code == 404
    assert as_persona("project_leader").get(page).status_code == 200
    meeting_with(demo, application)
    assert as_persona("steering_member").get(page).status_code == 200


def test_it_refuses_to_change_a_cancelled_meeting(demo):
    meeting = meeting_with(demo, accepted_application(demo), published=False)
    meetings.meeting_cancel(meeting=meeting, reason="Dubbelbokat.", by=demo.person("project_leader"))
    meeting.refresh_from_db()

    with pytest.raises(meetings.MeetingRefused, match="inställt"):
        meetings.meeting_update(meeting=meeting, starts_at=later(), place="Annan", by=demo.person("project_leader"))
    with pytest.raises(meetings.MeetingRefused, match="inställt"):
        meetings.agenda_add(
            meeting=meeting, application=accepted_application(demo, "Munkedal"), by=demo.person("project_leader")
        )
    assert events_of(meeting) == []  # it was never published: nobody is told


def test_it_refuses_to_cancel_a_meeting_that_has_dealt_with_an_item(demo):
    from tests.reviews.test_minutes import build_meeting

    meeting = build_meeting(demo)

    with pytest.raises(meetings.MeetingRefused, match="redan behandlat"):
        meetings.meeting_cancel(meeting=meeting, reason="Fel.", by=demo.person("project_leader"))
    assert not Meeting.objects.get(pk=meeting.pk).is_cancelled


def test_it_asks_why_the_meeting_is_cancelled(as_persona, demo):
    meeting = meeting_with(demo, accepted_application(demo))

    response = as_persona("project_leader").post(reverse("reviews:meeting_cancel", args=[meeting.pk]), {"reason": " "})

    assert "Skriv varför mötet ställs in." in response.content.decode()
    assert not Meeting.objects.get(pk=meeting.pk).is_cancelled


# --- who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["reviews:meeting_edit", "reviews:meeting_cancel"])
def test_it_gives_404_to_the_project_leader_of_another_partnership(
    client, published_meeting, other_project_leader, name
):
    meeting = published_meeting
    client.force_login(other_project_leader)

    assert client.get(reverse(name, args=[meeting.pk])).status_code == 404
    assert client.post(reverse(name, args=[meeting.pk]), {"reason": "x", **edit_data(later())}).status_code == 404
    assert not Meeting.objects.get(pk=meeting.pk).is_cancelled
    with pytest.raises(PermissionDenied):
        meetings.meeting_cancel(meeting=meeting, reason="x", by=other_project_leader)


@pytest.mark.parametrize("name", ["reviews:meeting_edit", "reviews:meeting_cancel"])
@pytest.mark.parametrize(("persona", "status"), [("steering_chair", 403), ("steering_member", 403), ("leader", 404)])
def test_it_lets_only_the_project_leader_edit_or_cancel(as_persona, demo, name, persona, status):
    meeting = meeting_with(demo, accepted_application(demo))

    response = as_persona(persona).post(reverse(name, args=[meeting.pk]), {"reason": "x", **edit_data(later())})

    assert response.status_code == status
    assert not Meeting.objects.get(pk=meeting.pk).is_cancelled


@pytest.mark.parametrize("name", ["reviews:meeting_edit", "reviews:meeting_cancel"])
def test_it_sends_anonymous_visitors_to_log_in(client, demo, name):
    meeting = meeting_with(demo, accepted_application(demo))

    response = client.get(reverse(name, args=[meeting.pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_records_no_attendance_and_no_minutes_for_a_cancelled_meeting(as_persona, demo):
    meeting = meeting_with(demo, accepted_application(demo))
    meetings.meeting_cancel(meeting=meeting, reason="Inställt.", by=demo.person("project_leader"))
    meeting.refresh_from_db()

    with pytest.raises(meetings.MeetingRefused, match="inställt"):
        meetings.attendance_record(meeting=meeting, present=[], by=demo.person("steering_chair"))
    with pytest.raises(MinutesError, match="inställt"):
        minutes_prepare(meeting=meeting, adjuster=demo.person("steering_member"), by=demo.person("project_leader"))
    page = as_persona("project_leader").get(reverse("reviews:meeting_detail", args=[meeting.pk])).content.decode()
    assert reverse("reviews:attendance", args=[meeting.pk]) not in page
    assert reverse("minutes:detail", args=[meeting.pk]) not in page

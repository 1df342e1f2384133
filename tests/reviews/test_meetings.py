"""Steering-group meetings: scheduling, building and publishing the agenda, attendance,
returning an item, and who sees which meeting."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from applications import services, workflow
from applications.models import Event, Message, MessageKind, Status
from partnership.models import User
from reviews import services as meetings
from reviews.models import AgendaItem, Attendance, ItemOutcome, Meeting
from tests.factories import accepted_application, at, complete_application

pytestmark = pytest.mark.django_db

# The seven voting members of the demo steering group; the chair first.
VOTERS = [
    "styrgrupp-ordf",
    "styrgrupp",
    "styrgrupp-narhalsan",
    "styrgrupp-capio",
    "styrgrupp-soc2",
    "styrgrupp-utb1",
    "styrgrupp-utb2",
]


# --- helpers shared with test_votes.py and test_votes_concurrent.py ------------------------


def person(username: str) -> User:
    return User.objects.get(username=username)


# Kept under its old name: the other review tests import it from here.
complete = accepted_application


def meeting_with(demo, *applications, published: bool = True, starts_at=None) -> Meeting:
    """A meeting with these applications on its agenda, today unless ``starts_at`` says otherwise
    (voting and closing items open on the meeting's day)."""
    project_leader = demo.person("project_leader")
    meeting = meetings.meeting_schedule(
        steering_group=demo.steering_group(),
        starts_at=starts_at or timezone.now(),
        place="Vänerparken, Vänersborg",
        by=project_leader,
    )
    for application in applications:
        meetings.agenda_add(meeting=meeting, application=application, summary="Väl förankrad.", by=project_leader)
    if published:
        meetings.meeting_publish(meeting=meeting, by=project_leader)
    meeting.refresh_from_db()
    return meeting


def mark_present(meeting: Meeting, *usernames: str) -> None:
    meetings.attendance_record(meeting=meeting, present=[person(u).pk for u in usernames], by=person("styrgrupp-ordf"))


# --- scheduling ---------------------------------------------------------------------------


def test_it_schedules_a_meeting_from_the_form(as_persona, demo):
    client = as_persona("project_leader")
    day = timezone.localdate() + datetime.timedelta(days=14)
    response = client.post(
        reverse("reviews:meeting_new"),
        {
            "steering_group": demo.steering_group().pk,
            "date": day.isoformat(),
            "time": "13:00",
            "place": "Vänerparken, Vänersborg",
            "video_link": "",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("reviews:agenda", args=[meeting.pk])
    assert timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M") == f"{day.isoformat()} 13:00"
    assert meeting.published_at is None
    assert meeting.created_by == demo.person("project_leader")


def test_it_asks_for_a_place_or_a_video_link(as_persona, demo):
    client = as_persona("project_leader")
    day = timezone.localdate() + datetime.timedelta(days=14)
    response = client.post(
        reverse("reviews:meeting_new"),
        {"steering_group": demo.steering_group().pk, "date": day.isoformat(), "time": "13:00"},
    )
    assert response.status_code == 200
    assert "Ange plats eller videolänk." in response.content.decode()
    assert 'id="error-summary"' in response.content.decode()
    assert not Meeting.objects.exists()


def test_it_refuses_a_meeting_in_the_past(as_persona, demo):
    response = as_persona("project_leader").post(
        reverse("reviews:meeting_new"),
        {"steering_group": demo.steering_group().pk, "date": "2020-01-01", "time": "13:00", "place": "Uddevalla"},
    )
    assert "Mötet måste ligga framåt i tiden." in response.content.decode()
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("persona", ["steering_chair", "steering_member", "koncernkontoret", "leader"])
def test_it_lets_only_the_project_leader_schedule(as_persona, demo, persona):
    assert as_persona(persona).get(reverse("reviews:meeting_new")).status_code == 403
    with pytest.raises(PermissionDenied):
        meetings.meeting_schedule(
            steering_group=demo.steering_group(),
            starts_at=timezone.now() + datetime.timedelta(days=3),
            place="Uddevalla",
            by=demo.person(persona),
        )


# --- the agenda -----------------------------------------------------------------------------


def test_it_puts_an_application_on_the_agenda_through_the_workflow(demo):
    application = complete(demo)
    meeting = meeting_with(demo, application, published=False)
    application.refresh_from_db()
    assert application.status == Status.ON_AGENDA
    item = meeting.items.get()
    assert (item.position, item.summary) == (1, "Väl förankrad.")
    event = application.events.filter(transition="put_on_agenda").get()
    assert (event.from_status, event.to_status, event.actor) == (
        Status.COMPLETE,
        Status.ON_AGENDA,
        demo.person("project_leader"),
    )


def test_it_numbers_the_items_in_the_order_they_are_added(demo):
    first, second = complete(demo, title="Första"), complete(demo, "Munkedal", title="Andra")
    meeting = meeting_with(demo, first, second, published=False)
    assert [(i.position, i.application.title) for i in meeting.items.order_by("position")] == [
        (1, "Första"),
        (2, "Andra"),
    ]


def test_it_takes_an_application_off_the_agenda_before_publishing(demo):
    first, second, third = (complete(demo, title=t) for t in ("Första", "Andra", "Tredje"))
    meeting = meeting_with(demo, first, second, third, published=False)
    meetings.agenda_remove(item=meeting.items.get(application=first), by=demo.person("project_leader"))
    first.refresh_from_db()
    assert first.status == Status.COMPLETE
    assert Event.objects.filter(application=first, transition="take_off_agenda", to_status=Status.COMPLETE).exists()
    assert [(i.position, i.application.title) for i in meeting.items.order_by("position")] == [
        (1, "Andra"),
        (2, "Tredje"),
    ]


def test_it_moves_an_item_up_and_down(demo):
    first, second = complete(demo, title="Första"), complete(demo, title="Andra")
    meeting = meeting_with(demo, first, second, published=False)
    project_leader = demo.person("project_leader")
    meetings.agenda_move(item=meeting.items.get(application=second), up=True, by=project_leader)
    assert list(meeting.items.order_by("position").values_list("application__title", flat=True)) == [
        "Andra",
        "Första",
    ]
    meetings.agenda_move(item=meeting.items.get(application=second), up=False, by=project_leader)
    assert list(meeting.items.order_by("position").values_list("application__title", flat=True)) == [
        "Första",
        "Andra",
    ]


def test_it_refuses_an_application_that_is_not_complete(demo):
    application = complete_application(demo.call(), demo.working_group("Uddevalla"))
    services.application_submit(application=application, by=demo.person("leader"))
    meeting = meeting_with(demo, published=False)
    with pytest.raises(workflow.TransitionNotAllowed):
        meetings.agenda_add(meeting=meeting, application=application, by=demo.person("project_leader"))
    assert not meeting.items.exists()


def test_it_refuses_to_change_the_agenda_after_publishing(demo):
    first, late = complete(demo, title="Första"), complete(demo, title="Sen")
    meeting = meeting_with(demo, first)
    project_leader = demo.person("project_leader")
    with pytest.raises(meetings.MeetingRefused):
        meetings.agenda_add(meeting=meeting, application=late, by=project_leader)
    with pytest.raises(meetings.MeetingRefused):
        meetings.agenda_remove(item=meeting.items.get(), by=project_leader)
    first.refresh_from_db()
    late.refresh_from_db()
    assert (first.status, late.status) == (Status.ON_AGENDA, Status.COMPLETE)


def test_it_refuses_to_publish_an_empty_agenda(demo):
    meeting = meeting_with(demo, published=False)
    with pytest.raises(meetings.MeetingRefused):
        meetings.meeting_publish(meeting=meeting, by=demo.person("project_leader"))
    meeting.refresh_from_db()
    assert meeting.published_at is None


def test_it_builds_the_agenda_through_the_pages(as_persona, demo):
    first, second = complete(demo, title="Första"), complete(demo, "Munkedal", title="Andra")
    meeting = meeting_with(demo, published=False)
    client = as_persona("project_leader")
    url = reverse("reviews:agenda", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert "Första" in page
    assert "Andra" in page
    for application in (first, second):
        response = client.post(url, {"ny-application": application.pk, "ny-summary": "Sammanfattning."})
        assert response.status_code == 302
    second_item = meeting.items.get(application=second)
    client.post(reverse("reviews:agenda_item", args=[meeting.pk, second_item.pk]), {"action": "up"})
    client.post(
        reverse("reviews:agenda_item", args=[meeting.pk, second_item.pk]),
        {"action": "summary", f"punkt-{second_item.pk}-summary": "Ny text."},
    )
    first_item = meeting.items.get(application=first)
    client.post(reverse("reviews:agenda_item", args=[meeting.pk, first_item.pk]), {"action": "remove"})
    assert [(i.position, i.application.title, i.summary) for i in meeting.items.all()] == [(1, "Andra", "Ny text.")]
    first.refresh_from_db()
    assert first.status == Status.COMPLETE
    response = client.post(reverse("reviews:publish", args=[meeting.pk]))
    assert response.url == reverse("reviews:meeting_detail", args=[meeting.pk])
    meeting.refresh_from_db()
    assert meeting.is_published


def test_it_shows_an_error_summary_when_no_application_is_chosen(as_persona, demo):
    complete(demo)
    meeting = meeting_with(demo, published=False)
    response = as_persona("project_leader").post(reverse("reviews:agenda", args=[meeting.pk]), {"ny-summary": ""})
    page = response.content.decode()
    assert 'id="error-summary"' in page
    assert "Välj den ansökan som ska på dagordningen." in page


def test_it_shows_koncernkontorets_comments_on_the_agenda(as_persona, demo):
    application = complete(demo)
    services.message_post(application=application, by=demo.person("koncernkontoret"), body="Stämmer med RUN:s mål.")
    assert application.messages.get().kind == MessageKind.COMMENT
    meeting = meeting_with(demo, application)
    for persona in ("project_leader", "steering_member"):
        page = as_persona(persona).get(reverse("reviews:meeting_detail", args=[meeting.pk])).content.decode()
        assert "Stämmer med RUN:s mål." in page
    builder = as_persona("project_leader").get(reverse("reviews:agenda", args=[meeting.pk])).content.decode()
    assert "Stämmer med RUN:s mål." in builder


# --- who sees what ----------------------------------------------------------------------------


def test_it_shows_members_only_published_meetings(as_persona, demo):
    published = meeting_with(demo, complete(demo, title="Publicerad"))
    draft = meeting_with(demo, complete(demo, title="Inte publicerad"), published=False)
    client = as_persona("steering_member")
    listing = client.get(reverse("reviews:meeting_list"))
    assert list(listing.context["upcoming"]) == [published]
    assert client.get(reverse("reviews:meeting_detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("reviews:meeting_detail", args=[published.pk])).status_code == 200
    assert set(as_persona("project_leader").get(reverse("reviews:meeting_list")).context["upcoming"]) == {
        published,
        draft,
    }


def test_it_splits_upcoming_and_past_meetings(as_persona, demo):
    with at(timezone.now() - datetime.timedelta(days=31)):
        past = meeting_with(
            demo,
            accepted_application(demo, title="Förra månaden"),
            starts_at=timezone.now() + datetime.timedelta(days=1),
        )
    upcoming = meeting_with(
        demo, accepted_application(demo, title="Nästa vecka"), starts_at=timezone.now() + datetime.timedelta(days=7)
    )
    response = as_persona("steering_chair").get(reverse("reviews:meeting_list"))
    assert list(response.context["upcoming"]) == [upcoming]
    assert list(response.context["past"]) == [past]


def test_it_lets_members_see_the_applications_once_the_agenda_is_published(demo):
    application = complete(demo, "Munkedal")
    member = demo.person("steering_member")
    meeting = meeting_with(demo, application, published=False)
    assert not member.has_perm("applications.view_application", application)
    meetings.meeting_publish(meeting=meeting, by=demo.person("project_leader"))
    member = demo.person("steering_member")  # roles are cached per user object
    assert member.has_perm("applications.view_application", application)


MEETING_PAGES = [
    ("reviews:meeting_detail", False),
    ("reviews:agenda", False),
    ("reviews:attendance", False),
    ("reviews:vote", True),
    ("reviews:recusal", True),
    ("reviews:close", True),
    ("reviews:return_item", True),
]


@pytest.mark.parametrize(("name", "per_item"), MEETING_PAGES)
@pytest.mark.parametrize("persona", ["outsider", "leader", "secretariat", "nsv_chair"])
def test_it_gives_404_to_people_outside_the_steering_group(as_persona, demo, name, per_item, persona):
    meeting = meeting_with(demo, complete(demo))
    args = [meeting.pk, meeting.items.get().pk] if per_item else [meeting.pk]
    assert as_persona(persona).get(reverse(name, args=args)).status_code == 404


@pytest.mark.parametrize(("name", "per_item"), MEETING_PAGES)
def test_it_gives_404_to_members_before_publishing(as_persona, demo, name, per_item):
    meeting = meeting_with(demo, complete(demo), published=False)
    args = [meeting.pk, meeting.items.get().pk] if per_item else [meeting.pk]
    assert as_persona("steering_chair").get(reverse(name, args=args)).status_code == 404


def test_it_gives_404_for_an_item_of_another_meeting(as_persona, demo):
    one = meeting_with(demo, complete(demo, title="Ett"))
    other = meeting_with(demo, complete(demo, title="Annat"))
    response = as_persona("steering_member").get(reverse("reviews:vote", args=[one.pk, other.items.get().pk]))
    assert response.status_code == 404


def test_it_sends_anonymous_visitors_to_the_login_page(client, demo):
    meeting = meeting_with(demo, complete(demo))
    response = client.get(reverse("reviews:meeting_detail", args=[meeting.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_refuses_get_on_the_agenda_actions(as_persona, demo):
    meeting = meeting_with(demo, complete(demo), published=False)
    client = as_persona("project_leader")
    assert client.get(reverse("reviews:publish", args=[meeting.pk])).status_code == 405
    item = meeting.items.get()
    assert client.get(reverse("reviews:agenda_item", args=[meeting.pk, item.pk])).status_code == 405


def test_it_lists_meetings_with_a_constant_number_of_queries(as_persona, demo):
    client = as_persona("steering_member")
    url = reverse("reviews:meeting_list")
    meeting_with(
        demo, accepted_application(demo, title="Första"), starts_at=timezone.now() + datetime.timedelta(days=1)
    )
    client.get(url)  # warm the session
    few = _count_queries(client, url)
    for days in range(2, 6):
        for sign in (1, -1):
            starts_at = timezone.now() + sign * datetime.timedelta(days=days)
            with at(min(timezone.now(), starts_at - datetime.timedelta(days=1))):
                meeting_with(demo, accepted_application(demo, title=f"Möte {sign * days}"), starts_at=starts_at)
    assert _count_queries(client, url) == few


def test_it_shows_the_meeting_page_with_a_constant_number_of_queries(as_persona, demo):
    client = as_persona("steering_chair")
    small = meeting_with(demo, complete(demo, title="Ett"))
    # Both meetings are open (a vote opens a meeting and freezes who may vote).
    meetings.vote_cast(item=small.items.get(), member=demo.person("steering_member"), choice="recommend")
    client.get(reverse("reviews:meeting_detail", args=[small.pk]))  # warm the session
    few = _count_queries(client, reverse("reviews:meeting_detail", args=[small.pk]))
    bigger = meeting_with(demo, *(complete(demo, title=f"Insats {i}") for i in range(4)))
    for item in bigger.items.all():
        meetings.vote_cast(item=item, member=demo.person("steering_member"), choice="recommend")
    assert _count_queries(client, reverse("reviews:meeting_detail", args=[bigger.pk])) == few


def _count_queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


# --- attendance -------------------------------------------------------------------------------


def test_it_records_attendance_from_the_chair(as_persona, demo):
    meeting = meeting_with(demo, complete(demo))
    chair, member = demo.person("steering_chair"), demo.person("steering_member")
    response = as_persona("steering_chair").post(
        reverse("reviews:attendance", args=[meeting.pk]), {"present": [chair.pk, member.pk]}
    )
    assert response.status_code == 302
    assert set(Attendance.objects.filter(meeting=meeting, present=True).values_list("person", flat=True)) == {
        chair.pk,
        member.pk,
    }
    # Everyone else in the steering group is recorded as absent, the adjunct and project leader included.
    assert Attendance.objects.filter(meeting=meeting, present=False).count() == len(VOTERS) - 2 + 2


def test_it_lets_the_project_leader_record_attendance_and_change_it(demo):
    meeting = meeting_with(demo, complete(demo))
    project_leader = demo.person("project_leader")
    meetings.attendance_record(meeting=meeting, present=[person(u).pk for u in VOTERS], by=project_leader)
    meetings.attendance_record(meeting=meeting, present=[person(VOTERS[0]).pk], by=project_leader)
    assert list(Attendance.objects.filter(meeting=meeting, present=True).values_list("person", flat=True)) == [
        person(VOTERS[0]).pk
    ]


def test_it_refuses_attendance_for_someone_outside_the_group(demo):
    meeting = meeting_with(demo, complete(demo))
    with pytest.raises(meetings.MeetingRefused):
        meetings.attendance_record(
            meeting=meeting, present=[demo.person("leader").pk], by=demo.person("steering_chair")
        )


def test_it_refuses_attendance_from_an_ordinary_member(as_persona, demo):
    meeting = meeting_with(demo, complete(demo))
    assert as_persona("steering_member").get(reverse("reviews:attendance", args=[meeting.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        meetings.attendance_record(meeting=meeting, present=[], by=demo.person("steering_member"))


# --- returning an item --------------------------------------------------------------------------


def test_it_returns_an_item_with_the_steering_groups_questions(as_persona, demo):
    application = complete(demo)
    meeting = meeting_with(demo, application)
    item = meeting.items.get()
    response = as_persona("steering_chair").post(
        reverse("reviews:return_item", args=[meeting.pk, item.pk]), {"questions": "Hur följs föräldrarna upp?"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    item.refresh_from_db()
    assert application.status == Status.RETURNED
    assert (item.outcome, item.questions, item.closed_by) == (
        ItemOutcome.RETURNED,
        "Hur följs föräldrarna upp?",
        demo.person("steering_chair"),
    )
    event = application.events.get(transition="return_from_meeting")
    assert (event.from_status, event.to_status, event.message) == (
        Status.ON_AGENDA,
        Status.RETURNED,
        "Hur följs föräldrarna upp?",
    )
    message = Message.objects.get(application=application, author=demo.person("steering_chair"))
    assert (message.kind, message.body) == (MessageKind.MESSAGE, "Hur följs föräldrarna upp?")
    # The group sees the questions and can edit the application again.
    assert demo.person("leader").has_perm("applications.change_application", application)


def test_it_needs_questions_to_return_an_item(as_persona, demo):
    application = complete(demo)
    meeting = meeting_with(demo, application)
    item = meeting.items.get()
    response = as_persona("steering_chair").post(
        reverse("reviews:return_item", args=[meeting.pk, item.pk]), {"questions": " "}
    )
    assert "Skriv styrgruppens frågor till arbetsgruppen." in response.content.decode()
    with pytest.raises(meetings.MeetingRefused):
        meetings.agenda_item_return(item=item, by=demo.person("steering_chair"), questions="")
    application.refresh_from_db()
    assert application.status == Status.ON_AGENDA


def test_it_lets_only_the_chair_return_an_item(as_persona, demo):
    meeting = meeting_with(demo, complete(demo))
    item = meeting.items.get()
    for persona in ("steering_member", "project_leader", "koncernkontoret"):
        url = reverse("reviews:return_item", args=[meeting.pk, item.pk])
        assert as_persona(persona).get(url).status_code == 403
        with pytest.raises(PermissionDenied):
            meetings.agenda_item_return(item=item, by=demo.person(persona), questions="Varför?")
    assert not AgendaItem.objects.filter(closed_at__isnull=False).exists()

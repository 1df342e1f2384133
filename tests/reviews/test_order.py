"""The workflow's order is the law's order.

A withdrawn application closes its agenda item as withdrawn, so the minutes can still be
approved; votes and closing open on the meeting's day; minutes are approved after the meeting;
quorum and the right to vote follow the memberships of the meeting's day, frozen when the
meeting opens. Every state is reached through the services. RUN's part of the order:
tests/decisions/test_run_order.py.
"""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import EventKind
from partnership.models import Membership, MembershipRole
from reviews import minutes as minutes_service
from reviews import selectors as review_selectors
from reviews import services as meetings
from reviews import services as review_services
from reviews.models import ItemOutcome, Minutes, VoteChoice
from tests.decisions.test_run import hold_meeting
from tests.factories import UserFactory, accepted_application
from tests.reviews.test_meetings import VOTERS, mark_present, meeting_with, person

pytestmark = pytest.mark.django_db


def local(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def approve_minutes(meeting) -> Minutes:
    chair, adjuster = person("styrgrupp-ordf"), person("styrgrupp")
    minutes = review_services.minutes_prepare(meeting=meeting, adjuster=adjuster, by=chair)
    review_services.minutes_approve(minutes=minutes, by=chair)
    review_services.minutes_approve(minutes=minutes, by=adjuster)
    minutes.refresh_from_db()
    return minutes


# --- withdrawal ------------------------------------------------------------------------------


def test_it_closes_the_agenda_item_of_a_withdrawn_application_so_the_minutes_can_be_approved(demo, as_persona):
    kept = accepted_application(demo, "Munkedal", title="Familj i fokus")
    withdrawn = accepted_application(demo, title="Språkstöd i förskolan")
    meeting = meeting_with(demo, kept, withdrawn)

    services.application_withdraw(application=withdrawn, by=demo.person("leader"), message="Vi väntar ett år.")

    item = meeting.items.get(application=withdrawn)
    assert item.is_closed
    assert item.outcome == ItemOutcome.WITHDRAWN
    assert item.closed_by == demo.person("leader")
    hold_meeting(meeting)
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.is_locked
    page = as_persona("steering_member").get(reverse("minutes:detail", args=[meeting.pk])).content.decode()
    assert "Ansökan återtagen av arbetsgruppen" in page
    assert "Arbetsgruppen återtog ansökan" in page
    closed = withdrawn.events.get(kind=EventKind.CASE_CLOSED)
    assert f"§ {item.position}" in closed.message
    assert meeting.day.isoformat() in closed.message
    assert (
        "Ärendet avslutat som återtaget"
        in as_persona("leader").get(reverse("applications:detail", args=[withdrawn.pk])).content.decode()
    )


# --- the meeting's day -----------------------------------------------------------------------


def test_it_opens_attendance_votes_and_closing_on_the_meeting_day(demo):
    day = timezone.localdate() + datetime.timedelta(days=3)
    meeting = meeting_with(demo, accepted_application(demo), starts_at=local(day, 13))
    item = meeting.items.select_related("application", "meeting").get()
    chair = person("styrgrupp-ordf")

    with pytest.raises(meetings.MeetingRefused, match=f"Röstningen öppnar på mötesdagen, {day.isoformat()}"):
        meetings.vote_cast(item=item, member=chair, choice=VoteChoice.RECOMMEND)
    with pytest.raises(meetings.MeetingRefused, match=f"Närvaron antecknas på mötesdagen, {day.isoformat()}"):
        mark_present(meeting, *VOTERS[:4])
    with pytest.raises(meetings.MeetingRefused, match=f"kan avslutas på mötesdagen, {day.isoformat()}"):
        meetings.agenda_item_close(item=item, by=chair)
    with pytest.raises(meetings.MeetingRefused, match=f"kan återförvisas på mötesdagen, {day.isoformat()}"):
        meetings.agenda_item_return(item=item, by=chair, questions="Hur når ni familjerna?")
    assert not item.votes.exists()
    assert not meeting.attendance.exists()

    with time_machine.travel(local(day, 9)):  # the morning of the meeting's day
        mark_present(meeting, *VOTERS[:4])
        for username in VOTERS[:4]:
            meetings.vote_cast(item=item, member=person(username), choice=VoteChoice.RECOMMEND)
        closed = meetings.agenda_item_close(item=item, by=chair)
    assert closed.outcome == ItemOutcome.RECOMMENDED


def test_the_meeting_page_says_when_voting_opens(demo, as_persona):
    day = timezone.localdate() + datetime.timedelta(days=3)
    meeting = meeting_with(demo, accepted_application(demo), starts_at=local(day, 13))

    page = as_persona("steering_member").get(reverse("reviews:meeting_detail", args=[meeting.pk])).content.decode()

    assert f"Röstningen öppnar på mötesdagen, {day.isoformat()}." in page
    assert "Spara rösten" not in page


def test_it_approves_the_minutes_only_after_the_meeting_has_begun(demo):
    day = timezone.localdate() + datetime.timedelta(days=2)
    meeting = meeting_with(demo, accepted_application(demo), starts_at=local(day, 13))
    chair, adjuster = person("styrgrupp-ordf"), person("styrgrupp")

    with time_machine.travel(local(day, 9)):
        hold_meeting(meeting, approve_minutes=False)
        minutes = review_services.minutes_prepare(meeting=meeting, adjuster=adjuster, by=chair)
        with pytest.raises(minutes_service.MinutesError, match=f"justeras efter mötet.*{day.isoformat()} 13:00"):
            review_services.minutes_approve(minutes=minutes, by=chair)
    with time_machine.travel(local(day, 15)):
        review_services.minutes_approve(minutes=minutes, by=chair)
        approval = review_services.minutes_approve(minutes=minutes, by=adjuster)
    assert approval.locked


# --- quorum and the right to vote follow the meeting's day ---------------------------------


def test_it_counts_the_quorum_from_the_members_of_the_meetings_day(demo):
    meeting = meeting_with(demo, accepted_application(demo), starts_at=timezone.now() - datetime.timedelta(days=1))
    item = meeting.items.select_related("application", "meeting").get()
    mark_present(meeting, *VOTERS[:3])
    for username in VOTERS[:3]:
        meetings.vote_cast(item=item, member=person(username), choice=VoteChoice.RECOMMEND)
    # Three members leave the group today, the day after the meeting.
    Membership.objects.filter(body=demo.steering_group(), person__username__in=VOTERS[4:]).update(
        ends_on=timezone.localdate()
    )

    with pytest.raises(meetings.MeetingRefused, match="3 av 7 röstberättigade"):
        meetings.agenda_item_close(item=item, by=person("styrgrupp-ordf"))


def test_it_lets_only_the_meetings_own_members_vote(demo):
    meeting = meeting_with(demo, accepted_application(demo), starts_at=timezone.now() - datetime.timedelta(days=1))
    item = meeting.items.select_related("application", "meeting").get()
    mark_present(meeting, *VOTERS[:4])
    leaving = person(VOTERS[1])
    Membership.objects.filter(body=demo.steering_group(), person=leaving).update(ends_on=timezone.localdate())
    newcomer = UserFactory(username="ny-ledamot", first_name="Ny", last_name="Ledamot")
    Membership.objects.create(
        person=newcomer, body=demo.steering_group(), role=MembershipRole.MEMBER, starts_on=timezone.localdate()
    )

    with pytest.raises(PermissionDenied):
        meetings.vote_cast(item=item, member=newcomer, choice=VoteChoice.RECOMMEND)
    vote = meetings.vote_cast(item=item, member=leaving, choice=VoteChoice.RECOMMEND)
    assert vote.member == leaving


def test_it_freezes_the_voting_members_when_the_meeting_opens(demo):
    meeting = meeting_with(demo, accepted_application(demo))
    item = meeting.items.select_related("application", "meeting").get()
    mark_present(meeting, *VOTERS[:4])  # the meeting opens
    meeting.refresh_from_db()
    assert meeting.opened_at is not None
    assert sorted(meeting.voters.values_list("person__username", flat=True)) == sorted(VOTERS)
    newcomer = UserFactory(username="ny-ledamot")
    Membership.objects.create(
        person=newcomer, body=demo.steering_group(), role=MembershipRole.MEMBER, starts_on=timezone.localdate()
    )

    count = review_selectors.count_item(item)

    assert count.voting_members == 7
    assert count.quorum_needed == 4
    with pytest.raises(PermissionDenied):
        meetings.vote_cast(item=item, member=newcomer, choice=VoteChoice.RECOMMEND)

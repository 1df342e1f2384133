"""Once the minutes are approved and locked, the meeting can no longer change."""

import pytest

from partnership.models import User
from reviews import services as meetings
from reviews import services as review_services
from tests.reviews.test_minutes import build_meeting

pytestmark = pytest.mark.django_db


def test_it_refuses_to_change_the_attendance_of_a_meeting_with_locked_minutes(demo):
    meeting = build_meeting(demo)
    chair = User.objects.get(username="styrgrupp-ordf")
    adjuster = User.objects.get(username="styrgrupp")
    minutes = review_services.minutes_prepare(meeting=meeting, adjuster=adjuster, by=chair)
    review_services.minutes_approve(minutes=minutes, by=chair)
    assert review_services.minutes_approve(minutes=minutes, by=adjuster).locked

    with pytest.raises(meetings.MeetingRefused) as refused:
        meetings.attendance_record(meeting=meeting, present=[chair.pk], by=chair)
    assert "justerat och låst" in str(refused.value)

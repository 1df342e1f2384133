"""Once the minutes are approved and locked, the meeting can no longer change."""

import pytest
from django.utils import timezone

from partnership.models import User
from reviews import meetings
from reviews.models import Minutes
from tests.reviews.test_minutes import build_meeting

pytestmark = pytest.mark.django_db


def test_it_refuses_to_change_the_attendance_of_a_meeting_with_locked_minutes(demo):
    meeting = build_meeting(demo)
    chair = User.objects.get(username="styrgrupp-ordf")
    now = timezone.now()
    Minutes.objects.update_or_create(
        meeting=meeting,
        defaults={
            "adjuster": User.objects.get(username="styrgrupp"),
            "chair_approved_by": chair,
            "chair_approved_at": now,
            "adjuster_approved_at": now,
            "locked_at": now,
        },
    )
    with pytest.raises(meetings.MeetingRefused) as refused:
        meetings.attendance_record(meeting=meeting, present=[chair.pk], by=chair)
    assert "justerat och låst" in str(refused.value)

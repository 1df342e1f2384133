"""What happens next after an application is sent: the dates the group can plan for.

It gathers from the steering group's meetings (``reviews``) and RUN's calendar
(``decisions``), which the applications app may not import, for the confirmation page
and the group's receipt e-mail.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from applications.models import Application
from decisions.selectors import upcoming_run_meetings
from reviews.models import Meeting


@dataclass(frozen=True)
class NextSteps:
    steering_meeting: datetime.datetime | None  # the steering group's next meeting that can take new items
    run_meeting: datetime.date | None  # RUN's next meeting after it


def next_steering_meeting(application: Application, now: datetime.datetime | None = None) -> Meeting | None:
    """The next meeting of the steering group of the application's partnership whose agenda is still
    open (a published agenda is locked), not cancelled."""
    meeting: Meeting | None = (
        Meeting.objects.filter(
            steering_group__partnership_id=application.call.partnership_id,
            starts_at__gte=now or timezone.now(),
            published_at__isnull=True,
            cancelled_at__isnull=True,
        )
        .order_by("starts_at", "pk")
        .first()
    )
    return meeting


def next_steps(application: Application, now: datetime.datetime | None = None) -> NextSteps:
    meeting = next_steering_meeting(application, now)
    today = timezone.localdate(now)
    after = timezone.localdate(meeting.starts_at) + datetime.timedelta(days=1) if meeting else today
    run_meeting = upcoming_run_meetings(after).first()
    return NextSteps(
        steering_meeting=meeting.starts_at if meeting else None,
        run_meeting=run_meeting.held_on if run_meeting else None,
    )

"""Reminders sent by Celery beat once a day. Each reminder has its own key, so running the
day's reminders again (or catching up a day the scheduler missed) never repeats one."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from applications.models import Application, DeadlineExtension, Status
from decisions.models import RunMeeting
from reviews.models import AgendaItem, Meeting

from .services import notify

DEADLINE_REMINDERS = (7, 1)  # days before the deadline
VOTE_REMINDER_DAYS = 2  # days before the steering-group meeting
RUN_CASE_LIST_DAYS = 7  # days before RUN's meeting


@dataclass
class Sent:
    deadline: list[str] = field(default_factory=list)
    vote: list[str] = field(default_factory=list)
    run_case_list: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.deadline) + len(self.vote) + len(self.run_case_list)


def _reminder_for(days_left: int) -> int | None:
    """Which deadline reminder is due with so many days left: the 7-day one from day 7 to
    day 2, the 1-day one on the last day and the day before."""
    if days_left < 0:
        return None
    if days_left <= DEADLINE_REMINDERS[1]:
        return DEADLINE_REMINDERS[1]
    if days_left <= DEADLINE_REMINDERS[0]:
        return DEADLINE_REMINDERS[0]
    return None


def deadline_reminders(now: datetime.datetime) -> list[str]:
    today = timezone.localdate(now)
    horizon = now + datetime.timedelta(days=DEADLINE_REMINDERS[0] + 1)
    extensions: dict[tuple[int, int | None], datetime.datetime] = {
        (extension.call_id, extension.working_group_id): extension.deadline
        for extension in DeadlineExtension.objects.filter(deadline__gt=now)
    }
    keys = []
    drafts = Application.objects.filter(status=Status.DRAFT, call__opens_on__lte=today).filter(
        Q(call__deadline__gt=now, call__deadline__lte=horizon) | Q(pk__in=_extended_drafts(extensions))
    )
    for application in drafts.select_related("call"):
        deadline = extensions.get((application.call_id, application.working_group_id), application.call.deadline)
        if deadline <= now:
            continue
        days_left = (timezone.localdate(deadline) - today).days
        which = _reminder_for(days_left)
        if which is None:
            continue
        key = f"deadline:{application.pk}:{which}:{deadline.isoformat()}"
        notify(
            "deadline_reminder",
            key=key,
            application=application.pk,
            deadline=deadline.isoformat(),
            days_left=days_left,
        )
        keys.append(key)
    return keys


def _extended_drafts(extensions: dict[tuple[int, int | None], datetime.datetime]) -> list[int]:
    if not extensions:
        return []
    wanted = Q()
    for call_id, group_id in extensions:
        wanted |= Q(call_id=call_id, working_group_id=group_id)
    return list(Application.objects.filter(wanted, status=Status.DRAFT).values_list("pk", flat=True))


def vote_reminders(now: datetime.datetime) -> list[str]:
    today = timezone.localdate(now)
    last_day = today + datetime.timedelta(days=VOTE_REMINDER_DAYS)
    open_items = AgendaItem.objects.filter(meeting=OuterRef("pk"), closed_at__isnull=True)
    meetings = Meeting.objects.filter(published_at__isnull=False, starts_at__gt=now).filter(Exists(open_items))
    keys = []
    for meeting in meetings:
        if timezone.localdate(meeting.starts_at) > last_day:
            continue
        key = f"vote-reminder:{meeting.pk}"
        notify("vote_reminder", key=key, meeting=meeting.pk)
        keys.append(key)
    return keys


def run_case_lists(now: datetime.datetime) -> list[str]:
    today = timezone.localdate(now)
    keys = []
    upcoming = RunMeeting.objects.filter(
        held_on__gte=today, held_on__lte=today + datetime.timedelta(days=RUN_CASE_LIST_DAYS)
    )
    for run_meeting in upcoming:
        key = f"run-case-list:{run_meeting.pk}"
        notify("run_case_list", key=key, run_meeting=run_meeting.pk)
        keys.append(key)
    return keys


@transaction.atomic
def reminders_send(now: datetime.datetime | None = None) -> Sent:
    now = now or timezone.now()
    return Sent(deadline=deadline_reminders(now), vote=vote_reminders(now), run_case_list=run_case_lists(now))

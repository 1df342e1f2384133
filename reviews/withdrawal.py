"""When a group withdraws an application that stands on a steering-group agenda, the open
agenda item is closed as withdrawn, in the withdrawing transaction (an open RUN case is
closed by ``decisions.services.close_withdrawn``).

Without this the item stays open for ever and the meeting's minutes can never be approved
(the minutes need every item closed). The closing goes into the minutes (the item's outcome
is *återtagen*) and onto the application's timeline.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from applications import services
from applications.models import Application, EventKind, Status
from partnership.models import User

from .minutes import ensure_minutes_open
from .models import AgendaItem, ItemOutcome


def close_withdrawn(
    sender: Any, *, application: Application, from_status: str, by: User, message: str = "", **kwargs: Any
) -> None:
    """Receiver of ``applications.signals.application_withdrawn``."""
    if from_status == Status.ON_AGENDA:
        _close_agenda_items(application, by=by)


def _close_agenda_items(application: Application, *, by: User) -> None:
    items = (
        AgendaItem.objects.select_for_update(no_key=True, of=("self",))
        .select_related("meeting")
        .filter(application=application, closed_at__isnull=True)
        .order_by("pk")
    )
    now = timezone.now()
    for item in items:
        # Minutes with an open item cannot have been approved; this keeps an approval out meanwhile.
        ensure_minutes_open(item.meeting_id)
        item.closed_at = now
        item.closed_by = by
        item.outcome = ItemOutcome.WITHDRAWN
        item.save(update_fields=["closed_at", "closed_by", "outcome"])
        services.timeline_note(
            application=application,
            kind=EventKind.CASE_CLOSED,
            by=by,
            message=_("Styrgruppsmöte %(date)s, § %(position)s: punkten avslutad, ansökan återtagen.")
            % {"date": item.meeting.day.isoformat(), "position": item.position},
        )

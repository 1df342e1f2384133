import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone

from partnership.models import User
from partnership.rules import Roles

from .models import AgendaItem, Meeting


def upcoming_meetings(roles: Roles) -> QuerySet[Meeting]:
    """Published meetings of the person's steering groups, from today on."""
    return (
        Meeting.objects.filter(
            steering_group__in=roles.steering_groups,
            published_at__isnull=False,
            starts_at__gte=timezone.now() - datetime.timedelta(hours=12),
        )
        .select_related("steering_group")
        .annotate(item_count=Count("items"))
        .order_by("starts_at")
    )


def get_meeting_for_user(user: User | AnonymousUser, pk: int) -> Meeting:
    meeting = Meeting.objects.select_related("steering_group__partnership").filter(pk=pk).first()
    if meeting is None or not user.has_perm("reviews.view_meeting", meeting):
        raise Http404
    return meeting


def agenda(meeting: Meeting) -> QuerySet[AgendaItem]:
    return meeting.items.select_related("application__working_group__municipality", "application__call").order_by(
        "position"
    )

"""Reads of a person's notifications. Each selector owns its joins."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from partnership.models import User

from .models import Notification


def notifications_of(user: User, *, only_unread: bool = False) -> QuerySet[Notification]:
    """The person's own notifications, with their e-mail; only the unread with ``only_unread``."""
    notifications = Notification.objects.filter(recipient=user).select_related("email")
    if only_unread:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications


def get_notification_for_user(user: User, pk: int) -> Notification:
    """The person's own notification; 404 for anyone else's."""
    notification = Notification.objects.filter(pk=pk, recipient=user).first()
    if notification is None or not user.has_perm("notifications.view_notification", notification):
        raise Http404
    return notification

"""Reads of the outbox, for monitoring."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Min, Q
from django.utils import timezone

from .models import OutboxMessage


def background_work() -> dict[str, Any]:
    """What monitoring should alert on: work waiting longer than its lease, and work that gave up."""
    now = timezone.now()
    counts = OutboxMessage.objects.aggregate(
        waiting=Count("pk", filter=Q(done_at__isnull=True, failed_at__isnull=True)),
        overdue=Count("pk", filter=Q(done_at__isnull=True, failed_at__isnull=True, next_attempt_at__lt=now)),
        failed=Count("pk", filter=Q(done_at__isnull=True, failed_at__isnull=False)),
        oldest=Min("created_at", filter=Q(done_at__isnull=True, failed_at__isnull=True)),
    )
    oldest = counts.pop("oldest")
    counts["oldest_waiting_seconds"] = round((now - oldest).total_seconds()) if oldest else 0
    return counts

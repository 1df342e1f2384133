"""Celery tasks: small, idempotent, taking ids. The work itself lives in ``services`` and
``reminders``; the outbox's own tasks are in ``outbox.tasks``; beat's schedule is in the
settings (CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from . import reminders, services


@shared_task(ignore_result=True)
def send_daily_digests() -> int:
    return len(services.digests_send())


@shared_task(ignore_result=True)
def send_reminders() -> int:
    return reminders.reminders_send().total


@shared_task(ignore_result=True)
def prune_old() -> str:
    pruned = services.prune()
    return f"{pruned.notifications} notifications, {pruned.emails} e-mails, {pruned.outbox} finished work"

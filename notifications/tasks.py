"""Celery tasks: small, idempotent, taking ids. The work itself lives in ``outbox``,
``services`` and ``reminders``; beat's schedule is in the settings (CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from . import outbox, reminders, services


@shared_task(acks_late=True, ignore_result=True)
def outbox_process(message_id: int) -> str:
    return outbox.process(message_id)


@shared_task(ignore_result=True)
def outbox_sweep() -> int:
    return len(outbox.sweep())


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

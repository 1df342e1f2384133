"""Celery tasks of the outbox: small, idempotent, taking ids. They keep the names they had
before the outbox was an app of its own, so that beat's schedule and messages already
queued in Redis still find them."""

from celery import shared_task

from . import services


@shared_task(name="notifications.tasks.outbox_process", acks_late=True, ignore_result=True)
def outbox_process(message_id: int) -> str:
    return services.process(message_id)


@shared_task(name="notifications.tasks.outbox_sweep", ignore_result=True)
def outbox_sweep() -> int:
    return len(services.sweep())

"""The outbox: background work written in the caller's transaction, handed to Celery after
the commit, and swept up again if it was never handed over or its worker died.

Every message is processed under a row lock (``SELECT … FOR UPDATE SKIP LOCKED``) by a
handler that runs in the same transaction as the message's ``done_at``: a message run
twice (a retry, a redelivery, the sweep) finds itself done and does nothing.

The outbox knows no app that uses it. Each app registers the handlers of the work it does
(``handler_register``, from its ``AppConfig.ready()``). A service that must tell people adds
an event by its key (``event_add``); the app that tells people registers the keys it knows
(``events_register``) and turns each event into recipients when the work runs.
"""

from __future__ import annotations

import datetime
import logging
import time
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from .models import OutboxKind, OutboxMessage

log = logging.getLogger(__name__)

Handler = Callable[[OutboxMessage], None]
_HANDLERS: dict[str, Handler] = {}
_EVENTS: set[str] = set()
# Publishing to a broker that is down can block; the web request never waits for it.
_publisher = ThreadPoolExecutor(max_workers=2, thread_name_prefix="outbox-publish")


class PermanentFailure(Exception):
    """The work can never succeed as it stands (e.g. the row it names is gone): no retries."""


def handler_register(kind: OutboxKind, function: Handler) -> Handler:
    """Register the function that does one kind of work. It runs inside the message's transaction."""
    _HANDLERS[OutboxKind(kind).value] = function
    return function


def events_register(keys: Iterable[str]) -> None:
    """Make these event keys known, so that ``event_add`` accepts them."""
    _EVENTS.update(keys)


def lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def outbox_add(kind: OutboxKind, key: str, **payload: Any) -> OutboxMessage:
    """Write a piece of work in the caller's transaction and hand it to Celery after the commit.

    The same key is never added twice: adding it again returns the existing message.
    """
    message, created = OutboxMessage.objects.get_or_create(
        key=key,
        defaults={"kind": kind, "payload": payload, "next_attempt_at": timezone.now() + lease()},
    )
    if created:
        message_id = message.pk
        transaction.on_commit(lambda: enqueue([message_id]))
    return message


def event_add(event: str, *, key: str, by: models.Model | None = None, **refs: Any) -> OutboxMessage:
    """Tell the event's recipients, once the caller's transaction commits. ``key`` names this
    occurrence: the same key never tells anyone twice. ``refs`` are ids and plain values."""
    if event not in _EVENTS:
        raise KeyError(event)
    return outbox_add(OutboxKind.EVENT, f"event:{key}", event=event, by=by.pk if by else None, **refs)


# When the broker last failed to answer, this process stops asking it until this moment
# (``time.monotonic()``): a request that adds several messages waits for the broker once, not once
# per message. The sweep (in the worker's beat) hands the messages over when the broker is back.
_broker_silent_until = 0.0


def enqueue(message_ids: Iterable[int], *, countdown: float | None = None) -> bool:
    """Hand messages to Celery; if the broker does not answer at once, leave them to the sweep.

    Returns whether the broker took them. Never raises, and never blocks the caller for long:
    after the broker has failed to answer, this process does not wait for it again for
    ``OUTBOX_BROKER_PAUSE_SECONDS``.
    """
    global _broker_silent_until
    from .tasks import outbox_process

    ids = list(message_ids)
    if not ids:
        return True

    def publish() -> None:
        for message_id in ids:
            # Celery reads countdown=None as no delay; celery-types only admits a float.
            outbox_process.apply_async((message_id,), countdown=countdown, retry=False)  # type: ignore[arg-type]

    if settings.CELERY_TASK_ALWAYS_EAGER:
        try:
            publish()
        except Exception:
            log.exception("background work %s failed in-process; the sweep retries it", ids)
            return False
        return True
    if time.monotonic() < _broker_silent_until:
        log.warning("the broker did not answer a moment ago; the sweep hands over %s later", ids)
        return False
    future = _publisher.submit(publish)
    try:
        future.result(timeout=settings.OUTBOX_PUBLISH_WAIT_SECONDS)
    except FutureTimeout:
        _broker_silent_until = time.monotonic() + settings.OUTBOX_BROKER_PAUSE_SECONDS
        log.warning(
            "the broker did not answer within %ss; the sweep hands over %s later",
            settings.OUTBOX_PUBLISH_WAIT_SECONDS,
            ids,
        )
        return False
    except Exception as error:  # noqa: BLE001 - any broker fault leaves the row for the sweep
        _broker_silent_until = time.monotonic() + settings.OUTBOX_BROKER_PAUSE_SECONDS
        log.warning("the broker refused %s (%s); the sweep hands it over later", ids, error)
        return False
    _broker_silent_until = 0.0
    return True


def sweep(limit: int = 200) -> list[int]:
    """Hand over again every message that is due: never handed over, waiting for a retry, or
    leased to a worker that did not finish in time. Returns the ids handed over."""
    now = timezone.now()
    with transaction.atomic():
        due = list(
            OutboxMessage.objects.due(now)
            .select_for_update(skip_locked=True)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        OutboxMessage.objects.filter(pk__in=due).update(next_attempt_at=now + lease())
    if due:
        log.info("the sweep hands over %d message(s): %s", len(due), due)
        enqueue(due)
    return due


def backoff(attempts: int) -> float:
    """Seconds to wait before attempt ``attempts + 1``: doubling from the base."""
    base = float(settings.OUTBOX_RETRY_BASE_SECONDS)
    return base * float(2 ** max(attempts - 1, 0))


def process(message_id: int) -> str:
    """Do one message's work once. Returns what happened: done, already, busy, retry or failed."""
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update(skip_locked=True).filter(pk=message_id).first()
        if message is None:
            exists = OutboxMessage.objects.filter(pk=message_id).exists()
            return "busy" if exists else "already"
        if message.done_at or message.failed_at:
            return "already"
        try:
            with transaction.atomic():
                _HANDLERS[message.kind](message)
        except Exception as error:  # noqa: BLE001 - a handler's fault is recorded on its row and retried
            failure = error
        else:
            message.done_at = timezone.now()
            message.save(update_fields=["done_at"])
            return "done"
        message.attempts += 1
        message.last_error = "".join(traceback.format_exception_only(failure)).strip()[:4000]
        final = isinstance(failure, PermanentFailure) or message.attempts >= settings.OUTBOX_MAX_ATTEMPTS
        if final:
            message.failed_at = timezone.now()
            log.error("background work %s gave up after %d attempt(s): %s", message.key, message.attempts, failure)
        else:
            wait = backoff(message.attempts)
            message.next_attempt_at = timezone.now() + datetime.timedelta(seconds=wait) + lease()
            log.warning(
                "background work %s failed (attempt %d), retrying in %.1fs: %s",
                message.key,
                message.attempts,
                wait,
                failure,
            )
        message.save(update_fields=["attempts", "last_error", "failed_at", "next_attempt_at"])
    if final:
        return "failed"
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        transaction.on_commit(lambda: enqueue([message_id], countdown=wait))
    return "retry"


@transaction.atomic
def retry_failed(messages: Iterable[OutboxMessage]) -> int:
    """An operator's retry: give failed messages a fresh set of attempts and hand them over."""
    ids = [message.pk for message in messages if message.failed_at and not message.done_at]
    OutboxMessage.objects.filter(pk__in=ids).update(
        failed_at=None, attempts=0, next_attempt_at=timezone.now() + lease()
    )
    transaction.on_commit(lambda: enqueue(ids))
    return len(ids)

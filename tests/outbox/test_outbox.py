"""The outbox: written with the work, done once, retried with backoff, shown when it fails."""

import datetime
import smtplib
import threading

import pytest
from django.contrib.admin.sites import site as admin_site
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from notifications.models import Email, Notification
from outbox import services as outbox
from outbox.models import OutboxMessage
from tests.factories import a_notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def email(demo) -> Email:
    leader = demo.person("leader")
    return Email.objects.create(
        key="test", recipient=leader, to=leader.email, subject="Ämne med å, ä och ö", text="Text", html="<p>Text</p>"
    )


def queued_email(email: Email) -> OutboxMessage:
    return OutboxMessage.objects.create(key=f"email:{email.pk}", kind="email", payload={"email": email.pk})


def test_adding_the_same_work_twice_keeps_one_message(demo):
    first = outbox.outbox_add("event", "event:same", event="accepted", application=1)
    second = outbox.outbox_add("event", "event:same", event="accepted", application=1)
    assert first.pk == second.pk
    assert OutboxMessage.objects.count() == 1


def test_a_message_done_once_is_never_done_again(email):
    message = queued_email(email)
    assert outbox.process(message.pk) == "done"
    assert outbox.process(message.pk) == "already"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Ämne med å, ä och ö"


def test_an_email_already_sent_is_not_sent_again_even_if_its_message_runs_again(email):
    message = queued_email(email)
    outbox.process(message.pk)
    OutboxMessage.objects.filter(pk=message.pk).update(done_at=None)  # as if the worker died before recording it
    assert outbox.process(message.pk) == "done"
    assert len(mail.outbox) == 1


class FailingBackend:
    """An SMTP server that answers 451 the first ``failures`` times (a Django e-mail backend)."""

    failures = 0
    sent: list = []

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        if FailingBackend.failures:
            FailingBackend.failures -= 1
            raise smtplib.SMTPDataError(451, b"4.3.0 Try again later")
        FailingBackend.sent.extend(messages)
        return len(messages)


@pytest.fixture
def failing_smtp(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    FailingBackend.sent = []
    return FailingBackend


def test_a_failure_is_retried_later_with_a_growing_wait(email, failing_smtp, settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 30
    failing_smtp.failures = 2
    message = queued_email(email)

    before = timezone.now()
    assert outbox.process(message.pk) == "retry"
    message.refresh_from_db()
    assert message.attempts == 1
    assert "451" in message.last_error
    first_wait = (message.next_attempt_at - before).total_seconds() - settings.OUTBOX_LEASE_SECONDS
    assert 29 <= first_wait <= 31
    assert outbox.process(message.pk) == "retry"
    message.refresh_from_db()
    second_wait = (message.next_attempt_at - timezone.now()).total_seconds() - settings.OUTBOX_LEASE_SECONDS
    assert 59 <= second_wait <= 61
    assert outbox.process(message.pk) == "done"
    assert len(failing_smtp.sent) == 1


def test_it_gives_up_after_the_last_attempt_and_an_operator_can_retry(email, failing_smtp, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    failing_smtp.failures = 99
    message = queued_email(email)
    assert [outbox.process(message.pk) for _ in range(3)] == ["retry", "retry", "failed"]
    assert OutboxMessage.objects.failed().get() == message
    assert outbox.process(message.pk) == "already"  # a failed message waits for a person

    failing_smtp.failures = 0
    assert outbox.retry_failed(OutboxMessage.objects.failed()) == 1
    message.refresh_from_db()
    assert message.failed_at is None
    assert message.attempts == 0
    assert outbox.process(message.pk) == "done"
    assert len(failing_smtp.sent) == 1


def test_work_on_a_row_that_is_gone_fails_at_once(demo):
    message = OutboxMessage.objects.create(key="letter:999999", kind="decision_letter", payload={"decision": 999999})
    assert outbox.process(message.pk) == "failed"
    message.refresh_from_db()
    assert message.attempts == 1
    assert "does not exist" in message.last_error


def test_the_sweep_hands_over_what_is_due_and_leases_it(demo, settings, email):
    due = queued_email(email)
    leased = OutboxMessage.objects.create(
        key="leased",
        kind="email",
        payload={"email": email.pk},
        next_attempt_at=timezone.now() + datetime.timedelta(minutes=1),
    )
    done = OutboxMessage.objects.create(key="done", kind="email", payload={}, done_at=timezone.now())

    handed = outbox.sweep()

    assert handed == [due.pk]
    due.refresh_from_db()
    assert due.done_at is not None  # in-process here: handing over runs it
    leased.refresh_from_db()
    done.refresh_from_db()
    assert leased.done_at is None
    assert leased.attempts == 0


def test_operators_see_failed_work_and_retry_it_from_the_admin(
    as_persona, email, failing_smtp, django_capture_on_commit_callbacks
):
    message = queued_email(email)
    OutboxMessage.objects.filter(pk=message.pk).update(
        failed_at=timezone.now(), attempts=6, last_error="SMTPDataError: 451"
    )
    client = as_persona("project_leader")

    listing = client.get(reverse("admin:outbox_outboxmessage_changelist"), {"lage": "failed"})
    html = listing.content.decode()
    assert "SMTPDataError: 451" in html
    assert "Försök igen" in html

    confirm_url = reverse("admin:outbox_outboxmessage_retry", args=[message.pk])
    assert "Försök igen" in client.get(confirm_url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm_url, follow=True)

    assert "Arbetet lämnas över till Celery igen." in response.content.decode()
    message.refresh_from_db()
    assert message.done_at is not None
    assert message.failed_at is None
    assert len(failing_smtp.sent) == 1


def test_people_without_the_operator_rule_cannot_see_background_work(as_persona):
    assert as_persona("leader").get(reverse("admin:outbox_outboxmessage_changelist")).status_code == 403
    assert OutboxMessage in admin_site._registry


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_never_hand_over_the_same_message(demo, settings):
    """SELECT … FOR UPDATE SKIP LOCKED: a sweeper skips the rows another sweeper holds."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    rows = [
        OutboxMessage.objects.create(key=f"event:{n}", kind="event", payload={"event": "accepted", "application": 0})
        for n in range(4)
    ]
    held = threading.Event()
    release = threading.Event()

    def hold_two():
        with transaction.atomic():
            list(OutboxMessage.objects.select_for_update().filter(pk__in=[rows[0].pk, rows[1].pk]))
            held.set()
            release.wait(10)
        connection.close()

    holder = threading.Thread(target=hold_two)
    holder.start()
    assert held.wait(10)
    try:
        handed = outbox.sweep()
    finally:
        release.set()
        holder.join()
    assert sorted(handed) == [rows[2].pk, rows[3].pk]


def test_what_has_served_its_purpose_is_deleted_after_the_retention_period(demo, email, settings):
    from notifications.services import prune

    settings.NOTIFICATION_RETENTION_DAYS = 365
    settings.OUTBOX_RETENTION_DAYS = 90
    leader = demo.person("leader")
    old = timezone.now() - datetime.timedelta(days=400)
    recent = timezone.now() - datetime.timedelta(days=10)

    def notification(key, created_at, read_at):
        return a_notification(
            key=key, recipient=leader, event="accepted", title=key, body="…", created_at=created_at, read_at=read_at
        )

    notification("old-read", old, old)
    notification("old-unread", old, None)
    notification("recent-read", recent, recent)
    Email.objects.filter(pk=email.pk).update(created_at=old, sent_at=old)
    unsent = Email.objects.create(key="unsent", recipient=leader, to=leader.email, subject="s", text="t", html="h")
    Email.objects.filter(pk=unsent.pk).update(created_at=old)
    OutboxMessage.objects.create(
        key="done-long-ago", kind="email", done_at=timezone.now() - datetime.timedelta(days=100)
    )
    OutboxMessage.objects.create(key="done-lately", kind="email", done_at=recent)
    OutboxMessage.objects.create(key="failed-long-ago", kind="email", failed_at=old)

    pruned = prune()

    assert (pruned.notifications, pruned.emails, pruned.outbox) == (1, 1, 1)
    assert set(Notification.objects.values_list("key", flat=True)) == {"old-unread", "recent-read"}
    assert list(Email.objects.values_list("key", flat=True)) == ["unsent"]
    assert set(OutboxMessage.objects.values_list("key", flat=True)) == {"done-lately", "failed-long-ago"}


def test_a_request_waits_for_a_silent_broker_once_not_once_per_message(settings, monkeypatch):
    """With the broker down, the first hand-over waits for it; the next ones in the pause do not ask it
    at all (the sweep hands them over later), so a submission that adds several messages stays quick."""
    from outbox import tasks

    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.OUTBOX_PUBLISH_WAIT_SECONDS = 0.2
    settings.OUTBOX_BROKER_PAUSE_SECONDS = 60
    asked = []

    def unreachable(*args, **kwargs):
        asked.append(args)
        raise ConnectionRefusedError("the broker is down")

    monkeypatch.setattr(tasks.outbox_process, "apply_async", unreachable)

    assert outbox.enqueue([1]) is False
    assert outbox.enqueue([2]) is False
    assert outbox.enqueue([3]) is False
    assert len(asked) == 1, "only the first hand-over asks the broker during the pause"

    settings.OUTBOX_BROKER_PAUSE_SECONDS = 0
    outbox._broker_silent_until = 0.0
    monkeypatch.setattr(tasks.outbox_process, "apply_async", lambda *args, **kwargs: asked.append(args))
    assert outbox.enqueue([4]) is True
    assert len(asked) == 2, "after the pause the broker is asked again"

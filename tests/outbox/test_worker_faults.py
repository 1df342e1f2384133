"""The outbox end to end: a real Celery worker (with beat) on the real Redis, the real
PostgreSQL, and a real SMTP server on loopback. Faults are real too: Redis is stopped, the
SMTP server refuses, the worker is killed."""

import os
import subprocess
import time

import pytest

from applications.models import Application, Status
from decisions.models import DecisionLetter
from notifications.models import Email
from outbox import services as outbox
from outbox.models import OutboxMessage
from tests.notifications.test_worker_delivery import (
    emails_of,
    letter_mails,
    pdf_attachment,
    quiet_period,
    record_approval,
    submit_over_http,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

REDIS_START = [
    "redis-server",
    "--daemonize",
    "yes",
    "--bind",
    "127.0.0.1",
    "-::1",
    "--port",
    "6379",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    "/var/lib/redis",
    "--logfile",
    "/var/log/redis/ci.log",
]


@pytest.fixture
def restart_redis(request):
    """Stops this machine's Redis for a test and always starts it again."""
    assert request.node.get_closest_marker("serial"), "a test that stops Redis must be marked serial"
    url = os.environ.get("REDIS_URL", "")
    if "127.0.0.1:6379" not in url and "localhost:6379" not in url:
        pytest.skip("stops and starts the local Redis on 127.0.0.1:6379 only")

    def start() -> None:
        os.makedirs("/var/lib/redis", exist_ok=True)
        os.makedirs("/var/log/redis", exist_ok=True)
        subprocess.run(REDIS_START, check=True)  # noqa: S603 - the machine's own redis-server
        deadline = time.monotonic() + 15
        while subprocess.run(["redis-cli", "-p", "6379", "ping"], capture_output=True).returncode:  # noqa: S607
            assert time.monotonic() < deadline, "Redis did not come back"
            time.sleep(0.1)

    def stop() -> None:
        subprocess.run(["redis-cli", "-p", "6379", "shutdown", "nosave"], capture_output=True)  # noqa: S607
        deadline = time.monotonic() + 15
        while not subprocess.run(["redis-cli", "-p", "6379", "ping"], capture_output=True).returncode:  # noqa: S607
            assert time.monotonic() < deadline, "Redis did not stop"
            time.sleep(0.1)

    try:
        yield stop, start
    finally:
        if subprocess.run(["redis-cli", "-p", "6379", "ping"], capture_output=True).returncode:  # noqa: S607
            start()


@pytest.mark.serial
def test_a_submission_while_redis_is_down_is_saved_at_once_and_mailed_once_redis_is_back(
    client, demo, smtp_server, celery_worker_factory, restart_redis
):
    stop_redis, start_redis = restart_redis
    worker = celery_worker_factory(beat=True).start()

    application, elapsed = submit_over_http(client, demo, smtp_server=smtp_server, before_submit=stop_redis)

    assert elapsed < 1.0, f"the submission took {elapsed:.2f} s with Redis down"
    event = OutboxMessage.objects.get(kind="event", payload__event="submitted", payload__application=application.pk)
    assert event.done_at is None  # nothing could be handed over
    time.sleep(1)
    assert smtp_server.messages == []

    start_redis()
    # The project leader and Koncernkontoret; and the receipts to the group's leader and member.
    smtp_server.wait_for(4, timeout=60, log=worker.log_path)
    quiet_period()
    assert len(smtp_server.to(emails_of(demo, "project_leader"))) == 1
    assert len(smtp_server.to(emails_of(demo, "koncernkontoret"))) == 1
    assert len(smtp_server.to(emails_of(demo, "member"))) == 1
    assert len(smtp_server.messages) == 4
    event.refresh_from_db()
    assert event.done_at is not None


def test_an_smtp_server_failing_twice_still_gets_each_mail_once(client, demo, smtp_server, celery_worker_factory):
    worker = celery_worker_factory(beat=True).start()
    submit_over_http(client, demo, smtp_server=smtp_server, before_submit=lambda: smtp_server.fail_next(2))

    # The project leader and Koncernkontoret; and the receipts to the group's leader and member.
    smtp_server.wait_for(4, timeout=60, log=worker.log_path)
    quiet_period()
    assert smtp_server.refused == 2
    assert len(smtp_server.to(emails_of(demo, "project_leader"))) == 1
    assert len(smtp_server.to(emails_of(demo, "koncernkontoret"))) == 1
    assert len(smtp_server.to(emails_of(demo, "member"))) == 1
    assert len(smtp_server.messages) == 4
    sends = OutboxMessage.objects.filter(kind="email")
    # The two refusals, retried (and any receipt that waited for its PDF).
    refusals = [m for m in sends if m.attempts and "not stored yet" not in m.last_error]
    assert sum(message.attempts for message in refusals) == 2
    assert all(message.done_at for message in sends)
    assert Email.objects.filter(sent_at__isnull=True).count() == 0
    assert "retrying in" in worker.log_path.read_text()


def test_a_worker_killed_in_the_middle_of_a_letter_leaves_one_letter_after_restart(
    demo, smtp_server, celery_worker_factory
):
    slow = celery_worker_factory(beat=True).start("--include=tests.fault_hooks", SIMPORTAL_TEST_PDF_PAUSE="60")
    # A paragraph of its own: the letter's file name (diarienummer and §) is not another test's.
    decision, _total = record_approval(demo, paragraph="9158")
    slow.wait_for_log("the PDF is rendered; pausing")

    slow.kill()
    assert not DecisionLetter.objects.filter(decision=decision).exists()
    assert letter_mails(smtp_server) == []

    restarted = celery_worker_factory(beat=True).start()
    leader = emails_of(demo, "leader")
    deadline = time.monotonic() + 60
    while not letter_mails(smtp_server, leader):
        if time.monotonic() > deadline:
            pytest.fail(f"no letter after the restart:\n{restarted.log_path.read_text()}")
        time.sleep(0.1)
    quiet_period()
    assert DecisionLetter.objects.filter(decision=decision).count() == 1
    assert len(letter_mails(smtp_server, leader)) == 1
    pdf_attachment(letter_mails(smtp_server, leader)[0])
    letter = DecisionLetter.objects.get(decision=decision)
    stem = letter.filename.removesuffix(".pdf")
    files = [name for name in os.listdir(letter.pdf.storage.path("beslutsbrev")) if name.startswith(stem)]
    assert files == [os.path.basename(letter.pdf.name)]  # no second file written beside it
    assert Application.objects.get(pk=decision.case.application_id).status == Status.APPROVED


@pytest.mark.serial
def test_the_queue_never_waits_on_a_dead_broker(settings, demo, restart_redis, celery_worker_factory):
    """Handing work over gives up within the publish wait; the request is never held."""
    stop_redis, _start = restart_redis
    celery_worker_factory()  # switches this process from in-process tasks to Redis
    stop_redis()
    started = time.monotonic()
    assert outbox.enqueue([123456]) is False
    assert time.monotonic() - started < settings.OUTBOX_PUBLISH_WAIT_SECONDS + 0.3

"""Background work end to end: a real Celery worker (with beat) on the real Redis, the real
PostgreSQL, and a real SMTP server on loopback. Faults are real too: Redis is stopped, the
SMTP server refuses, the worker is killed."""

import hashlib
import io
import os
import subprocess
import time

import pytest
from django.urls import reverse
from pypdf import PdfReader

from applications.models import Application, Status
from decisions import selectors as decision_selectors
from decisions import services as decision_services
from decisions.models import DecisionLetter
from notifications.models import Email, OutboxMessage
from tests.decisions.test_run import forwarded_case
from tests.factories import complete_application

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

TITLE = "Tidiga insatser för små barn i Färgelanda och Åmål – öppen förskola"
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


def emails_of(demo, persona: str) -> str:
    return demo.person(persona).email


def submit_over_http(client, demo, title="Språkstöd i förskolan"):
    leader = demo.person("leader")
    application = complete_application(demo.call(), demo.working_group("Uddevalla"), title=title, by=leader)
    client.force_login(leader)
    started = time.monotonic()
    response = client.post(reverse("applications:submit", args=[application.pk]))
    elapsed = time.monotonic() - started
    assert response.status_code == 302, response.content.decode()[:2000]
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and application.reference_number
    return application, elapsed


def quiet_period(seconds: float = 3.0) -> None:
    """Give a worker time to do anything more it would (wrongly) do, e.g. send a second mail."""
    time.sleep(seconds)


def test_a_submission_over_http_reaches_the_project_leader_by_email(client, demo, smtp_server, celery_worker):
    application, _elapsed = submit_over_http(client, demo)

    smtp_server.wait_for(2, log=celery_worker.log_path)
    quiet_period(2)
    to_leader = smtp_server.to(emails_of(demo, "project_leader"))
    assert len(to_leader) == 1
    assert len(smtp_server.to(emails_of(demo, "koncernkontoret"))) == 1
    mail = to_leader[0]
    assert application.reference_number in mail["Subject"]
    text = mail.get_body(preferencelist=("plain",)).get_content()
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert "Uddevalla" in text and "Att göra:" in text
    assert f"/ansokningar/{application.pk}/" in text and f"/ansokningar/{application.pk}/" in html
    assert "outbox_process" in celery_worker.log_path.read_text()  # the worker did it, not this process


def record_approval(demo, title=TITLE, paragraph="57"):
    case = forwarded_case(demo, title=title)
    granted = decision_selectors.grant_limits(case)
    decision = decision_services.decision_record(
        case=case,
        outcome="approved",
        paragraph=paragraph,
        decided_on=case.run_meeting.held_on,
        conditions="Insatsen följs upp efter ett år.",
        payment_schedule="Utbetalning i förskott per år.",
        granted=granted,
        by=demo.person("secretariat"),
    )
    return decision, sum(granted.values())


def letter_mails(smtp_server, address: str = "") -> list:
    """The decision e-mails (those carrying the letter) to ``address``; the steps before the
    decision (accepted, the steering group's outcome, forwarded) send e-mails of their own."""
    return [
        mail
        for mail in (smtp_server.to(address) if address else smtp_server.messages)
        if any(part.get_content_type() == "application/pdf" for part in mail.iter_attachments())
    ]


def pdf_attachment(mail):
    attachments = [part for part in mail.iter_attachments() if part.get_content_type() == "application/pdf"]
    assert len(attachments) == 1, [part.get_content_type() for part in mail.iter_attachments()]
    return attachments[0]


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


def test_a_decision_sends_its_letter_as_a_pdf_attachment(demo, smtp_server, celery_worker):
    from simportal.formatting import format_kronor

    decision, total = record_approval(demo)

    leader = emails_of(demo, "leader")
    deadline = time.monotonic() + 45
    while not letter_mails(smtp_server, leader):
        if time.monotonic() > deadline:
            pytest.fail(f"no decision e-mail to the group leader:\n{celery_worker.log_path.read_text()}")
        time.sleep(0.1)
    mail = letter_mails(smtp_server, leader)[0]
    attachment = pdf_attachment(mail)
    content = attachment.get_content()
    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    application = decision.case.application
    assert application.reference_number in text
    assert " ".join(format_kronor(total).split()) in text  # e.g. 1 234 567 kr
    assert TITLE in text  # å, ä and ö intact
    letter = DecisionLetter.objects.get(decision=decision)
    assert attachment.get_filename() == letter.filename
    assert letter.sha256 == hashlib.sha256(content).hexdigest()


@pytest.fixture
def restart_redis():
    """Stops this machine's Redis for a test and always starts it again."""
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


def test_a_submission_while_redis_is_down_is_saved_at_once_and_mailed_once_redis_is_back(
    client, demo, smtp_server, celery_worker_factory, restart_redis
):
    stop_redis, start_redis = restart_redis
    worker = celery_worker_factory(beat=True).start()
    stop_redis()

    application, elapsed = submit_over_http(client, demo)

    assert elapsed < 1.0, f"the submission took {elapsed:.2f} s with Redis down"
    event = OutboxMessage.objects.get(kind="event", payload__application=application.pk)
    assert event.done_at is None  # nothing could be handed over
    time.sleep(1)
    assert smtp_server.messages == []

    start_redis()
    smtp_server.wait_for(2, timeout=60, log=worker.log_path)
    quiet_period()
    assert len(smtp_server.to(emails_of(demo, "project_leader"))) == 1
    assert len(smtp_server.to(emails_of(demo, "koncernkontoret"))) == 1
    assert len(smtp_server.messages) == 2
    event.refresh_from_db()
    assert event.done_at is not None


def test_an_smtp_server_failing_twice_still_gets_each_mail_once(client, demo, smtp_server, celery_worker_factory):
    worker = celery_worker_factory(beat=True).start()
    smtp_server.fail_next(2)

    submit_over_http(client, demo)

    smtp_server.wait_for(2, timeout=60, log=worker.log_path)
    quiet_period()
    assert smtp_server.refused == 2
    assert len(smtp_server.to(emails_of(demo, "project_leader"))) == 1
    assert len(smtp_server.to(emails_of(demo, "koncernkontoret"))) == 1
    assert len(smtp_server.messages) == 2
    sends = OutboxMessage.objects.filter(kind="email")
    assert sum(message.attempts for message in sends) == 2  # the two refusals, retried
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


def test_the_queue_never_waits_on_a_dead_broker(settings, demo, restart_redis, celery_worker_factory):
    """Handing work over gives up within the publish wait; the request is never held."""
    from notifications import outbox

    stop_redis, _start = restart_redis
    celery_worker_factory()  # switches this process from in-process tasks to Redis
    stop_redis()
    started = time.monotonic()
    assert outbox.enqueue([123456]) is False
    assert time.monotonic() - started < settings.OUTBOX_PUBLISH_WAIT_SECONDS + 0.3

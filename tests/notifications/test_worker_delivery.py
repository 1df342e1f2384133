"""Notifications end to end: a real Celery worker (with beat) on the real Redis, the real
PostgreSQL, and a real SMTP server on loopback. The outbox's faults (Redis stopped, the SMTP
server refusing, the worker killed) are in tests/outbox/test_worker_faults.py."""

import hashlib
import io
import time

import pytest
from django.urls import reverse
from pypdf import PdfReader

from applications.models import Status
from decisions import selectors as decision_selectors
from decisions import services as decision_services
from decisions.models import DecisionLetter
from outbox.models import OutboxMessage
from tests.decisions.test_run import forwarded_case
from tests.factories import complete_application

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

TITLE = "Tidiga insatser för små barn i Färgelanda och Åmål – öppen förskola"


def emails_of(demo, persona: str) -> str:
    return demo.person(persona).email


def settled(smtp_server, timeout: float = 60) -> None:
    """Wait until the worker has done every piece of background work (the principals' signing is
    told and mailed before the submission), then forget the mail it sent so far."""
    deadline = time.monotonic() + timeout
    while OutboxMessage.objects.pending().exists():
        assert time.monotonic() < deadline, "the background work before the submission was never done"
        time.sleep(0.2)
    smtp_server.messages.clear()


def submit_over_http(client, demo, title="Språkstöd i förskolan", *, smtp_server=None, before_submit=None):
    """A signed draft of Uddevalla's group, submitted over HTTP by its leader. With ``smtp_server``
    the mail about the signing is delivered and forgotten first; ``before_submit`` runs just before."""
    leader = demo.person("leader")
    application = complete_application(demo.call(), demo.working_group("Uddevalla"), title=title, by=leader)
    if smtp_server is not None:
        settled(smtp_server)
    if before_submit is not None:
        before_submit()
    client.force_login(leader)
    started = time.monotonic()
    response = client.post(reverse("applications:submit", args=[application.pk]))
    elapsed = time.monotonic() - started
    assert response.status_code == 302, response.content.decode()[:2000]
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.reference_number
    return application, elapsed


def quiet_period(seconds: float = 3.0) -> None:
    """Give a worker time to do anything more it would (wrongly) do, e.g. send a second mail."""
    time.sleep(seconds)


def test_a_submission_over_http_reaches_the_project_leader_by_email(client, demo, smtp_server, celery_worker):
    application, _elapsed = submit_over_http(client, demo, smtp_server=smtp_server)

    smtp_server.wait_for(2, log=celery_worker.log_path)
    quiet_period(2)
    to_leader = smtp_server.to(emails_of(demo, "project_leader"))
    assert len(to_leader) == 1
    assert len(smtp_server.to(emails_of(demo, "koncernkontoret"))) == 1
    mail = to_leader[0]
    assert application.reference_number in mail["Subject"]
    text = mail.get_body(preferencelist=("plain",)).get_content()
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert "Uddevalla" in text
    assert "Att göra:" in text
    assert f"/ansokningar/{application.pk}/" in text
    assert f"/ansokningar/{application.pk}/" in html
    assert "outbox_process" in celery_worker.log_path.read_text()  # the worker did it, not this process


def test_a_submission_over_http_sends_the_group_a_receipt_with_the_pdf(client, demo, smtp_server, celery_worker):
    application, _elapsed = submit_over_http(client, demo, title=TITLE, smtp_server=smtp_server)

    smtp_server.wait_for(4, log=celery_worker.log_path)  # the project leader, Koncernkontoret, the group's two
    quiet_period(2)
    for persona in ("leader", "member"):
        (receipt,) = smtp_server.to(emails_of(demo, persona))
        assert application.reference_number in receipt["Subject"]
        assert "Kvitto" in receipt["Subject"]
        assert "Vad händer nu" in receipt.get_body(preferencelist=("plain",)).get_content()
        attachment = pdf_attachment(receipt)
        assert attachment.get_filename().startswith("ansokan-sim-")
        text = pdf_text(attachment.get_content())
        assert application.reference_number in text
        assert TITLE in text


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
    decision (the receipt with the application's PDF, accepted, the steering group's outcome,
    forwarded) send e-mails of their own."""
    return [
        mail
        for mail in (smtp_server.to(address) if address else smtp_server.messages)
        if any(
            part.get_content_type() == "application/pdf" and (part.get_filename() or "").startswith("beslutsbrev")
            for part in mail.iter_attachments()
        )
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

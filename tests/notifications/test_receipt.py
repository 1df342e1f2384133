"""The group's receipt when it sends an application: the diarienummer, what happens next, and the
application as sent attached as a PDF; the e-mail waits for the PDF rather than going without it."""

import io

import pytest
from django.core import mail
from pypdf import PdfReader

from applications import documents, services
from notifications.models import Email, Notification
from outbox.models import OutboxMessage
from outbox.services import process
from tests.factories import complete_application

pytestmark = pytest.mark.django_db


def receipts():
    return [message for message in mail.outbox if "Kvitto" in message.subject]


def test_it_sends_the_whole_group_a_receipt_with_the_pdf(demo, committed):
    leader = demo.person("leader")
    draft = complete_application(demo.call(), demo.working_group("Uddevalla"), title="Läslust", by=leader)
    application = committed(services.application_submit, application=draft, by=leader)

    told = set(Notification.objects.filter(event="receipt").values_list("recipient__username", flat=True))
    assert told == {"gruppledare-uddevalla", "gruppmedlem-uddevalla"}  # the leader who sent it too
    to_leader = [m for m in receipts() if leader.email in m.to]
    assert len(to_leader) == 1
    message = to_leader[0]
    assert message.subject == f"SIM-portalen: Kvitto: {application.reference_number} Läslust är inskickad"
    assert f"diarienummer {application.reference_number}" in message.body
    assert "Vad händer nu" in message.body
    ((name, content, mimetype),) = message.attachments
    assert mimetype == "application/pdf"
    assert name.startswith("ansokan-sim-")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert application.reference_number in text


def test_the_receipt_waits_for_the_pdf(demo, committed, monkeypatch):
    def not_now(*args, **kwargs):
        raise RuntimeError("the PDF renderer is busy")

    monkeypatch.setattr(documents.pdf, "render_pdf", not_now)
    leader = demo.person("leader")
    draft = complete_application(demo.call(), demo.working_group("Uddevalla"), by=leader)
    application = committed(services.application_submit, application=draft, by=leader)

    assert receipts() == []
    email = Email.objects.get(recipient=leader, submission__application=application)
    assert email.sent_at is None
    work = OutboxMessage.objects.get(key=f"email:{email.pk}")
    assert work.done_at is None
    assert work.failed_at is None
    assert "not stored yet" in work.last_error

    monkeypatch.undo()
    snapshot = application.snapshots.get()
    assert process(OutboxMessage.objects.get(key=f"application_pdf:{snapshot.pk}").pk) == "done"
    assert process(work.pk) == "done"
    (sent,) = [m for m in receipts() if leader.email in m.to]
    assert sent.attachments[0][0] == documents.pdf_filename(snapshot)

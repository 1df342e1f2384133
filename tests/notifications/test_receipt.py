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


def test_a_receipt_in_the_digest_still_carries_the_pdf(demo, committed):
    import datetime

    import time_machine
    from django.utils import timezone

    from notifications.models import Delivery, Preference
    from notifications.services import digests_send

    leader = demo.person("leader")
    member = demo.person("member")
    Preference.objects.create(person=member, event="receipt", delivery=Delivery.DIGEST)
    group = demo.working_group("Uddevalla")
    first = complete_application(demo.call(), group, title="Läslust", by=leader)
    second = complete_application(demo.call(), group, title="Familjecentral", by=leader)
    first = committed(services.application_submit, application=first, by=leader)
    second = committed(services.application_submit, application=second, by=leader)
    assert [m for m in mail.outbox if member.email in m.to] == []  # the member chose the digest

    with time_machine.travel(timezone.now() + datetime.timedelta(days=1), tick=False):
        committed(digests_send)

    (digest,) = [m for m in mail.outbox if member.email in m.to]
    assert "dagens sammanfattning" in digest.subject
    expected = [documents.pdf_filename(application.snapshots.get()) for application in (first, second)]
    assert [name for name, _content, _mimetype in digest.attachments] == expected
    for (_name, content, mimetype), application in zip(digest.attachments, (first, second), strict=True):
        assert mimetype == "application/pdf"
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
        assert application.reference_number in text
    # The same name as the single receipt the leader got at once.
    to_leader = [m for m in receipts() if leader.email in m.to]
    assert sorted(m.attachments[0][0] for m in to_leader) == sorted(expected)


def test_a_digest_with_a_receipt_waits_for_its_pdf(demo, committed, monkeypatch):
    import datetime

    import time_machine
    from django.utils import timezone

    from notifications.models import Delivery, Preference
    from notifications.services import digests_send

    member = demo.person("member")
    Preference.objects.create(person=member, event="receipt", delivery=Delivery.DIGEST)

    def not_now(*args, **kwargs):
        raise RuntimeError("the PDF renderer is busy")

    monkeypatch.setattr(documents.pdf, "render_pdf", not_now)
    leader = demo.person("leader")
    draft = complete_application(demo.call(), demo.working_group("Uddevalla"), by=leader)
    application = committed(services.application_submit, application=draft, by=leader)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1), tick=False):
        (email,) = committed(digests_send)
    assert [m for m in mail.outbox if member.email in m.to] == []
    work = OutboxMessage.objects.get(key=f"email:{email.pk}")
    assert "not stored yet" in work.last_error

    monkeypatch.undo()
    snapshot = application.snapshots.get()
    assert process(OutboxMessage.objects.get(key=f"application_pdf:{snapshot.pk}").pk) == "done"
    assert process(work.pk) == "done"
    (sent,) = [m for m in mail.outbox if member.email in m.to]
    assert [name for name, _content, _mimetype in sent.attachments] == [documents.pdf_filename(snapshot)]

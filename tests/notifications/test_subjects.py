"""Text people type reaches e-mail safely: a line break in a title never stops the mail, and
direction controls never disguise what it says."""

import pytest
from django.core import mail

from applications import services
from notifications.models import Email
from outbox.models import OutboxMessage
from simportal.text import BIDI_CONTROLS, header_value
from tests.factories import complete_application

pytestmark = pytest.mark.django_db

INJECTED = "angripare@example.com i förskolan 0202"
TITLE = "Språkstöd\r\nBcc: angripare@example.com\n i förskolan \u202e0202\u202c"


def test_a_title_with_line_breaks_and_direction_controls_is_still_mailed(demo, committed):
    leader = demo.person("leader")
    draft = complete_application(demo.call(), demo.working_group("Uddevalla"), title=TITLE, by=leader)

    application = committed(services.application_submit, application=draft, by=leader)

    assert not OutboxMessage.objects.filter(failed_at__isnull=False).exists()
    [message] = [m for m in mail.outbox if demo.person("project_leader").email in m.to]
    number = application.reference_number
    assert message.subject == f"SIM-portalen: Ny ansökan: {number} Språkstöd Bcc: " + INJECTED
    assert message.bcc == []
    html, _mimetype = message.alternatives[0]
    for text in (message.subject, message.body, html):
        assert not set(BIDI_CONTROLS) & set(text)
    assert Email.objects.filter(sent_at__isnull=True).count() == 0


def test_a_subject_is_one_line_without_control_characters():
    assert header_value("a\rb\nc\u2028d\x00e\u0085f\tg  h") == "a b c d e f g h"
    assert header_value("x" * 400, max_length=300) == "x" * 300


def test_an_email_stored_with_a_line_break_in_its_subject_is_still_sent(demo):
    from notifications import services as notification_services

    person = demo.person("leader")
    email = Email.objects.create(
        key="gammalt",
        recipient=person,
        to=person.email,
        subject="SIM-portalen: Rad ett\r\nRad två",
        text="Hej",
        html="",
    )
    notification_services.send_email(OutboxMessage(key="email:gammalt", payload={"email": email.pk}))
    [message] = mail.outbox
    assert message.subject == "SIM-portalen: Rad ett Rad två"
    email.refresh_from_db()
    assert email.sent_at is not None

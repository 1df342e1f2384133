"""Password reset by e-mail through the outbox, so the request never waits on the mail server.

Only the person's id is queued: the reset link and its token are made when the e-mail is
sent, so no usable token is ever stored in the database.
"""

import uuid

from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation

from notifications.models import OutboxKind
from notifications.outbox import outbox_add


class QueuedPasswordResetForm(PasswordResetForm):
    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        outbox_add(
            OutboxKind.PASSWORD_RESET,
            f"password-reset:{context['user'].pk}:{uuid.uuid4().hex}",
            user=context["user"].pk,
            to=to_email,
            domain=context["domain"],
            site_name=context["site_name"],
            protocol=context["protocol"],
            language=translation.get_language() or "sv",
            templates=[subject_template_name, email_template_name, html_email_template_name],
        )

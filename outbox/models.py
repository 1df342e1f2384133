"""The outbox of background work.

The outbox is the portal's promise that work decided in a transaction is done once the
transaction commits, even if Redis is down at that moment: a row is written in the same
transaction, handed to Celery after the commit, and swept up again by a periodic task if
it was never handed over or its worker died.
"""

import datetime
from typing import Literal

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxKind(models.TextChoices):
    """The kinds of work; the app that does each registers its handler (``services.handler_register``)."""

    EVENT = "event", _("Avisering om en händelse")
    EMAIL = "email", _("E-post")
    DECISION_LETTER = "decision_letter", _("Beslutsbrev")
    MINUTES_PDF = "minutes_pdf", _("Protokoll som PDF")
    APPLICATION_PDF = "application_pdf", _("Ansökan som PDF")
    SIGNING_PDF = "signing_pdf", _("Ansökan som PDF för underskrift")
    PASSWORD_RESET = "password_reset", _("Länk för nytt lösenord")
    INVITATION = "invitation", _("Inbjudan att välja lösenord")
    ACCOUNT_MAIL_REQUEST = "account_mail_request", _("Begäran om länk för lösenord")


class OutboxQuerySet(models.QuerySet["OutboxMessage"]):
    def pending(self) -> "OutboxQuerySet":
        return self.filter(done_at__isnull=True, failed_at__isnull=True)

    def failed(self) -> "OutboxQuerySet":
        return self.filter(failed_at__isnull=False, done_at__isnull=True)

    def due(self, now: datetime.datetime | None = None) -> "OutboxQuerySet":
        return self.pending().filter(next_attempt_at__lte=now or timezone.now())


class OutboxMessage(models.Model):
    """A piece of background work, written in the transaction that made it necessary."""

    key = models.CharField(max_length=200, unique=True, help_text=_("Samma arbete läggs aldrig i utkorgen två gånger."))
    kind = models.CharField(_("slag"), max_length=30, choices=OutboxKind.choices)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(_("skapat"), default=timezone.now)
    next_attempt_at = models.DateTimeField(
        _("nästa försök"),
        default=timezone.now,
        help_text=_("Svepet lämnar över arbetet till Celery igen om det inte är klart vid den här tiden."),
    )
    attempts = models.PositiveSmallIntegerField(_("försök"), default=0)
    last_error = models.TextField(_("senaste fel"), blank=True)
    done_at = models.DateTimeField(_("klart"), null=True, blank=True)
    failed_at = models.DateTimeField(_("gav upp"), null=True, blank=True)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        # The table kept its name when the model moved here from notifications: no rows were copied.
        db_table = "notifications_outboxmessage"
        verbose_name = _("bakgrundsarbete")
        verbose_name_plural = _("bakgrundsarbeten")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_pending",
                condition=Q(done_at__isnull=True, failed_at__isnull=True),
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(done_at__isnull=True) | Q(failed_at__isnull=True),
                name="outbox_done_or_failed",
                violation_error_message=_("Ett arbete är antingen klart eller misslyckat, inte båda."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}"

    @property
    def state(self) -> Literal["done", "failed", "pending"]:
        if self.done_at:
            return "done"
        if self.failed_at:
            return "failed"
        return "pending"

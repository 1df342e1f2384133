"""Notifications, the people's choices about them, and the outbox of background work.

The outbox is the portal's promise that work decided in a transaction is done once the
transaction commits, even if Redis is down at that moment: a row is written in the same
transaction, handed to Celery after the commit, and swept up again by a periodic task if
it was never handed over or its worker died.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("Direkt, ett e-postmeddelande per händelse")
    DIGEST = "digest", _("En sammanfattning per dag")


class Preference(models.Model):
    """How one person wants to hear about one kind of event (immediately unless chosen)."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs")
    event = models.CharField(_("händelse"), max_length=40)
    delivery = models.CharField(_("e-post"), max_length=20, choices=Delivery.choices, default=Delivery.IMMEDIATE)

    class Meta:
        verbose_name = _("aviseringsval")
        verbose_name_plural = _("aviseringsval")
        constraints = [models.UniqueConstraint(fields=["person", "event"], name="preference_once_per_event")]

    def __str__(self) -> str:
        return f"{self.person} {self.event}: {self.delivery}"


class Notification(models.Model):
    """One thing one person is told, in the portal and (at once or in the digest) by e-mail."""

    key = models.CharField(
        max_length=200, unique=True, help_text=_("Gör att samma avisering aldrig skapas två gånger.")
    )
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(_("händelse"), max_length=40)
    title = models.CharField(_("rubrik"), max_length=300)
    body = models.TextField(_("text"))
    action = models.CharField(_("vad du ska göra"), max_length=500, blank=True)
    url = models.CharField(_("länk"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)
    read_at = models.DateTimeField(_("läst"), null=True, blank=True)
    delivery = models.CharField(max_length=20, choices=Delivery.choices, default=Delivery.IMMEDIATE)
    email = models.ForeignKey(
        "Email",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
        help_text=_("E-postmeddelandet den gick ut med, direkt eller i en sammanfattning."),
    )
    letter = models.ForeignKey(
        "decisions.DecisionLetter", on_delete=models.PROTECT, null=True, blank=True, related_name="notifications"
    )

    class Meta:
        verbose_name = _("avisering")
        verbose_name_plural = _("aviseringar")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(
                fields=["delivery", "recipient"],
                name="notification_awaiting_digest",
                condition=Q(delivery="digest", email__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Email(models.Model):
    """One e-mail to one person: a single notification or a day's digest. Sent at most once."""

    key = models.CharField(max_length=200, unique=True)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    to = models.EmailField(_("till"))
    subject = models.CharField(_("ämne"), max_length=300)
    text = models.TextField()
    html = models.TextField()
    letter = models.ForeignKey(
        "decisions.DecisionLetter", on_delete=models.PROTECT, null=True, blank=True, related_name="emails"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("skickat"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-postmeddelande")
        verbose_name_plural = _("e-postmeddelanden")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"

    @property
    def message_id(self) -> str:
        """Stable across retries, so a receiving server can tell a resent message from a new one."""
        domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].rstrip(">") or "simportal.local"
        return f"<email-{self.pk}@{domain}>"


class OutboxKind(models.TextChoices):
    EVENT = "event", _("Avisering om en händelse")
    EMAIL = "email", _("E-post")
    DECISION_LETTER = "decision_letter", _("Beslutsbrev")
    MINUTES_PDF = "minutes_pdf", _("Protokoll som PDF")
    PASSWORD_RESET = "password_reset", _("Länk för nytt lösenord")
    INVITATION = "invitation", _("Inbjudan att välja lösenord")


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
    def state(self) -> str:
        if self.done_at:
            return "done"
        if self.failed_at:
            return "failed"
        return "pending"

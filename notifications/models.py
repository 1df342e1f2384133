"""Notifications, the people's choices about them, and the e-mails they go out with.
The background work that delivers them is in the outbox (``outbox.models``)."""

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
    partnership = models.ForeignKey(
        "partnership.Partnership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Partnerskapet som händelsen gäller; e-postens sidfot säger vilken roll mottagaren har i det."),
    )
    # A receipt's submission: whichever e-mail the receipt goes out with, at once or in the day's
    # digest, carries the PDF of that application as sent.
    submission = models.ForeignKey(
        "applications.Snapshot", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
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


class UnreadCount(models.Model):
    """How many of the person's notifications are unread, kept by the services that add and mark
    them (``notifications.services``), so that the header's count costs no query of its own: it is
    read with the logged-in person (``simportal.backends.PasswordBackend.get_user``)."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="unread_count"
    )
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("antal olästa aviseringar")
        verbose_name_plural = _("antal olästa aviseringar")

    def __str__(self) -> str:
        return f"{self.person}: {self.count}"


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
    # A receipt carries the application as sent: the PDF of this submission, once it is stored.
    submission = models.ForeignKey(
        "applications.Snapshot", on_delete=models.PROTECT, null=True, blank=True, related_name="emails"
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

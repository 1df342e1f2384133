"""Steering-group meetings and their agendas."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Meeting(models.Model):
    steering_group = models.ForeignKey(
        "partnership.Body",
        verbose_name=_("styrgrupp"),
        on_delete=models.PROTECT,
        related_name="meetings",
        limit_choices_to={"kind": "steering_group"},
    )
    starts_at = models.DateTimeField(_("tid"))
    place = models.CharField(_("plats eller länk"), max_length=300, blank=True)
    published_at = models.DateTimeField(
        _("dagordning publicerad"), null=True, blank=True, help_text=_("Ledamöterna ser mötet när det är publicerat.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("styrgruppsmöte")
        verbose_name_plural = _("styrgruppsmöten")
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"{self.steering_group} {timezone.localtime(self.starts_at):%Y-%m-%d}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, verbose_name=_("möte"), on_delete=models.CASCADE, related_name="items")
    application = models.ForeignKey(
        "applications.Application", verbose_name=_("ansökan"), on_delete=models.PROTECT, related_name="agenda_items"
    )
    position = models.PositiveSmallIntegerField(_("ordning"))

    class Meta:
        verbose_name = _("punkt på dagordningen")
        verbose_name_plural = _("punkter på dagordningen")
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "application"], name="agendaitem_once_per_meeting"),
            models.UniqueConstraint(fields=["meeting", "position"], name="agendaitem_unique_position"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.application}"

"""An application (ansökan) for one intervention, written by a local working group."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Status(models.TextChoices):
    """Every state an application can be in. Which moves are allowed, and by whom,
    is decided by the application workflow, never by the views."""

    DRAFT = "draft", _("Utkast")
    SUBMITTED = "submitted", _("Inskickad")
    RETURNED = "returned", _("Åter för komplettering")
    COMPLETE = "complete", _("Komplett")
    ON_AGENDA = "on_agenda", _("På styrgruppens dagordning")
    RECOMMENDED = "recommended", _("Tillstyrkt av styrgruppen")
    NOT_RECOMMENDED = "not_recommended", _("Avstyrkt av styrgruppen")
    AT_RUN = "at_run", _("Hos RUN för beslut")
    APPROVED = "approved", _("Beviljad")
    REJECTED = "rejected", _("Avslagen")
    REFERRED_BACK = "referred_back", _("Återremitterad")
    WITHDRAWN = "withdrawn", _("Återtagen")


# The group writes in these states.
GROUP_EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})
# Registered: from the first submission on (a withdrawn draft never was).
NOT_YET_SUBMITTED = frozenset({Status.DRAFT})
FORWARDED_TO_RUN = frozenset({Status.AT_RUN, Status.APPROVED, Status.REJECTED, Status.REFERRED_BACK})


class Application(models.Model):
    call = models.ForeignKey(
        "partnership.Call", verbose_name=_("utlysning"), on_delete=models.PROTECT, related_name="applications"
    )
    working_group = models.ForeignKey(
        "partnership.Body",
        verbose_name=_("lokal arbetsgrupp"),
        on_delete=models.PROTECT,
        related_name="applications",
        limit_choices_to={"kind": "local_wg"},
    )
    title = models.CharField(_("insatsens namn"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    reference_number = models.CharField(_("diarienummer"), max_length=20, unique=True, null=True, blank=True)
    submitted_at = models.DateTimeField(_("inskickad"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("skapad av"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("senast ändrad"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ansökan")
        verbose_name_plural = _("ansökningar")
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(status="withdrawn", submitted_at__isnull=True)
                | Q(submitted_at__isnull=False, reference_number__isnull=False),
                name="application_registered_when_submitted",
                violation_error_message=_("En inskickad ansökan har diarienummer och inskickningstid."),
            ),
        ]
        indexes = [models.Index(fields=["status", "call"], name="application_status_call")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable_by_group(self) -> bool:
        return self.status in GROUP_EDITABLE

    @property
    def is_submitted(self) -> bool:
        return self.status not in NOT_YET_SUBMITTED and self.submitted_at is not None

    @property
    def is_forwarded_to_run(self) -> bool:
        return self.status in FORWARDED_TO_RUN

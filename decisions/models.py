"""RUN's board meetings (sammanträden), the cases forwarded to them, the board's decisions
and their corrections, the amounts granted per year, the budget's own recorded acts and the
decision letters.

A recorded decision is never edited: a correction is a new row pointing at the one it
corrects. The tables keep the names they were created with in ``reviews``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# RUN's own registration number (diarienummer), e.g. ``RUN 2026-00123``: the board's prefix,
# the year and a five-digit number. It is not the portal's reference (``SIM 2026/0001``).
RUN_REFERENCE_PATTERN = r"^RUN \d{4}-\d{5}$"
RUN_REFERENCE_HELP = _(
    "Skriv RUN:s diarienummer som RUN 2026-00123: RUN, mellanslag, året, bindestreck och fem siffror."
)
run_reference_validator = RegexValidator(RUN_REFERENCE_PATTERN, RUN_REFERENCE_HELP)


class RunMeeting(models.Model):
    """A meeting (sammanträde) of the board RUN."""

    board = models.ForeignKey(
        "partnership.Body",
        verbose_name=_("nämnd"),
        on_delete=models.PROTECT,
        related_name="run_meetings",
        limit_choices_to={"kind": "run"},
    )
    held_on = models.DateField(_("sammanträdesdag"))
    place = models.CharField(_("plats"), max_length=300, blank=True)
    cancelled_at = models.DateTimeField(_("inställt"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancellation_reason = models.TextField(_("skäl till att sammanträdet ställdes in"), blank=True)
    # Entered by the secretariat with the meeting's first decision; the letters name them.
    chair_name = models.CharField(_("ordförande vid sammanträdet"), max_length=200, blank=True)
    minutes_posted_on = models.DateField(
        _("protokollet anslaget"),
        null=True,
        blank=True,
        help_text=_("Dagen då det justerade protokollet tillkännagavs på regionens anslagstavla."),
    )

    class Meta:
        db_table = "reviews_runmeeting"
        verbose_name = _("RUN-sammanträde")
        verbose_name_plural = _("RUN-sammanträden")
        ordering = ["held_on"]
        constraints = [
            models.UniqueConstraint(fields=["board", "held_on"], name="runmeeting_once_a_day"),
            models.CheckConstraint(
                condition=Q(minutes_posted_on__isnull=True) | Q(minutes_posted_on__gte=models.F("held_on")),
                name="runmeeting_minutes_posted_after_meeting",
                violation_error_message=_("Protokollet kan inte anslås före sammanträdet."),
            ),
        ]

    def __str__(self) -> str:
        return f"RUN {self.held_on.isoformat()}"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class RunCase(models.Model):
    """An application forwarded to a RUN meeting, with the steering group's recommendation."""

    run_meeting = models.ForeignKey(RunMeeting, on_delete=models.PROTECT, related_name="cases")
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="run_cases")
    agenda_item = models.ForeignKey("reviews.AgendaItem", on_delete=models.PROTECT, related_name="run_cases")
    forwarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    forwarded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("återtagen"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        db_table = "reviews_runcase"
        verbose_name = _("ärende till RUN")
        verbose_name_plural = _("ärenden till RUN")
        ordering = ["run_meeting", "forwarded_at"]
        constraints = [
            models.UniqueConstraint(fields=["run_meeting", "application"], name="runcase_once_per_meeting"),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True, withdrawn_by__isnull=True)
                | Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False),
                name="runcase_withdrawn_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} – {self.run_meeting}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", _("Bifall")
    REJECTED = "rejected", _("Avslag")
    REFERRED_BACK = "referred_back", _("Återremiss")


class Decision(models.Model):
    """RUN's decision on one case, recorded by the secretariat. Never edited: a correction
    is a new decision that names the one it corrects and why."""

    case = models.ForeignKey(RunCase, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(_("beslut"), max_length=20, choices=DecisionOutcome.choices)
    paragraph = models.CharField(_("paragraf (§)"), max_length=20)
    run_reference = models.CharField(
        _("RUN:s diarienummer"), max_length=20, blank=True, validators=[run_reference_validator]
    )
    decided_on = models.DateField(_("beslutsdatum"))
    reasons = models.TextField(_("skäl"), blank=True)
    conditions = models.TextField(_("villkor"), blank=True)
    payment_schedule = models.TextField(_("utbetalningsplan"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    corrects = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrected_by"
    )
    correction_reason = models.TextField(_("skäl för rättelsen"), blank=True)

    class Meta:
        db_table = "reviews_decision"
        verbose_name = _("beslut")
        verbose_name_plural = _("beslut")
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="approved") | ~Q(reasons=""),
                name="decision_reasons_unless_approved",
                violation_error_message=_("Ett avslag eller en återremiss ska ha skäl."),
            ),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | ~Q(correction_reason=""),
                name="decision_correction_has_reason",
                violation_error_message=_("En rättelse ska ha ett skäl."),
            ),
        ]

    def __str__(self) -> str:
        return f"§ {self.paragraph} {self.get_outcome_display()}"

    @property
    def is_current(self) -> bool:
        return not hasattr(self, "corrected_by")


class GrantedYear(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="granted_years")
    year = models.PositiveSmallIntegerField(_("år"))
    amount = models.PositiveBigIntegerField(_("beviljat belopp (kr)"))

    class Meta:
        db_table = "reviews_grantedyear"
        constraints = [models.UniqueConstraint(fields=["decision", "year"], name="grantedyear_once")]

    def __str__(self) -> str:
        return f"{self.year}: {self.amount}"


class BudgetAdjustment(models.Model):
    """A recorded act that raises (or lowers) a call's earmarked budget."""

    call = models.ForeignKey("partnership.Call", on_delete=models.PROTECT, related_name="budget_adjustments")
    amount = models.BigIntegerField(_("ändring (kr)"))
    reason = models.TextField(_("skäl"))
    decided_on = models.DateField(_("beslutsdatum"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "reviews_budgetadjustment"
        verbose_name = _("budgetändring")
        verbose_name_plural = _("budgetändringar")
        ordering = ["recorded_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="budgetadjustment_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.call}: {self.amount}"


class DecisionLetter(models.Model):
    """The decision letter (beslutsbrev) of one decision, rendered once and stored as sent.

    Never rendered again: the stored file and its checksum are what the applicants received.
    A correction is a decision of its own, with a letter of its own.
    """

    decision = models.OneToOneField(Decision, verbose_name=_("beslut"), on_delete=models.PROTECT, related_name="letter")
    pdf = models.FileField(_("PDF"), upload_to="beslutsbrev/")
    filename = models.CharField(_("filnamn"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("storlek (byte)"))
    created_at = models.DateTimeField(_("skapat"), auto_now_add=True)

    class Meta:
        db_table = "reviews_decisionletter"
        verbose_name = _("beslutsbrev")
        verbose_name_plural = _("beslutsbrev")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.filename


class LedgerTotal(models.Model):
    """The running totals of one call and budget year: what is requested from RUN, recommended
    by the steering group and granted by RUN. Kept by the services that change them
    (``decisions.totals``), in their own transaction, with ``F()`` updates so that simultaneous
    acts add up; the budget ledger reads them instead of summing every application's rows.
    ``manage.py ledger_check`` recomputes them from the rows and compares."""

    call = models.ForeignKey("partnership.Call", on_delete=models.CASCADE, related_name="ledger_totals")
    year = models.PositiveSmallIntegerField(_("år"))
    requested = models.BigIntegerField(_("sökt (kr)"), default=0)
    recommended = models.BigIntegerField(_("tillstyrkt (kr)"), default=0)
    granted = models.BigIntegerField(_("beviljat (kr)"), default=0)

    class Meta:
        verbose_name = _("löpande summa per utlysning och år")
        verbose_name_plural = _("löpande summor per utlysning och år")
        ordering = ["call", "year"]
        constraints = [
            models.UniqueConstraint(fields=["call", "year"], name="ledgertotal_once_per_call_and_year"),
            models.CheckConstraint(
                condition=Q(requested__gte=0, recommended__gte=0, granted__gte=0),
                name="ledgertotal_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call_id} {self.year}: {self.requested}/{self.recommended}/{self.granted}"

    @property
    def is_empty(self) -> bool:
        return not (self.requested or self.recommended or self.granted)

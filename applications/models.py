"""An application (ansökan) for one intervention, written by a local working group.

The application is split into sections (see ``applications.sections``); each
section carries a version number so that two people saving the same section
never silently overwrite each other.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partnership.models import Principal


class Status(models.TextChoices):
    """Every state an application can be in. Which moves are allowed, and by whom,
    is decided by ``applications.workflow``, never by the views."""

    DRAFT = "draft", _("Utkast")
    SUBMITTED = "submitted", _("Inskickad")
    RETURNED = "returned", _("Återförvisad för komplettering")
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
DECIDED = frozenset({Status.APPROVED, Status.REJECTED})


class Source(models.TextChoices):
    PORTAL = "portal", _("Ansökan i portalen")
    IMPORT = "import", _("Importerad från publicerad lista")


class RunStatus(models.TextChoices):
    """Where a granted intervention is now, as the public portfolio shows it."""

    ONGOING = "ongoing", _("Pågående")
    COMPLETED = "completed", _("Avslutad")


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
        null=True,
        blank=True,
    )
    source = models.CharField(_("källa"), max_length=10, choices=Source.choices, default=Source.PORTAL)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    reference_number = models.CharField(_("diarienummer"), max_length=20, unique=True, null=True, blank=True)
    submitted_at = models.DateTimeField(_("inskickad"), null=True, blank=True)
    # NULL until the investment is funded: "no state yet" is not one of the states.
    run_status = models.CharField(  # noqa: DJ001
        _("genomförande"), max_length=10, choices=RunStatus.choices, null=True, blank=True
    )

    # Basics
    title = models.CharField(_("insatsens namn"), max_length=200)
    municipalities = models.ManyToManyField(
        "partnership.Municipality", verbose_name=_("kommuner"), related_name="applications", blank=True
    )
    project_owner = models.ForeignKey(
        "partnership.Organisation",
        verbose_name=_("projektägare"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_applications",
    )
    # Purpose, problem, target group
    purpose = models.TextField(_("syfte"), blank=True)
    problem = models.TextField(_("problem och orsaker"), blank=True)
    target_group = models.TextField(_("målgrupp"), blank=True)
    target_age_min = models.PositiveSmallIntegerField(_("målgruppens ålder från"), null=True, blank=True)
    target_age_max = models.PositiveSmallIntegerField(_("målgruppens ålder till"), null=True, blank=True)
    expected_children = models.PositiveIntegerField(_("antal barn"), null=True, blank=True)
    expected_families = models.PositiveIntegerField(_("antal familjer"), null=True, blank=True)
    # Content
    content = models.TextField(_("innehåll och metod"), blank=True)
    evidence = models.TextField(_("evidens"), blank=True)
    child_rights = models.TextField(_("barnrättsperspektiv"), blank=True)
    # Period
    starts_on = models.DateField(_("startdatum"), null=True, blank=True)
    ends_on = models.DateField(_("slutdatum"), null=True, blank=True)
    # Follow-up and afterwards
    follow_up = models.TextField(_("uppföljningsplan"), blank=True)
    implementation = models.TextField(_("implementering efter finansieringen"), blank=True)
    # The sum of the budget years' amounts requested from RUN, kept by the service that saves
    # the budget, so that the inbox filters and sorts on a column instead of a sum per row.
    requested_total = models.PositiveBigIntegerField(_("sökt från RUN totalt (kr)"), default=0, editable=False)

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

    history = HistoricalRecords(excluded_fields=["updated_at", "requested_total"])

    class Meta:
        verbose_name = _("ansökan")
        verbose_name_plural = _("ansökningar")
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(status="withdrawn", submitted_at__isnull=True)
                | Q(submitted_at__isnull=False, reference_number__isnull=False)
                | Q(source="import"),
                name="application_registered_when_submitted",
                violation_error_message=_("En inskickad ansökan har diarienummer och inskickningstid."),
            ),
            models.CheckConstraint(
                condition=Q(working_group__isnull=False) | Q(source="import"),
                name="application_portal_has_working_group",
                violation_error_message=_("En ansökan i portalen hör till en lokal arbetsgrupp."),
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True) | Q(ends_on__gt=F("starts_on")),
                name="application_period_ordered",
                violation_error_message=_("Slutdatum måste ligga efter startdatum."),
            ),
            models.CheckConstraint(
                condition=Q(target_age_min__isnull=True)
                | Q(target_age_max__isnull=True)
                | Q(target_age_min__lte=F("target_age_max")),
                name="application_age_span_ordered",
                violation_error_message=_("Den lägsta åldern får inte vara högre än den högsta."),
            ),
            # The target of ``AddressedArea``'s (application, call) key.
            models.UniqueConstraint(fields=["id", "call"], name="application_with_its_call"),
            models.CheckConstraint(
                condition=Q(requested_total__gte=0),
                name="application_requested_total_not_negative",
                violation_error_message=_("Det sökta beloppet kan inte vara negativt."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "call"], name="application_status_call"),
            # The inbox's default order and the start pages' "newest first": read in index order.
            models.Index(fields=["-submitted_at", "-id"], name="application_newest_submitted"),
            # The inbox sorted by the requested amount (either way) reads this in order.
            models.Index(fields=["-requested_total", "-id"], name="application_requested_total"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable_by_group(self) -> bool:
        return self.source == Source.PORTAL and self.status in GROUP_EDITABLE

    @property
    def is_submitted(self) -> bool:
        return self.status not in NOT_YET_SUBMITTED and self.submitted_at is not None

    @property
    def is_forwarded_to_run(self) -> bool:
        return self.status in FORWARDED_TO_RUN

    @property
    def is_public(self) -> bool:
        return self.status == Status.APPROVED


class Partner(models.Model):
    """A partner (samverkanspart) in the intervention: a unit of the partnership, or,
    for imported investments, a named organisation."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="partners")
    unit = models.ForeignKey(
        "partnership.Unit", verbose_name=_("enhet"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("namn"), max_length=300, blank=True)
    principal = models.CharField(
        _("huvudman"), max_length=20, choices=[("region", _("Region")), ("municipality", _("Kommun"))], blank=True
    )
    role = models.TextField(_("roll i insatsen"), blank=True)

    class Meta:
        verbose_name = _("samverkanspart")
        verbose_name_plural = _("samverkansparter")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "unit"], name="partner_unit_once"),
            models.CheckConstraint(condition=Q(unit__isnull=False) | ~Q(name=""), name="partner_named"),
        ]

    def __str__(self) -> str:
        return str(self.unit) if self.unit_id else self.name

    @property
    def display_name(self) -> str:
        return self.unit.name if self.unit_id else self.name


class BudgetYear(models.Model):
    """One year of the budget: total cost and the amount requested from RUN.

    The partners' co-financing makes up the rest: cost = requested + co-financing.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget_years")
    year = models.PositiveSmallIntegerField(_("år"))
    cost = models.PositiveBigIntegerField(_("kostnad (kr)"), default=0)
    requested = models.PositiveBigIntegerField(_("sökt från RUN (kr)"), default=0)

    class Meta:
        verbose_name = _("budgetår")
        verbose_name_plural = _("budgetår")
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["application", "year"], name="budgetyear_once"),
            models.CheckConstraint(condition=Q(year__gte=2000) & Q(year__lte=2100), name="budgetyear_sensible_year"),
            models.CheckConstraint(
                condition=Q(requested__lte=F("cost")),
                name="budgetyear_requested_within_cost",
                violation_error_message=_("Det sökta beloppet kan inte vara större än kostnaden."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)


class CoFinancing(models.Model):
    budget_year = models.ForeignKey(BudgetYear, on_delete=models.CASCADE, related_name="co_financing")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="co_financing")
    amount = models.PositiveBigIntegerField(_("medfinansiering (kr)"), default=0)

    class Meta:
        verbose_name = _("medfinansiering")
        verbose_name_plural = _("medfinansiering")
        constraints = [models.UniqueConstraint(fields=["budget_year", "partner"], name="cofinancing_once")]


class LogicLevel(models.TextChoices):
    """SKR's logic model, in order."""

    RESOURCES = "resources", _("Resurser")
    ACTIVITIES = "activities", _("Aktiviteter")
    OUTPUTS = "outputs", _("Prestationer")
    SHORT_TERM = "short_term", _("Kortsiktiga resultat")
    LONG_TERM = "long_term", _("Långsiktiga effekter")


def logic_level_order() -> models.Case:
    """The logic model's own order for ``order_by``: resources, activities, outputs,
    short-term outcomes, long-term effects (not the alphabetical order of the keys)."""
    return models.Case(
        *(models.When(level=level.value, then=models.Value(index)) for index, level in enumerate(LogicLevel)),
        default=models.Value(len(LogicLevel)),
        output_field=models.IntegerField(),
    )


class LogicModelRow(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="logic_rows")
    level = models.CharField(_("nivå"), max_length=20, choices=LogicLevel.choices)
    description = models.TextField(_("beskrivning"))
    indicator = models.TextField(_("indikator"), blank=True)
    measurement = models.TextField(_("hur det mäts"), blank=True)

    class Meta:
        verbose_name = _("rad i logikmodellen")
        verbose_name_plural = _("rader i logikmodellen")
        ordering = ["pk"]


class Criterion(models.TextChoices):
    """The nine criteria for a social investment (seed 002)."""

    DEFINED_PROBLEM = "defined_problem", _("Definierat problem och målgrupp")
    DELIMITED = "delimited", _("Avgränsad insats")
    EVIDENCE = "evidence", _("Evidens")
    EARLY = "early", _("Tidigt i ålder eller i processer")
    LONG_TERM = "long_term", _("Långsiktiga satsningar")
    MEASURABLE = "measurable", _("Går att mäta")
    COORDINATED = "coordinated", _("Samordnade")
    METHOD_DEVELOPMENT = "method_development", _("Metodutveckling")
    IMPLEMENTATION = "implementation", _("Implementering")


class Fulfilment(models.TextChoices):
    YES = "yes", _("Ja")
    PARTLY = "partly", _("Delvis")
    NO = "no", _("Nej")


class CriterionAnswer(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="criterion_answers")
    criterion = models.CharField(_("kriterium"), max_length=30, choices=Criterion.choices)
    fulfilment = models.CharField(_("uppfylls"), max_length=10, choices=Fulfilment.choices, blank=True)
    justification = models.TextField(_("motivering"), blank=True)

    class Meta:
        verbose_name = _("självskattning")
        verbose_name_plural = _("självskattningar")
        constraints = [models.UniqueConstraint(fields=["application", "criterion"], name="criterion_once")]


class AddressedArea(models.Model):
    """A priority area of the application's call that the application addresses, and how."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="addressed_areas")
    area = models.ForeignKey(
        "partnership.PriorityArea",
        verbose_name=_("prioriterat område"),
        on_delete=models.PROTECT,
        related_name="addressed_by",
    )
    # The application's call, kept here so that the database can hold the area to that call:
    # on PostgreSQL (application, call) and (area, call) are foreign keys together
    # (migration ``0007_application_priority_areas``).
    call = models.ForeignKey(
        "partnership.Call", verbose_name=_("utlysning"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    how = models.TextField(_("hur insatsen arbetar med området"), blank=True)

    class Meta:
        verbose_name = _("prioriterat område i ansökan")
        verbose_name_plural = _("prioriterade områden i ansökan")
        ordering = ["area__position", "area__pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "area"],
                name="addressed_area_once",
                violation_error_message=_("Området är redan valt i ansökan."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.area)

    def clean(self) -> None:
        if self.application_id and self.area_id and self.area.call_id != self.application.call_id:
            raise ValidationError({"area": _("Välj ett av de prioriterade områdena i ansökans egen utlysning.")})


class SectionState(models.TextChoices):
    NOT_STARTED = "not_started", _("Inte påbörjad")
    IN_PROGRESS = "in_progress", _("Påbörjad")
    COMPLETE = "complete", _("Klar")


class Section(models.Model):
    """The state and version of one section of one application (optimistic locking)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(_("avsnitt"), max_length=30)
    version = models.PositiveIntegerField(_("version"), default=0)
    state = models.CharField(_("läge"), max_length=20, choices=SectionState.choices, default=SectionState.NOT_STARTED)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("avsnitt")
        verbose_name_plural = _("avsnitt")
        constraints = [models.UniqueConstraint(fields=["application", "key"], name="section_once")]


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Stored under an opaque name; the original name is kept in the row.
    return f"attachments/{instance.application_id}/{instance.sha256}"


class Attachment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(_("filnamn"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    description = models.CharField(_("beskrivning"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bilaga")
        verbose_name_plural = _("bilagor")
        ordering = ["uploaded_at"]
        constraints = [models.UniqueConstraint(fields=["application", "sha256"], name="attachment_once")]

    def __str__(self) -> str:
        return self.original_name


class EventKind(models.TextChoices):
    TRANSITION = "transition", _("Statusändring")
    EDIT = "edit", _("Ändring efter inskickning")
    DEADLINE = "deadline", _("Förlängd tidsfrist")
    # A correction of RUN's decision: a new decision that replaces the old one; the status stays.
    CORRECTION = "correction", _("Rättelse av RUN:s beslut")
    # An agenda item or a RUN case closed because the group withdrew the application.
    CASE_CLOSED = "case_closed", _("Ärendet avslutat som återtaget")


class Event(models.Model):
    """One entry on the application's timeline: who, when, from, to and why."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    at = models.DateTimeField()
    transition = models.CharField(max_length=30, blank=True)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    section = models.CharField(max_length=30, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["application", "at"], name="event_application_at")]


class Snapshot(models.Model):
    """A frozen copy of the application as it was submitted."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="snapshots")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    data = models.JSONField()
    # The principals' signatures the version was sent with (set once, when it is sent).
    signatures = models.ManyToManyField("Signature", related_name="submissions", blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["application", "number"], name="snapshot_number_once")]


class ReferenceCounter(models.Model):
    """The last diarienummer given each year. Locked while a submission takes the next."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)


class MessageKind(models.TextChoices):
    MESSAGE = "message", _("Meddelande")
    COMMENT = "comment", _("Kommentar från Koncernkontoret")


class Message(models.Model):
    """The thread between the group and the project leader (and Koncernkontoret's comments)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=MessageKind.choices, default=MessageKind.MESSAGE)
    body = models.TextField(_("meddelande"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]


class DeadlineExtension(models.Model):
    """A later deadline for one working group in one call, granted by the project leader."""

    call = models.ForeignKey("partnership.Call", on_delete=models.CASCADE, related_name="extensions")
    working_group = models.ForeignKey("partnership.Body", on_delete=models.CASCADE, related_name="extensions")
    deadline = models.DateTimeField(_("ny sista dag"))
    reason = models.TextField(_("skäl"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["call", "working_group"], name="extension_once")]


class ApplicationPdf(models.Model):
    """The application as it was sent, as a PDF: rendered once per submission from its snapshot.

    Never rendered again: the stored file and its checksum are what the group sent and got a receipt of.
    """

    snapshot = models.OneToOneField(
        Snapshot, verbose_name=_("inskickad version"), on_delete=models.PROTECT, related_name="pdf"
    )
    pdf = models.FileField(_("PDF"), upload_to="ansokningar/")
    filename = models.CharField(_("filnamn"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("storlek (byte)"))
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        verbose_name = _("ansökan som PDF")
        verbose_name_plural = _("ansökningar som PDF")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.filename


# --- the principals' signatures (``applications.signatures``) ------------------------------------


class Signatory(models.Model):
    """The person who signs the application for one principal (the region or the municipality).

    Rows are never changed: naming someone else for the same principal adds a row, and the
    newest row of each principal is the one that counts.
    """

    application = models.ForeignKey(
        Application, verbose_name=_("ansökan"), on_delete=models.CASCADE, related_name="signatories"
    )
    principal = models.CharField(_("huvudman"), max_length=20, choices=Principal.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="signatory_duties"
    )
    organisation = models.ForeignKey(
        "partnership.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("befattning"), max_length=200)
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("utsedd av"), on_delete=models.PROTECT, related_name="+"
    )
    named_at = models.DateTimeField(_("utsedd"))

    class Meta:
        verbose_name = _("undertecknare")
        verbose_name_plural = _("undertecknare")
        ordering = ["named_at", "pk"]
        indexes = [models.Index(fields=["application", "principal", "named_at"], name="signatory_current")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(person=F("named_by")),
                name="signatory_not_self_named",
                violation_error_message=_("Ingen kan utse sig själv att skriva under."),
            ),
            models.CheckConstraint(
                condition=Q(principal__in=["region", "municipality"]),
                name="signatory_principal_known",
                violation_error_message=_("Huvudmannen är regionen eller kommunen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.title}, {self.organisation}"

    @property
    def role(self) -> str:
        return f"{self.title}, {self.organisation}"


class SigningVersion(models.Model):
    """The application as it read when its signatures were asked for: what a signatory reads and signs.

    ``content_sha256`` is the SHA-256 of the version's content (``signatures.content_sha256``); the
    same content is one version, however often signatures are asked for.
    """

    application = models.ForeignKey(
        Application, verbose_name=_("ansökan"), on_delete=models.CASCADE, related_name="signing_versions"
    )
    number = models.PositiveIntegerField(_("version"))
    content_sha256 = models.CharField(_("SHA-256 av innehållet"), max_length=64)
    data = models.JSONField()
    created_at = models.DateTimeField(_("skapad"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("version för underskrift")
        verbose_name_plural = _("versioner för underskrift")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="signing_version_number_once"),
            models.UniqueConstraint(fields=["application", "content_sha256"], name="signing_version_content_once"),
        ]

    def __str__(self) -> str:
        return f"{self.application} v{self.number}"


class SigningPdf(models.Model):
    """The PDF a signatory reads of one version: rendered once, in the background, with its checksum."""

    version = models.OneToOneField(
        SigningVersion, verbose_name=_("version"), on_delete=models.PROTECT, related_name="pdf"
    )
    pdf = models.FileField(_("PDF"), upload_to="underskrifter/")
    filename = models.CharField(_("filnamn"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("storlek (byte)"))
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        verbose_name = _("PDF för underskrift")
        verbose_name_plural = _("PDF:er för underskrift")

    def __str__(self) -> str:
        return self.filename


class Signature(models.Model):
    """A signatory's commitment to one version: who, when, in which role, and the checksums of what they signed."""

    application = models.ForeignKey(
        Application, verbose_name=_("ansökan"), on_delete=models.CASCADE, related_name="signatures"
    )
    signatory = models.ForeignKey(
        Signatory, verbose_name=_("undertecknare"), on_delete=models.PROTECT, related_name="signatures"
    )
    version = models.ForeignKey(
        SigningVersion, verbose_name=_("version"), on_delete=models.PROTECT, related_name="signatures"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("underskriven"))
    role = models.CharField(_("roll"), max_length=420)
    principal = models.CharField(_("huvudman"), max_length=20)
    content_sha256 = models.CharField(_("SHA-256 av innehållet"), max_length=64)
    pdf_sha256 = models.CharField(_("SHA-256 av PDF:en"), max_length=64, blank=True)
    method = models.CharField(_("sätt att skriva under"), max_length=40)
    identity = models.CharField(_("bekräftad identitet"), max_length=200)

    class Meta:
        verbose_name = _("underskrift")
        verbose_name_plural = _("underskrifter")
        ordering = ["signed_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["signatory", "version"], name="signature_once_per_version")]

    def __str__(self) -> str:
        return f"{self.person} {self.signed_at:%Y-%m-%d %H:%M}"


class SignatureVoid(models.Model):
    """A signature no longer counts because the application changed after it was given."""

    signature = models.OneToOneField(
        Signature, verbose_name=_("underskrift"), on_delete=models.PROTECT, related_name="void"
    )
    voided_at = models.DateTimeField(_("upphävd"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ändrad av"), on_delete=models.PROTECT, related_name="+", null=True
    )
    reason = models.TextField(_("skäl"))

    class Meta:
        verbose_name = _("upphävd underskrift")
        verbose_name_plural = _("upphävda underskrifter")

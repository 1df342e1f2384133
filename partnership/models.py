"""The partnership's structure: region, municipalities, organisations and units,
the bodies of seed 001's Fig. 2, the people in them and the calls.

Access in the portal follows this structure: a person's roles are their
*current* memberships (``Membership.starts_on <= today < ends_on``), read by
``partnership.rules``.
"""

import datetime

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """A person who logs in. Roles come from memberships, never from flags."""

    title = models.CharField(_("befattning"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        "Organisation",
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    phone = models.CharField(_("telefon"), max_length=40, blank=True)

    # The password's hash is nobody's business, not even in the history.
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("personer")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


ORGANISATION_NUMBER = RegexValidator(
    r"^\d{6}-\d{4}$",
    _("Skriv organisationsnumret med tio siffror och bindestreck, t.ex. 232100-0131."),
)
STATIC_SVG_NAME = RegexValidator(
    r"^[a-z0-9][a-z0-9_/-]*\.svg$",
    _("Ange en SVG-fil bland portalens statiska filer, t.ex. img/vgr-ordmarke.svg."),
)


class Region(models.Model):
    """The region, the principal (huvudman) whose letterhead the official documents carry."""

    name = models.CharField(_("namn"), max_length=200, unique=True)
    short_name = models.CharField(_("kortnamn"), max_length=20, blank=True)
    # The letterhead of decision letters and minutes: data, so that the documents name no
    # region of their own.
    postal_address = models.TextField(
        _("postadress"),
        blank=True,
        help_text=_("En rad per rad i brevhuvudet, t.ex. Regionens Hus och 462 80 Vänersborg."),
    )
    organisation_number = models.CharField(
        _("organisationsnummer"), max_length=11, blank=True, validators=[ORGANISATION_NUMBER]
    )
    logo = models.CharField(
        _("logotyp"),
        max_length=200,
        blank=True,
        validators=[STATIC_SVG_NAME],
        help_text=_("En SVG-fil bland portalens statiska filer, t.ex. img/vgr-ordmarke.svg."),
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regioner")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def address_lines(self) -> list[str]:
        return [line.strip() for line in self.postal_address.splitlines() if line.strip()]

    def clean(self) -> None:
        from django.contrib.staticfiles import finders

        if self.logo and not finders.find(self.logo):
            raise ValidationError(
                {
                    "logo": _(
                        "Det finns ingen statisk fil med det namnet. "
                        "Lägg SVG-filen i static/img/ och ange img/<namn>.svg."
                    )
                }
            )


class SubRegion(models.Model):
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="sub_regions")
    name = models.CharField(_("namn"), max_length=200)

    class Meta:
        verbose_name = _("delregion")
        verbose_name_plural = _("delregioner")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="subregion_unique_name")]

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    name = models.CharField(_("namn"), max_length=100, unique=True)
    sub_region = models.ForeignKey(
        SubRegion, verbose_name=_("delregion"), on_delete=models.PROTECT, related_name="municipalities"
    )

    class Meta:
        verbose_name = _("kommun")
        verbose_name_plural = _("kommuner")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Principal(models.TextChoices):
    """The two principals (huvudmän) an intervention must have."""

    REGION = "region", _("Region")
    MUNICIPALITY = "municipality", _("Kommun")


class Organisation(models.Model):
    """An organisation on one side: NU-sjukvården, Närhälsan, Capio, Uddevalla kommun, ...

    Private care providers contracted by the region count on the region's side.
    """

    name = models.CharField(_("namn"), max_length=200, unique=True)
    principal = models.CharField(_("huvudman"), max_length=20, choices=Principal.choices)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("kommun"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        help_text=_("Anges för kommunala organisationer."),
    )
    is_private_provider = models.BooleanField(_("privat vårdgivare"), default=False)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(principal="municipality") | Q(municipality__isnull=False),
                name="organisation_municipal_has_municipality",
                violation_error_message=_("En kommunal organisation måste höra till en kommun."),
            ),
            models.CheckConstraint(
                condition=Q(is_private_provider=False) | Q(principal="region"),
                name="organisation_private_provider_on_region_side",
                violation_error_message=_("Privata vårdgivare räknas till regionens sida."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class UnitKind(models.TextChoices):
    MVC = "mvc", _("Mödravårdscentral (MVC)")
    BVC = "bvc", _("Barnavårdscentral (BVC)")
    PRIMARY_CARE = "primary_care", _("Vårdcentral")
    BUP = "bup", _("Barn- och ungdomspsykiatri (BUP)")
    BUM = "bum", _("Barn- och ungdomsmedicin (BUM)")
    YOUTH_CLINIC = "youth_clinic", _("Ungdomsmottagning")
    SPEECH_THERAPY = "speech_therapy", _("Logopedmottagning")
    HOSPITAL = "hospital", _("Sjukhusvård")
    SOCIAL_SERVICES = "social_services", _("Socialtjänst (IFO)")
    PRESCHOOL = "preschool", _("Förskola")
    SCHOOL = "school", _("Skola")
    PUPIL_HEALTH = "pupil_health", _("Elevhälsa")
    FAMILY_CENTRE = "family_centre", _("Familjecentral")
    ADMINISTRATION = "administration", _("Förvaltning / ledning")
    OTHER = "other", _("Annan verksamhet")


class Unit(models.Model):
    """A unit that can be a partner in an intervention (BVC Dalaberg, Elevhälsan Uddevalla, ...)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="units"
    )
    name = models.CharField(_("namn"), max_length=200)
    kind = models.CharField(_("typ av verksamhet"), max_length=30, choices=UnitKind.choices)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("kommun där enheten finns"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
    )

    class Meta:
        verbose_name = _("enhet")
        verbose_name_plural = _("enheter")
        ordering = ["organisation__name", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="unit_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"

    @property
    def principal(self) -> str:
        return self.organisation.principal


class Partnership(models.Model):
    """A partnership (partnerskapssatsning): one sub-region's, or the whole region's.

    A partnership without a sub-region is region-wide. Every text the portal shows about a
    partnership (the page footer, the start page's age span, the e-mail footers, the contact in
    the accessibility statement) is drawn from here, never written into the code.
    """

    name = models.CharField(_("namn"), max_length=200, unique=True)
    short_name = models.CharField(_("kortnamn"), max_length=50)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="partnerships")
    sub_region = models.ForeignKey(
        SubRegion,
        verbose_name=_("delregion"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partnerships",
        help_text=_("Lämna tomt för en satsning i hela regionen."),
    )
    project_owner = models.ForeignKey(
        Organisation,
        verbose_name=_("projektägare"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_partnerships",
    )
    target_age_min = models.PositiveSmallIntegerField(_("målgrupp från ålder"), default=0)
    target_age_max = models.PositiveSmallIntegerField(_("målgrupp till ålder"), default=12)
    max_duration_months = models.PositiveSmallIntegerField(
        _("längsta insatstid (månader)"),
        default=36,
        help_text=_("Ingen utlysning i partnerskapet får tillåta längre insatser än så."),
    )
    parties = models.CharField(
        _("vilka som står bakom"),
        max_length=300,
        blank=True,
        help_text=_(
            "Visas i sidfoten efter partnerskapets namn, till exempel ”Västra Götalandsregionen och kommunerna i "
            "delregionen”."
        ),
    )
    contact_email = models.EmailField(
        _("projektledarens e-postadress"),
        blank=True,
        help_text=_("Dit hänvisar tillgänglighetsredogörelsen den som vill rapportera en brist."),
    )

    class Meta:
        verbose_name = _("partnerskap")
        verbose_name_plural = pgettext_lazy("plural", "partnerskap")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_age_min__lte=models.F("target_age_max")),
                name="partnership_age_span_ordered",
                violation_error_message=_("Den lägsta åldern får inte vara högre än den högsta."),
            ),
            models.CheckConstraint(
                condition=Q(max_duration_months__gte=1) & Q(max_duration_months__lte=120),
                name="partnership_duration_sensible",
                violation_error_message=_("Längsta insatstid ska vara mellan 1 och 120 månader."),
            ),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def age_span(self) -> str:
        return f"{self.target_age_min}–{self.target_age_max}"


class Part(models.Model):
    """A part of the partnership (Del I, II, III) and the municipalities in it."""

    partnership = models.ForeignKey(
        Partnership, verbose_name=_("partnerskap"), on_delete=models.CASCADE, related_name="parts"
    )
    number = models.PositiveSmallIntegerField(_("nummer"))
    name = models.CharField(_("namn"), max_length=200)
    description = models.TextField(_("beskrivning"), blank=True)
    municipalities = models.ManyToManyField(Municipality, verbose_name=_("kommuner"), related_name="parts", blank=True)

    class Meta:
        verbose_name = _("del")
        verbose_name_plural = _("delar")
        ordering = ["partnership", "number"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "number"], name="part_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="part_number_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class CallManager(models.Manager["Call"]):
    """The calls people apply to and RUN's budget follows: every call but an archive."""

    def get_queryset(self) -> models.QuerySet["Call"]:
        return super().get_queryset().filter(is_archive=False)


class CallWithArchivesManager(models.Manager["Call"]):
    """Every call, archives included (the importer's, and the checks that look for them)."""


class Call(models.Model):
    """A call for applications (utlysning) with its timeline and earmarked budget.

    An *archive* is no call anyone applies to: it holds the investments RUN decided before the
    portal (``applications.importers``). ``Call.objects`` leaves it out everywhere — open
    calls, the call list, the budget, the admin — so no page can forget to. ``Call.with_archives``
    includes them, and an application reaches its archive as its ``call`` as usual.
    """

    partnership = models.ForeignKey(
        Partnership, verbose_name=_("partnerskap"), on_delete=models.PROTECT, related_name="calls"
    )
    name = models.CharField(_("namn"), max_length=200)
    parts = models.ManyToManyField(Part, verbose_name=_("delar"), related_name="calls", blank=True)
    description = models.TextField(_("beskrivning"), blank=True)
    target_age_min = models.PositiveSmallIntegerField(_("målgrupp från ålder"), default=0)
    target_age_max = models.PositiveSmallIntegerField(_("målgrupp till ålder"), default=12)
    opens_on = models.DateField(_("öppnar"))
    deadline = models.DateTimeField(_("sista dag för ansökan"), help_text=_("Datum och klockslag."))
    steering_group_meeting_on = models.DateField(_("styrgruppens möte"))
    run_meeting_on = models.DateField(_("RUN:s sammanträde"))
    budget = models.PositiveBigIntegerField(_("öronmärkt budget (kr)"))
    max_duration_months = models.PositiveSmallIntegerField(_("längsta insatstid (månader)"), default=36)
    is_archive = models.BooleanField(
        _("arkiv för tidigare beslut"),
        default=False,
        editable=False,
        help_text=_("Tar inte emot ansökningar och ingår inte i budgeten."),
    )

    objects = CallManager()
    with_archives = CallWithArchivesManager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("utlysning")
        verbose_name_plural = _("utlysningar")
        ordering = ["-deadline"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="call_unique_name"),
            models.CheckConstraint(
                condition=Q(target_age_min__lte=models.F("target_age_max")),
                name="call_age_span_ordered",
                violation_error_message=_("Den lägsta åldern får inte vara högre än den högsta."),
            ),
            models.CheckConstraint(
                condition=Q(max_duration_months__gte=1) & Q(max_duration_months__lte=120),
                name="call_duration_sensible",
                violation_error_message=_("Längsta insatstid ska vara mellan 1 och 120 månader."),
            ),
            models.CheckConstraint(
                condition=Q(steering_group_meeting_on__lte=models.F("run_meeting_on")),
                name="call_steering_group_before_run",
                violation_error_message=_("Styrgruppens möte måste ligga före RUN:s sammanträde."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.deadline and self.opens_on:
            local_deadline = timezone.localtime(self.deadline).date()
            if local_deadline < self.opens_on:
                errors["deadline"] = _("Sista dag för ansökan måste ligga efter att utlysningen öppnar.")
            if self.steering_group_meeting_on and self.steering_group_meeting_on < local_deadline:
                errors["steering_group_meeting_on"] = _("Styrgruppens möte måste ligga efter sista dag för ansökan.")
        if self.partnership_id and self.max_duration_months:
            longest = self.partnership.max_duration_months
            if self.max_duration_months > longest:
                errors["max_duration_months"] = _(
                    "Partnerskapet tillåter insatser på högst %(months)s månader. Ange högst %(months)s månader."
                ) % {"months": longest}
        if errors:
            raise ValidationError(errors)

    def is_open(self, at: datetime.datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.opens_on <= timezone.localtime(at).date() and at <= self.deadline


class PriorityArea(models.Model):
    """One of the areas a call gives priority to (e.g. *psykisk hälsa*, *läsning och språk*).

    An application ticks the areas it addresses and explains how
    (``applications.AddressedArea``); the inbox filters by them and the portfolio shows them.
    """

    call = models.ForeignKey(Call, verbose_name=_("utlysning"), on_delete=models.CASCADE, related_name="priority_areas")
    position = models.PositiveSmallIntegerField(_("ordning"), default=1)
    name = models.CharField(_("namn"), max_length=120)
    description = models.CharField(_("kort beskrivning"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("prioriterat område")
        verbose_name_plural = _("prioriterade områden")
        ordering = ["call", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "name"],
                name="priority_area_name_once_per_call",
                violation_error_message=_(
                    "Utlysningen har redan ett prioriterat område med det namnet. Välj ett annat namn."
                ),
            ),
            # The target of ``applications.AddressedArea``'s (area, call) key.
            models.UniqueConstraint(fields=["id", "call"], name="priority_area_with_its_call"),
        ]

    def __str__(self) -> str:
        return self.name


class BodyKind(models.TextChoices):
    RUN = "run", _("Regionutvecklingsnämnden (RUN)")
    RUN_SECRETARIAT = "run_secretariat", _("RUN:s sekretariat")
    STEERING_GROUP = "steering_group", _("Styrgrupp")
    KONCERNKONTORET = "koncernkontoret", _("Koncernkontoret")
    SUBREGIONAL_WORKING_GROUP = "subregional_wg", _("Operativ delregional arbetsgrupp")
    NSV = "nsv", _("Lokal närsjukvårdsgrupp (NSV)")
    LOCAL_WORKING_GROUP = "local_wg", _("Lokal SIM-arbetsgrupp")


class Body(models.Model):
    """A body of the organisation (Fig. 2): RUN, the steering group, an NSV group, a working group..."""

    kind = models.CharField(_("typ"), max_length=30, choices=BodyKind.choices)
    name = models.CharField(_("namn"), max_length=200, unique=True)
    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("partnerskap"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bodies",
        help_text=_("Tomt för organ som finns oberoende av en satsning (RUN, NSV-grupper)."),
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("kommun"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bodies",
    )
    appointed_by = models.ForeignKey(
        "self",
        verbose_name=_("utsedd av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointed_bodies",
    )
    appointed_on = models.DateField(_("utsedd datum"), null=True, blank=True)
    description = models.TextField(pgettext_lazy("a body's remit", "uppdrag"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organ")
        verbose_name_plural = pgettext_lazy("plural", "organ")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=["nsv", "local_wg"]) | Q(municipality__isnull=False),
                name="body_local_has_municipality",
                violation_error_message=_("En lokal grupp måste höra till en kommun."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="local_wg") | (Q(partnership__isnull=False) & Q(appointed_by__isnull=False)),
                name="body_local_wg_appointed",
                violation_error_message=_(
                    "En lokal SIM-arbetsgrupp hör till ett partnerskap och utses av sin NSV-grupp."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["steering_group", "subregional_wg"]) | Q(partnership__isnull=False),
                name="body_partnership_body_has_partnership",
                violation_error_message=_("Styrgrupp och delregional arbetsgrupp hör till ett partnerskap."),
            ),
            models.UniqueConstraint(
                fields=["municipality"], condition=Q(kind="nsv"), name="body_one_nsv_per_municipality"
            ),
            models.UniqueConstraint(
                fields=["partnership", "municipality"],
                condition=Q(kind="local_wg"),
                name="body_one_local_wg_per_municipality",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == BodyKind.LOCAL_WORKING_GROUP and self.appointed_by_id:
            nsv = self.appointed_by
            if nsv.kind != BodyKind.NSV or nsv.municipality_id != self.municipality_id:
                raise ValidationError(
                    {"appointed_by": _("En lokal SIM-arbetsgrupp utses av närsjukvårdsgruppen i samma kommun.")}
                )


class MembershipRole(models.TextChoices):
    CHAIR = "chair", _("Ordförande")
    VICE_CHAIR = "vice_chair", _("Vice ordförande")
    MEMBER = "member", _("Ledamot")
    ADJUNCT = "adjunct", _("Adjungerad (utan rösträtt)")
    LEADER = "leader", _("Arbetsgruppsledare")
    PROJECT_LEADER = "project_leader", _("Projektledare")
    SECRETARY = "secretary", _("Handläggare")


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self, on: datetime.date | None = None) -> "MembershipQuerySet":
        """Memberships in force on a day: started, and not yet ended."""
        on = on or timezone.localdate()
        return self.filter(Q(starts_on__lte=on) & (Q(ends_on__isnull=True) | Q(ends_on__gt=on)))


class Membership(models.Model):
    """A person's seat in a body, from ``starts_on`` until (not including) ``ends_on``.

    On the day a membership ends, the access it gave ends.
    """

    person = models.ForeignKey(User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="memberships")
    body = models.ForeignKey(Body, verbose_name=_("organ"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("roll"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("företräder enhet"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("företräder organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
    )
    starts_on = models.DateField(_("från och med"))
    ends_on = models.DateField(_("slutar gälla"), null=True, blank=True, help_text=_("Tillgången upphör denna dag."))

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("uppdrag")
        verbose_name_plural = pgettext_lazy("plural", "uppdrag")
        ordering = ["body__name", "role", "person__last_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=models.F("starts_on")),
                name="membership_ends_after_start",
                violation_error_message=_("Slutdatum måste ligga efter startdatum."),
            ),
            models.UniqueConstraint(fields=["person", "body", "role", "starts_on"], name="membership_unique_start"),
        ]
        indexes = [models.Index(fields=["person", "starts_on", "ends_on"], name="membership_person_period")]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_role_display()}, {self.body}"

    def is_current(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.starts_on <= on and (self.ends_on is None or self.ends_on > on)

    @property
    def has_vote(self) -> bool:
        return self.role in (MembershipRole.CHAIR, MembershipRole.VICE_CHAIR, MembershipRole.MEMBER)


class AccountMailKind(models.TextChoices):
    PASSWORD_RESET = "password_reset", _("Länk för nytt lösenord")
    INVITATION = "invitation", _("Inbjudan att välja lösenord")


class AccountMailRequest(models.Model):
    """One request for a password link or an invitation, kept for a day to limit how many one
    address may ask for and how many one person receives (``simportal.accounts``).

    In the database, so that the limits hold across every web worker.
    """

    requested_at = models.DateTimeField(_("begärd"), default=timezone.now)
    address = models.GenericIPAddressField(_("adress"), null=True, blank=True)
    person = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey(
        User,
        verbose_name=_("begärd av"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Administratören som skickade inbjudan; tomt när någon bad om en länk på inloggningssidan."),
    )
    kind = models.CharField(_("slag"), max_length=20, choices=AccountMailKind.choices, blank=True)
    sent = models.BooleanField(_("skickad"), default=False)

    class Meta:
        verbose_name = _("begäran om e-post till ett konto")
        verbose_name_plural = _("begäranden om e-post till konton")
        indexes = [
            models.Index(fields=["address", "requested_at"], name="account_mail_by_address"),
            models.Index(fields=["person", "requested_at"], name="account_mail_by_person"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.requested_at:%Y-%m-%d %H:%M}"

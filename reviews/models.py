"""Steering-group meetings (agenda, attendance, recusals, votes, minutes). RUN's board
meetings, its decisions, the budget's acts and the decision letters are in ``decisions``.

Public-sector decisions must be correct, traceable and impossible to change quietly:
votes are one per member and item (a database constraint) and approved minutes are locked.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from partnership.models import Membership, MembershipQuerySet, MembershipRole

# The roles with a vote in a steering group (the same as ``partnership.rules.VOTING_ROLES``).
VOTING_ROLES = (MembershipRole.CHAIR, MembershipRole.VICE_CHAIR, MembershipRole.MEMBER)


class Meeting(models.Model):
    steering_group = models.ForeignKey(
        "partnership.Body",
        verbose_name=_("styrgrupp"),
        on_delete=models.PROTECT,
        related_name="meetings",
        limit_choices_to={"kind": "steering_group"},
    )
    starts_at = models.DateTimeField(_("tid"))
    place = models.CharField(_("plats"), max_length=300, blank=True)
    video_link = models.URLField(_("videolänk"), blank=True)
    published_at = models.DateTimeField(
        _("dagordning publicerad"), null=True, blank=True, help_text=_("Ledamöterna ser mötet när det är publicerat.")
    )
    opened_at = models.DateTimeField(
        _("mötet öppnat"),
        null=True,
        blank=True,
        help_text=_("När mötet öppnas på mötesdagen fryses listan över röstberättigade ledamöter."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("inställt"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancellation_reason = models.TextField(_("skäl till att mötet ställdes in"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("styrgruppsmöte")
        verbose_name_plural = _("styrgruppsmöten")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(video_link=""),
                name="meeting_has_place_or_link",
                violation_error_message=_("Ange plats eller videolänk."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.steering_group} {timezone.localtime(self.starts_at):%Y-%m-%d}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def day(self) -> datetime.date:
        """The meeting's day, in local time: voting and closing items open on it."""
        return timezone.localtime(self.starts_at).date()

    @property
    def has_begun(self) -> bool:
        return timezone.localdate() >= self.day

    @property
    def is_opened(self) -> bool:
        return self.opened_at is not None

    def voting_member_ids(self) -> frozenset[int]:
        """Who may vote at this meeting: the list frozen when the meeting opened, or, before
        that, the voting memberships valid on the meeting's day. Cached on the instance."""
        cached: frozenset[int] | None = getattr(self, "_voting_member_ids", None)
        if cached is None:
            # Read the frozen list from the database: this instance may predate the opening.
            frozen = frozenset(self.voters.values_list("person_id", flat=True))
            if frozen or self.opened_at is not None:
                cached = frozen
            else:
                current = voting_memberships_on(self.steering_group_id, self.day)
                cached = frozenset(current.values_list("person_id", flat=True))
            self._voting_member_ids = cached
        return cached


def voting_memberships_on(steering_group_id: int, day: datetime.date) -> MembershipQuerySet:
    """The memberships with a vote (chair, vice chair, members) in a steering group on a day."""
    return Membership.objects.current(day).filter(body_id=steering_group_id, role__in=VOTING_ROLES)


class MeetingVoter(models.Model):
    """One voting member of a meeting, frozen when the meeting opened: quorum and the right
    to vote are counted from this list, not from today's memberships."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="voters")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("roll"), max_length=20)

    class Meta:
        verbose_name = _("röstberättigad ledamot")
        verbose_name_plural = _("röstberättigade ledamöter")
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="meetingvoter_once")]

    def __str__(self) -> str:
        return f"{self.person} – {self.meeting}"


class Attendance(models.Model):
    """Who was present at a meeting (recorded by the chair or the project leader)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(_("närvarande"), default=True)

    class Meta:
        verbose_name = _("närvaro")
        verbose_name_plural = _("närvaro")
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="attendance_once")]

    def __str__(self) -> str:
        return f"{self.person} – {self.meeting}"


class ItemOutcome(models.TextChoices):
    RECOMMENDED = "recommended", _("Tillstyrks")
    NOT_RECOMMENDED = "not_recommended", _("Avstyrks")
    RETURNED = "returned", _("Återförvisas till arbetsgruppen")
    DROPPED = "dropped", _("Utgår: mötet ställdes in")
    WITHDRAWN = "withdrawn", _("Ansökan återtagen av arbetsgruppen")


class AgendaItem(models.Model):
    """One application on a meeting's agenda; its position is its paragraph (§) in the minutes."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("möte"), on_delete=models.CASCADE, related_name="items")
    application = models.ForeignKey(
        "applications.Application", verbose_name=_("ansökan"), on_delete=models.PROTECT, related_name="agenda_items"
    )
    position = models.PositiveSmallIntegerField(_("paragraf"))
    summary = models.TextField(_("projektledarens sammanfattning"), blank=True)
    closed_at = models.DateTimeField(_("avslutad"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(_("beslut"), max_length=20, choices=ItemOutcome.choices, blank=True)
    casting_vote_used = models.BooleanField(_("ordförandens utslagsröst"), default=False)
    recommended_amount = models.PositiveBigIntegerField(_("tillstyrkt belopp (kr)"), null=True, blank=True)
    conditions = models.TextField(_("villkor"), blank=True)
    questions = models.TextField(_("styrgruppens frågor"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("punkt på dagordningen")
        verbose_name_plural = _("punkter på dagordningen")
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "application"], name="agendaitem_once_per_meeting"),
            models.UniqueConstraint(fields=["meeting", "position"], name="agendaitem_unique_position"),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True, outcome="") | Q(closed_at__isnull=False) & ~Q(outcome=""),
                name="agendaitem_closed_with_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"§ {self.position}. {self.application}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class Recusal(models.Model):
    """A declared conflict of interest (jäv): the member does not take part in the item."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="recusals")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("skäl"))
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("jäv")
        verbose_name_plural = _("jäv")
        constraints = [models.UniqueConstraint(fields=["item", "member"], name="recusal_once")]

    def __str__(self) -> str:
        return f"{self.member} – {self.item}"


class VoteChoice(models.TextChoices):
    RECOMMEND = "recommend", _("Tillstyrker")
    NOT_RECOMMEND = "not_recommend", _("Avstyrker")
    ABSTAIN = "abstain", _("Avstår")


class Vote(models.Model):
    """One member's vote on one item, which they may change until the chair closes the item."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(_("röst"), max_length=20, choices=VoteChoice.choices)
    comment = models.TextField(_("kommentar"), blank=True)
    cast_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("röst")
        verbose_name_plural = _("röster")
        constraints = [models.UniqueConstraint(fields=["item", "member"], name="vote_once_per_member_and_item")]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_choice_display()}"


class RecommendedYear(models.Model):
    """The amount the steering group recommends for one budget year (at most what was requested)."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="recommended_years")
    year = models.PositiveSmallIntegerField(_("år"))
    amount = models.PositiveBigIntegerField(_("belopp (kr)"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "year"], name="recommendedyear_once")]

    def __str__(self) -> str:
        return f"{self.year}: {self.amount}"


class Minutes(models.Model):
    """The minutes (protokoll) of a meeting: approved (justerat) by the chair and one appointed
    member; locked from the second approval on."""

    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="minutes")
    adjuster = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("justerare"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    chair_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    chair_approved_at = models.DateTimeField(null=True, blank=True)
    adjuster_approved_at = models.DateTimeField(null=True, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    pdf = models.FileField(upload_to="minutes/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("protokoll")
        verbose_name_plural = pgettext_lazy("plural", "protokoll")
        constraints = [
            models.CheckConstraint(
                condition=Q(locked_at__isnull=True)
                | Q(chair_approved_at__isnull=False, adjuster_approved_at__isnull=False),
                name="minutes_locked_only_when_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Protokoll')} {self.meeting}"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

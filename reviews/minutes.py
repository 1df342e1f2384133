"""The minutes (protokoll) of a steering-group meeting: read as data, prepared, approved, locked.

The chair and one appointed member (the adjuster, *justerare*) approve (*justerar*) the
minutes. From the second approval on the minutes are locked: nothing about the meeting's
items, votes or recusals may change (the meeting services call ``ensure_minutes_open``),
and the final PDF is rendered once, in the background, after the commit.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from outbox.models import OutboxMessage
from partnership.models import Membership, MembershipRole, User
from partnership.rules import VOTING_ROLES, roles_of

from .models import AgendaItem, Attendance, ItemOutcome, Meeting, Minutes, Recusal, Vote, VoteChoice


class MinutesError(Exception):
    """A refusal a person can act on; ``message`` is Swedish and says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class MinutesLocked(MinutesError):
    pass


# --- the guard the meeting services call --------------------------------------------


def ensure_minutes_open(meeting: Meeting | int) -> None:
    """Refuse any change to a meeting whose minutes are approved and locked.

    Call it inside the changing transaction, before writing items, votes or recusals.
    It reads the database (not a cached ``meeting.minutes``), and inside a transaction it
    locks the minutes row until the change commits: an approval running at the same
    moment waits for the change, or the change waits for the approval and is refused.
    """
    meeting_id = meeting if isinstance(meeting, int) else meeting.pk
    rows = Minutes.objects.filter(meeting_id=meeting_id)
    if transaction.get_connection().in_atomic_block:
        rows = rows.select_for_update(no_key=True)
    if any(locked_at is not None for locked_at in rows.values_list("locked_at", flat=True)):
        raise MinutesLocked(
            _("Protokollet för mötet är justerat och låst. Punkter, röster och jäv kan inte ändras efter justeringen.")
        )


def awaits_approval_from(minutes: Minutes, user: User) -> bool:
    """Whether this person still has to approve: the chair or the adjuster, not yet done."""
    if minutes.pk is None or minutes.is_locked or not user.has_perm("reviews.approve_minutes", minutes):
        return False
    if minutes.meeting.steering_group_id in roles_of(user).chaired_steering_groups:
        return minutes.chair_approved_at is None
    return minutes.adjuster_id == user.pk and minutes.adjuster_approved_at is None


# --- the minutes as data (selector) --------------------------------------------------


@dataclass(frozen=True)
class Person:
    name: str
    role: str  # e.g. "Ledamot", "Ordförande", "Adjungerad (utan rösträtt)", or ""
    organisation: str = ""


@dataclass(frozen=True)
class VoteLine:
    member: Person
    choice: str
    choice_label: str
    comment: str


@dataclass(frozen=True)
class RecusalLine:
    member: Person
    reason: str


@dataclass(frozen=True)
class ItemMinutes:
    item: AgendaItem
    paragraph: int
    title: str
    reference_number: str
    working_group: str
    is_closed: bool
    outcome: str
    outcome_label: str
    casting_vote_used: bool
    votes: list[VoteLine]
    tally: list[tuple[str, int]]  # (label, count) for each choice, in the order of VoteChoice
    recusals: list[RecusalLine]
    recommended_amount: int | None
    recommended_years: list[tuple[int, int]]
    conditions: str
    questions: str

    @property
    def is_recommended(self) -> bool:
        return self.outcome == ItemOutcome.RECOMMENDED

    @property
    def is_returned(self) -> bool:
        return self.outcome == ItemOutcome.RETURNED

    @property
    def is_withdrawn(self) -> bool:
        return self.outcome == ItemOutcome.WITHDRAWN


@dataclass(frozen=True)
class MeetingMinutes:
    meeting: Meeting
    minutes: Minutes | None
    chair: Person | None
    adjuster: Person | None
    present: list[Person]
    absent: list[Person]
    items: list[ItemMinutes]
    recommended_total: int
    recommended_per_year: list[tuple[int, int]]
    open_paragraphs: list[int] = field(default_factory=list)

    @property
    def all_items_closed(self) -> bool:
        return not self.open_paragraphs

    @property
    def is_locked(self) -> bool:
        return self.minutes is not None and self.minutes.is_locked


def _roles_in_group(meeting: Meeting) -> dict[int, str]:
    """person id -> their role's label in the steering group on the day of the meeting."""
    on = timezone.localtime(meeting.starts_at).date()
    labels: dict[int, str] = {}
    order: list[str] = [MembershipRole.CHAIR, MembershipRole.VICE_CHAIR, MembershipRole.MEMBER]
    memberships = Membership.objects.current(on).filter(body_id=meeting.steering_group_id).only("person_id", "role")
    for membership in sorted(memberships, key=lambda m: order.index(m.role) if m.role in order else len(order)):
        labels.setdefault(membership.person_id, str(MembershipRole(membership.role).label))
    return labels


def _person(user: User, roles: dict[int, str]) -> Person:
    organisation = user.organisation.name if user.organisation_id and user.organisation else ""
    return Person(name=str(user), role=roles.get(user.pk, ""), organisation=organisation)


def current_chair(meeting: Meeting) -> User | None:
    on = timezone.localtime(meeting.starts_at).date()
    membership = (
        Membership.objects.current(on)
        .filter(body_id=meeting.steering_group_id, role=MembershipRole.CHAIR)
        .select_related("person")
        .order_by("starts_on")
        .first()
    )
    return membership.person if membership else None


def meeting_minutes(meeting: Meeting) -> MeetingMinutes:
    """Everything the minutes say about a meeting, in paragraph order, in a fixed number of queries."""
    roles = _roles_in_group(meeting)
    minutes = (
        Minutes.objects.select_related("adjuster__organisation", "chair_approved_by__organisation")
        .filter(meeting=meeting)
        .first()
    )
    attendance = list(
        Attendance.objects.filter(meeting=meeting)
        .select_related("person__organisation")
        .order_by("person__last_name", "person__first_name", "person__username")
    )
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("application__working_group")
        .prefetch_related(
            Prefetch("votes", queryset=Vote.objects.select_related("member__organisation").order_by("pk")),
            Prefetch("recusals", queryset=Recusal.objects.select_related("member__organisation").order_by("pk")),
            "recommended_years",
        )
        .order_by("position")
    )
    chair_user = minutes.chair_approved_by if minutes and minutes.chair_approved_by_id else current_chair(meeting)

    per_year: dict[int, int] = defaultdict(int)
    total = 0
    item_lines = []
    for item in items:
        years = sorted((year.year, year.amount) for year in item.recommended_years.all())
        votes = [
            VoteLine(
                member=_person(vote.member, roles),
                choice=vote.choice,
                choice_label=vote.get_choice_display(),
                comment=vote.comment,
            )
            for vote in item.votes.all()
        ]
        counts = dict.fromkeys(VoteChoice.values, 0)
        for vote in votes:
            counts[vote.choice] = counts.get(vote.choice, 0) + 1
        recommended = item.outcome == ItemOutcome.RECOMMENDED
        amount = item.recommended_amount
        if recommended and amount is None and years:
            amount = sum(a for _y, a in years)
        if recommended:
            total += amount or 0
            for year, year_amount in years:
                per_year[year] += year_amount
        application = item.application
        item_lines.append(
            ItemMinutes(
                item=item,
                paragraph=item.position,
                title=application.title,
                reference_number=application.reference_number or "",
                working_group=str(application.working_group) if application.working_group_id else "",
                is_closed=item.is_closed,
                outcome=item.outcome,
                outcome_label=item.get_outcome_display() if item.outcome else "",
                casting_vote_used=item.casting_vote_used,
                votes=votes,
                tally=[(str(VoteChoice(choice).label), count) for choice, count in counts.items()],
                recusals=[RecusalLine(member=_person(r.member, roles), reason=r.reason) for r in item.recusals.all()],
                recommended_amount=amount if recommended else None,
                recommended_years=years if recommended else [],
                conditions=item.conditions,
                questions=item.questions,
            )
        )
    return MeetingMinutes(
        meeting=meeting,
        minutes=minutes,
        chair=_person(chair_user, roles) if chair_user else None,
        adjuster=_person(minutes.adjuster, roles) if minutes and minutes.adjuster else None,
        present=[_person(a.person, roles) for a in attendance if a.present],
        absent=[_person(a.person, roles) for a in attendance if not a.present],
        items=item_lines,
        recommended_total=total,
        recommended_per_year=sorted(per_year.items()),
        open_paragraphs=[line.paragraph for line in item_lines if not line.is_closed],
    )


def adjuster_candidates(meeting: Meeting) -> list[User]:
    """Who may be appointed adjuster: voting members of the group who were present, not its chair."""
    on = timezone.localtime(meeting.starts_at).date()
    voting = Membership.objects.current(on).filter(body_id=meeting.steering_group_id, role__in=VOTING_ROLES)
    chairs = voting.filter(role=MembershipRole.CHAIR).values("person_id")
    present = Attendance.objects.filter(meeting=meeting, present=True).values("person_id")
    return list(
        User.objects.filter(pk__in=meeting.voting_member_ids(), is_active=True)
        .filter(pk__in=present)
        .exclude(pk__in=chairs)
        .order_by("last_name", "first_name", "username")
    )


# --- services ----------------------------------------------------------------------


def locked_minutes(pk: int) -> Minutes:
    return (
        Minutes.objects.select_for_update(no_key=True, of=("self",))
        .select_related("meeting__steering_group")
        .get(pk=pk)
    )


# --- the PDF -----------------------------------------------------------------------


def minutes_filename(minutes: Minutes) -> str:
    day = timezone.localtime(minutes.meeting.starts_at).date()
    return f"protokoll-styrgrupp-{day.isoformat()}-{minutes.meeting_id}.pdf"


def minutes_pdf_context(minutes_or_meeting: Minutes | Meeting) -> dict[str, object]:
    meeting = minutes_or_meeting.meeting if isinstance(minutes_or_meeting, Minutes) else minutes_or_meeting
    data = meeting_minutes(meeting)
    return {"minutes": data, "meeting": meeting, "generated_on": timezone.localdate()}


def minutes_store_pdf(*, minutes_id: int) -> Minutes:
    """Render and store the final PDF of locked minutes, once.

    Idempotent: when the PDF is already stored nothing happens, so a task run twice (a
    retry, a redelivered message) never renders a second, different file.
    """
    from simportal.pdf import render_pdf

    with transaction.atomic():
        minutes = locked_minutes(minutes_id)
        if minutes.pdf:
            return minutes
        if not minutes.is_locked:
            raise MinutesError(_("Protokollet är inte justerat ännu."))
        rendered = render_pdf("pdf/minutes.html", minutes_pdf_context(minutes))
        minutes.pdf.save(minutes_filename(minutes), rendered.as_file(minutes_filename(minutes)), save=False)
        minutes.pdf_sha256 = rendered.sha256
        minutes.save(update_fields=["pdf", "pdf_sha256"])
    return minutes


def store_minutes_pdf(message: OutboxMessage) -> None:
    """The outbox's work of kind MINUTES_PDF (registered in ``ReviewsConfig.ready()``)."""
    minutes_store_pdf(minutes_id=message.payload["minutes"])

"""Steering-group meetings: scheduling, the agenda, attendance, recusals (jäv), votes
and closing an item. One service per write, keyword-only, one durable transaction.

The rules of the vote (quorum, majority, the chair's casting vote) are pure functions
at the top of this module, so they can be read and tested without a database.

A state change of an application goes through the workflow (``applications.workflow``)
and writes its timeline event in the same transaction, as ``applications.services`` does.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import services
from applications.models import Application, Message, MessageKind, Partner, Status
from outbox.services import event_add
from partnership.models import Body, BodyKind, Membership, Municipality, User
from partnership.rules import VOTING_ROLES

from .minutes import MinutesLocked, ensure_minutes_open
from .models import (
    AgendaItem,
    Attendance,
    ItemOutcome,
    Meeting,
    MeetingVoter,
    RecommendedYear,
    Recusal,
    Vote,
    VoteChoice,
    voting_memberships_on,
)


class MeetingRefused(Exception):
    """The meeting service cannot do this now; ``message`` says why, in Swedish."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# --- the rules of the vote (pure) ------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    recommend: int = 0
    not_recommend: int = 0
    abstain: int = 0

    @property
    def cast(self) -> int:
        """Votes cast for or against; abstentions are not cast."""
        return self.recommend + self.not_recommend

    @property
    def total(self) -> int:
        return self.cast + self.abstain

    @property
    def is_tie(self) -> bool:
        return self.recommend == self.not_recommend

    @classmethod
    def of(cls, choices: Iterable[str]) -> Tally:
        choices = list(choices)
        return cls(
            recommend=choices.count(VoteChoice.RECOMMEND),
            not_recommend=choices.count(VoteChoice.NOT_RECOMMEND),
            abstain=choices.count(VoteChoice.ABSTAIN),
        )


def has_quorum(*, voting_members: int, taking_part: int) -> bool:
    """More than half of the group's voting members are present and not recused."""
    return voting_members > 0 and taking_part * 2 > voting_members


def majority(tally: Tally) -> str | None:
    """The outcome the votes cast give, or None for a tie (the chair's casting vote decides)."""
    if tally.recommend > tally.not_recommend:
        return ItemOutcome.RECOMMENDED
    if tally.not_recommend > tally.recommend:
        return ItemOutcome.NOT_RECOMMENDED
    return None


@dataclass(frozen=True)
class Result:
    outcome: str
    casting_vote_used: bool


def decide(tally: Tally, *, casting_vote: str | None = None) -> Result:
    """The outcome of an item: the majority of votes cast; a tie is decided by the chair.

    ``casting_vote`` is a ``VoteChoice`` (recommend / not recommend); it is needed only
    for a tie and ignored otherwise.
    """
    outcome = majority(tally)
    if outcome is not None:
        return Result(outcome=outcome, casting_vote_used=False)
    if casting_vote == VoteChoice.RECOMMEND:
        return Result(outcome=ItemOutcome.RECOMMENDED, casting_vote_used=True)
    if casting_vote == VoteChoice.NOT_RECOMMEND:
        return Result(outcome=ItemOutcome.NOT_RECOMMENDED, casting_vote_used=True)
    raise MeetingRefused(
        _("Rösterna är lika. Ordföranden avgör med sin utslagsröst: välj tillstyrka eller avstyrka."),
        field="casting_vote",
    )


# --- reads the services and the pages share ---------------------------------------------


def voting_memberships(meeting: Meeting) -> QuerySet[Membership]:
    """The memberships with a vote (chair, vice chair, members) valid on the meeting's day:
    not the adjunct, not the project leader."""
    return voting_memberships_on(meeting.steering_group_id, meeting.day)


def voting_member_ids(meeting: Meeting) -> set[int]:
    """Who may vote at the meeting: frozen when the meeting opened (see ``Meeting.voting_member_ids``)."""
    return set(meeting.voting_member_ids())


def present_ids(meeting: Meeting) -> set[int]:
    return set(meeting.attendance.filter(present=True).values_list("person_id", flat=True))


@dataclass(frozen=True)
class ItemCount:
    """Everything the chair needs to close an item: who takes part, the votes, the quorum."""

    voting_members: int
    taking_part: frozenset[int]
    tally: Tally  # the votes that count: voting members present and not recused
    received: Tally  # every vote received so far

    @property
    def not_counted(self) -> int:
        """Votes from members not (yet) recorded as present."""
        return self.received.total - self.tally.total

    @property
    def quorate(self) -> bool:
        return has_quorum(voting_members=self.voting_members, taking_part=len(self.taking_part))

    @property
    def quorum_needed(self) -> int:
        return self.voting_members // 2 + 1

    @property
    def outcome(self) -> str | None:
        return majority(self.tally)


def count_item(item: AgendaItem, *, voters: set[int] | None = None, present: set[int] | None = None) -> ItemCount:
    """Count an item's votes. Only votes of voting members recorded as present and not
    recused count. ``voters`` and ``present`` may be passed when counting a whole agenda."""
    voters = voting_member_ids(item.meeting) if voters is None else voters
    present = present_ids(item.meeting) if present is None else present
    recused = {r.member_id for r in item.recusals.all()}
    taking_part = (voters & present) - recused
    votes = [(v.member_id, v.choice) for v in item.votes.all()]
    counted = [choice for member_id, choice in votes if member_id in taking_part]
    return ItemCount(
        voting_members=len(voters),
        taking_part=frozenset(taking_part),
        tally=Tally.of(counted),
        received=Tally.of(choice for _member_id, choice in votes),
    )


def conflict_reasons(membership: Membership | None, application: Application) -> list[str]:
    """Why a member may have a conflict of interest (jäv) on an application; empty when none is seen.

    Suggested when the member represents one of the application's partner units, or a unit
    or organisation belonging to one of the applying municipalities. Only a suggestion:
    the member decides and declares.
    """
    if membership is None:
        return []
    reasons: list[str] = []
    unit = membership.unit
    partner_unit_ids = {p.unit_id for p in _partners(application) if p.unit_id}
    if unit is not None and unit.pk in partner_unit_ids:
        reasons.append(_("Du företräder %(unit)s, som är samverkanspart i ansökan.") % {"unit": unit.name})
    municipality_ids = {m.pk for m in _municipalities(application)}
    organisations = [o for o in (unit.organisation if unit else None, membership.organisation) if o is not None]
    for organisation in organisations:
        if organisation.municipality_id in municipality_ids:
            reasons.append(
                _("Du företräder %(organisation)s, och %(municipality)s är sökande kommun.")
                % {"organisation": organisation.name, "municipality": organisation.municipality}
            )
            break
    return reasons


def _partners(application: Application) -> list[Partner]:
    return list(application.partners.all())


def _municipalities(application: Application) -> list[Municipality]:
    return list(application.municipalities.all())


# --- writes -----------------------------------------------------------------------------


def _locked_item(item: AgendaItem) -> AgendaItem:
    """The item, locked until the transaction ends: votes, recusals and closing queue up here."""
    return (
        AgendaItem.objects.select_for_update(no_key=True, of=("self",))
        .select_related("meeting__steering_group", "application")
        .get(pk=item.pk)
    )


def _locked_meeting(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(no_key=True, of=("self",)).select_related("steering_group").get(pk=meeting.pk)
    )


def _transition(application: Application, *, name: str, by: User, message: str = "") -> Application:
    return services.transition_apply(application=application, name=name, by=by, message=message)


def _meeting_label(meeting: Meeting) -> str:
    return _("Styrgruppsmöte %(date)s") % {"date": f"{timezone.localtime(meeting.starts_at):%Y-%m-%d}"}


@transaction.atomic(durable=True)
def meeting_schedule(
    *, steering_group: Body, starts_at: datetime.datetime, place: str = "", video_link: str = "", by: User
) -> Meeting:
    if steering_group.kind != BodyKind.STEERING_GROUP or not by.has_perm("reviews.schedule_meeting", steering_group):
        raise PermissionDenied
    if not place.strip() and not video_link.strip():
        raise MeetingRefused(_("Ange plats eller videolänk."), field="place")
    return Meeting.objects.create(
        steering_group=steering_group, starts_at=starts_at, place=place, video_link=video_link, created_by=by
    )


def _check_agenda_open(meeting: Meeting, by: User) -> None:
    if not by.has_perm("reviews.manage_meeting", meeting):
        raise PermissionDenied
    if meeting.is_cancelled:
        raise MeetingRefused(_("Mötet är inställt och kan inte längre ändras."))
    if meeting.is_published:
        raise MeetingRefused(_("Dagordningen är publicerad och kan inte längre ändras."))


@transaction.atomic(durable=True)
def agenda_add(*, meeting: Meeting, application: Application, summary: str = "", by: User) -> AgendaItem:
    """Put a complete application on the agenda as the next paragraph (§)."""
    meeting = _locked_meeting(meeting)
    _check_agenda_open(meeting, by)
    if application.call.partnership_id != meeting.steering_group.partnership_id:
        raise MeetingRefused(_("Ansökan hör inte till styrgruppens partnerskap."), field="application")
    if meeting.items.filter(application=application).exists():
        raise MeetingRefused(_("Ansökan finns redan på dagordningen."), field="application")
    application = _transition(application, name="put_on_agenda", by=by, message=_meeting_label(meeting))
    last = meeting.items.aggregate(last=Max("position"))["last"] or 0
    return AgendaItem.objects.create(meeting=meeting, application=application, position=last + 1, summary=summary)


@transaction.atomic(durable=True)
def agenda_remove(*, item: AgendaItem, by: User) -> None:
    """Take an application off the agenda before it is published; the paragraphs after it move up."""
    meeting = _locked_meeting(item.meeting)
    _check_agenda_open(meeting, by)
    item = _locked_item(item)
    _transition(item.application, name="take_off_agenda", by=by, message=_meeting_label(meeting))
    position = item.position
    item.delete()
    for later in meeting.items.filter(position__gt=position).order_by("position"):
        later.position -= 1
        later.save(update_fields=["position"])


@transaction.atomic(durable=True)
def agenda_move(*, item: AgendaItem, up: bool, by: User) -> AgendaItem:
    """Swap an item with its neighbour above (``up``) or below."""
    meeting = _locked_meeting(item.meeting)
    _check_agenda_open(meeting, by)
    item = _locked_item(item)
    neighbours = (
        meeting.items.filter(position__lt=item.position) if up else meeting.items.filter(position__gt=item.position)
    )
    neighbour = neighbours.order_by("-position" if up else "position").first()
    if neighbour is None:
        return item
    mine, theirs = item.position, neighbour.position
    # Positions are unique per meeting: park the item on 0 while the two change places.
    item.position = 0
    item.save(update_fields=["position"])
    neighbour.position = mine
    neighbour.save(update_fields=["position"])
    item.position = theirs
    item.save(update_fields=["position"])
    return item


@transaction.atomic(durable=True)
def agenda_item_summarise(*, item: AgendaItem, summary: str, by: User) -> AgendaItem:
    item = _locked_item(item)
    if not by.has_perm("reviews.manage_meeting", item.meeting):
        raise PermissionDenied
    if item.is_closed:
        raise MeetingRefused(_("Punkten är avslutad och kan inte längre ändras."))
    item.summary = summary
    item.save(update_fields=["summary"])
    return item


@transaction.atomic(durable=True)
def meeting_publish(*, meeting: Meeting, by: User) -> Meeting:
    meeting = _locked_meeting(meeting)
    _check_agenda_open(meeting, by)
    if not meeting.items.exists():
        raise MeetingRefused(_("Lägg till minst en ansökan på dagordningen innan du publicerar den."))
    meeting.published_at = timezone.now()
    meeting.save(update_fields=["published_at"])
    event_add("agenda_published", key=f"agenda:{meeting.pk}", by=by, meeting=meeting.pk)
    return meeting


def may_record_attendance(user: User, meeting: Meeting) -> bool:
    return bool(user.has_perm("reviews.manage_meeting", meeting) or user.has_perm("reviews.chair_meeting", meeting))


def current_members(meeting: Meeting) -> list[Membership]:
    """One membership per person in the steering group on the meeting's day (the voting one first), for attendance."""
    seen: dict[int, Membership] = {}
    memberships = (
        Membership.objects.current(meeting.day)
        .filter(body_id=meeting.steering_group_id)
        .select_related("person", "unit", "organisation")
        .order_by("person__last_name", "person__first_name", "pk")
    )
    for membership in memberships:
        known = seen.get(membership.person_id)
        if known is None or (membership.role in VOTING_ROLES and known.role not in VOTING_ROLES):
            seen[membership.person_id] = membership
    return list(seen.values())


@transaction.atomic(durable=True)
def attendance_record(*, meeting: Meeting, present: Iterable[int], by: User) -> list[Attendance]:
    """Record who of the steering group's current members is present (everyone else: absent)."""
    meeting = _locked_meeting(meeting)
    if not may_record_attendance(by, meeting):
        raise PermissionDenied
    if meeting.is_cancelled:
        raise MeetingRefused(_("Mötet är inställt. Ingen närvaro antecknas."))
    _ensure_minutes_open(meeting.pk)
    _check_meeting_day(meeting, _("Närvaron antecknas på mötesdagen, %(date)s."))
    _open_meeting(meeting)
    members = {m.person_id for m in current_members(meeting)}
    present = set(present)
    if present - members:
        raise MeetingRefused(_("Bara styrgruppens ledamöter kan antecknas som närvarande."), field="present")
    rows: list[Attendance] = []
    for person_id in sorted(members):
        row, _created = Attendance.objects.update_or_create(
            meeting=meeting, person_id=person_id, defaults={"present": person_id in present}
        )
        rows.append(row)
    return rows


def _ensure_minutes_open(meeting_id: int) -> None:
    """Nothing about a meeting changes once its minutes are approved and locked."""
    try:
        ensure_minutes_open(meeting_id)
    except MinutesLocked as locked:
        raise MeetingRefused(str(locked)) from locked


def _check_open_item(item: AgendaItem) -> None:
    _ensure_minutes_open(item.meeting_id)
    if item.is_closed:
        raise MeetingRefused(_("Punkten är avslutad. Rösterna kan inte längre ändras."))


def _check_meeting_day(meeting: Meeting, message: str) -> None:
    """Refuse before the meeting's day; ``message`` says when it opens (it has ``%(date)s``)."""
    if not meeting.has_begun:
        raise MeetingRefused(message % {"date": meeting.day.isoformat()})


def _open_meeting(meeting: Meeting) -> None:
    """Open the meeting on its day, once: freeze who may vote, from the memberships valid on
    the meeting's day. Quorum and the right to vote are counted from this list from now on."""
    if meeting.opened_at is not None:
        return
    locked = _locked_meeting(meeting)
    if locked.opened_at is None:
        voting = voting_memberships(locked).order_by("person_id", "pk")
        roles: dict[int, str] = {}
        for membership in voting:
            roles.setdefault(membership.person_id, membership.role)
        MeetingVoter.objects.bulk_create(
            [MeetingVoter(meeting=locked, person_id=person_id, role=role) for person_id, role in roles.items()]
        )
        locked.opened_at = timezone.now()
        locked.save(update_fields=["opened_at"])
    meeting.opened_at = locked.opened_at
    meeting.__dict__.pop("_voting_member_ids", None)


@transaction.atomic(durable=True)
def recusal_declare(*, item: AgendaItem, member: User, reason: str) -> Recusal:
    """A member declares a conflict of interest (jäv): they leave the item, and an earlier vote is removed."""
    item = _locked_item(item)
    if not member.has_perm("reviews.declare_recusal", item):
        raise PermissionDenied
    _check_open_item(item)
    if not reason.strip():
        raise MeetingRefused(_("Skriv skälet till jävet."), field="reason")
    if item.recusals.filter(member=member).exists():
        raise MeetingRefused(_("Du har redan anmält jäv i den här punkten."))
    item.votes.filter(member=member).delete()
    return Recusal.objects.create(item=item, member=member, reason=reason)


@transaction.atomic(durable=True)
def vote_cast(*, item: AgendaItem, member: User, choice: str, comment: str = "") -> Vote:
    """Cast or change a vote. The item row is locked, so simultaneous votes queue up and each
    member has exactly one vote; once the chair has closed the item, votes are refused."""
    item = _locked_item(item)
    if not member.has_perm("reviews.vote", item):
        raise PermissionDenied
    _check_open_item(item)
    if choice not in VoteChoice.values:
        raise MeetingRefused(_("Välj tillstyrker, avstyrker eller avstår."), field="choice")
    if item.recusals.filter(member=member).exists():
        raise MeetingRefused(
            _("Du har anmält jäv i den här punkten och får inte rösta i den."),
        )
    if item.meeting.attendance.filter(person=member, present=False).exists():
        raise MeetingRefused(_("Du är antecknad som frånvarande på mötet och kan inte rösta."))
    _check_meeting_day(item.meeting, _("Röstningen öppnar på mötesdagen, %(date)s. Du kan rösta från den dagen."))
    _open_meeting(item.meeting)
    if member.pk not in item.meeting.voting_member_ids():
        raise MeetingRefused(_("Du hade ingen rösträtt i styrgruppen på mötesdagen och kan inte rösta."))
    vote, _created = Vote.objects.update_or_create(
        item=item, member=member, defaults={"choice": choice, "comment": comment}
    )
    return vote


def _check_chair(item: AgendaItem, by: User) -> None:
    if not by.has_perm("reviews.chair_meeting", item.meeting):
        raise PermissionDenied


def _recommended_years(application: Application, amounts: Mapping[int, int] | None) -> dict[int, int]:
    requested = {b.year: b.requested for b in application.budget_years.all()}
    if amounts is None:
        return requested
    unknown = set(amounts) - set(requested)
    if unknown:
        raise MeetingRefused(
            _("Ansökan har ingen budget för år %(years)s.") % {"years": ", ".join(map(str, sorted(unknown)))},
            field="amounts",
        )
    result: dict[int, int] = {}
    for year, asked in requested.items():
        amount = amounts.get(year, asked)
        if amount < 0:
            raise MeetingRefused(_("Beloppet kan inte vara negativt."), field=f"amount_{year}")
        if amount > asked:
            raise MeetingRefused(
                _("Det tillstyrkta beloppet för %(year)s kan inte vara större än det sökta (%(requested)s kr).")
                % {"year": year, "requested": f"{asked:,}".replace(",", " ")},
                field=f"amount_{year}",
            )
        result[year] = amount
    return result


@transaction.atomic(durable=True)
def agenda_item_close(
    *,
    item: AgendaItem,
    by: User,
    casting_vote: str | None = None,
    recommended_years: Mapping[int, int] | None = None,
    conditions: str = "",
) -> AgendaItem:
    """Close an item with the outcome of the vote: needs a quorum; the majority of votes cast
    decides, and a tie is decided by the chair's casting vote. A recommended item records the
    amount per budget year (at most what was asked for; by default all of it)."""
    item = _locked_item(item)
    _check_chair(item, by)
    _check_open_item(item)
    _check_meeting_day(item.meeting, _("Punkten kan avslutas på mötesdagen, %(date)s."))
    _open_meeting(item.meeting)
    count = count_item(item)
    if not count.quorate:
        raise MeetingRefused(
            _(
                "Styrgruppen är inte beslutsför i den här punkten: %(present)s av %(members)s röstberättigade "
                "ledamöter är närvarande och inte jäviga, minst %(needed)s behövs."
            )
            % {"present": len(count.taking_part), "members": count.voting_members, "needed": count.quorum_needed}
        )
    result = decide(count.tally, casting_vote=casting_vote)
    name = "recommend" if result.outcome == ItemOutcome.RECOMMENDED else "not_recommend"
    amounts: dict[int, int] = {}
    if result.outcome == ItemOutcome.RECOMMENDED:
        amounts = _recommended_years(item.application, recommended_years)
    message = _("%(meeting)s, § %(position)s.") % {"meeting": _meeting_label(item.meeting), "position": item.position}
    _transition(item.application, name=name, by=by, message=message)
    item.closed_at = timezone.now()
    item.closed_by = by
    item.outcome = result.outcome
    item.casting_vote_used = result.casting_vote_used
    item.conditions = conditions if result.outcome == ItemOutcome.RECOMMENDED else ""
    item.recommended_amount = sum(amounts.values()) if result.outcome == ItemOutcome.RECOMMENDED else None
    item.save(
        update_fields=["closed_at", "closed_by", "outcome", "casting_vote_used", "conditions", "recommended_amount"]
    )
    RecommendedYear.objects.bulk_create(
        [RecommendedYear(item=item, year=year, amount=amount) for year, amount in sorted(amounts.items())]
    )
    return item


@transaction.atomic(durable=True)
def agenda_item_return(*, item: AgendaItem, by: User, questions: str) -> AgendaItem:
    """Return the application to the working group with the steering group's questions;
    the questions are also posted in the application's thread so the group sees them."""
    item = _locked_item(item)
    _check_chair(item, by)
    _check_open_item(item)
    _check_meeting_day(item.meeting, _("Punkten kan återförvisas på mötesdagen, %(date)s."))
    if not questions.strip():
        raise MeetingRefused(_("Skriv styrgruppens frågor till arbetsgruppen."), field="questions")
    application = _transition(item.application, name="return_from_meeting", by=by, message=questions)
    Message.objects.create(application=application, author=by, body=questions, kind=MessageKind.MESSAGE)
    item.closed_at = timezone.now()
    item.closed_by = by
    item.outcome = ItemOutcome.RETURNED
    item.questions = questions
    item.save(update_fields=["closed_at", "closed_by", "outcome", "questions"])
    return item


def complete_applications_for(meeting: Meeting) -> QuerySet[Application]:
    """Applications the project leader can put on this meeting's agenda."""
    partnership_id = meeting.steering_group.partnership_id
    if partnership_id is None:
        # Unreachable: a steering group belongs to a partnership (body_partnership_body_has_partnership).
        return Application.objects.none()
    return (
        Application.objects.filter(
            call__partnership_id=partnership_id,
            status__in=[Status.COMPLETE, Status.REFERRED_BACK],
        )
        .exclude(agenda_items__meeting=meeting)
        .select_related("working_group__municipality")
        .order_by("submitted_at", "pk")
    )


# --- editing and cancelling a meeting ----------------------------------------------------------


def meeting_change_refusal(meeting: Meeting) -> str | None:
    """Why the meeting can no longer be edited or cancelled, or None while it can."""
    if meeting.is_cancelled:
        return _("Mötet är inställt och kan inte längre ändras.")
    try:
        ensure_minutes_open(meeting.pk)
    except MinutesLocked:
        return _("Mötets protokoll är justerat och låst. Mötet kan inte längre ändras eller ställas in.")
    return None


def _check_meeting_changeable(meeting: Meeting, by: User) -> None:
    """A meeting changes until it is cancelled or its minutes are approved and locked."""
    if not by.has_perm("reviews.edit_meeting", meeting):
        raise PermissionDenied
    refusal = meeting_change_refusal(meeting)
    if refusal:
        raise MeetingRefused(refusal)


def _where_and_when(meeting: Meeting) -> str:
    where = ", ".join(part for part in (meeting.place, meeting.video_link) if part)
    return f"{timezone.localtime(meeting.starts_at):%Y-%m-%d %H:%M}, {where}"


@transaction.atomic(durable=True)
def meeting_update(
    *, meeting: Meeting, starts_at: datetime.datetime, place: str = "", video_link: str = "", by: User
) -> Meeting:
    """Change a meeting's time, place or video link. Before the agenda is published nobody else
    has seen the meeting; after it, the steering group is told what changed. Once an item is
    closed the meeting has been held: its time stays, but its place can still be corrected
    until the minutes are approved."""
    meeting = _locked_meeting(meeting)
    _check_meeting_changeable(meeting, by)
    place, video_link = place.strip(), video_link.strip()
    if not place and not video_link:
        raise MeetingRefused(_("Ange plats eller videolänk."), field="place")
    wanted = {"starts_at": starts_at, "place": place, "video_link": video_link}
    changed = [name for name, value in wanted.items() if getattr(meeting, name) != value]
    if not changed:
        return meeting
    if "starts_at" in changed:
        if meeting.opened_at is not None:
            raise MeetingRefused(
                _("Mötet har öppnats och dess röstberättigade ledamöter är fastställda, så tiden kan inte ändras."),
                field="date",
            )
        if meeting.items.filter(closed_at__isnull=False).exists():
            raise MeetingRefused(
                _("Mötet har redan hållits (punkter är avslutade), så tiden kan inte ändras."), field="date"
            )
        if starts_at <= timezone.now():
            raise MeetingRefused(_("Mötet måste ligga framåt i tiden. Välj ett senare datum."), field="date")
    was = _where_and_when(meeting)
    for name in changed:
        setattr(meeting, name, wanted[name])
    meeting.save(update_fields=changed)
    if meeting.is_published:
        version = meeting.history.latest().history_id
        event_add("meeting_changed", key=f"meeting_changed:{meeting.pk}:{version}", by=by, meeting=meeting.pk, was=was)
    return meeting


@transaction.atomic(durable=True)
def meeting_cancel(*, meeting: Meeting, reason: str, by: User) -> Meeting:
    """Cancel a meeting that has not yet dealt with any item. Every application on its agenda
    goes back through the workflow (``take_off_agenda``: complete again, ready for another
    meeting) and its item is closed as *utgår*, so the agenda stays on record and nothing is left
    open. A published meeting's steering group is told."""
    meeting = _locked_meeting(meeting)
    _check_meeting_changeable(meeting, by)
    reason = reason.strip()
    if not reason:
        raise MeetingRefused(_("Skriv varför mötet ställs in."), field="reason")
    items = list(
        meeting.items.select_for_update(no_key=True, of=("self",)).select_related("application").order_by("position")
    )
    if any(item.is_closed for item in items):
        raise MeetingRefused(
            _("Mötet har redan behandlat punkter och kan inte ställas in. Avsluta mötet och justera protokollet.")
        )
    now = timezone.now()
    message = _("%(meeting)s ställdes in: %(reason)s") % {"meeting": _meeting_label(meeting), "reason": reason}
    for item in items:
        if item.application.status == Status.ON_AGENDA:
            _transition(item.application, name="take_off_agenda", by=by, message=message)
        item.closed_at = now
        item.closed_by = by
        item.outcome = ItemOutcome.DROPPED
        item.save(update_fields=["closed_at", "closed_by", "outcome"])
    meeting.cancelled_at = now
    meeting.cancelled_by = by
    meeting.cancellation_reason = reason
    meeting.save(update_fields=["cancelled_at", "cancelled_by", "cancellation_reason"])
    if meeting.is_published:
        event_add("meeting_cancelled", key=f"meeting_cancelled:{meeting.pk}", by=by, meeting=meeting.pk)
    return meeting

"""Every write of the steering group: scheduling, the agenda, attendance, recusals (jäv),
votes, closing an item, editing and cancelling a meeting, the minutes' adjuster and approval,
and closing an item whose application is withdrawn. One service per write, keyword-only,
one durable transaction.

The rules of the vote (quorum, majority, the chair's casting vote) are pure functions in
``reviews.tally``; what a page reads is in ``reviews.selectors``.

A state change of an application goes through the workflow (``applications.workflow``)
and writes its timeline event in the same transaction, as ``applications.services`` does.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import services
from applications.models import Application, EventKind, Message, MessageKind, Status
from outbox.models import OutboxKind
from outbox.services import event_add, outbox_add
from partnership.models import Body, BodyKind, User
from partnership.rules import roles_of

from . import signals
from .minutes import MinutesError, MinutesLocked, adjuster_candidates, ensure_minutes_open, locked_minutes
from .models import (
    AgendaItem,
    Attendance,
    ItemOutcome,
    Meeting,
    MeetingVoter,
    Minutes,
    RecommendedYear,
    Recusal,
    Vote,
    VoteChoice,
)
from .selectors import count_item, current_members, voting_memberships
from .tally import CastingVoteNeeded, decide


class MeetingRefused(Exception):
    """The meeting service cannot do this now; ``message`` says why, in Swedish."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


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


@transaction.atomic(durable=True)
def attendance_record(*, meeting: Meeting, present: Iterable[int], by: User) -> list[Attendance]:
    """Record who of the steering group's current members is present (everyone else: absent)."""
    meeting = _locked_meeting(meeting)
    if not by.has_perm("reviews.record_attendance", meeting):
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
    try:
        result = decide(count.tally, casting_vote=casting_vote)
    except CastingVoteNeeded as tie:
        raise MeetingRefused(tie.message, field=tie.field) from tie
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
    if result.outcome == ItemOutcome.RECOMMENDED:
        signals.item_recommended.send(sender=AgendaItem, item=item, amounts=amounts)
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


# --- an application withdrawn while on an agenda --------------------------------------------
# Without this the item stays open for ever and the meeting's minutes can never be approved
# (the minutes need every item closed). The closing goes into the minutes (the item's outcome
# is *återtagen*) and onto the application's timeline.


def close_withdrawn(
    sender: Any, *, application: Application, from_status: str, by: User, message: str = "", **kwargs: Any
) -> None:
    """Receiver of ``applications.signals.application_withdrawn``."""
    if from_status == Status.ON_AGENDA:
        _close_agenda_items(application, by=by)


def _close_agenda_items(application: Application, *, by: User) -> None:
    items = (
        AgendaItem.objects.select_for_update(no_key=True, of=("self",))
        .select_related("meeting")
        .filter(application=application, closed_at__isnull=True)
        .order_by("pk")
    )
    now = timezone.now()
    for item in items:
        # Minutes with an open item cannot have been approved; this keeps an approval out meanwhile.
        ensure_minutes_open(item.meeting_id)
        item.closed_at = now
        item.closed_by = by
        item.outcome = ItemOutcome.WITHDRAWN
        item.save(update_fields=["closed_at", "closed_by", "outcome"])
        services.timeline_note(
            application=application,
            kind=EventKind.CASE_CLOSED,
            by=by,
            message=_("Styrgruppsmöte %(date)s, § %(position)s: punkten avslutad, ansökan återtagen.")
            % {"date": item.meeting.day.isoformat(), "position": item.position},
        )


# --- the minutes: the adjuster and the approval ---------------------------------------------


@transaction.atomic(durable=True)
def minutes_prepare(*, meeting: Meeting, adjuster: User, by: User) -> Minutes:
    """Appoint the adjuster of a meeting's minutes (the project leader or the chair does)."""
    if not by.has_perm("reviews.appoint_adjuster", meeting):
        raise PermissionDenied
    meeting = Meeting.objects.select_for_update(no_key=True).get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise MinutesError(_("Mötet är inställt och har inget protokoll att justera."))
    if adjuster not in adjuster_candidates(meeting):
        raise MinutesError(
            _(
                "Justeraren ska vara en ledamot med rösträtt i styrgruppen som var närvarande vid mötet, "
                "och inte ordföranden."
            )
        )
    Minutes.objects.get_or_create(meeting=meeting)
    minutes = Minutes.objects.select_for_update(no_key=True).get(meeting=meeting)
    if minutes.is_locked:
        raise MinutesLocked(_("Protokollet är redan justerat och låst."))
    if minutes.adjuster_approved_at is not None and minutes.adjuster_id != adjuster.pk:
        raise MinutesError(_("Justeraren har redan justerat protokollet och kan inte bytas ut."))
    if minutes.adjuster_id != adjuster.pk:
        minutes.adjuster = adjuster
        minutes.save(update_fields=["adjuster"])
    return minutes


@dataclass(frozen=True)
class Approval:
    minutes: Minutes
    as_chair: bool
    locked: bool


@transaction.atomic(durable=True)
def minutes_approve(*, minutes: Minutes, by: User) -> Approval:
    """The chair's or the adjuster's approval; the second one locks the minutes and
    queues the final PDF after the commit."""
    minutes = locked_minutes(minutes.pk)
    if not by.has_perm("reviews.approve_minutes", minutes):
        raise PermissionDenied
    if minutes.is_locked:
        raise MinutesLocked(_("Protokollet är redan justerat och låst."))
    if timezone.now() < minutes.meeting.starts_at:
        raise MinutesError(
            _("Protokollet justeras efter mötet. Det kan justeras från %(start)s, när mötet har börjat.")
            % {"start": f"{timezone.localtime(minutes.meeting.starts_at):%Y-%m-%d %H:%M}"}
        )
    if minutes.adjuster_id is None:
        raise MinutesError(_("Ingen justerare är utsedd ännu. Projektledaren eller ordföranden utser justeraren."))
    open_items = list(
        minutes.meeting.items.filter(closed_at__isnull=True).order_by("position").values_list("position", flat=True)
    )
    if open_items:
        paragraphs = ", ".join(f"§ {position}" for position in open_items)
        raise MinutesError(
            _("Protokollet kan justeras först när alla punkter är avslutade. Öppna punkter: %(paragraphs)s.")
            % {"paragraphs": paragraphs}
        )
    is_chair = minutes.meeting.steering_group_id in roles_of(by).chaired_steering_groups
    is_adjuster = minutes.adjuster_id == by.pk
    if is_chair and is_adjuster:
        raise MinutesError(_("Ordföranden och justeraren ska vara två olika personer. Utse en annan justerare."))
    now = timezone.now()
    if is_chair:
        if minutes.chair_approved_at is not None:
            raise MinutesError(_("Ordföranden har redan justerat protokollet."))
        minutes.chair_approved_by = by
        minutes.chair_approved_at = now
        fields = ["chair_approved_by", "chair_approved_at"]
    else:
        if minutes.adjuster_approved_at is not None:
            raise MinutesError(_("Du har redan justerat protokollet."))
        minutes.adjuster_approved_at = now
        fields = ["adjuster_approved_at"]
    locked = minutes.chair_approved_at is not None and minutes.adjuster_approved_at is not None
    if locked:
        minutes.locked_at = now
        fields.append("locked_at")
    minutes.save(update_fields=fields)
    if locked:
        outbox_add(OutboxKind.MINUTES_PDF, f"minutes:{minutes.pk}", minutes=minutes.pk)
        # The members and Koncernkontoret hear that the minutes are approved.
        event_add("minutes_approved", key=f"minutes_approved:{minutes.pk}", by=by, meeting=minutes.meeting_id)
    return Approval(minutes=minutes, as_chair=is_chair, locked=locked)

"""Reads of steering-group meetings. Each selector owns its joins, so a page's query
count is decided here."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, BudgetYear, Message, MessageKind, Partner, Status
from partnership.models import Body, BodyKind, Membership, Municipality, User
from partnership.rules import VOTING_ROLES, Roles, roles_of

from .models import AgendaItem, Attendance, Meeting, Minutes, Recusal, Vote, voting_memberships_on
from .tally import ItemCount, Tally

# A meeting counts as upcoming until half a day after it started.
UPCOMING_GRACE = datetime.timedelta(hours=12)
# Items per page of a meeting and of its agenda: a large meeting (150 items) is read in parts.
AGENDA_PAGE_SIZE = 25
# Complete applications the agenda's "add an application" list offers at once; a search finds the rest.
CANDIDATES_SHOWN = 25


def _upcoming_from() -> datetime.datetime:
    return timezone.now() - UPCOMING_GRACE


def upcoming_meetings(roles: Roles) -> QuerySet[Meeting]:
    """Published meetings of the person's steering groups, from today on, except those of the
    partnerships the person leads: the project leader sits in the steering group too, and sees
    those meetings (published or not) in the project leader's own list, so each is listed once."""
    return (
        Meeting.objects.filter(
            steering_group__in=roles.steering_groups,
            published_at__isnull=False,
            starts_at__gte=_upcoming_from(),
        )
        .exclude(steering_group__partnership__in=roles.project_leader_partnerships)
        .select_related("steering_group")
        .annotate(item_count=Count("items"))
        .order_by("starts_at")
    )


def visible_meetings(roles: Roles) -> QuerySet[Meeting]:
    """The meetings a person may see: every meeting of the project leader's partnerships,
    and the published meetings of the person's steering groups."""
    return (
        Meeting.objects.filter(
            Q(steering_group__partnership__in=roles.project_leader_partnerships)
            | Q(steering_group__in=roles.steering_groups, published_at__isnull=False)
        )
        .select_related("steering_group")
        .annotate(item_count=Count("items", distinct=True))
    )


def meetings_by_time(roles: Roles) -> tuple[QuerySet[Meeting], QuerySet[Meeting]]:
    """(upcoming, soonest first; past, latest first)."""
    meetings = visible_meetings(roles)
    since = _upcoming_from()
    return (
        meetings.filter(starts_at__gte=since).order_by("starts_at", "pk"),
        meetings.filter(starts_at__lt=since).order_by("-starts_at", "-pk"),
    )


def get_meeting_for_user(user: User | AnonymousUser, pk: int) -> Meeting:
    """The meeting, or 404 for anyone who may not see it (its existence is not revealed)."""
    meeting = Meeting.objects.select_related("steering_group__partnership").filter(pk=pk).first()
    if meeting is None or not user.has_perm("reviews.view_meeting", meeting):
        raise Http404
    return meeting


def schedulable_steering_groups(user: User) -> list[Body]:
    """The steering groups, by name, whose meetings this person may schedule."""
    roles = roles_of(user)
    groups = Body.objects.filter(kind=BodyKind.STEERING_GROUP, partnership__in=roles.project_leader_partnerships)
    return [group for group in groups.order_by("name") if user.has_perm("reviews.schedule_meeting", group)]


def steering_groups(groups: list[Body]) -> QuerySet[Body]:
    """These steering groups as a queryset, by name, for a form to choose from."""
    return Body.objects.filter(pk__in=[g.pk for g in groups]).order_by("name")


def minutes_of(meeting: Meeting) -> Minutes:
    """The stored minutes, or an unsaved one to ask the rules about."""
    return Minutes.objects.filter(meeting=meeting).select_related("meeting__steering_group").first() or Minutes(
        meeting=meeting
    )


def adjuster_choices(candidates: list[User]) -> QuerySet[User]:
    """These possible adjusters as a queryset, by name, for a form to choose from."""
    return User.objects.filter(pk__in=[c.pk for c in candidates]).order_by("last_name", "first_name", "username")


def get_item_for_user(user: User | AnonymousUser, meeting_pk: int, item_pk: int) -> AgendaItem:
    meeting = get_meeting_for_user(user, meeting_pk)
    item = (
        AgendaItem.objects.select_related("application__working_group__municipality", "application__call")
        .filter(pk=item_pk, meeting=meeting)
        .first()
    )
    if item is None:
        raise Http404
    item.meeting = meeting
    return item


def agenda(meeting: Meeting) -> QuerySet[AgendaItem]:
    """The agenda in paragraph order, with everything the meeting page shows of each item."""
    return (
        meeting.items.select_related("application__working_group__municipality", "application__call", "closed_by")
        .prefetch_related(
            Prefetch("recusals", queryset=Recusal.objects.select_related("member").order_by("declared_at", "pk")),
            Prefetch("votes", queryset=Vote.objects.select_related("member").order_by("member__last_name", "pk")),
            Prefetch(
                "application__messages",
                queryset=Message.objects.filter(kind=MessageKind.COMMENT)
                .select_related("author")
                .order_by("created_at", "pk"),
                to_attr="comments",
            ),
            "application__partners__unit",
            "application__municipalities",
            "application__budget_years",
            "recommended_years",
        )
        .order_by("position")
    )


def agenda_page(meeting: Meeting, number: str | int | None) -> Page[AgendaItem]:
    """One page of the agenda (``AGENDA_PAGE_SIZE`` items, with what ``agenda`` reads of each); a
    number out of range gives the nearest page. Two queries whatever the size: the count and the page."""
    return Paginator(agenda(meeting), AGENDA_PAGE_SIZE).get_page(number)


def agenda_page_of(position: int) -> int:
    """The page of ``agenda_page`` that shows the item in this position: the services keep the
    positions 1, 2, 3 … without gaps."""
    return max(position - 1, 0) // AGENDA_PAGE_SIZE + 1


@dataclass(frozen=True)
class AgendaPageLink:
    """A link to one page of a meeting's agenda, named by the paragraphs on it (§ 26–50).
    ``number`` is None for the gap (…) of an elided range."""

    number: int | None
    first: int = 0
    last: int = 0
    current: bool = False


def agenda_page_links(page: Page[AgendaItem]) -> list[AgendaPageLink]:
    """The links to every page of the agenda (a long range elided), each named by its paragraphs."""
    if not page.has_other_pages():
        return []
    paginator = page.paginator
    links = []
    for number in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
        if not isinstance(number, int):  # the ellipsis
            links.append(AgendaPageLink(number=None))
            continue
        first = (number - 1) * paginator.per_page + 1
        last = min(number * paginator.per_page, paginator.count)
        links.append(AgendaPageLink(number=number, first=first, last=last, current=number == page.number))
    return links


def items_awaiting_vote(user: User, roles: Roles) -> QuerySet[AgendaItem]:
    """Open items on published meetings of the person's voting groups that still need their vote."""
    return (
        AgendaItem.objects.filter(
            meeting__steering_group__in=roles.voting_steering_groups,
            meeting__published_at__isnull=False,
            closed_at__isnull=True,
        )
        .exclude(votes__member=user)
        .exclude(recusals__member=user)
        .select_related("meeting", "application__working_group__municipality")
        .order_by("meeting__starts_at", "position")
    )


def my_recusals(user: User) -> QuerySet[Recusal]:
    """The person's declared conflicts of interest on items not yet closed."""
    return (
        Recusal.objects.filter(member=user, item__closed_at__isnull=True)
        .select_related("item__meeting", "item__application")
        .order_by("item__meeting__starts_at", "item__position")
    )


def voting_membership(meeting: Meeting, user: User) -> Membership | None:
    """The person's membership with a vote at this meeting, with the units a conflict of interest is read from."""
    return (
        voting_memberships(meeting)
        .filter(person=user.pk)
        .select_related("unit__organisation__municipality", "organisation__municipality")
        .first()
    )


def present_at(meeting: Meeting) -> QuerySet[Attendance]:
    """Who was present, by last name."""
    return meeting.attendance.filter(present=True).select_related("person").order_by("person__last_name")


def attendance_recorded(meeting: Meeting) -> bool:
    return meeting.attendance.exists()


def meeting_items(meeting: Meeting) -> QuerySet[AgendaItem]:
    """The agenda in paragraph order, with only the applications."""
    return meeting.items.select_related("application").order_by("position")


def vote_of(item: AgendaItem, user: User) -> Vote | None:
    return item.votes.filter(member=user).first()


def has_voted(item: AgendaItem, user: User) -> bool:
    return item.votes.filter(member=user).exists()


def has_recused(item: AgendaItem, user: User) -> bool:
    return item.recusals.filter(member=user).exists()


def item_votes(item: AgendaItem) -> QuerySet[Vote]:
    """The item's votes by the members' last names."""
    return item.votes.select_related("member").order_by("member__last_name")


def item_recusals(item: AgendaItem) -> QuerySet[Recusal]:
    return item.recusals.select_related("member")


def item_budget_years(item: AgendaItem) -> list[BudgetYear]:
    """The budget years of the item's application, in order."""
    return list(item.application.budget_years.order_by("year"))


def voting_memberships(meeting: Meeting) -> QuerySet[Membership]:
    """The memberships with a vote (chair, vice chair, members) valid on the meeting's day:
    not the adjunct, not the project leader."""
    return voting_memberships_on(meeting.steering_group_id, meeting.day)


def voting_member_ids(meeting: Meeting) -> set[int]:
    """Who may vote at the meeting: frozen when the meeting opened (see ``Meeting.voting_member_ids``)."""
    return set(meeting.voting_member_ids())


def present_ids(meeting: Meeting) -> set[int]:
    return set(meeting.attendance.filter(present=True).values_list("person_id", flat=True))


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


def agenda_candidates(meeting: Meeting, text: str = "") -> tuple[list[Application], int]:
    """What the agenda's "add an application" list offers: the first ``CANDIDATES_SHOWN`` of the
    complete applications that may go on this meeting (those that have waited longest first),
    narrowed by ``text`` in the title, the reference number or the working group's municipality;
    and how many match in all. Two queries whatever the number waiting."""
    candidates = complete_applications_for(meeting)
    text = text.strip()
    if text:
        candidates = candidates.filter(
            Q(title__icontains=text)
            | Q(reference_number__icontains=text)
            | Q(working_group__municipality__name__icontains=text)
        )
    return list(candidates[:CANDIDATES_SHOWN]), candidates.count()


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

"""Reads of the partnership's structure. Each selector owns its joins."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import Body, BodyKind, Call, Membership, MembershipRole, Partnership, User
from .rules import partnerships_sat_in

# The order in which Fig. 2 of the project plan draws the organisation.
FIG2_ORDER = [
    BodyKind.RUN,
    BodyKind.RUN_SECRETARIAT,
    BodyKind.STEERING_GROUP,
    BodyKind.KONCERNKONTORET,
    BodyKind.SUBREGIONAL_WORKING_GROUP,
    BodyKind.NSV,
    BodyKind.LOCAL_WORKING_GROUP,
]


def bodies_with_current_members(on: datetime.date | None = None) -> QuerySet[Body]:
    """Every body with its current members, in two queries whatever the size."""
    on = on or timezone.localdate()
    current = (
        Membership.objects.current(on)
        .select_related("person", "unit", "organisation")
        .order_by("role", "person__last_name", "person__first_name")
    )
    return Body.objects.select_related("municipality", "appointed_by", "partnership").prefetch_related(
        Prefetch("memberships", queryset=current, to_attr="current_members")
    )


def organisation_chart(on: datetime.date | None = None) -> list[tuple[str, str, list[Body]]]:
    """Bodies grouped by kind in Fig. 2's order: [(kind, label, bodies)]."""
    by_kind: dict[str, list[Body]] = {kind: [] for kind in FIG2_ORDER}
    for body in bodies_with_current_members(on).order_by("name"):
        by_kind.setdefault(body.kind, []).append(body)
    return [(str(kind), str(BodyKind(kind).label), by_kind[kind]) for kind in FIG2_ORDER if by_kind[kind]]


def partnerships_with_parts() -> QuerySet[Partnership]:
    return Partnership.objects.select_related("region", "sub_region", "project_owner").prefetch_related(
        "parts__municipalities"
    )


def calls_overview() -> QuerySet[Call]:
    return Call.objects.select_related("partnership").prefetch_related("parts").order_by("-deadline")


def open_calls(at: datetime.datetime | None = None) -> QuerySet[Call]:
    at = at or timezone.now()
    return calls_overview().filter(opens_on__lte=timezone.localtime(at).date(), deadline__gte=at)


# --- a person's page -----------------------------------------------------------------------------

HISTORY_FIELDS = ["person", "body", "role", "unit", "organisation", "starts_on", "ends_on"]


@dataclass(frozen=True)
class MembershipChange:
    """One change of one membership: who made it and when, and how the membership stood after it."""

    record: Any
    kind: str  # "+" added, "~" changed, "-" removed
    changes: list[tuple[str, str, str]]  # (field label, before, after)


def get_person_for_user(user: User | AnonymousUser, pk: int) -> User:
    """A person with their organisation; 404 for anyone this person may not see."""
    person = get_object_or_404(User.objects.select_related("organisation"), pk=pk)
    if not user.has_perm("partnership.view_person", person):
        raise Http404
    return person


def person_memberships(person: User, on: datetime.date | None = None) -> QuerySet[Membership]:
    """The person's current and coming memberships."""
    on = on or timezone.localdate()
    return (
        Membership.objects.filter(person=person)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=on))
        .select_related("body", "unit", "organisation")
        .order_by("starts_on", "body__name")
    )


def _shown(record: Any, field: str) -> str:
    if field == "role":
        return str(MembershipRole(record.role).label) if record.role else "–"
    if field in {"starts_on", "ends_on"}:
        value = getattr(record, field)
        return value.isoformat() if value else "–"
    value = getattr(record, field, None)
    return str(value) if value is not None else "–"


def membership_history(person: User) -> list[MembershipChange]:
    """Every change of every membership the person ever held, newest first, in one query."""
    history = Membership.history.model
    ever_held = history.objects.filter(person_id=person.pk).values("id")
    records = list(
        history.objects.filter(id__in=ever_held)
        .select_related("person", "body", "unit__organisation", "organisation", "history_user")
        .order_by("id", "history_date", "history_id")
    )
    fields = {field.name: field for field in Membership._meta.concrete_fields if field.name in HISTORY_FIELDS}
    changes: list[MembershipChange] = []
    previous: Any = None
    for record in records:
        if previous is not None and previous.id != record.id:
            previous = None
        diff = []
        if previous is not None:
            for name in HISTORY_FIELDS:
                attname = fields[name].attname
                if getattr(previous, attname) != getattr(record, attname):
                    diff.append((str(fields[name].verbose_name), _shown(previous, name), _shown(record, name)))
        changes.append(MembershipChange(record=record, kind=record.history_type, changes=diff))
        previous = record
    changes.sort(key=lambda change: (change.record.history_date, change.record.history_id), reverse=True)
    return changes


def calls_open_to(working_group: Body, at: datetime.datetime | None = None) -> QuerySet[Call]:
    """The open calls offered to a working group: its own partnership's, with the group's
    municipality in one of the call's parts (``rules.call_is_offered_to``)."""
    return (
        open_calls(at)
        .filter(partnership=working_group.partnership, parts__municipalities=working_group.municipality)
        .distinct()
    )


def calls_open_to_groups(group_ids: Iterable[int], at: datetime.datetime | None = None) -> QuerySet[Call]:
    """The open calls offered to any of these working groups."""
    offered = Q(pk__in=[])
    for group in Body.objects.filter(pk__in=list(group_ids), kind=BodyKind.LOCAL_WORKING_GROUP):
        offered |= Q(partnership=group.partnership_id, parts__municipalities=group.municipality_id)
    return open_calls(at).filter(offered).distinct()


# --- the texts drawn from the partnership ------------------------------------------------------
# The portal names no partnership, sub-region or age span in its code: the footer, the start page,
# the e-mail footers and the accessibility statement's contact are read from the data here.

# Bodies of the region that serve every partnership unless tied to one (``Body.partnership``).
REGION_BODIES = (BodyKind.RUN, BodyKind.RUN_SECRETARIAT, BodyKind.KONCERNKONTORET)


def partnerships_of(person: User | AnonymousUser, on: datetime.date | None = None) -> list[Partnership]:
    """The partnerships whose bodies the person sits in today (the page footer names them).
    Someone who sits only in bodies of the region (RUN, its secretariat, Koncernkontoret, an NSV
    group) belongs to no one partnership: the footer then names the region's SIM work."""
    if not person.is_authenticated:
        return []
    if on is None:
        return partnerships_sat_in(person)
    seats = Membership.objects.current(on).filter(person_id=person.pk, body__partnership__isnull=False)
    return list(Partnership.objects.filter(pk__in=seats.values("body__partnership_id")).order_by("name"))


def partnerships_taking_applications() -> QuerySet[Partnership]:
    """The partnerships whose local working groups apply (the start page names them with their
    area and age span); a partnership that only holds an archive of earlier decisions has none."""
    groups = Body.objects.filter(kind=BodyKind.LOCAL_WORKING_GROUP, partnership_id=OuterRef("pk"))
    return Partnership.objects.filter(Exists(groups)).select_related("region", "sub_region").order_by("name")


@dataclass(frozen=True)
class PartnershipContact:
    """Whom the accessibility statement sends a person to, per partnership."""

    partnership: Partnership
    project_leader_organisation: str
    email: str


def partnership_contacts(on: datetime.date | None = None) -> list[PartnershipContact]:
    """Each partnership that takes applications, the organisation its project leader works in
    (from the project leader's membership today) and its contact address."""
    leaders = (
        Membership.objects.current(on)
        .filter(role=MembershipRole.PROJECT_LEADER, body__partnership__isnull=False)
        .select_related("organisation", "person__organisation")
        .order_by("pk")
    )
    organisation_of: dict[int, str] = {}
    for seat in leaders.annotate(partnership_id=F("body__partnership_id")):
        organisation = seat.organisation or seat.person.organisation
        if organisation is not None:
            organisation_of.setdefault(seat.partnership_id, organisation.name)  # type: ignore[attr-defined]
    return [
        PartnershipContact(partnership, organisation_of.get(partnership.pk, ""), partnership.contact_email)
        for partnership in partnerships_taking_applications()
    ]


def roles_in_partnership(person: User, partnership_id: int | None, on: datetime.date | None = None) -> list[str]:
    """What the person is in this partnership today, as e-mail footers say it: "projektledare i
    Styrgrupp …". The region's bodies that serve the partnership count, and an NSV group counts
    where it appointed one of the partnership's working groups. Without a partnership: every role."""
    seats = Membership.objects.current(on).filter(person_id=person.pk).select_related("body")
    if partnership_id is not None:
        appointing = Body.objects.filter(partnership_id=partnership_id, kind=BodyKind.LOCAL_WORKING_GROUP).values(
            "appointed_by_id"
        )
        seats = seats.filter(
            Q(body__partnership_id=partnership_id)
            | Q(body__partnership__isnull=True, body__kind__in=REGION_BODIES)
            | Q(body__kind=BodyKind.NSV, body_id__in=appointing)
        )
    return [
        f"{MembershipRole(seat.role).label.lower()} i {seat.body.name}"
        for seat in seats.order_by("body__name", "role", "pk")
    ]

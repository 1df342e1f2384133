"""Reads of the partnership's structure. Each selector owns its joins."""

import datetime
from collections.abc import Iterable

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from .models import Body, BodyKind, Call, Membership, Partnership

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

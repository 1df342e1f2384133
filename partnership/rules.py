"""Who may do what: the one place that owns the portal's permissions.

A person's roles are read from their *current* memberships (``partnership.models``),
once per request. Views ask ``user.has_perm(<name>, obj)``; they never test roles
themselves. Everything not granted here is denied.

Objects of higher apps (applications, meetings) are read through their own
attributes (``application.working_group_id``, ``application.is_submitted``), so
this module imports no app above ``partnership``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import rules
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from .models import BodyKind, Membership, MembershipRole, User

# Application and Meeting live in higher apps: they are read through their attributes.
UserLike = User | AnonymousUser | None
Obj = Any

_CACHE_ATTR = "_simportal_roles"
VOTING_ROLES = frozenset({MembershipRole.CHAIR, MembershipRole.VICE_CHAIR, MembershipRole.MEMBER})


@dataclass(frozen=True)
class Roles:
    """What a person is today, from their current memberships."""

    working_groups: frozenset[int] = field(default_factory=frozenset)
    led_working_groups: frozenset[int] = field(default_factory=frozenset)
    steering_groups: frozenset[int] = field(default_factory=frozenset)
    voting_steering_groups: frozenset[int] = field(default_factory=frozenset)
    chaired_steering_groups: frozenset[int] = field(default_factory=frozenset)
    project_leader_partnerships: frozenset[int] = field(default_factory=frozenset)
    nsv_groups: frozenset[int] = field(default_factory=frozenset)
    chaired_nsv_groups: frozenset[int] = field(default_factory=frozenset)
    koncernkontoret: bool = False
    run_secretariat: bool = False

    @property
    def is_group_member(self) -> bool:
        return bool(self.working_groups)

    @property
    def is_group_leader(self) -> bool:
        return bool(self.led_working_groups)

    @property
    def is_project_leader(self) -> bool:
        return bool(self.project_leader_partnerships)

    @property
    def is_steering_member(self) -> bool:
        return bool(self.steering_groups)

    @property
    def is_nsv_member(self) -> bool:
        return bool(self.nsv_groups)

    @property
    def has_any(self) -> bool:
        return any(
            (
                self.working_groups,
                self.steering_groups,
                self.project_leader_partnerships,
                self.nsv_groups,
                self.koncernkontoret,
                self.run_secretariat,
            )
        )


NO_ROLES = Roles()


def roles_from_memberships(memberships: list[Membership]) -> Roles:
    sets: dict[str, set[int]] = {
        name: set() for name in Roles.__dataclass_fields__ if name not in {"koncernkontoret", "run_secretariat"}
    }
    koncernkontoret = run_secretariat = False
    for m in memberships:
        body = m.body
        if m.role == MembershipRole.PROJECT_LEADER and body.partnership_id:
            sets["project_leader_partnerships"].add(body.partnership_id)
        if body.kind == BodyKind.LOCAL_WORKING_GROUP:
            sets["working_groups"].add(body.pk)
            if m.role == MembershipRole.LEADER:
                sets["led_working_groups"].add(body.pk)
        elif body.kind == BodyKind.STEERING_GROUP:
            sets["steering_groups"].add(body.pk)
            if m.role in VOTING_ROLES:
                sets["voting_steering_groups"].add(body.pk)
            if m.role == MembershipRole.CHAIR:
                sets["chaired_steering_groups"].add(body.pk)
        elif body.kind == BodyKind.NSV:
            sets["nsv_groups"].add(body.pk)
            if m.role in (MembershipRole.CHAIR, MembershipRole.VICE_CHAIR):
                sets["chaired_nsv_groups"].add(body.pk)
        elif body.kind == BodyKind.KONCERNKONTORET:
            koncernkontoret = True
        elif body.kind == BodyKind.RUN_SECRETARIAT:
            run_secretariat = True
    return Roles(
        **{name: frozenset(ids) for name, ids in sets.items()},
        koncernkontoret=koncernkontoret,
        run_secretariat=run_secretariat,
    )


def roles_of(user: UserLike, on: datetime.date | None = None) -> Roles:
    """The roles a user holds today (cached on the user object for the request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_ROLES
    today = on or timezone.localdate()
    cached: tuple[datetime.date, Roles] | None = getattr(user, _CACHE_ATTR, None)
    if cached is not None and cached[0] == today:
        return cached[1]
    memberships = list(Membership.objects.current(today).filter(person_id=user.pk).select_related("body"))
    roles = roles_from_memberships(memberships)
    setattr(user, _CACHE_ATTR, (today, roles))
    return roles


def forget_roles(user: UserLike) -> None:
    """Drop the cached roles, e.g. after memberships changed within a request."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


# --- role predicates -------------------------------------------------------------


@rules.predicate
def is_active_user(user: UserLike) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


@rules.predicate
def has_any_role(user: UserLike) -> bool:
    return roles_of(user).has_any


@rules.predicate
def is_project_leader(user: UserLike) -> bool:
    return roles_of(user).is_project_leader


@rules.predicate
def is_run_secretariat(user: UserLike) -> bool:
    return roles_of(user).run_secretariat


@rules.predicate
def is_koncernkontoret(user: UserLike) -> bool:
    return roles_of(user).koncernkontoret


@rules.predicate
def is_group_member(user: UserLike) -> bool:
    return roles_of(user).is_group_member


@rules.predicate
def is_steering_member(user: UserLike) -> bool:
    return roles_of(user).is_steering_member


@rules.predicate
def is_nsv_member(user: UserLike) -> bool:
    return roles_of(user).is_nsv_member


# --- application predicates (the application is read through its attributes) ----


@rules.predicate
def is_in_applying_group(user: UserLike, application: Obj) -> bool:
    return application is not None and application.working_group_id in roles_of(user).working_groups


@rules.predicate
def leads_applying_group(user: UserLike, application: Obj) -> bool:
    return application is not None and application.working_group_id in roles_of(user).led_working_groups


@rules.predicate
def is_editable_by_group(user: UserLike, application: Obj) -> bool:
    return application is not None and application.is_editable_by_group


@rules.predicate
def is_submitted(user: UserLike, application: Obj) -> bool:
    return application is not None and application.is_submitted


@rules.predicate
def is_forwarded_to_run(user: UserLike, application: Obj) -> bool:
    return application is not None and application.is_forwarded_to_run


@rules.predicate
def leads_partnership_of(user: UserLike, application: Obj) -> bool:
    return application is not None and application.call.partnership_id in roles_of(user).project_leader_partnerships


@rules.predicate
def is_on_members_published_agenda(user: UserLike, application: Obj) -> bool:
    groups = roles_of(user).steering_groups
    if application is None or not groups:
        return False
    return bool(
        application.agenda_items.filter(
            meeting__steering_group_id__in=groups, meeting__published_at__isnull=False
        ).exists()
    )


@rules.predicate
def appointed_applying_group(user: UserLike, application: Obj) -> bool:
    """NSV members follow the applications of the working group their NSV appointed."""
    groups = roles_of(user).nsv_groups
    if application is None or not groups or application.working_group_id is None:
        return False
    return bool(application.working_group.appointed_by_id in groups)


@rules.predicate
def is_public_investment(user: UserLike, application: Obj) -> bool:
    return application is not None and bool(application.is_public)


@rules.predicate
def is_member_of_group(user: UserLike, working_group: Obj) -> bool:
    return working_group is not None and working_group.pk in roles_of(user).working_groups


@rules.predicate
def leads_partnership_of_call(user: UserLike, call: Obj) -> bool:
    return call is not None and call.partnership_id in roles_of(user).project_leader_partnerships


@rules.predicate
def chairs_a_meeting_of(user: UserLike, application: Obj) -> bool:
    chaired = roles_of(user).chaired_steering_groups
    if application is None or not chaired:
        return False
    return bool(application.agenda_items.filter(meeting__steering_group_id__in=chaired).exists())


# --- meeting predicates -----------------------------------------------------------


@rules.predicate
def sits_in_meetings_group(user: UserLike, meeting: Obj) -> bool:
    return meeting is not None and meeting.steering_group_id in roles_of(user).steering_groups


@rules.predicate
def is_published(user: UserLike, meeting: Obj) -> bool:
    return meeting is not None and meeting.published_at is not None


@rules.predicate
def leads_meetings_partnership(user: UserLike, meeting: Obj) -> bool:
    return meeting is not None and meeting.steering_group.partnership_id in roles_of(user).project_leader_partnerships


@rules.predicate
def chairs_meetings_group(user: UserLike, meeting: Obj) -> bool:
    return meeting is not None and meeting.steering_group_id in roles_of(user).chaired_steering_groups


@rules.predicate
def leads_partnership_of_body(user: UserLike, body: Obj) -> bool:
    return body is not None and body.partnership_id in roles_of(user).project_leader_partnerships


@rules.predicate
def votes_in_items_group(user: UserLike, item: Obj) -> bool:
    # The meeting's voting members: valid on the meeting's day, frozen when it opened (not today's).
    if item is None or user is None or not user.is_authenticated:
        return False
    return user.pk in item.meeting.voting_member_ids()


@rules.predicate
def item_meeting_published(user: UserLike, item: Obj) -> bool:
    return item is not None and item.meeting.published_at is not None


@rules.predicate
def is_chair_or_adjuster_of(user: UserLike, minutes: Obj) -> bool:
    if minutes is None or user is None or not user.is_authenticated:
        return False
    chairs = minutes.meeting.steering_group_id in roles_of(user).chaired_steering_groups
    return bool(chairs or minutes.adjuster_id == user.pk)


# --- decision predicates (a RUN decision, read through its case) ---------------------


@rules.predicate
def may_view_decisions_application(user: UserLike, decision: Obj) -> bool:
    """Whoever may see the application may read RUN's decision on it (and its letter)."""
    return bool(
        decision is not None and user and user.has_perm("applications.view_application", decision.case.application)
    )


# --- the permissions -----------------------------------------------------------------

# The structure (who is who, calls) is open to every logged-in person with a role.
rules.add_perm("partnership.view_structure", is_active_user & (has_any_role | rules.is_superuser))
rules.add_perm("partnership.view_call", is_active_user & (has_any_role | rules.is_superuser))
# The administrators of the structure create users and memberships in the admin.
rules.add_perm("partnership.administer_structure", is_active_user & (is_project_leader | is_run_secretariat))

rules.add_perm(
    "applications.view_application",
    is_active_user
    & (
        is_in_applying_group
        | (is_submitted & (leads_partnership_of | is_koncernkontoret | appointed_applying_group))
        | is_on_members_published_agenda
        | (is_forwarded_to_run & is_run_secretariat)
    ),
)
rules.add_perm("applications.change_application", is_active_user & is_in_applying_group & is_editable_by_group)
# Which states a submission or withdrawal may start from is the workflow's business; this is who.
rules.add_perm("applications.submit_application", is_active_user & leads_applying_group)
rules.add_perm("applications.withdraw_application", is_active_user & leads_applying_group)
rules.add_perm("applications.create_application", is_active_user & is_member_of_group)
rules.add_perm("applications.comment_application", is_active_user & is_submitted & is_koncernkontoret)
rules.add_perm("applications.triage_application", is_active_user & is_submitted & leads_partnership_of)
rules.add_perm(
    "applications.post_message",
    is_active_user & (is_in_applying_group | (is_submitted & leads_partnership_of)),
)
rules.add_perm("applications.extend_deadline", is_active_user & leads_partnership_of_call)
rules.add_perm("applications.view_inbox", is_active_user & is_project_leader)
rules.add_perm("applications.close_agenda_item", is_active_user & chairs_a_meeting_of)
rules.add_perm("applications.record_decision", is_active_user & is_forwarded_to_run & is_run_secretariat)
rules.add_perm("applications.view_public_investment", is_public_investment)

rules.add_perm(
    "reviews.view_meeting",
    is_active_user & ((sits_in_meetings_group & is_published) | leads_meetings_partnership),
)

# Steering-group meetings, minutes, RUN and the budget.
rules.add_perm("reviews.view_meeting_list", is_active_user & (is_steering_member | is_project_leader))
rules.add_perm("reviews.schedule_meeting", is_active_user & leads_partnership_of_body)
rules.add_perm("reviews.manage_meeting", is_active_user & leads_meetings_partnership)
rules.add_perm("reviews.chair_meeting", is_active_user & chairs_meetings_group & is_published)
rules.add_perm("reviews.vote", is_active_user & votes_in_items_group & item_meeting_published)
rules.add_perm("reviews.declare_recusal", is_active_user & votes_in_items_group & item_meeting_published)
rules.add_perm("reviews.approve_minutes", is_active_user & is_chair_or_adjuster_of)
rules.add_perm("reviews.view_run_cases", is_active_user & (is_run_secretariat | is_project_leader | is_koncernkontoret))
rules.add_perm("reviews.record_decision", is_active_user & is_run_secretariat)
rules.add_perm("reviews.adjust_budget", is_active_user & is_run_secretariat)
rules.add_perm(
    "reviews.view_decision_letter",
    is_active_user & (is_run_secretariat | is_project_leader | is_koncernkontoret | may_view_decisions_application),
)
rules.add_perm(
    "reviews.view_ledger",
    is_active_user & (is_run_secretariat | is_project_leader | is_koncernkontoret | is_steering_member),
)


# --- notifications and background work -------------------------------------------------


@rules.predicate
def is_recipient_of(user: UserLike, notification: Obj) -> bool:
    return bool(notification is not None and user is not None and notification.recipient_id == user.pk)


# Everyone logged in has their own notifications; no one sees anyone else's.
rules.add_perm("notifications.view_own_notifications", is_active_user)
rules.add_perm("notifications.view_notification", is_active_user & is_recipient_of)
# Those who administer the portal see failed background work in the admin and retry it.
rules.add_perm("notifications.operate_background_work", is_active_user & (is_project_leader | is_run_secretariat))

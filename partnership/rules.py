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
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Body, BodyKind, Call, Membership, MembershipRole, Partnership, User

# Application and Meeting live in higher apps: they are read through their attributes.
UserLike = User | AnonymousUser | None
Obj = Any

_CACHE_ATTR = "_simportal_roles"
_PARTNERSHIPS_ATTR = "_simportal_partnerships"
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
    # Which partnerships a person's bodies belong to. RUN's secretariat and Koncernkontoret
    # serve every partnership unless their body is tied to one (``Body.partnership``).
    steering_partnerships: frozenset[int] = field(default_factory=frozenset)
    secretariat_partnerships: frozenset[int] = field(default_factory=frozenset)
    secretariat_everywhere: bool = False
    koncernkontoret_partnerships: frozenset[int] = field(default_factory=frozenset)
    koncernkontoret_everywhere: bool = False

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

    def secretariat_serves(self, partnership_id: int | None) -> bool:
        """RUN's secretariat records decisions for this partnership."""
        return self.secretariat_everywhere or partnership_id in self.secretariat_partnerships

    def koncernkontoret_serves(self, partnership_id: int | None) -> bool:
        return self.koncernkontoret_everywhere or partnership_id in self.koncernkontoret_partnerships

    def follows_at_run(self, partnership_id: int | None) -> bool:
        """Sees this partnership's cases at RUN: its project leader, the secretariat and
        Koncernkontoret that serve it."""
        return (
            partnership_id in self.project_leader_partnerships
            or self.secretariat_serves(partnership_id)
            or self.koncernkontoret_serves(partnership_id)
        )

    @property
    def follows_every_partnership_at_run(self) -> bool:
        return self.secretariat_everywhere or self.koncernkontoret_everywhere

    @property
    def run_partnerships(self) -> frozenset[int]:
        """The partnerships whose RUN cases this person sees (unless they see every one)."""
        return self.project_leader_partnerships | self.secretariat_partnerships | self.koncernkontoret_partnerships

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
    flags = {"koncernkontoret", "run_secretariat", "secretariat_everywhere", "koncernkontoret_everywhere"}
    sets: dict[str, set[int]] = {name: set() for name in Roles.__dataclass_fields__ if name not in flags}
    koncernkontoret = run_secretariat = secretariat_everywhere = koncernkontoret_everywhere = False
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
            if body.partnership_id:
                sets["steering_partnerships"].add(body.partnership_id)
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
            if body.partnership_id:
                sets["koncernkontoret_partnerships"].add(body.partnership_id)
            else:
                koncernkontoret_everywhere = True
        elif body.kind == BodyKind.RUN_SECRETARIAT:
            run_secretariat = True
            if body.partnership_id:
                sets["secretariat_partnerships"].add(body.partnership_id)
            else:
                secretariat_everywhere = True
    return Roles(
        **{name: frozenset(ids) for name, ids in sets.items()},
        koncernkontoret=koncernkontoret,
        run_secretariat=run_secretariat,
        secretariat_everywhere=secretariat_everywhere,
        koncernkontoret_everywhere=koncernkontoret_everywhere,
    )


def roles_of(user: UserLike, on: datetime.date | None = None) -> Roles:
    """The roles a user holds today (cached on the user object for the request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_ROLES
    today = on or timezone.localdate()
    cached: tuple[datetime.date, Roles] | None = getattr(user, _CACHE_ATTR, None)
    if cached is not None and cached[0] == today:
        return cached[1]
    memberships = list(Membership.objects.current(today).filter(person_id=user.pk).select_related("body__partnership"))
    roles = roles_from_memberships(memberships)
    setattr(user, _CACHE_ATTR, (today, roles))
    sat_in = {m.body.partnership_id: m.body.partnership for m in memberships if m.body.partnership is not None}
    setattr(user, _PARTNERSHIPS_ATTR, (today, sorted(sat_in.values(), key=lambda p: p.name)))
    return roles


def partnerships_sat_in(user: UserLike) -> list[Partnership]:
    """The partnerships whose bodies the person sits in today, read with their roles (no query of its own)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    roles_of(user)
    return list(getattr(user, _PARTNERSHIPS_ATTR)[1])


def forget_roles(user: UserLike) -> None:
    """Drop the cached roles, e.g. after memberships changed within a request."""
    for attr in (_CACHE_ATTR, _PARTNERSHIPS_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)


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


def _partnership_of(application: Obj) -> int | None:
    partnership_id: int | None = application.call.partnership_id
    return partnership_id


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
def koncernkontoret_serves_partnership_of(user: UserLike, application: Obj) -> bool:
    roles = roles_of(user)
    return (
        application is not None and roles.koncernkontoret and roles.koncernkontoret_serves(_partnership_of(application))
    )


@rules.predicate
def secretariat_serves_partnership_of(user: UserLike, application: Obj) -> bool:
    roles = roles_of(user)
    return application is not None and roles.run_secretariat and roles.secretariat_serves(_partnership_of(application))


@rules.predicate
def is_on_members_published_agenda(user: UserLike, application: Obj) -> bool:
    """Steering-group members see what is on their group's published agendas, and only
    applications of the group's own partnership. A cancelled meeting dealt with nothing: its
    applications are closed to the members again (until they are on another agenda)."""
    roles = roles_of(user)
    partnership_id = _partnership_of(application) if application is not None else None
    if partnership_id is None or partnership_id not in roles.steering_partnerships:
        return False
    return bool(
        application.agenda_items.filter(
            meeting__steering_group_id__in=roles.steering_groups,
            meeting__steering_group__partnership_id=partnership_id,
            meeting__published_at__isnull=False,
            meeting__cancelled_at__isnull=True,
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
def is_the_signatory(user: UserLike, signatory: Obj) -> bool:
    return signatory is not None and user is not None and signatory.person_id == user.pk


@rules.predicate
def is_current_signatory(user: UserLike, signatory: Obj) -> bool:
    """Nobody has been named for the same principal of the application since."""
    if signatory is None:
        return False
    newest = signatory.application.signatories.filter(principal=signatory.principal).order_by("-named_at", "-pk")
    return bool(newest.values_list("pk", flat=True).first() == signatory.pk)


@rules.predicate
def signatorys_application_editable(user: UserLike, signatory: Obj) -> bool:
    return signatory is not None and signatory.application.is_editable_by_group


@rules.predicate
def writes_or_signs_version(user: UserLike, version: Obj) -> bool:
    """A version for signing: the applying group, and whoever is named to sign the application now."""
    if version is None or user is None:
        return False
    application = version.application
    if application.working_group_id in roles_of(user).working_groups:
        return True
    return any(is_current_signatory(user, s) for s in application.signatories.filter(person_id=user.pk))


@rules.predicate
def is_public_investment(user: UserLike, application: Obj) -> bool:
    return application is not None and bool(application.is_public)


@rules.predicate
def is_member_of_group(user: UserLike, working_group: Obj) -> bool:
    return working_group is not None and working_group.pk in roles_of(user).working_groups


def call_is_offered_to(call: Call, working_group: Body) -> bool:
    """A call is offered to its own partnership's working groups in the municipalities of the
    call's parts, and to no one else."""
    return (
        working_group.kind == BodyKind.LOCAL_WORKING_GROUP
        and working_group.partnership_id == call.partnership_id
        and call.parts.filter(municipalities=working_group.municipality_id).exists()
    )


@rules.predicate
def leads_partnership_of_object(user: UserLike, obj: Obj) -> bool:
    """A call, body or part of a partnership the user is project leader of."""
    return obj is not None and obj.partnership_id in roles_of(user).project_leader_partnerships


leads_partnership_of_call = leads_partnership_of_body = leads_partnership_of_object


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
def koncernkontoret_serves_meetings_partnership(user: UserLike, meeting: Obj) -> bool:
    return meeting is not None and roles_of(user).koncernkontoret_serves(meeting.steering_group.partnership_id)


@rules.predicate
def chairs_meetings_group(user: UserLike, meeting: Obj) -> bool:
    return meeting is not None and meeting.steering_group_id in roles_of(user).chaired_steering_groups


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


# --- RUN: its meetings, cases, decisions and the budget, each of one partnership -------
# Asked without an object, these permissions say whether a role has them at all (the
# menu, list pages whose selectors filter by partnership); asked about an object, whether
# the object belongs to a partnership the person serves.


@rules.predicate
def no_object(user: UserLike, obj: Obj) -> bool:
    return obj is None


@rules.predicate
def follows_case_at_run(user: UserLike, case: Obj) -> bool:
    return case is not None and roles_of(user).follows_at_run(_partnership_of(case.application))


@rules.predicate
def records_for_case(user: UserLike, case: Obj) -> bool:
    roles = roles_of(user)
    return case is not None and roles.run_secretariat and roles.secretariat_serves(_partnership_of(case.application))


@rules.predicate
def follows_run_meeting(user: UserLike, run_meeting: Obj) -> bool:
    """The secretariat keeps RUN's calendar and sees every meeting (with only the cases of
    the partnerships it serves); others see a meeting that has a case they follow."""
    roles = roles_of(user)
    if run_meeting is None:
        return False
    if roles.run_secretariat or roles.follows_every_partnership_at_run:
        return True
    partnerships = roles.run_partnerships
    return bool(partnerships) and bool(
        run_meeting.cases.filter(application__call__partnership_id__in=partnerships).exists()
    )


@rules.predicate
def follows_calls_budget(user: UserLike, call: Obj) -> bool:
    roles = roles_of(user)
    return call is not None and (
        roles.follows_at_run(call.partnership_id) or call.partnership_id in roles.steering_partnerships
    )


@rules.predicate
def secretariat_serves_call(user: UserLike, call: Obj) -> bool:
    roles = roles_of(user)
    return call is not None and roles.run_secretariat and roles.secretariat_serves(call.partnership_id)


@rules.predicate
def follows_decision_at_run(user: UserLike, decision: Obj) -> bool:
    return decision is not None and roles_of(user).follows_at_run(_partnership_of(decision.case.application))


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
        | (is_submitted & (leads_partnership_of | koncernkontoret_serves_partnership_of | appointed_applying_group))
        | is_on_members_published_agenda
        | (is_forwarded_to_run & secretariat_serves_partnership_of)
    ),
)
rules.add_perm("applications.change_application", is_active_user & is_in_applying_group & is_editable_by_group)
# The principals' signatures (applications/signatures.py): the group names who signs for each
# principal while it may still change the application; only the one named signs, while the
# application is still the group's to change; the version to sign is for them and the group.
rules.add_perm("applications.name_signatory", is_active_user & is_in_applying_group & is_editable_by_group)
rules.add_perm("applications.view_signing", is_active_user & is_the_signatory)
rules.add_perm(
    "applications.sign_application",
    is_active_user & is_the_signatory & is_current_signatory & signatorys_application_editable,
)
rules.add_perm("applications.view_signing_version", is_active_user & writes_or_signs_version)
# The application as sent (PDF): its group, and of the same partnership the project leader, the steering
# group (as far as it sees the application) and Koncernkontoret. Not NSV, not RUN's secretariat.
rules.add_perm(
    "applications.view_application_pdf",
    is_active_user
    & is_submitted
    & (
        is_in_applying_group
        | leads_partnership_of
        | koncernkontoret_serves_partnership_of
        | is_on_members_published_agenda
    ),
)
# Which states a submission or withdrawal may start from is the workflow's business; this is who.
rules.add_perm("applications.submit_application", is_active_user & leads_applying_group)
rules.add_perm("applications.withdraw_application", is_active_user & leads_applying_group)
rules.add_perm("applications.create_application", is_active_user & is_member_of_group)
rules.add_perm(
    "applications.comment_application", is_active_user & is_submitted & koncernkontoret_serves_partnership_of
)
rules.add_perm("applications.triage_application", is_active_user & is_submitted & leads_partnership_of)
rules.add_perm(
    "applications.post_message",
    is_active_user & (is_in_applying_group | (is_submitted & leads_partnership_of)),
)
rules.add_perm("applications.extend_deadline", is_active_user & leads_partnership_of_call)
rules.add_perm("applications.view_inbox", is_active_user & is_project_leader)
rules.add_perm("applications.close_agenda_item", is_active_user & chairs_a_meeting_of)
rules.add_perm("applications.record_decision", is_active_user & is_forwarded_to_run & secretariat_serves_partnership_of)
rules.add_perm("applications.view_public_investment", is_public_investment)

# Who reads a published meeting: the steering group's current members, and Koncernkontoret of
# the meeting's partnership (it reads and comments, with or without a seat in the group). One
# definition for the meeting's page and its pack; voting and editing are separate rules below.
reads_published_meeting = (sits_in_meetings_group | koncernkontoret_serves_meetings_partnership) & is_published

# The meeting's page: the project leader from the start, the readers once the agenda is published.
rules.add_perm(
    "reviews.view_meeting",
    is_active_user & (leads_meetings_partnership | reads_published_meeting),
)

# The meeting pack (the items compared side by side, the agenda and applications as one PDF):
# as the meeting's page.
rules.add_perm(
    "reviews.view_meeting_pack",
    is_active_user & (leads_meetings_partnership | reads_published_meeting),
)

# Steering-group meetings, minutes, RUN and the budget.
rules.add_perm("reviews.view_meeting_list", is_active_user & (is_steering_member | is_project_leader))
rules.add_perm("reviews.schedule_meeting", is_active_user & leads_partnership_of_body)
rules.add_perm("reviews.manage_meeting", is_active_user & leads_meetings_partnership)
rules.add_perm("reviews.chair_meeting", is_active_user & chairs_meetings_group & is_published)
# The project leader or the chair records attendance and appoints the minutes' adjuster.
rules.add_perm(
    "reviews.record_attendance",
    is_active_user & (leads_meetings_partnership | (chairs_meetings_group & is_published)),
)
rules.add_perm(
    "reviews.appoint_adjuster",
    is_active_user & (leads_meetings_partnership | (chairs_meetings_group & is_published)),
)
rules.add_perm("reviews.vote", is_active_user & votes_in_items_group & item_meeting_published)
rules.add_perm("reviews.declare_recusal", is_active_user & votes_in_items_group & item_meeting_published)
rules.add_perm("reviews.approve_minutes", is_active_user & is_chair_or_adjuster_of)
# RUN: without an object, whether the role has the page at all; with a case, meeting,
# decision or call, whether it belongs to a partnership the person serves.
rules.add_perm(
    "decisions.view_run_cases",
    is_active_user
    & ((no_object & (is_run_secretariat | is_project_leader | is_koncernkontoret)) | follows_case_at_run),
)
rules.add_perm("decisions.view_run_meeting", is_active_user & follows_run_meeting)
# Without an object: the secretariat keeps RUN's calendar. With a case: it records the decision.
rules.add_perm("decisions.record_decision", is_active_user & ((no_object & is_run_secretariat) | records_for_case))
rules.add_perm("decisions.adjust_budget", is_active_user & ((no_object & is_run_secretariat) | secretariat_serves_call))
rules.add_perm(
    "decisions.view_decision_letter",
    is_active_user & (follows_decision_at_run | may_view_decisions_application),
)
rules.add_perm(
    "decisions.view_ledger",
    is_active_user
    & (
        (no_object & (is_run_secretariat | is_project_leader | is_koncernkontoret | is_steering_member))
        | follows_calls_budget
    ),
)


# --- notifications and background work -------------------------------------------------


@rules.predicate
def is_recipient_of(user: UserLike, notification: Obj) -> bool:
    return bool(notification is not None and user is not None and notification.recipient_id == user.pk)


# Everyone logged in has their own notifications; no one sees anyone else's.
rules.add_perm("notifications.view_own_notifications", is_active_user)
rules.add_perm("notifications.view_notification", is_active_user & is_recipient_of)
# Those who administer the portal see failed background work in the admin and retry it.
rules.add_perm("outbox.operate_background_work", is_active_user & (is_project_leader | is_run_secretariat))


# --- separation of duties: who staffs which body ---------------------------------------------
#
# The one table of which bodies each administrator staffs (adds, changes and ends memberships
# in). Nobody staffs the body that makes them an administrator, and nobody adds, changes or
# ends their own memberships. README shows this table (``staffing_table()``); a test keeps the
# two the same. The admin asks these rules with ``rules.test_rule`` rather than ``has_perm``, so
# that a superuser is held to the table too (``has_perm`` grants a superuser everything).

SYSTEM_ADMINISTRATOR = "system_administrator"
PROJECT_LEADER = "project_leader"
RUN_SECRETARIAT = "run_secretariat"
ADMINISTRATORS = {
    SYSTEM_ADMINISTRATOR: "Systemadministratören (skapad med createsuperuser)",
    PROJECT_LEADER: "Projektledaren (för sina partnerskap)",
    RUN_SECRETARIAT: "RUN:s sekretariat",
}
# Every role but the project leader's: that role makes its holder an administrator.
SEATS = frozenset(MembershipRole) - {MembershipRole.PROJECT_LEADER}
STAFFING: dict[str, dict[str, frozenset[str]]] = {
    SYSTEM_ADMINISTRATOR: {
        BodyKind.STEERING_GROUP: frozenset({MembershipRole.PROJECT_LEADER}),
        BodyKind.SUBREGIONAL_WORKING_GROUP: frozenset({MembershipRole.PROJECT_LEADER}),
        BodyKind.RUN_SECRETARIAT: SEATS,
        BodyKind.KONCERNKONTORET: SEATS,
    },
    PROJECT_LEADER: {
        BodyKind.STEERING_GROUP: SEATS,
        BodyKind.SUBREGIONAL_WORKING_GROUP: SEATS,
        BodyKind.NSV: SEATS,
        BodyKind.LOCAL_WORKING_GROUP: SEATS,
    },
    RUN_SECRETARIAT: {
        BodyKind.RUN: SEATS,
    },
}


def administrator_kinds(user: UserLike) -> list[str]:
    """Which rows of ``STAFFING`` apply to a user (none for anyone who is not an administrator)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    roles = roles_of(user)
    kinds = []
    if user.is_superuser:
        kinds.append(SYSTEM_ADMINISTRATOR)
    if roles.is_project_leader:
        kinds.append(PROJECT_LEADER)
    if roles.run_secretariat:
        kinds.append(RUN_SECRETARIAT)
    return kinds


def _within_reach(user: UserLike, administrator: str, body: Obj) -> bool:
    """A project leader staffs the bodies of their own partnerships (and the NSV groups of its
    municipalities); the other administrators are not bound to a partnership."""
    if administrator != PROJECT_LEADER:
        return True
    partnerships = roles_of(user).project_leader_partnerships
    if body.partnership_id is not None:
        return bool(body.partnership_id in partnerships)
    if body.kind == BodyKind.NSV and body.municipality_id is not None:
        from .models import Part

        return Part.objects.filter(partnership_id__in=partnerships, municipalities=body.municipality_id).exists()
    return False


def may_staff(user: UserLike, body: Obj, role: str) -> bool:
    """Whether ``user`` may give someone (not themselves) ``role`` in ``body``."""
    if body is None or not role:
        return False
    return any(
        role in STAFFING[administrator].get(body.kind, frozenset()) and _within_reach(user, administrator, body)
        for administrator in administrator_kinds(user)
    )


@rules.predicate
def staffs_membership(user: UserLike, membership: Obj) -> bool:
    """A membership (as it is, or as it is about to be saved) that the user may add, change or end."""
    if membership is None or user is None or membership.person_id is None or membership.person_id == user.pk:
        return False
    try:
        body = membership.body  # may be a body that is being created in the same form
    except ObjectDoesNotExist:
        body = None
    return may_staff(user, body, membership.role)


@rules.predicate
def administers_body(user: UserLike, body: Obj) -> bool:
    """A body the user staffs in some role (then they may also change its details). The system
    administrator keeps the whole structure of bodies, but staffs only what the table says."""
    if body is not None and user is not None and user.is_superuser and user.is_active:
        return True
    return any(
        body is not None
        and body.kind in STAFFING[administrator]
        and bool(STAFFING[administrator][body.kind])
        and _within_reach(user, administrator, body)
        for administrator in administrator_kinds(user)
    )


@rules.predicate
def may_change_person(user: UserLike, person: Obj) -> bool:
    """Someone else whose every current or coming membership the user staffs.

    Their e-mail address decides where the password links go, so changing a person is as much
    as staffing them. The system administrator may change anyone but themselves.
    """
    if person is None or user is None or not administrator_kinds(user) or person.pk == user.pk:
        return False
    if user.is_superuser:
        return True
    if person.is_superuser:
        return False
    today = timezone.localdate()
    coming = Membership.objects.filter(person_id=person.pk).exclude(ends_on__lte=today).select_related("body")
    return all(may_staff(user, m.body, m.role) for m in coming)


rules.add_rule("partnership.staff_membership", is_active_user & staffs_membership)
rules.add_rule("partnership.administer_body", is_active_user & administers_body)
rules.add_rule("partnership.change_person", is_active_user & may_change_person)


def staffing_table() -> str:
    """The staffing table as README shows it (Markdown)."""
    from django.utils import translation

    rows = ["| Administratör | tillsätter | i rollerna |", "|---|---|---|"]
    with translation.override("sv"):
        for administrator, bodies in STAFFING.items():
            for kind, roles_ in bodies.items():
                if roles_ == SEATS:
                    named = "alla utom projektledare"
                else:
                    named = ", ".join(str(MembershipRole(r).label).lower() for r in sorted(roles_))
                rows.append(f"| {ADMINISTRATORS[administrator]} | {BodyKind(kind).label} | {named} |")
    return "\n".join(rows)


# --- people's pages in "Vem är vem" --------------------------------------------------------------


@rules.predicate
def is_administrator(user: UserLike) -> bool:
    return bool(administrator_kinds(user))


@rules.predicate
def holds_a_current_role(user: UserLike, person: Obj) -> bool:
    return person is not None and Membership.objects.current().filter(person_id=person.pk).exists()


# Everyone with a role sees the page of a person with a current membership; administrators see
# everyone's, and only they see the history of a person's memberships.
rules.add_perm(
    "partnership.view_person",
    is_active_user & ((has_any_role & holds_a_current_role) | is_administrator),
)
rules.add_perm("partnership.view_membership_history", is_active_user & is_administrator)


# --- records in the admin --------------------------------------------------------------

# What the workflow and the services own (meetings, votes, decisions, applications, letters)
# is shown in the admin only to the system administrator, read-only, for inspection. Everyone
# else works with it on the portal's pages, where access follows the partnership.
rules.add_perm("partnership.inspect_records", is_active_user & rules.is_superuser)


# --- editing and cancelling meetings ----------------------------------------------------


@rules.predicate
def keeps_run_calendar(user: UserLike, run_meeting: Obj) -> bool:
    """The secretariat keeps RUN's calendar (the board's meetings)."""
    return run_meeting is not None and run_meeting.board.kind == BodyKind.RUN and roles_of(user).run_secretariat


# A steering-group meeting is edited or cancelled by the project leader of its partnership; a RUN
# meeting by the secretariat. Whether the meeting can still change is the services' business.
rules.add_perm("reviews.edit_meeting", is_active_user & leads_meetings_partnership)
rules.add_perm("decisions.edit_run_meeting", is_active_user & keeps_run_calendar)
# Cancelling a RUN meeting takes its undecided cases back to the steering group's recommendation.
rules.add_perm("applications.take_back_from_run", is_active_user & is_forwarded_to_run & is_run_secretariat)


# --- what an administrator sees in the admin ---------------------------------------------
#
# The admin lists only what is within an administrator's reach: the bodies they staff (as
# ``administers_body`` decides for one body) and their own, the memberships in those bodies,
# the people in them, and their partnerships' calls. Everything else answers 404. A test
# checks these queries against ``administers_body`` body by body.


def administered_bodies(user: UserLike) -> QuerySet[Body]:
    """The bodies ``administers_body`` allows the user, as one query."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Body.objects.none()
    if user.is_superuser:
        return Body.objects.all()
    reach = Q(pk__in=[])
    for administrator in administrator_kinds(user):
        kinds = [kind for kind, seats in STAFFING[administrator].items() if seats]
        if administrator == PROJECT_LEADER:
            partnerships = roles_of(user).project_leader_partnerships
            reach |= Q(kind__in=kinds) & (
                Q(partnership_id__in=partnerships)
                | Q(
                    kind=BodyKind.NSV,
                    partnership__isnull=True,
                    municipality__parts__partnership_id__in=partnerships,
                )
            )
        else:
            reach |= Q(kind__in=kinds)
    return Body.objects.filter(pk__in=Body.objects.filter(reach).values("pk"))


def bodies_in_view(user: UserLike) -> QuerySet[Body]:
    """The bodies an administrator sees in the admin: those they staff and their own."""
    if user is None or not user.is_authenticated:
        return Body.objects.none()
    own = Membership.objects.current().filter(person_id=user.pk).values("body_id")
    return Body.objects.filter(Q(pk__in=administered_bodies(user).values("pk")) | Q(pk__in=own))


def memberships_in_view(user: UserLike) -> QuerySet[Membership]:
    """The memberships of the bodies the administrator sees, past ones included."""
    if user is not None and user.is_authenticated and user.is_superuser and user.is_active:
        return Membership.objects.all()
    return Membership.objects.filter(body_id__in=bodies_in_view(user).values("pk"))


def people_in_view(user: UserLike) -> QuerySet[User]:
    """The people an administrator sees: those who have (or had) a seat in a body they see,
    those who have no seat anywhere yet (a new person waits to be staffed), and themselves."""
    if user is None or not user.is_authenticated or not user.is_active or not administrator_kinds(user):
        return User.objects.none()
    if user.is_superuser:
        return User.objects.all()
    seated = memberships_in_view(user).values("person_id")
    return User.objects.filter(
        Q(pk__in=seated) | ~Q(pk__in=Membership.objects.values("person_id")) | Q(pk=user.pk),
        is_superuser=False,
    )


def calls_in_view(user: UserLike) -> QuerySet[Call]:
    """The calls of the partnerships an administrator serves."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Call.objects.none()
    roles = roles_of(user)
    if user.is_superuser or roles.secretariat_everywhere:
        return Call.objects.all()
    return Call.objects.filter(partnership_id__in=roles.project_leader_partnerships | roles.secretariat_partnerships)


@rules.predicate
def keeps_partnership(user: UserLike, partnership: Obj) -> bool:
    """A partnership (its parts, its longest period) is kept by its project leader."""
    return partnership is not None and partnership.pk in roles_of(user).project_leader_partnerships


# The region's geography is the system administrator's; a partnership and its parts are kept by
# its project leader; a call by the project leader of its partnership.
rules.add_perm("partnership.change_geography", is_active_user & rules.is_superuser)
rules.add_perm("partnership.change_partnership", is_active_user & (rules.is_superuser | keeps_partnership))
rules.add_perm("partnership.change_part", is_active_user & (rules.is_superuser | leads_partnership_of_object))
rules.add_perm("partnership.change_call", is_active_user & (rules.is_superuser | leads_partnership_of_object))
# A project leader makes calls for their own partnerships only (the admin offers no other).
rules.add_perm("partnership.add_call", is_active_user & (rules.is_superuser | is_project_leader))

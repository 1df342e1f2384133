"""The rules module, role by role: who may see and change what."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from applications import services, workflow
from applications.models import Status
from partnership.models import Membership
from partnership.rules import forget_roles, roles_of
from tests.factories import (
    ApplicationFactory,
    decided_through_services,
    recommended_through_services,
    submitted_application,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(demo):
    return ApplicationFactory(call=demo.call(), working_group=demo.working_group("Uddevalla"))


@pytest.fixture
def submitted(demo):
    return submitted_application(call=demo.call(), working_group=demo.working_group("Uddevalla"))


def can(demo, persona, perm, obj=None) -> bool:
    return demo.person(persona).has_perm(perm, obj)


def test_it_reads_each_personas_roles_from_their_memberships(demo):
    assert roles_of(demo.person("leader")).is_group_leader
    assert not roles_of(demo.person("member")).is_group_leader
    assert roles_of(demo.person("member")).is_group_member
    assert roles_of(demo.person("project_leader")).is_project_leader
    assert roles_of(demo.person("steering_member")).is_steering_member
    assert roles_of(demo.person("steering_member")).is_nsv_member  # two roles at once
    assert roles_of(demo.person("steering_chair")).chaired_steering_groups
    assert roles_of(demo.person("koncernkontoret")).koncernkontoret
    assert not roles_of(demo.person("koncernkontoret")).voting_steering_groups
    assert roles_of(demo.person("secretariat")).run_secretariat
    assert roles_of(AnonymousUser()).has_any is False


def test_it_lets_the_group_see_and_edit_its_own_draft(demo, draft):
    assert can(demo, "leader", "applications.view_application", draft)
    assert can(demo, "member", "applications.view_application", draft)
    assert can(demo, "member", "applications.change_application", draft)


def test_it_lets_only_the_leader_submit(demo, draft):
    assert workflow.can(demo.person("leader"), draft, "submit")
    assert not workflow.can(demo.person("member"), draft, "submit")


@pytest.mark.parametrize(
    "persona",
    ["outsider", "project_leader", "steering_member", "steering_chair", "koncernkontoret", "secretariat", "nsv_chair"],
)
def test_it_hides_a_draft_from_everyone_outside_the_group(demo, draft, persona):
    assert not can(demo, persona, "applications.view_application", draft)
    assert not can(demo, persona, "applications.change_application", draft)


def test_it_hides_a_draft_from_anonymous_visitors(draft):
    assert not AnonymousUser().has_perm("applications.view_application", draft)


def test_it_shows_submitted_applications_to_the_project_leader_and_koncernkontoret(demo, submitted):
    assert can(demo, "project_leader", "applications.view_application", submitted)
    assert can(demo, "project_leader", "applications.triage_application", submitted)
    assert can(demo, "koncernkontoret", "applications.view_application", submitted)
    assert can(demo, "koncernkontoret", "applications.comment_application", submitted)
    assert not can(demo, "koncernkontoret", "applications.change_application", submitted)
    assert not can(demo, "koncernkontoret", "applications.triage_application", submitted)


def test_it_lets_the_nsv_follow_the_group_it_appointed(demo, submitted):
    assert can(demo, "nsv_chair", "applications.view_application", submitted)
    other = submitted_application(call=demo.call(), working_group=demo.working_group("Munkedal"))
    assert not can(demo, "nsv_chair", "applications.view_application", other)


def test_it_freezes_a_submitted_application_for_the_group(demo, submitted):
    assert can(demo, "leader", "applications.view_application", submitted)
    assert not can(demo, "leader", "applications.change_application", submitted)
    assert not workflow.can(demo.person("leader"), submitted, "submit")


def test_it_opens_a_returned_application_for_the_group_again(demo, submitted):
    services.application_request_completion(
        application=submitted, by=demo.person("project_leader"), message="Komplettera budgeten."
    )
    submitted.refresh_from_db()
    assert submitted.status == Status.RETURNED
    assert can(demo, "member", "applications.change_application", submitted)


def test_it_hides_the_outsiders_view_of_another_groups_submitted_application(demo, submitted):
    assert not can(demo, "outsider", "applications.view_application", submitted)


def test_it_shows_steering_members_only_what_is_on_their_published_meetings(demo, submitted):
    from reviews import services as meetings

    assert not can(demo, "steering_chair", "applications.view_application", submitted)
    project_leader = demo.person("project_leader")
    complete = services.application_accept(application=submitted, by=project_leader)
    meeting = meetings.meeting_schedule(
        steering_group=demo.steering_group(),
        starts_at=timezone.now() + datetime.timedelta(days=7),
        place="Stadshuset",
        by=project_leader,
    )
    meetings.agenda_add(meeting=meeting, application=complete, by=project_leader)
    assert not can(demo, "steering_chair", "applications.view_application", submitted)
    assert not can(demo, "steering_chair", "reviews.view_meeting", meeting)
    assert can(demo, "project_leader", "reviews.view_meeting", meeting)
    meeting = meetings.meeting_publish(meeting=meeting, by=project_leader)
    forget_roles(demo.person("steering_chair"))
    assert can(demo, "steering_chair", "applications.view_application", submitted)
    assert can(demo, "steering_chair", "reviews.view_meeting", meeting)
    assert not can(demo, "outsider", "reviews.view_meeting", meeting)


def test_it_shows_the_secretariat_only_what_is_forwarded_to_run(demo):
    group = demo.working_group("Uddevalla")
    recommended, _meeting = recommended_through_services(call=demo.call(), working_group=group)
    assert not can(demo, "secretariat", "applications.view_application", recommended)
    decided_through_services(recommended, secretariat=demo.person("secretariat"), decide=False)
    recommended.refresh_from_db()
    assert recommended.status == Status.AT_RUN
    assert can(demo, "secretariat", "applications.view_application", recommended)


def test_it_lets_only_the_project_leader_and_the_secretariat_administer_the_structure(demo):
    allowed = {
        p
        for p in [
            "leader",
            "member",
            "outsider",
            "project_leader",
            "steering_member",
            "steering_chair",
            "koncernkontoret",
            "secretariat",
            "nsv_chair",
        ]
        if can(demo, p, "partnership.administer_structure")
    }
    assert allowed == {"project_leader", "secretariat"}


def test_it_takes_access_away_on_the_day_a_membership_ends(demo, draft):
    leader = demo.person("leader")
    Membership.objects.filter(person=leader).update(ends_on=timezone.localdate())
    forget_roles(leader)
    assert not leader.has_perm("applications.view_application", draft)
    assert not leader.has_perm("partnership.view_structure")


def test_it_gives_no_access_before_a_membership_starts(demo, draft):
    leader = demo.person("leader")
    Membership.objects.filter(person=leader).update(starts_on=timezone.localdate() + datetime.timedelta(days=1))
    forget_roles(leader)
    assert not leader.has_perm("applications.view_application", draft)


def test_it_gives_a_deactivated_account_nothing(demo, draft):
    leader = demo.person("leader")
    leader.is_active = False
    assert not leader.has_perm("applications.view_application", draft)
    assert not leader.has_perm("partnership.view_structure")

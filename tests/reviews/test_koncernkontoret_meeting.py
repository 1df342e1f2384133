"""Koncernkontoret reads the steering group's published meetings of the partnerships it serves, with
or without a seat in the group: the meeting's page opens (and so does its pack), nothing on it
votes, edits or declares jäv, an unpublished meeting stays hidden and another partnership's answers 404."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from partnership.models import Body, BodyKind, MembershipRole, Partnership
from tests.factories import (
    MembershipFactory,
    UserFactory,
    accepted_application,
    at,
    other_partnership,
    published_agenda,
)

pytestmark = pytest.mark.django_db

READ = ("reviews.view_meeting", "reviews.view_meeting_pack")
REFUSED = (
    "reviews.manage_meeting",
    "reviews.edit_meeting",
    "reviews.chair_meeting",
    "reviews.record_attendance",
    "reviews.appoint_adjuster",
)


def koncernkontoret_person(body: Body, username: str):
    """A handläggare of Koncernkontoret with no seat in any steering group."""
    person = UserFactory(username=username)
    MembershipFactory(
        person=person,
        body=body,
        role=MembershipRole.SECRETARY,
        starts_on=timezone.localdate() - datetime.timedelta(days=30),
    )
    return person


@pytest.fixture
def without_a_seat(demo):
    """Of the region's Koncernkontoret, which serves every partnership."""
    return koncernkontoret_person(Body.objects.get(kind=BodyKind.KONCERNKONTORET), "koncernkontoret-utan-plats")


@pytest.fixture
def of_fyrbodal_only(demo):
    """Of a Koncernkontoret body tied to Fyrbodal's partnership: it serves that one only."""
    body = Body.objects.create(
        kind=BodyKind.KONCERNKONTORET,
        name="Koncernkontoret, Fyrbodal",
        partnership=Partnership.objects.get(short_name="SIM spår 2 Fyrbodal"),
    )
    return koncernkontoret_person(body, "koncernkontoret-fyrbodal")


@pytest.fixture
def meeting(demo):
    return published_agenda(demo, [accepted_application(demo)])


@pytest.fixture
def skaraborgs_meeting(demo):
    """A published meeting of another partnership's steering group."""
    from applications import services as application_services
    from reviews import services as meeting_services
    from tests.factories import clear_of_factory_reference_numbers, complete_application

    skaraborg = other_partnership()
    leader = skaraborg.person("leader")
    project_leader = skaraborg.person("project_leader")
    clear_of_factory_reference_numbers(timezone.localdate().year)
    application = complete_application(skaraborg.call, skaraborg.groups["Skövde"], title="I Skövde", by=leader)
    application_services.application_submit(application=application, by=leader)
    application_services.application_accept(application=application, by=project_leader)
    scheduled = meeting_services.meeting_schedule(
        steering_group=skaraborg.steering_group,
        starts_at=timezone.now() + datetime.timedelta(days=7),
        place="Stadshuset, Skövde",
        by=project_leader,
    )
    meeting_services.agenda_add(meeting=scheduled, application=application, by=project_leader)
    return meeting_services.meeting_publish(meeting=scheduled, by=project_leader)


# --- the rules ----------------------------------------------------------------------------------


def test_it_lets_koncernkontoret_without_a_seat_read_a_published_meeting(without_a_seat, meeting):
    for perm in READ:
        assert without_a_seat.has_perm(perm, meeting), perm


def test_it_refuses_koncernkontoret_voting_editing_and_chairing(without_a_seat, meeting):
    for perm in REFUSED:
        assert not without_a_seat.has_perm(perm, meeting), perm
    item = meeting.items.get()
    assert not without_a_seat.has_perm("reviews.vote", item)
    assert not without_a_seat.has_perm("reviews.declare_recusal", item)


def test_it_hides_an_unpublished_meeting_from_koncernkontoret(demo, without_a_seat):
    from reviews import services as meeting_services

    scheduled = meeting_services.meeting_schedule(
        steering_group=demo.steering_group(),
        starts_at=timezone.now() + datetime.timedelta(days=7),
        place="Stadshuset",
        by=demo.person("project_leader"),
    )
    for perm in READ:
        assert not without_a_seat.has_perm(perm, scheduled), perm


def test_it_lets_koncernkontoret_read_only_the_partnerships_it_serves(of_fyrbodal_only, meeting, skaraborgs_meeting):
    assert of_fyrbodal_only.has_perm("reviews.view_meeting", meeting)
    for perm in READ:
        assert not of_fyrbodal_only.has_perm(perm, skaraborgs_meeting), perm


def test_it_refuses_an_ended_koncernkontoret_membership(without_a_seat, meeting):
    membership = without_a_seat.memberships.get()
    membership.ends_on = timezone.localdate()
    membership.save(update_fields=["ends_on"])
    for perm in READ:
        assert not type(without_a_seat).objects.get(pk=without_a_seat.pk).has_perm(perm, meeting), perm


# --- the meeting's page ---------------------------------------------------------------------------


def test_it_opens_the_meeting_page_without_vote_controls(demo, without_a_seat, meeting, client):
    vote_url = reverse("reviews:vote", args=[meeting.pk, meeting.items.get().pk])
    recusal_url = reverse("reviews:recusal", args=[meeting.pk, meeting.items.get().pk])
    with at(meeting.starts_at + datetime.timedelta(minutes=5)):  # the meeting's day: votes are open
        client.force_login(demo.person("steering_member"))
        assert vote_url in client.get(reverse("reviews:meeting_detail", args=[meeting.pk])).content.decode()
        client.force_login(without_a_seat)
        response = client.get(reverse("reviews:meeting_detail", args=[meeting.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Språkstöd i förskolan" in html
    assert reverse("meeting_compare", args=[meeting.pk]) in html  # the pack is linked from here
    assert vote_url not in html
    assert recusal_url not in html
    assert reverse("reviews:meeting_edit", args=[meeting.pk]) not in html
    assert client.get(reverse("meeting_compare", args=[meeting.pk])).status_code == 200


def test_it_refuses_a_vote_posted_by_koncernkontoret(without_a_seat, meeting, client):
    item = meeting.items.get()
    with at(meeting.starts_at + datetime.timedelta(minutes=5)):
        client.force_login(without_a_seat)
        response = client.post(
            reverse("reviews:vote", args=[meeting.pk, item.pk]), {f"punkt-{item.pk}-choice": "recommend"}
        )
    assert response.status_code in (403, 404)
    assert not item.votes.exists()


def test_it_answers_404_for_another_partnerships_meeting(of_fyrbodal_only, meeting, skaraborgs_meeting, client):
    client.force_login(of_fyrbodal_only)
    assert client.get(reverse("reviews:meeting_detail", args=[meeting.pk])).status_code == 200
    assert client.get(reverse("reviews:meeting_detail", args=[skaraborgs_meeting.pk])).status_code == 404
    assert client.get(reverse("meeting_compare", args=[skaraborgs_meeting.pk])).status_code == 404

"""The start page: what needs each person now, and only what their roles allow."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Status
from tests.factories import (
    ApplicationFactory,
    MeetingFactory,
    accepted_application,
    applications_through_services,
    at,
    decided_through_services,
    published_agenda,
    recommended_through_services,
    submitted_application,
)

pytestmark = pytest.mark.django_db


def page(client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_anonymous_visitors_the_public_landing_page(client):
    html = page(client)
    assert "Logga in" in html
    assert "Din arbetsgrupps ansökningar" not in html


def test_it_shows_the_group_its_drafts_and_the_open_call(as_persona, demo):
    ApplicationFactory(call=demo.call(), working_group=demo.working_group("Uddevalla"), title="Språkpaket i förskolan")
    ApplicationFactory(call=demo.call(), working_group=demo.working_group("Munkedal"), title="Munkedals egen insats")
    html = page(as_persona("member"))
    assert "Språkpaket i förskolan" in html
    assert "Munkedals egen insats" not in html
    call = demo.call()
    assert call.name in html
    assert f"sista dag {timezone.localtime(call.deadline):%Y-%m-%d} 12:00" in html
    assert "Inskickade ansökningar att granska" not in html


def test_it_tells_an_empty_group_what_will_appear(as_persona):
    html = page(as_persona("outsider"))
    assert "Din arbetsgrupp har inga ansökningar ännu" in html


def test_it_shows_the_project_leader_what_waits_for_triage(as_persona, demo):
    submitted_application(call=demo.call(), working_group=demo.working_group("Uddevalla"), title="PALS i Färgelanda")
    ApplicationFactory(call=demo.call(), working_group=demo.working_group("Uddevalla"), title="Hemligt utkast")
    html = page(as_persona("project_leader"))
    assert "PALS i Färgelanda" in html
    assert "Hemligt utkast" not in html
    assert "Inga kompletta ansökningar väntar" in html


def test_it_shows_steering_members_their_published_meetings_only(as_persona, demo):
    unpublished = MeetingFactory(steering_group=demo.steering_group(), place="Opublicerat rum")
    published_agenda(demo, [accepted_application(demo, "Munkedal")], place="Stadshuset, Uddevalla")
    html = page(as_persona("steering_chair"))
    assert "Stadshuset, Uddevalla" in html
    assert "1 ansökan på dagordningen" in html
    assert unpublished.place not in html


def test_it_lists_each_upcoming_meeting_once_to_the_project_leader(as_persona, demo):
    # The project leader also sits in the steering group: the published meeting was in both lists.
    published = published_agenda(demo, [accepted_application(demo, "Munkedal")], place="Stadshuset, Uddevalla")
    link = reverse("reviews:meeting_detail", args=[published.pk])
    html = page(as_persona("project_leader"))
    assert html.count(f'href="{link}"') == 1
    assert "Mötena i de styrgrupper du är projektledare för står under Nästa styrgruppsmöten ovan." in html
    # A member of the steering group still sees it in their own list.
    assert page(as_persona("steering_member")).count(f'href="{link}"') == 1


def test_it_shows_the_secretariat_the_cases_at_run(as_persona, demo):
    application, _meeting = recommended_through_services(
        call=demo.call(), working_group=demo.working_group("Munkedal"), title="Familjecentral Lysekil"
    )
    html = page(as_persona("secretariat"))
    assert "Familjecentral Lysekil" not in html
    assert "Inga ärenden väntar på beslut i RUN" in html
    decided_through_services(application, secretariat=demo.person("secretariat"), days_ago=-7, decide=False)
    assert "Familjecentral Lysekil" in page(as_persona("secretariat"))


def test_it_shows_koncernkontoret_what_was_submitted(as_persona, demo):
    submitted_application(call=demo.call(), working_group=demo.working_group("Mellerud"), title="Språkombud Mellerud")
    assert "Språkombud Mellerud" in page(as_persona("koncernkontoret"))


def test_it_shows_a_person_with_two_roles_both_sections(as_persona, demo):
    submitted_application(
        call=demo.call(), working_group=demo.working_group("Uddevalla"), title="Family Check-Up Dalaberg"
    )
    html = page(as_persona("steering_member"))  # steering-group member and vice chair of Uddevalla's NSV
    assert "Kommande styrgruppsmöten" in html
    assert "Ansökningar från arbetsgrupper ni har utsett" in html
    assert "Family Check-Up Dalaberg" in html


def test_it_shows_only_the_navigation_a_role_allows(as_persona):
    admin_link = f'href="{reverse("admin:index")}"'
    assert admin_link in page(as_persona("project_leader"))
    assert admin_link in page(as_persona("secretariat"))
    assert admin_link not in page(as_persona("leader"))
    assert reverse("partnership:who_is_who") in page(as_persona("leader"))


@pytest.mark.parametrize("persona", ["project_leader", "member", "koncernkontoret", "secretariat", "steering_member"])
def test_it_uses_the_same_number_of_queries_for_5_and_50_applications(
    as_persona, demo, django_assert_max_num_queries, persona
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    state = {"secretariat": Status.AT_RUN, "member": Status.DRAFT}.get(persona, Status.SUBMITTED)

    def make(first, count):
        applications_through_services(demo, count, first=first, states=(state,))

    client = as_persona(persona)
    make(1, 5)
    with CaptureQueriesContext(connection) as small:
        page(client)
    make(6, 45)
    with CaptureQueriesContext(connection) as large:
        page(client)
    assert len(large) == len(small)


def test_it_shows_a_member_the_items_that_need_their_vote_until_they_vote(as_persona, demo):
    from reviews import services as meetings

    # Voting opens on the meeting's day: the meeting is at ten today, the page seen at half past.
    ten = datetime.datetime.combine(timezone.localdate(), datetime.time(10), tzinfo=timezone.get_current_timezone())
    with at(ten - datetime.timedelta(hours=2)):
        meeting = published_agenda(demo, [accepted_application(demo, "Munkedal", title="Läslyftet")], starts_at=ten)
    item = meeting.items.get()
    client = as_persona("steering_chair")
    with at(ten + datetime.timedelta(minutes=30)):
        assert "Punkter som väntar på din röst" in page(client)
        assert "Läslyftet" in page(client)
        meetings.vote_cast(item=item, member=demo.person("steering_chair"), choice="recommend")
        assert "Punkter som väntar på din röst" not in page(client)


def test_it_shows_the_project_leader_what_to_send_to_run(as_persona, demo):
    application, _meeting = recommended_through_services(
        call=demo.call(), working_group=demo.working_group("Munkedal"), title="Familjecentral"
    )
    assert application.status == Status.RECOMMENDED
    html = page(as_persona("project_leader"))
    assert "Tillstyrkta ansökningar att skicka till RUN" in html
    assert "Familjecentral" in html


def test_it_shows_the_secretariat_the_next_run_meeting_and_the_budget(as_persona, demo):
    import datetime

    from decisions.models import RunMeeting
    from partnership.models import Body

    RunMeeting.objects.create(
        board=Body.objects.get(kind="run"), held_on=timezone.localdate() + datetime.timedelta(days=20)
    )
    html = page(as_persona("secretariat"))
    assert "Sammanträdet" in html
    assert "0 ärenden" in html
    assert reverse("run:ledger") in html

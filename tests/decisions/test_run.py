"""RUN's meetings and cases: the secretariat enters a meeting, the project leader forwards a
recommended application to it, and the case list shows the steering group's recommendation
and Koncernkontoret's comments.

The helpers at the top build recommended applications and cases through the services, as
people do: submitted, accepted, put on a meeting's agenda, voted on, closed, the minutes
approved, forwarded; the decision and ledger tests import them.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications import services, workflow
from applications.models import Application, Event, Message, MessageKind, Status
from decisions import services as decision_services
from decisions.models import RunCase, RunMeeting
from partnership.models import Body, BodyKind, Membership, MembershipRole
from reviews import services as meetings
from reviews import services as review_services
from reviews.models import AgendaItem, ItemOutcome, Meeting, VoteChoice
from tests.factories import accepted_application, complete_application, signed_again
from tests.reviews.test_meetings import VOTERS, mark_present, meeting_with, person

pytestmark = pytest.mark.django_db

RECOMMENDED_PER_YEAR = 250_000  # the application requests 300 000 kr a year
REQUESTED_PER_YEAR = 300_000


def run_meeting(*, days: int = 0, place: str = "Regionens hus, Vänersborg") -> RunMeeting:
    """RUN's meeting ``days`` from today (the same one when asked twice). Today by default:
    a decision is recorded on the meeting's day, never before."""
    board = Body.objects.get(kind=BodyKind.RUN)
    meeting, _created = RunMeeting.objects.get_or_create(
        board=board, held_on=timezone.localdate() + datetime.timedelta(days=days), defaults={"place": place}
    )
    return meeting


def hold_meeting(
    meeting: Meeting,
    *,
    choice: str = VoteChoice.RECOMMEND,
    per_year: int | None = RECOMMENDED_PER_YEAR,
    conditions: str = "",
    approve_minutes: bool = True,
) -> Meeting:
    """Hold a published meeting through the services: four of the seven voting members are
    present and vote ``choice`` on every open item, the chair closes each one, and the chair and
    the adjuster approve the minutes."""
    chair = person("styrgrupp-ordf")
    mark_present(meeting, *VOTERS[:4])
    open_items = meeting.items.filter(closed_at__isnull=True).select_related("application", "meeting")
    for item in open_items.order_by("position"):
        for username in VOTERS[:4]:
            meetings.vote_cast(item=item, member=person(username), choice=choice)
        years = item.application.budget_years.values_list("year", flat=True)
        meetings.agenda_item_close(
            item=item,
            by=chair,
            recommended_years=dict.fromkeys(years, per_year) if per_year is not None else None,
            conditions=conditions,
        )
    if approve_minutes:
        adjuster = person("styrgrupp")
        minutes = review_services.minutes_prepare(meeting=meeting, adjuster=adjuster, by=chair)
        review_services.minutes_approve(minutes=minutes, by=chair)
        review_services.minutes_approve(minutes=minutes, by=adjuster)
    return meeting


def recommended_application(
    demo,
    municipality: str = "Uddevalla",
    *,
    title: str = "Språkstöd i förskolan",
    per_year: int | None = RECOMMENDED_PER_YEAR,
    conditions: str = "Insatsen följs upp efter ett år.",
    days_ago: int = 7,
    approve_minutes: bool = True,
) -> Application:
    """A registered application the steering group recommended at a meeting ``days_ago`` days
    ago, with approved minutes: every step through the services (one meeting each).

    ``per_year``: the amount recommended for each budget year; None recommends what was requested.
    """
    group = demo.working_group(municipality)
    leader = Membership.objects.get(body=group, role=MembershipRole.LEADER).person
    application = complete_application(demo.call(), group, title=title, by=leader)
    if per_year is not None and per_year > REQUESTED_PER_YEAR:
        # The group asks for enough to be recommended ``per_year`` (its partners still give 200 000 kr).
        application.budget_years.update(requested=per_year, cost=per_year + 200_000)
        application = signed_again(application)
    services.application_submit(application=application, by=leader)
    services.application_accept(application=application, by=demo.person("project_leader"))
    meeting = meeting_with(demo, application, starts_at=timezone.now() - datetime.timedelta(days=days_ago))
    hold_meeting(meeting, per_year=per_year, conditions=conditions, approve_minutes=approve_minutes)
    application.refresh_from_db()
    return application


def recommend_again(demo, application: Application, *, per_year: int | None = RECOMMENDED_PER_YEAR) -> AgendaItem:
    """RUN refers a recommended application back (today's meeting); the steering group puts it
    on a new meeting's agenda and recommends it again. The new item is returned."""
    case = decision_services.case_forward(
        application=application, run_meeting=run_meeting(), by=demo.person("project_leader")
    )
    decision_services.decision_record(
        case=case,
        outcome="referred_back",
        paragraph="12",
        decided_on=case.run_meeting.held_on,
        reasons="Styrgruppen behöver pröva den nya kartläggningen.",
        by=demo.person("secretariat"),
    )
    application.refresh_from_db()
    meeting = hold_meeting(meeting_with(demo, application), per_year=per_year)
    application.refresh_from_db()
    return meeting.items.get()


def forwarded_case(demo, meeting: RunMeeting | None = None, **kwargs) -> RunCase:
    """A recommended application forwarded by the project leader to a RUN meeting."""
    application = recommended_application(demo, **kwargs)
    return decision_services.case_forward(
        application=application, run_meeting=meeting or run_meeting(), by=demo.person("project_leader")
    )


def years_of(case: RunCase) -> list[int]:
    return sorted(case.application.budget_years.values_list("year", flat=True))


def run_objects(demo) -> dict:
    """URL kwargs for the permission matrix: a meeting, a recommended application, an
    undecided case and a recorded decision."""
    meeting = run_meeting()
    undecided = forwarded_case(demo, meeting, title="Inför RUN")
    decided = forwarded_case(demo, meeting, title="Beslutad av RUN", municipality="Munkedal")
    decision = decision_services.decision_record(
        case=decided,
        outcome="rejected",
        paragraph="101",
        decided_on=meeting.held_on,
        reasons="Insatsen ryms inte i utlysningens inriktning.",
        by=demo.person("secretariat"),
    )
    return {
        "run_meeting": {"pk": meeting.pk},
        "recommended_application": {"pk": recommended_application(demo, title="Att skicka till RUN").pk},
        "run_case": {"pk": undecided.pk},
        "run_decision": {"pk": decision.pk},
    }


# --- RUN meetings --------------------------------------------------------------------------


def test_it_lets_the_secretariat_enter_a_run_meeting(as_persona):
    client = as_persona("secretariat")
    day = timezone.localdate() + datetime.timedelta(days=40)

    response = client.post(reverse("run:meeting_new"), {"held_on": day.isoformat(), "place": "Regionens hus"})

    meeting = RunMeeting.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("run:meeting_detail", args=[meeting.pk])
    assert meeting.held_on == day
    assert meeting.board.name == "Regionutvecklingsnämnden (RUN)"


def test_it_refuses_a_second_meeting_on_the_same_day(as_persona):
    meeting = run_meeting()
    response = as_persona("secretariat").post(reverse("run:meeting_new"), {"held_on": meeting.held_on.isoformat()})
    assert response.status_code == 200
    assert "RUN har redan ett sammanträde" in response.content.decode()
    assert RunMeeting.objects.count() == 1


@pytest.mark.parametrize("persona", ["project_leader", "koncernkontoret", "steering_chair", "leader"])
def test_it_lets_only_the_secretariat_enter_meetings(as_persona, persona):
    response = as_persona(persona).post(reverse("run:meeting_new"), {"held_on": "2027-03-18"})
    assert response.status_code == 403
    assert not RunMeeting.objects.exists()


def test_it_lists_the_meetings_with_their_number_of_cases(as_persona, demo):
    meeting = run_meeting()
    forwarded_case(demo, meeting)
    run_meeting(days=90)

    html = as_persona("secretariat").get(reverse("run:meeting_list")).content.decode()

    assert f"RUN {meeting.held_on.isoformat()}" in html
    assert reverse("run:meeting_detail", args=[meeting.pk]) in html
    assert "Lägg in ett sammanträde" in html


def test_it_shows_an_empty_state_without_meetings(as_persona):
    html = as_persona("koncernkontoret").get(reverse("run:meeting_list")).content.decode()
    assert "Inga sammanträden är inlagda ännu" in html
    assert "Lägg in ett sammanträde" not in html


# --- forwarding ----------------------------------------------------------------------------


def test_it_forwards_a_recommended_application_to_a_run_meeting(demo):
    application = recommended_application(demo)
    meeting = run_meeting()
    project_leader = demo.person("project_leader")

    case = decision_services.case_forward(application=application, run_meeting=meeting, by=project_leader)

    application.refresh_from_db()
    assert application.status == Status.AT_RUN
    assert case.run_meeting == meeting
    assert case.agenda_item == AgendaItem.objects.get(application=application, outcome=ItemOutcome.RECOMMENDED)
    assert case.forwarded_by == project_leader
    event = application.events.get(transition="forward_to_run")
    assert (event.from_status, event.to_status, event.actor) == (Status.RECOMMENDED, Status.AT_RUN, project_leader)
    assert meeting.held_on.isoformat() in event.message


def test_it_takes_the_latest_recommending_item(demo):
    application = recommended_application(demo, days_ago=60)
    latest = recommend_again(demo, application)

    case = decision_services.case_forward(
        application=application, run_meeting=run_meeting(days=30), by=demo.person("project_leader")
    )

    assert case.agenda_item == latest


def test_it_refuses_to_forward_an_application_that_is_not_recommended(demo):
    application = accepted_application(demo)
    hold_meeting(meeting_with(demo, application), choice=VoteChoice.NOT_RECOMMEND)
    application.refresh_from_db()
    assert application.status == Status.NOT_RECOMMENDED

    with pytest.raises(workflow.TransitionNotAllowed):
        decision_services.case_forward(
            application=application, run_meeting=run_meeting(), by=demo.person("project_leader")
        )
    assert not RunCase.objects.exists()


@pytest.mark.parametrize("persona", ["secretariat", "leader", "steering_chair"])
def test_it_lets_only_the_project_leader_forward(demo, persona):
    application = recommended_application(demo)
    with pytest.raises(workflow.TransitionNotAllowed):
        decision_services.case_forward(application=application, run_meeting=run_meeting(), by=demo.person(persona))
    application.refresh_from_db()
    assert application.status == Status.RECOMMENDED


def test_it_forwards_through_the_page(as_persona, demo):
    application = recommended_application(demo)
    meeting = run_meeting()
    client = as_persona("project_leader")

    page = client.get(reverse("run:forward", args=[application.pk])).content.decode()
    response = client.post(reverse("run:forward", args=[application.pk]), {"run_meeting": meeting.pk})

    assert "Styrgruppens förslag" in page
    assert "750 000 kr" in page
    assert response.status_code == 302
    assert RunCase.objects.get().application == application


def test_it_offers_forwarding_on_the_meeting_list(as_persona, demo):
    application = recommended_application(demo, title="Väntar på RUN")
    html = as_persona("project_leader").get(reverse("run:meeting_list")).content.decode()
    assert reverse("run:forward", args=[application.pk]) in html


def test_it_says_when_there_is_no_meeting_to_forward_to(as_persona, demo):
    application = recommended_application(demo)
    html = as_persona("project_leader").get(reverse("run:forward", args=[application.pk])).content.decode()
    assert "Det finns inget kommande RUN-sammanträde" in html


def test_it_requires_a_meeting_when_forwarding(as_persona, demo):
    application = recommended_application(demo)
    run_meeting()
    response = as_persona("project_leader").post(reverse("run:forward", args=[application.pk]), {})
    assert "Välj det RUN-sammanträde som ska besluta om ansökan." in response.content.decode()
    assert 'id="error-summary"' in response.content.decode()


@pytest.mark.parametrize(("persona", "status"), [("secretariat", 404), ("leader", 403), ("outsider", 404)])
def test_it_refuses_the_forwarding_page_to_others(as_persona, demo, persona, status):
    application = recommended_application(demo)
    assert as_persona(persona).get(reverse("run:forward", args=[application.pk])).status_code == status


# --- the case list -------------------------------------------------------------------------


def test_it_lists_the_cases_with_the_recommendation_and_the_comments(as_persona, demo):
    meeting = run_meeting()
    case = forwarded_case(demo, meeting, title="Familjecentral Dalaberg")
    Message.objects.create(
        application=case.application,
        author=demo.person("koncernkontoret"),
        kind=MessageKind.COMMENT,
        body="I linje med RUN:s intentioner.",
    )

    html = as_persona("secretariat").get(reverse("run:meeting_detail", args=[meeting.pk])).content.decode()

    assert "Familjecentral Dalaberg" in html
    assert "Tillstyrks" in html
    assert "750 000 kr" in html
    for year in years_of(case):
        assert f'{year}: <span class="text-nowrap">250 000 kr</span>' in html
    assert "Insatsen följs upp efter ett år." in html
    assert "I linje med RUN:s intentioner." in html
    assert "Registrera beslut för ”Familjecentral Dalaberg”" in html


@pytest.mark.parametrize("persona", ["project_leader", "koncernkontoret"])
def test_it_shows_the_cases_without_the_decision_button_to_readers(as_persona, demo, persona):
    meeting = run_meeting()
    forwarded_case(demo, meeting, title="Familjecentral Dalaberg")
    response = as_persona(persona).get(reverse("run:meeting_detail", args=[meeting.pk]))
    assert response.status_code == 200
    assert "Familjecentral Dalaberg" in response.content.decode()
    assert "Registrera beslut" not in response.content.decode()


@pytest.mark.parametrize("persona", ["steering_chair", "leader", "outsider", "nsv_chair"])
def test_it_hides_the_cases_from_others(as_persona, demo, persona):
    meeting = run_meeting()
    forwarded_case(demo, meeting)
    assert as_persona(persona).get(reverse("run:meeting_detail", args=[meeting.pk])).status_code == 404
    assert as_persona(persona).get(reverse("run:meeting_list")).status_code == 403


def test_it_says_when_a_meeting_has_no_cases(as_persona):
    meeting = run_meeting()
    html = as_persona("secretariat").get(reverse("run:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Inga ärenden till det här sammanträdet ännu." in html


def _case_with_comment_and_decision(demo, meeting, number: int, *, decided: bool) -> RunCase:
    case = forwarded_case(demo, meeting, title=f"Insats {number}", municipality="Munkedal")
    Message.objects.create(
        application=case.application, author=demo.person("koncernkontoret"), kind=MessageKind.COMMENT, body="Ok."
    )
    if decided:
        decision_services.decision_record(
            case=case,
            outcome="approved",
            paragraph=str(200 + number),
            decided_on=meeting.held_on,
            granted=dict.fromkeys(years_of(case), 100_000),
            by=demo.person("secretariat"),
        )
    return case


def test_it_lists_cases_in_a_constant_number_of_queries(as_persona, demo):
    meeting = run_meeting()
    client = as_persona("secretariat")
    url = reverse("run:meeting_detail", args=[meeting.pk])
    for number in range(2):
        _case_with_comment_and_decision(demo, meeting, number, decided=bool(number % 2))
    client.get(url)  # the session and the roles are warm
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for number in range(2, 12):
        _case_with_comment_and_decision(demo, meeting, number, decided=bool(number % 2))
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(response.context["cases"]) == 12
    assert len(small) == len(large), [q["sql"] for q in large.captured_queries]


def test_it_shows_the_case_page(as_persona, demo):
    case = forwarded_case(demo, title="Familjecentral Dalaberg")
    html = as_persona("koncernkontoret").get(reverse("run:case_detail", args=[case.pk])).content.decode()
    assert "Familjecentral Dalaberg" in html
    assert "Inget beslut registrerat ännu." in html
    assert "Registrera beslut" not in html


def test_it_records_forwarding_by_the_service_only_with_the_permission(demo):
    with pytest.raises(PermissionDenied):
        decision_services.run_meeting_create(held_on=timezone.localdate(), by=demo.person("project_leader"))
    assert Event.objects.count() == 0

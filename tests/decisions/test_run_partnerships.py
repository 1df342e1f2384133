"""RUN's cases, meetings, decisions, letters and budget belong to one partnership each: the
project leader (and a secretariat or Koncernkontoret tied to a partnership) reaches those of
their own partnership, and everything of another partnership answers 404.

Both partnerships' cases are reached through the services (``tests.factories``): Fyrbodal's
application from Uddevalla, recommended, forwarded and rejected at RUN, and SIM Skaraborg beside
it with its own project leader, steering group, working groups and call.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from decisions import selectors as decision_selectors
from decisions import services as decision_services
from decisions.models import RunMeeting
from partnership.models import Body, BodyKind
from partnership.rules import forget_roles
from reviews import services as meetings
from tests.factories import (
    AgendaItemFactory,
    ApplicationFactory,
    MeetingFactory,
    MembershipFactory,
    decided_through_services,
    other_partnership,
    recommended_through_services,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def fyrbodal(demo):
    """Fyrbodal's decided case (with its letter) and an undecided one at the same RUN meeting."""
    secretariat = demo.person("secretariat")
    decided_app, _meeting = recommended_through_services(
        call=demo.call(), working_group=demo.working_group("Uddevalla"), title="Språkstöd i Uddevalla"
    )
    case, decision = decided_through_services(decided_app, secretariat=secretariat)
    waiting_app, _meeting = recommended_through_services(
        call=demo.call(), working_group=demo.working_group("Munkedal"), title="Kartläggning i Munkedal", days_ago=9
    )
    waiting, _none = decided_through_services(waiting_app, secretariat=secretariat, decide=False)
    return {"case": case, "decision": decision, "waiting": waiting, "meeting": case.run_meeting}


@pytest.fixture
def skaraborg(demo):
    return other_partnership()


def visit_as(client, person, name, *args, method="get"):
    client.force_login(person)
    return getattr(client, method)(reverse(name, args=args))


def test_it_shows_fyrbodals_project_leader_their_own_case_meeting_and_letter(client, demo, fyrbodal):
    project_leader = demo.person("project_leader")

    assert visit_as(client, project_leader, "run:case_detail", fyrbodal["case"].pk).status_code == 200
    assert visit_as(client, project_leader, "run:meeting_detail", fyrbodal["meeting"].pk).status_code == 200
    assert visit_as(client, project_leader, "run:decision_letter", fyrbodal["decision"].pk).status_code == 200


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("run:case_detail", "case"),
        ("run:case_detail", "waiting"),
        ("run:meeting_detail", "meeting"),
        ("run:decision_letter", "decision"),
        ("run:decide", "waiting"),
        ("run:correct", "decision"),
    ],
)
def test_it_gives_another_partnerships_project_leader_404(client, fyrbodal, skaraborg, name, key):
    response = visit_as(client, skaraborg.person("project_leader"), name, fyrbodal[key].pk)

    assert response.status_code == 404


def test_it_does_not_list_fyrbodals_run_meetings_to_another_project_leader(client, demo, fyrbodal, skaraborg):
    page = visit_as(client, skaraborg.person("project_leader"), "run:meeting_list").content.decode()

    assert reverse("run:meeting_detail", args=[fyrbodal["meeting"].pk]) not in page
    assert fyrbodal["meeting"].held_on.isoformat() not in page
    assert list(decision_selectors.run_meetings(_roles(skaraborg.person("project_leader")))) == []


def test_it_shows_each_project_leader_only_their_own_cases_at_a_shared_run_meeting(client, demo, fyrbodal, skaraborg):
    application, _meeting = recommended_through_services(call=skaraborg.call, working_group=skaraborg.groups["Skövde"])
    theirs, _none = decided_through_services(application, secretariat=demo.person("secretariat"), decide=False)
    assert theirs.run_meeting == fyrbodal["meeting"]  # RUN decides for both partnerships on the same day

    their_page = visit_as(client, skaraborg.person("project_leader"), "run:meeting_detail", theirs.run_meeting_id)
    our_page = visit_as(client, demo.person("project_leader"), "run:meeting_detail", theirs.run_meeting_id)

    assert "Språkstöd i förskolan" in their_page.content.decode()
    assert "Språkstöd i Uddevalla" not in their_page.content.decode()
    assert "Kartläggning i Munkedal" not in their_page.content.decode()
    assert "Språkstöd i Uddevalla" in our_page.content.decode()
    assert "Språkstöd i förskolan" not in our_page.content.decode()
    secretariat_page = visit_as(client, demo.person("secretariat"), "run:meeting_detail", theirs.run_meeting_id)
    assert "Språkstöd i förskolan" in secretariat_page.content.decode()  # RUN's secretariat serves both
    assert "Språkstöd i Uddevalla" in secretariat_page.content.decode()


def test_it_shows_another_project_leader_only_their_own_calls_budget(client, demo, fyrbodal, skaraborg):
    ledger = visit_as(client, skaraborg.person("project_leader"), "run:ledger").content.decode()
    adjust = visit_as(client, skaraborg.person("project_leader"), "run:adjust_budget", demo.call().pk)

    assert skaraborg.call.name in ledger
    assert demo.call().name not in ledger
    assert adjust.status_code == 404


def test_it_shows_the_steering_group_only_its_own_partnerships_calls_budget(client, demo, skaraborg):
    ledger = visit_as(client, demo.person("steering_member"), "run:ledger").content.decode()

    assert demo.call().name in ledger
    assert skaraborg.call.name not in ledger


# --- a secretariat and a Koncernkontoret tied to one partnership ---------------------------------


def _roles(person):
    from partnership.rules import roles_of

    forget_roles(person)
    return roles_of(person)


@pytest.fixture
def skaraborg_secretariat(skaraborg):
    body = Body.objects.create(
        kind=BodyKind.RUN_SECRETARIAT, name="RUN:s sekretariat för Skaraborg", partnership=skaraborg.partnership
    )
    return MembershipFactory(body=body, role="secretary").person


def test_it_keeps_a_secretariat_tied_to_a_partnership_to_that_partnership(client, fyrbodal, skaraborg_secretariat):
    assert visit_as(client, skaraborg_secretariat, "run:case_detail", fyrbodal["waiting"].pk).status_code == 404
    assert visit_as(client, skaraborg_secretariat, "run:decide", fyrbodal["waiting"].pk).status_code == 404
    assert visit_as(client, skaraborg_secretariat, "run:decision_letter", fyrbodal["decision"].pk).status_code == 404
    # It keeps RUN's calendar, but sees none of Fyrbodal's cases on the meeting's page.
    page = visit_as(client, skaraborg_secretariat, "run:meeting_detail", fyrbodal["meeting"].pk).content.decode()
    assert "Kartläggning i Munkedal" not in page


def test_it_refuses_a_decision_from_another_partnerships_secretariat_in_the_service(fyrbodal, skaraborg_secretariat):
    with pytest.raises(PermissionDenied):
        decision_services.decision_record(
            case=fyrbodal["waiting"],
            outcome="rejected",
            paragraph="300",
            decided_on=fyrbodal["meeting"].held_on,
            reasons="Ryms inte.",
            by=skaraborg_secretariat,
        )
    assert not fyrbodal["waiting"].decisions.exists()


def test_it_keeps_a_koncernkontoret_tied_to_a_partnership_to_that_partnership(client, demo, fyrbodal, skaraborg):
    body = Body.objects.create(
        kind=BodyKind.KONCERNKONTORET, name="Koncernkontoret – Skaraborg", partnership=skaraborg.partnership
    )
    person = MembershipFactory(body=body).person
    application = fyrbodal["case"].application

    assert not person.has_perm("applications.view_application", application)
    assert not person.has_perm("applications.comment_application", application)
    assert visit_as(client, person, "applications:detail", application.pk).status_code == 404
    assert visit_as(client, person, "run:case_detail", fyrbodal["case"].pk).status_code == 404
    assert demo.person("koncernkontoret").has_perm("applications.view_application", application)  # region-wide


# --- the steering group and the agenda ----------------------------------------------------------


def test_it_does_not_show_another_partnerships_application_to_a_steering_group(client, demo, fyrbodal, skaraborg):
    """Even an item that puts Fyrbodal's application on Skaraborg's published agenda (as the admin
    once could) shows Skaraborg's members nothing of it."""
    application = Application.objects.get(title="Kartläggning i Munkedal")
    meeting = MeetingFactory(steering_group=skaraborg.steering_group, published_at=timezone.now())
    AgendaItemFactory(meeting=meeting, application=application)

    response = visit_as(client, skaraborg.person("steering_member"), "applications:detail", application.pk)

    assert response.status_code == 404


def test_it_puts_an_application_only_on_its_own_partnerships_agenda(client, demo, skaraborg):
    from tests.factories import accepted_application

    application = accepted_application(demo, title="Komplett i Uddevalla")
    meeting = meetings.meeting_schedule(
        steering_group=skaraborg.steering_group,
        starts_at=demo.call().deadline,
        place="Stadshuset, Skövde",
        by=skaraborg.person("project_leader"),
    )

    page = visit_as(client, skaraborg.person("project_leader"), "reviews:agenda", meeting.pk).content.decode()
    with pytest.raises(meetings.MeetingRefused):
        meetings.agenda_add(meeting=meeting, application=application, by=skaraborg.person("project_leader"))

    assert "Komplett i Uddevalla" not in page
    assert not meeting.items.exists()
    assert RunMeeting.objects.count() == 0


def test_it_tells_only_the_secretariats_that_serve_the_applications_partnership(demo, skaraborg, skaraborg_secretariat):
    from notifications import catalogue

    fyrbodal_application = ApplicationFactory(call=demo.call(), working_group=demo.working_group("Uddevalla"))
    skaraborg_application = ApplicationFactory(call=skaraborg.call, working_group=skaraborg.groups["Skövde"])

    assert catalogue.secretariat({"application": fyrbodal_application}) == [demo.person("secretariat")]
    assert set(catalogue.secretariat({"application": skaraborg_application})) == {
        demo.person("secretariat"),
        skaraborg_secretariat,
    }

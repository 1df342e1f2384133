"""The public portfolio: granted investments, ongoing and completed, for anyone to read."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, RunStatus, Status
from partnership.models import Municipality, Region, SubRegion
from partnership.reference import ensure_reference_data
from tests.factories import (
    applications_through_services,
    decided_through_services,
    imported_investments,
    recommended_through_services,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def reference_data(db):
    ensure_reference_data(Region, SubRegion, Municipality)


def investment(title="Språkstöd i förskolan", *, municipalities=("Uddevalla",), run_status=RunStatus.ONGOING, **texts):
    """A granted investment read in by the importer, in the municipalities given."""
    (application,) = imported_investments({"title": title, "completed": run_status == RunStatus.COMPLETED, **texts})
    application.municipalities.set(Municipality.objects.filter(name__in=municipalities))
    return application


def list_page(client, **params) -> str:
    response = client.get(reverse("portfolio:list"), params)
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, heading: str) -> str:
    """The part of the list under one group heading ("Pågående" or "Avslutade")."""
    match = re.search(rf"<h2 id=\"group-\w+\">{heading}</h2>(.*?)</section>", html, re.S)
    return match.group(1) if match else ""


def test_it_shows_anonymous_visitors_the_ongoing_and_completed_investments(client):
    investment("Med gemensamma krafter, Bengtsfors", municipalities=["Bengtsfors"])
    investment("Team Bagera", municipalities=["Grästorp"], run_status=RunStatus.COMPLETED)

    html = list_page(client)

    assert "Med gemensamma krafter, Bengtsfors" in section(html, "Pågående")
    assert "Team Bagera" in section(html, "Avslutade")
    assert "Team Bagera" not in section(html, "Pågående")
    assert "1 pågående, 1 avslutad investering" in html
    assert '<label class="form-label" for="id_municipality">Kommun</label>' in html
    assert ">Filtrera</button>" in html


def test_it_shows_an_investment_on_its_own_page(client):
    shown = investment(
        "Ökad skolnärvaro, Öckerö kommun",
        municipalities=["Öckerö"],
        partners="socialtjänsten i Öckerö kommun och Närhälsan",
        purpose="Hållbara rutiner mot problematisk skolfrånvaro.",
        target_group="Elever i grundskolan.",
        content="Gemensamma rutiner och tidiga insatser.",
        period="2020-03-01 - 2022-12-31",
    )

    response = client.get(reverse("portfolio:detail", args=[shown.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Ökad skolnärvaro, Öckerö kommun</h1>" in html
    assert "<dd>Öckerö</dd>" in html
    assert "socialtjänsten i Öckerö kommun (huvudman: kommun)" in html
    assert "Närhälsan (huvudman: region)" in html
    assert "Hållbara rutiner mot problematisk skolfrånvaro." in html
    assert "Elever i grundskolan." in html
    assert "Gemensamma rutiner och tidiga insatser." in html
    assert "2020-03-01 – 2022-12-31" in html
    assert "Pågående" in html


def test_it_says_when_an_investment_has_no_period(client):
    shown = investment("Utan datum", period=None)

    html = client.get(reverse("portfolio:detail", args=[shown.pk])).content.decode()

    assert "Uppgift saknas" in html


@pytest.mark.parametrize(
    "status",
    [Status.DRAFT, Status.SUBMITTED, Status.COMPLETE, Status.RECOMMENDED, Status.AT_RUN, Status.REJECTED],
)
def test_it_never_shows_an_application_that_is_not_granted(client, demo, status):
    if status == Status.REJECTED:
        hidden, _meeting = recommended_through_services(
            call=demo.call(), working_group=demo.working_group("Uddevalla"), title="Hemlig insats"
        )
        decided_through_services(hidden, secretariat=demo.person("secretariat"))
    else:
        (hidden,) = applications_through_services(demo, 1, states=(status,), title="Hemlig insats")
    hidden.refresh_from_db()
    assert hidden.status == status

    assert "Hemlig insats" not in list_page(client)
    assert client.get(reverse("portfolio:detail", args=[hidden.pk])).status_code == 404


def test_it_gives_404_for_an_investment_that_does_not_exist(client):
    assert client.get(reverse("portfolio:detail", args=[987654])).status_code == 404


def test_it_shows_a_granted_portal_application_as_ongoing_until_its_end_date_has_passed(client, demo):
    today = timezone.localdate()
    group = demo.working_group("Uddevalla")
    for title, ends_on in [("Slutar i dag", today), ("Slutade i går", today - datetime.timedelta(days=1))]:
        granted, _meeting = recommended_through_services(call=demo.call(), working_group=group, title=title)
        decided_through_services(granted, secretariat=demo.person("secretariat"), outcome="approved")
        # The period it was granted for has run since (the period is the application's text, not its state).
        Application.objects.filter(pk=granted.pk).update(
            starts_on=today - datetime.timedelta(days=400), ends_on=ends_on
        )

    html = list_page(client)

    assert "Slutar i dag" in section(html, "Pågående")
    assert "Slutade i går" in section(html, "Avslutade")


def test_it_filters_by_municipality(client):
    investment("Närvaroteamet, Tidaholm", municipalities=["Tidaholm"])
    investment("Team Bagera", municipalities=["Grästorp"])
    tidaholm = Municipality.objects.get(name="Tidaholm")

    html = list_page(client, municipality=tidaholm.pk)

    assert "Närvaroteamet, Tidaholm" in html
    assert "Team Bagera" not in html
    # Only municipalities with a granted investment are offered.
    assert f'<option value="{tidaholm.pk}" selected>Tidaholm</option>' in html
    assert ">Ale</option>" not in html


def test_it_filters_by_the_years_an_investment_runs(client):
    investment("Slutade 2018", period="2016-01-01 - 2018-01-31")
    investment("Började 2018", period="2018-12-31 - 2020-06-30")
    investment("Hela 2019", period="2019-01-01 - 2019-12-31")
    investment("Utan datum", period=None)

    html_2018 = list_page(client, year=2018)
    html_2019 = list_page(client, year=2019)

    assert "Slutade 2018" in html_2018
    assert "Började 2018" in html_2018
    assert "Hela 2019" not in html_2018
    assert "Började 2018" in html_2019
    assert "Hela 2019" in html_2019
    assert "Slutade 2018" not in html_2019
    assert "Utan datum" not in html_2018 + html_2019


def test_it_searches_the_title_purpose_and_content(client):
    investment("Familjecentral", purpose="Tidigt föräldrastöd.")
    investment("Närvaroteam", content="Ett team för elever med hög frånvaro.")
    investment("Språkstöd", purpose="Språkutveckling i förskolan.")

    assert "Familjecentral" in list_page(client, q="föräldrastöd")
    assert "Språkstöd" not in list_page(client, q="föräldrastöd")
    html = list_page(client, q="team frånvaro")
    assert "Närvaroteam" in html
    assert "Familjecentral" not in html
    assert "Språkstöd" in list_page(client, q="Språkstöd")


def test_it_tells_the_visitor_when_no_investment_matches(client):
    investment("Familjecentral")

    html = list_page(client, q="finns inte någonstans")

    assert "Inga investeringar matchar filtren" in html


def test_it_tells_the_visitor_when_nothing_is_published(client):
    assert "Inga sociala investeringar är publicerade ännu" in list_page(client)


def test_it_shows_25_investments_a_page(client):
    imported_investments(*[{"title": f"Investering {number:02d}"} for number in range(30)])

    first, second = list_page(client), list_page(client, sida=2)

    assert len(re.findall(r'href="/investeringar/\d+/"', first)) == 25
    assert len(re.findall(r'href="/investeringar/\d+/"', second)) == 5
    assert "sida 1 av 2" in first
    assert 'href="?sida=2"' in first


def test_it_uses_the_same_number_of_queries_for_5_and_50_investments(client):
    def make(count):
        first = Application.objects.count()
        imported_investments(
            *[
                {
                    "title": f"Investering {number}, Uddevalla och Munkedal",
                    "partners": "Uddevalla kommun och Närhälsan",
                    "completed": bool(number % 2),
                }
                for number in range(first, first + count)
            ]
        )

    make(5)
    with CaptureQueriesContext(connection) as small:
        list_page(client)
    make(45)
    with CaptureQueriesContext(connection) as large:
        list_page(client)

    assert len(large) == len(small)
    # ... the page, its municipalities, partners and priority areas (one prefetch each), and the
    # priority areas the filter offers.
    assert len(small) <= 8

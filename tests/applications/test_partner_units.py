"""The partners section's unit choices: each row's select lists the units of the application's
municipalities and the region's common units (not every unit of the region), a search on the
page finds any other unit of the partnership's area by name and offers it, a unit found so is
accepted when saved, and a unit from outside the area is refused with a message that says
what to do. The same number of queries whatever the number of units."""

import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications import services
from applications.models import Partner
from partnership.models import Municipality, Organisation, Principal, Unit, UnitKind
from tests.factories import other_partnership

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(demo):
    return services.application_create(
        call=demo.call(),
        working_group=demo.working_group("Uddevalla"),
        title="Läsfrämjande BVC",
        by=demo.person("leader"),
    )


def section(draft, **query) -> str:
    url = reverse("applications:section", args=[draft.pk, "partners"])
    return url + ("?" + urlencode(query) if query else "")


def options(html: str) -> set[str]:
    """The units offered in the first row's select, by name."""
    select = re.search(r'<select name="partners-0-unit".*?</select>', html, re.S).group(0)
    return {re.sub(r" – .*", "", label) for label in re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", select)}


def rows(draft, *units, version=0, **extra) -> dict:
    data = {
        "version": version,
        "partners-TOTAL_FORMS": len(units),
        "partners-INITIAL_FORMS": 0,
        "partners-MIN_NUM_FORMS": 0,
        "partners-MAX_NUM_FORMS": 30,
        **extra,
    }
    for index, unit in enumerate(units):
        data |= {f"partners-{index}-unit": unit.pk, f"partners-{index}-role": "Deltar i insatsen."}
    return data


def test_it_offers_the_units_of_the_applications_municipality_and_not_the_others(as_persona, draft):
    offered = options(as_persona("leader").get(section(draft)).content.decode())

    assert {"Förskolan Uddevalla", "Elevhälsan Uddevalla", "Närhälsan Dalaberg barnavårdscentral"} <= offered
    assert "Förskolan Munkedal" not in offered
    assert "BUP NU-sjukvården" not in offered  # a region unit in Trollhättan: found by the search
    assert len(offered) < Unit.objects.count()


def test_it_offers_the_units_of_every_municipality_the_application_names(as_persona, demo, draft):
    draft.municipalities.add(Municipality.objects.get(name="Munkedal"))
    offered = options(as_persona("leader").get(section(draft)).content.decode())
    assert {"Förskolan Uddevalla", "Förskolan Munkedal", "Närhälsan Munkedal vårdcentral"} <= offered


def test_it_offers_the_regions_units_of_no_municipality(as_persona, draft):
    region = Organisation.objects.get(name="NU-sjukvården")
    Unit.objects.create(organisation=region, name="Barnhälsovårdsenheten Fyrbodal", kind=UnitKind.BVC)
    assert "Barnhälsovårdsenheten Fyrbodal" in options(as_persona("leader").get(section(draft)).content.decode())


def test_the_search_finds_another_unit_by_name_and_offers_it(as_persona, draft):
    html = as_persona("leader").get(section(draft, enhet="bup")).content.decode()

    assert "BUP NU-sjukvården" in options(html)
    assert 'role="search"' in html
    assert "En enhet hittades för ”bup” och finns nu i listan under Enhet:" in html
    assert '<input type="hidden" name="enhet" value="bup">' in html  # kept when the rows are posted


def test_the_search_finds_units_by_organisation(as_persona, draft):
    html = as_persona("leader").get(section(draft, enhet="Munkedals kommun")).content.decode()
    assert {"Förskolan Munkedal", "Socialtjänsten Munkedal"} <= options(html)


def test_the_search_says_when_nothing_was_found(as_persona, draft):
    html = as_persona("leader").get(section(draft, enhet="Ingenstans")).content.decode()
    assert "Ingen enhet hittades för ”Ingenstans”. Kontrollera stavningen" in html


def test_the_search_takes_any_text(as_persona, draft):
    response = as_persona("leader").get(section(draft, enhet="bup\x00" + "x" * 300))
    assert response.status_code == 200
    assert "Ingen enhet hittades för" in response.content.decode()


def test_the_search_does_not_find_a_unit_of_another_partnerships_area(as_persona, demo, draft):
    other_partnership()
    html = as_persona("leader").get(section(draft, enhet="Skövde")).content.decode()
    assert "Förskolan Skövde" not in options(html)
    assert "Ingen enhet hittades för ”Skövde”" in html


def test_it_saves_a_unit_found_by_the_search(as_persona, draft):
    found = Unit.objects.get(name="BUP NU-sjukvården")
    municipal = Unit.objects.get(name="Förskolan Uddevalla")

    response = as_persona("leader").post(section(draft), rows(draft, found, municipal))

    assert response.status_code == 302
    assert {p.unit for p in Partner.objects.filter(application=draft)} == {found, municipal}
    # Saved, it stays in the row's list without a search.
    assert "BUP NU-sjukvården" in options(as_persona("leader").get(section(draft)).content.decode())


def test_it_refuses_a_unit_of_another_partnerships_area_and_says_what_to_do(as_persona, demo, draft):
    other_partnership()
    outside = Unit.objects.get(name="Förskolan Skövde")

    response = as_persona("leader").post(section(draft), rows(draft, outside))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in html
    assert "Enheten kan inte väljas i den här ansökan. Välj en enhet i listan under Enhet, eller sök efter" in html
    assert not Partner.objects.filter(application=draft).exists()


@pytest.mark.parametrize("pk", [999_999, 10**30])
def test_it_refuses_a_unit_that_does_not_exist(as_persona, draft, pk):
    response = as_persona("leader").post(section(draft), rows(draft, Unit(pk=pk)))
    assert "Enheten kan inte väljas i den här ansökan." in response.content.decode()
    assert not Partner.objects.filter(application=draft).exists()


def test_it_keeps_offering_a_unit_posted_when_a_row_is_added(as_persona, draft):
    found = Unit.objects.get(name="BUP NU-sjukvården")
    html = as_persona("leader").post(section(draft), rows(draft, found, add_row="1")).content.decode()
    assert re.search(rf'<option value="{found.pk}" selected>BUP NU-sjukvården', html)


def test_it_renders_the_section_in_the_same_number_of_queries_whatever_the_number_of_units(as_persona, draft):
    client = as_persona("leader")
    client.post(section(draft), rows(draft, Unit.objects.get(name="Förskolan Uddevalla")))
    client.get(section(draft))
    with CaptureQueriesContext(connection) as few:
        small = client.get(section(draft, enhet="Förskolan"))
    organisation = Organisation.objects.create(
        name="Munkedals friskolor",
        principal=Principal.MUNICIPALITY,
        municipality=Municipality.objects.get(name="Munkedal"),
    )
    Unit.objects.bulk_create(
        [
            Unit(
                organisation=organisation,
                name=f"Förskolan Solstrålen {n}",
                kind=UnitKind.PRESCHOOL,
                municipality_id=organisation.municipality_id,
            )
            for n in range(40)
        ]
    )
    with CaptureQueriesContext(connection) as many:
        large = client.get(section(draft, enhet="Förskolan"))
    assert len(few) == len(many), [q["sql"] for q in many.captured_queries]
    assert len(options(large.content.decode())) <= len(options(small.content.decode())) + 25
    assert "Det finns fler träffar än de som visas." in large.content.decode()

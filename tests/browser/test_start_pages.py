"""Each persona lands on a start page that shows what its roles need, and nothing else."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.conftest import PERSONAS

pytestmark = pytest.mark.browser

SECTIONS = {
    "group": "Din arbetsgrupps ansökningar",
    "triage": "Inskickade ansökningar att granska",
    "meetings": "Kommande styrgruppsmöten",
    "koncernkontoret": "Senast inskickade ansökningar",
    "run": "Ärenden till RUN",
    "nsv": "Ansökningar från arbetsgrupper ni har utsett",
}

# persona: (first name, the sections the start page shows, sees "Administrera")
START_PAGES = {
    "leader": ("Eugenia", {"group"}, False),
    "member": ("Ali", {"group"}, False),
    "outsider": ("Ulla", {"group"}, False),
    # The project leader sits in the steering group (as project leader), so sees its meetings too.
    "project_leader": ("Sara", {"triage", "meetings"}, True),
    # Karin Ek is a steering member and vice chair of NSV Uddevalla.
    "steering_member": ("Karin", {"meetings", "nsv"}, False),
    "steering_chair": ("Anders", {"meetings"}, False),
    # Koncernkontoret is adjunct in the steering group.
    "koncernkontoret": ("Maria", {"koncernkontoret", "meetings"}, False),
    "secretariat": ("Henrik", {"run"}, True),
    "nsv_chair": ("Bengt", {"nsv"}, False),
}


def test_it_has_an_expected_start_page_for_every_persona():
    assert set(START_PAGES) == set(PERSONAS)


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_it_shows_each_persona_the_sections_of_its_roles(portal, demo, persona):
    first_name, sections, administers = START_PAGES[persona]

    page = portal.log_in(persona)

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hej {first_name}")
    for key, heading in SECTIONS.items():
        section_heading = page.get_by_role("heading", name=heading, exact=True)
        if key in sections:
            expect(section_heading).to_be_visible()
        else:
            expect(section_heading).to_have_count(0)

    open_calls = page.get_by_role("heading", name="Öppna utlysningar", exact=True)
    call_link = page.get_by_role("link", name=demo.call().name, exact=True)
    if "group" in sections:
        expect(open_calls).to_be_visible()
        expect(call_link).to_be_visible()
    else:
        expect(open_calls).to_have_count(0)
        expect(call_link).to_have_count(0)

    navigation = page.get_by_role("navigation", name="Huvudmeny")
    for label in ("Start", "Utlysningar", "Vem är vem", "Investeringar"):
        expect(navigation.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(navigation.get_by_role("link", name="Start", exact=True)).to_have_attribute("aria-current", "page")
    expect(navigation.get_by_role("link", name="Administrera", exact=True)).to_have_count(1 if administers else 0)
    # portal.log_in has run axe on the login page and on this start page.


def test_it_welcomes_an_anonymous_visitor_on_the_landing_page(portal):
    page = portal.open("/")

    expect(page.get_by_role("heading", level=1)).to_have_text("SIM-portalen")
    expect(page.get_by_role("main").get_by_role("link", name="Logga in", exact=True)).to_be_visible()
    navigation = page.get_by_role("navigation", name="Huvudmeny")
    expect(navigation.get_by_role("link")).to_have_count(1)
    expect(navigation.get_by_role("link", name="Investeringar", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Logga ut")).to_have_count(0)
    assert_accessible(page)


def test_it_links_the_accessibility_statement_from_the_footer(portal):
    page = portal.open("/")

    page.get_by_role("contentinfo").get_by_role("link", name="Tillgänglighetsredogörelse").click()

    expect(page).to_have_url(portal.url("/tillganglighet/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tillgänglighetsredogörelse")
    expect(page.get_by_role("heading", name="Rapportera brister")).to_be_visible()
    assert_accessible(page)

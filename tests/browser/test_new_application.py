"""Starting an application in a real browser when there is something to choose: the leader of
Uddevalla's group also leads Färgelanda's, and two calls are open to Del I. The page asks for
the group, then for the call, says what is missing in an error summary, and keeps what was typed.
axe checks every page."""

import datetime

import pytest
from playwright.sync_api import expect

from applications.models import Application
from partnership.models import Call, MembershipRole, Part
from tests.browser.conftest import assert_accessible, field_label
from tests.factories import MembershipFactory

pytestmark = pytest.mark.browser

TITLE = "PALS i Färgelandas skolor"


@pytest.fixture
def choices(demo):
    MembershipFactory(person=demo.person("leader"), body=demo.working_group("Färgelanda"), role=MembershipRole.LEADER)
    current = demo.call()
    extra = Call.objects.create(
        partnership=current.partnership,
        name="SIM spår 2 – extra omgång för Del I",
        opens_on=current.opens_on,
        deadline=current.deadline + datetime.timedelta(days=7),
        steering_group_meeting_on=current.steering_group_meeting_on + datetime.timedelta(days=7),
        run_meeting_on=current.run_meeting_on,
        budget=2_000_000,
    )
    extra.parts.set(Part.objects.filter(partnership=current.partnership, number=1))
    return extra


def test_it_asks_for_the_group_and_the_call(portal, demo, choices):
    page = portal.log_in("leader")
    page.get_by_role("link", name="Ny ansökan").click()

    # Which group: when none is chosen, the summary at the top says so and links to the choice.
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny ansökan")
    groups = page.get_by_role("group", name="Vilken arbetsgrupp skriver ansökan?")
    expect(groups.get_by_role("radio")).to_have_count(2)
    assert_accessible(page)
    page.get_by_role("button", name="Fortsätt").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Välj vilken arbetsgrupp som skriver ansökan.")
    assert_accessible(page)
    first_choice = page.get_by_label("Lokal SIM-arbetsgrupp Färgelanda")
    expect(summary.get_by_role("link")).to_have_attribute("href", "#" + first_choice.get_attribute("id"))
    expect(first_choice).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Lokal SIM-arbetsgrupp Färgelanda").check()
    page.get_by_role("button", name="Fortsätt").click()

    # Which call: both are open to Del I; the title is kept when the call is missing.
    expect(page.get_by_text("Ansökan skrivs av Lokal SIM-arbetsgrupp Färgelanda.")).to_be_visible()
    calls = page.get_by_role("group", name="Vilken utlysning gäller ansökan?")
    expect(calls.get_by_role("radio")).to_have_count(2)
    assert_accessible(page)
    page.get_by_label(field_label("Insatsens namn")).fill(TITLE)
    page.get_by_role("button", name="Skapa ansökan").click()
    expect(page.locator("#error-summary")).to_contain_text("Välj vilken utlysning ansökan gäller.")
    expect(page.get_by_label(field_label("Insatsens namn"))).to_have_value(TITLE)
    assert_accessible(page)
    page.get_by_label(f"{choices.name} – sista dag", exact=False).check()
    page.get_by_role("button", name="Skapa ansökan").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert_accessible(page)
    application = Application.objects.get(title=TITLE)
    assert application.working_group == demo.working_group("Färgelanda")
    assert application.call == choices


def test_it_asks_nothing_of_a_leader_with_one_group_and_one_call(portal, demo):
    page = portal.log_in("outsider")  # Munkedal's leader: one group, and only the current call is for Del II
    page.get_by_role("link", name="Ny ansökan").click()

    expect(page.get_by_text(f"Ansökan gäller utlysningen ”{demo.call().name}”")).to_be_visible()
    expect(page.get_by_role("radio")).to_have_count(0)
    assert_accessible(page)
    page.get_by_label(field_label("Insatsens namn")).fill("Kartläggning i Munkedal")
    page.get_by_role("button", name="Skapa ansökan").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Kartläggning i Munkedal")
    assert Application.objects.get().working_group == demo.working_group("Munkedal")

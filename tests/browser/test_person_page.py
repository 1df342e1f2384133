"""A person's page in "Vem är vem", and the history of their memberships that administrators see."""

import re

import pytest
from playwright.sync_api import expect

from partnership.models import Membership
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser


def test_it_shows_the_project_leader_who_ended_a_membership_and_hides_it_from_members(portal, demo):
    membership = Membership.objects.get(person=demo.person("member"))
    page = portal.log_in("project_leader")
    portal.open(f"/admin/partnership/membership/{membership.pk}/change/")
    page.get_by_label(re.compile(r"^Slutar gälla")).fill("2030-06-30")
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.locator(".messagelist")).to_be_visible()

    portal.open("/")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Vem är vem", exact=True).click()
    page.get_by_role("article", name="Lokal SIM-arbetsgrupp Uddevalla", exact=True).get_by_role(
        "link", name="Ali Hassan"
    ).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Ali Hassan")
    expect(page.get_by_role("table").first).to_contain_text("Lokal SIM-arbetsgrupp Uddevalla")
    history = page.get_by_role("table", name="Ändringar av uppdragen")
    expect(history).to_contain_text("Sara Lindqvist")
    expect(history).to_contain_text("Slutar gälla: – → 2030-06-30")
    assert_accessible(page)
    person_url = page.url

    page.get_by_role("button", name="Logga ut").click()
    portal.log_in("steering_member")
    portal.page.goto(person_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Ali Hassan")
    expect(page.get_by_role("heading", name="Ändringar av uppdragen")).to_have_count(0)
    assert_accessible(page)

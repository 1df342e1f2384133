"""The public portfolio as an anonymous visitor reads it, after the published list is imported."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from applications.importers import PUBLISHED_INVESTMENTS
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser

# The published list of investments (the project's seed 004), kept with the tests.
SEED = PUBLISHED_INVESTMENTS


def test_it_lets_a_visitor_filter_the_investments_and_read_one(portal):
    call_command("import_investments", str(SEED), stdout=io.StringIO(), stderr=io.StringIO())
    page = portal.open("/investeringar/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Sociala investeringar")
    expect(page.get_by_role("heading", name="Pågående", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Avslutade", exact=True)).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("14 pågående, 9 avslutade investeringar")
    assert_accessible(page)

    page.get_by_label("Kommun", exact=True).select_option(label="Borås")
    page.get_by_role("button", name="Filtrera", exact=True).click()

    expect(page.get_by_role("status")).to_have_text("0 pågående, 2 avslutade investeringar")
    completed = page.get_by_role("table", name="Avslutade sociala investeringar")
    expect(completed.get_by_role("row")).to_have_count(3)  # the header and two investments
    expect(page.get_by_role("heading", name="Pågående", exact=True)).to_have_count(0)
    assert_accessible(page)

    completed.get_by_role("link", name="Tidiga insatser för ökad skolnärvaro", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Tidiga insatser för ökad skolnärvaro")
    expect(page.get_by_text("Avslutad", exact=True)).to_be_visible()
    expect(page.locator("dt:text-is('Kommuner') + dd")).to_have_text("Borås")
    expect(page.locator("dt:text-is('Period') + dd")).to_have_text("2015-08-01 – 2018-01-31")
    expect(page.get_by_role("listitem").filter(has_text="Borås kommun")).to_have_text("Borås kommun (huvudman: kommun)")
    assert_accessible(page)

"""The group leader in a real browser: after RUN's approval, the application's page offers the
decision letter, and the link gives the stored PDF. axe checks the page."""

import hashlib

import pytest
from playwright.sync_api import expect

from decisions import letters
from tests.browser.conftest import assert_accessible
from tests.decisions.test_decision_letter import a_case, approve

pytestmark = pytest.mark.browser


def test_the_group_leader_downloads_the_decision_letter_from_the_application_page(portal, demo):
    decision = approve(demo, a_case(demo))
    letter = letters.letter_store(decision.pk)
    application = decision.case.application
    page = portal.log_in("leader")

    portal.open(f"/ansokningar/{application.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(application.title)
    expect(page.get_by_role("heading", name="Beslutsbrev från RUN")).to_be_visible()
    link = page.get_by_role("link", name="Beslutsbrev (PDF)")
    expect(link).to_be_visible()
    assert_accessible(page)

    response = page.request.get(portal.url(link.get_attribute("href")))

    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert "attachment" in response.headers["content-disposition"]
    assert hashlib.sha256(response.body()).hexdigest() == letter.sha256

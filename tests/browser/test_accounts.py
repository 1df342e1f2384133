"""Logging in and out, changing and resetting the password, keyboard use and language."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, field_label
from tests.conftest import PERSONAS

pytestmark = pytest.mark.browser

LEADER_EMAIL = "gruppledare-uddevalla@demo.simportal.local"
NEW_PASSWORD = "Fyrbodal-vintern-2027!"


def test_it_shows_a_swedish_error_summary_and_keeps_the_username_after_a_wrong_password(portal):
    page = portal.open("/konto/logga-in/")
    assert_accessible(page)

    portal.fill_login_form(PERSONAS["leader"], "fel-losenord-123")

    summary = page.get_by_role("alert")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text("Något behöver rättas innan du kan fortsätta")
    expect(summary).to_contain_text("Ange ett korrekt användarnamn och lösenord.")
    expect(page).to_have_url(portal.url("/konto/logga-in/"))
    expect(page.get_by_label(field_label("Användarnamn"))).to_have_value(PERSONAS["leader"])
    expect(page.get_by_label(field_label("Lösenord"))).to_have_value("")
    assert_accessible(page)


def test_it_logs_out_through_the_header_button(portal):
    page = portal.log_in("leader")

    page.get_by_role("banner").get_by_role("button", name="Logga ut", exact=True).click()

    expect(page).to_have_url(portal.url("/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("SIM-portalen")
    expect(page.get_by_role("button", name="Logga ut")).to_have_count(0)
    assert_accessible(page)
    page.goto(portal.url("/vem-ar-vem/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")


def test_it_changes_the_password_and_logs_in_with_the_new_one(portal):
    page = portal.log_in("leader")

    page.get_by_role("banner").get_by_role("link", name="Byt lösenord", exact=True).click()
    expect(page).to_have_url(portal.url("/konto/losenord/byt/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Byt lösenord")
    assert_accessible(page)

    page.get_by_label(field_label("Gammalt lösenord")).fill(portal.password)
    page.get_by_label(field_label("Nytt lösenord")).fill(NEW_PASSWORD)
    page.get_by_label(field_label("Bekräfta nytt lösenord")).fill(NEW_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Byt lösenord", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Lösenordet är bytt")
    assert_accessible(page)

    page.get_by_role("button", name="Logga ut", exact=True).click()
    portal.open("/konto/logga-in/")
    portal.fill_login_form(PERSONAS["leader"], portal.password)
    expect(page.get_by_role("alert")).to_contain_text("Ange ett korrekt användarnamn och lösenord.")

    portal.log_in("leader", password=NEW_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hej Eugenia")


def test_it_resets_a_forgotten_password_through_the_link_in_the_mail(portal, mailoutbox):
    page = portal.open("/konto/logga-in/")
    page.get_by_role("link", name="Glömt lösenordet?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Återställ lösenord")
    assert_accessible(page)

    page.get_by_label(field_label("E-postadress")).fill(LEADER_EMAIL)
    page.get_by_role("button", name="Skicka länk", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Titta i din e-post")
    assert_accessible(page)
    # The live server runs in this process, so its locmem outbox is the test's.
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [LEADER_EMAIL]
    assert message.subject == "Nytt lösenord till SIM-portalen"
    link = re.search(r"https?://\S+/konto/losenord/aterstall/[^/\s]+/[^/\s]+/", message.body)
    assert link, f"no reset link in the mail:\n{message.body}"
    assert link.group().startswith(portal.url("/"))

    page.goto(link.group())
    expect(page.get_by_role("heading", level=1)).to_have_text("Välj nytt lösenord")
    assert_accessible(page)
    page.get_by_label(field_label("Nytt lösenord")).fill(NEW_PASSWORD)
    page.get_by_label(field_label("Bekräfta nytt lösenord")).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Spara nytt lösenord", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Lösenordet är sparat")
    assert_accessible(page)
    page.get_by_role("link", name="Logga in med ditt nya lösenord").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")
    portal.fill_login_form(PERSONAS["leader"], NEW_PASSWORD)
    expect(page).to_have_url(portal.url("/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Hej Eugenia")


def test_it_moves_focus_to_the_main_content_through_the_skip_link(portal):
    page = portal.log_in("leader")
    skip_link = page.get_by_role("link", name="Hoppa till innehållet")

    page.keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()

    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()


def test_it_switches_the_page_to_english_and_back(portal):
    page = portal.open("/konto/logga-in/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")

    page.get_by_role("button", name="In English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(portal.url("/konto/logga-in/"))
    assert_accessible(page)

    page.get_by_role("button", name="På svenska").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")

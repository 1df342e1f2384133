"""An administrator invites a new person, who chooses a password from the e-mail and logs in."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Portal, assert_accessible, field_label

pytestmark = pytest.mark.browser

PASSWORD = "Kustljus-i-Lysekil-2027"


def test_it_invites_a_person_who_chooses_a_password_from_the_email_and_logs_in(
    portal, smtp_server, browser, browser_context_args
):
    page = portal.log_in("project_leader")
    page.get_by_role("link", name="Administrera").click()
    portal.open("/admin/partnership/user/add/")
    page.get_by_label(re.compile(r"^Användarnamn")).fill("nina-ny")
    page.get_by_label(re.compile(r"^Förnamn")).fill("Nina")
    page.get_by_label(re.compile(r"^Efternamn")).fill("Ny")
    page.get_by_label(re.compile(r"^E-postadress")).fill("nina.ny@example.se")
    expect(page.get_by_label(re.compile(r"^Lösenord"))).to_have_count(0)  # nobody sets it for them
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text(
        "En inbjudan att välja lösenord skickas till nina.ny@example.se"
    )

    [message] = smtp_server.wait_for(1)
    assert message["To"] == "nina.ny@example.se"
    assert message["Subject"].strip() == "Välkommen till SIM-portalen – välj ditt lösenord"
    text = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://\S+/konto/inbjudan/[^/\s]+/[^/\s]+/", text)
    assert link, text
    assert link.group().startswith(portal.url("/"))

    invitee = Portal(browser.new_context(**browser_context_args).new_page(), portal.base_url, PASSWORD)
    own = invitee.open(link.group().removeprefix(portal.base_url))
    expect(own.get_by_role("heading", level=1)).to_have_text("Välj ditt lösenord")
    expect(own.get_by_role("main")).to_contain_text("Ditt användarnamn är nina-ny")
    assert_accessible(own)
    own.get_by_label(field_label("Nytt lösenord")).fill(PASSWORD)
    own.get_by_label(field_label("Bekräfta nytt lösenord")).fill(PASSWORD)
    own.get_by_role("button", name="Spara lösenordet", exact=True).click()

    expect(own.get_by_role("heading", level=1)).to_have_text("Lösenordet är sparat")
    assert_accessible(own)
    own.get_by_role("link", name="Logga in med ditt nya lösenord").click()
    invitee.fill_login_form("nina-ny", PASSWORD)
    expect(own).to_have_url(portal.url("/"))
    expect(own.get_by_role("heading", level=1)).to_have_text("Hej Nina")

    # The link is used: opened again, it says so and what to do.
    own.goto(link.group())
    expect(own.get_by_role("main")).to_contain_text("Länken fungerar inte längre")
    assert_accessible(own)

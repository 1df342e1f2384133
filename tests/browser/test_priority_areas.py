"""The call's priority areas in a real browser: the group ticks two areas and says how for each,
checks its answers and sends; the project leader filters the inbox by one of them. axe checks
every page."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, field_label
from tests.factories import complete_application, signed_again, submitted_application

pytestmark = pytest.mark.browser


def test_the_group_ticks_and_explains_two_areas_and_the_inbox_filters_by_one(portal, demo):
    call = demo.call()
    group = demo.working_group("Uddevalla")
    # Another application, on reading and language only (what ``complete_application`` ticks).
    submitted_application(call=call, working_group=group, title="Läsombud i förskolan")
    application = complete_application(call, group, title="Samtal och föräldrastöd", by=demo.person("leader"))

    page = portal.log_in("leader")
    portal.open(f"/ansokningar/{application.pk}/avsnitt/priority_areas/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Prioriterade områden")
    assert_accessible(page)

    # Reading and language is not what this one is about; mental health and parents are.
    page.get_by_label(field_label("Insatsen tar upp läsning och språk")).uncheck()
    page.get_by_label(field_label("Läsning och språk: hur insatsen arbetar med området")).fill("")
    page.get_by_label(field_label("Insatsen tar upp psykisk hälsa")).check()
    page.get_by_label(field_label("Psykisk hälsa: hur insatsen arbetar med området")).fill(
        "Samtalsgrupper i skolan med elevhälsan och BUP."
    )
    page.get_by_label(field_label("Insatsen tar upp föräldrar som resurs")).check()
    page.get_by_role("button", name="Spara", exact=True).click()
    # Saving is allowed with a ticked area unexplained; sending is not.
    expect(page.get_by_text("Avsnittet ”Prioriterade områden” är sparat.")).to_be_visible()
    expect(page.get_by_label(field_label("Insatsen tar upp föräldrar som resurs"))).to_be_checked()
    assert_accessible(page)
    portal.open(f"/ansokningar/{application.pk}/skicka-in/")
    missing = page.get_by_role("link", name=re.compile("Beskriv hur insatsen arbetar med det prioriterade området"))
    expect(missing).to_have_count(1)
    assert_accessible(page)
    missing.click()
    how = page.get_by_label(field_label("Föräldrar som resurs: hur insatsen arbetar med området"))
    how.fill("Föräldraträffar på BVC och i förskolan.")
    page.get_by_role("button", name="Spara och gå tillbaka till sammanfattningen").click()

    # The summary shows both areas and how; nothing is missing, so it can be sent.
    areas = page.get_by_role("region", name="Prioriterade områden")
    expect(areas).to_contain_text("Samtalsgrupper i skolan med elevhälsan och BUP.")
    expect(areas).to_contain_text("Föräldraträffar på BVC och i förskolan.")
    expect(areas).not_to_contain_text("Läsning och språk")
    assert_accessible(page)
    # The edits voided the principals' signatures: they sign the application as it now reads.
    signed_again(application)
    page.reload()
    page.get_by_role("button", name="Skicka in").click()
    expect(page).to_have_url(re.compile(rf"/ansokningar/{application.pk}/inskickad/"))

    # The project leader filters the inbox by mental health: only this one.
    portal.page.context.clear_cookies()
    page = portal.log_in("project_leader")
    portal.open("/ansokningar/inkorg/")
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(3)
    filters = page.get_by_role("group", name="Prioriterade områden")
    filters.get_by_label(f"Psykisk hälsa ({call.name})", exact=True).check()
    assert_accessible(page)
    page.get_by_role("button", name="Visa", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="visas")).to_contain_text("1 ansökan visas")
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text("Samtal och föräldrastöd")
    chosen = page.get_by_role("group", name="Prioriterade områden").get_by_label(f"Psykisk hälsa ({call.name})")
    expect(chosen).to_be_checked()
    assert_accessible(page)

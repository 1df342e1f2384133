"""The region-wide demo partnership (SIM Västra Götaland, ages 0–15, Borås outside Fyrbodal) in a
real browser, from the group leader's start page to RUN's decision letter. The steps that are not
the point here (triage, the steering group's meeting, RUN's decision) go through the services;
the start page, the application and the letter are what the group leader sees. axe checks each page."""

import re
import subprocess

import pytest
from playwright.sync_api import expect

from decisions import letters
from tests.browser.conftest import assert_accessible
from tests.factories import decided_through_services, recommended_through_services

pytestmark = pytest.mark.browser

TITLE = "Föräldrastöd i Borås förskolor"


def test_the_region_wide_group_goes_from_its_start_page_to_the_decision_letter(portal, demo_region, tmp_path):
    call = demo_region.call()
    page = portal.open("/")
    expect(page.locator("#partnerships")).to_contain_text("insatser för barn 0–15 år i hela Västra Götalandsregionen")
    assert_accessible(page)

    portal.open("/konto/logga-in/")
    portal.fill_login_form("gruppledare-boras", portal.password)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hej Sofia")
    open_calls = page.get_by_role("list").filter(has=page.get_by_role("link", name=call.name))
    expect(open_calls).to_contain_text("för barn 0–15 år")
    expect(page.get_by_role("link", name=re.compile("SIM spår 2"))).to_have_count(0)
    expect(page.locator("footer")).to_contain_text("SIM Västra Götaland, hela regionen")
    expect(page.locator("footer")).not_to_contain_text("Fyrbodal")
    assert_accessible(page)

    application, _meeting = recommended_through_services(
        call=call, working_group=demo_region.working_group("Borås"), title=TITLE
    )
    _case, decision = decided_through_services(
        application, secretariat=demo_region.person("secretariat"), outcome="approved", with_letter=False
    )
    letter = letters.letter_store(decision.pk)

    page.reload()
    page.get_by_role("link", name=re.compile(re.escape(TITLE))).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("heading", name="Beslutsbrev från RUN")).to_be_visible()
    assert_accessible(page)
    link = page.get_by_role("link", name="Beslutsbrev (PDF)")

    response = page.request.get(portal.url(link.get_attribute("href")))

    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "beslutsbrev.pdf"
    pdf.write_bytes(response.body())
    assert pdf.read_bytes() == letter.pdf.open("rb").read()
    text = subprocess.run(  # noqa: S603 - poppler's pdftotext on the downloaded file
        ["/usr/bin/pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert TITLE in " ".join(text.split())
    assert "Fyrbodal" not in text

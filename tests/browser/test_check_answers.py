"""Sending an application in the browser: check your answers (Ändra returns to the summary), the
confirmation with its PDF, the group's receipt with the PDF attached, and read-only sections after."""

import io
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from applications import services
from applications.demo import sign_as_demo
from tests.browser.conftest import assert_accessible, field_label
from tests.browser.test_reflow import assert_reflows, log_in
from tests.factories import complete_application

pytestmark = pytest.mark.browser

TITLE = "Läslust i Dalaberg"


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


def test_the_group_checks_its_answers_sends_and_gets_the_pdf_and_a_receipt(portal, demo):
    leader = demo.person("leader")
    application = complete_application(
        demo.call(), demo.working_group("Uddevalla"), title=TITLE, by=leader, purpose="", signed=False
    )
    summary = portal.url(f"/ansokningar/{application.pk}/skicka-in/")
    reference = f"SIM {timezone.localdate().year}/0001"

    page = portal.log_in("leader")
    portal.open(f"/ansokningar/{application.pk}/")
    page.get_by_role("link", name="Skicka in").click()
    expect(page).to_have_url(summary)
    expect(page.get_by_role("heading", level=1)).to_have_text("Kontrollera ansökan innan du skickar in")
    expect(page.get_by_role("button", name="Skicka in")).to_have_count(0)
    problems = page.locator("#error-summary")
    expect(problems.get_by_role("heading", name="Syfte och problem")).to_be_visible()
    assert_accessible(page)

    # The problem links to its field; saving comes back to the summary.
    problems.get_by_role("link", name="Beskriv insatsens syfte.").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Syfte och problem")
    assert_accessible(page)
    page.get_by_label(field_label("Syfte")).fill("Fler barn i Dalaberg läser för nöjes skull.")
    page.get_by_role("button", name="Spara och gå tillbaka till sammanfattningen").click()
    expect(page).to_have_url(summary + "#summary-purpose")
    # Only the principals' signatures are missing now.
    expect(page.locator("#error-summary").get_by_role("heading", level=3)).to_have_text(
        ["Underskrifter från huvudmännen"]
    )
    expect(page.get_by_role("region", name="Syfte och problem")).to_contain_text("läser för nöjes skull")

    # "Ändra" on a section (its name is in the link for screen readers) returns here too.
    page.get_by_role("link", name="Ändra målgrupp").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Målgrupp")
    page.get_by_label(field_label("Målgrupp")).fill("Barn i Dalabergs förskolor och deras föräldrar.")
    page.get_by_role("button", name="Spara och gå tillbaka till sammanfattningen").click()
    expect(page).to_have_url(summary + "#summary-target_group")
    expect(page.get_by_role("region", name="Målgrupp")).to_contain_text("Dalabergs förskolor")
    assert_accessible(page)

    # Both principals sign the application as it now reads (their own pages have a test of their own).
    expect(page.locator("#error-summary")).to_contain_text("Ingen är utsedd att skriva under för regionen")
    sign_as_demo(application, by=leader)
    portal.open(f"/ansokningar/{application.pk}/skicka-in/")
    expect(page.locator("#error-summary")).to_have_count(0)

    # Send: the confirmation with the diarienummer, what happens next and the PDF.
    page.get_by_role("button", name="Skicka in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ansökan är inskickad")
    expect(page.locator(".confirmation-panel")).to_contain_text(reference)
    expect(page.get_by_role("heading", name="Vad händer nu")).to_be_visible()
    assert_accessible(page)
    link = page.get_by_role("link", name=f"Ansökan som PDF ({reference})")
    response = page.request.get(portal.url(link.get_attribute("href")))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.body())
    assert reference in text
    assert "läser för nöjes skull" in text

    # The receipt reached the group with the same PDF attached.
    (receipt,) = [m for m in mail.outbox if leader.email in m.to and "Kvitto" in m.subject]
    assert reference in receipt.subject
    assert "Vad händer nu" in receipt.body
    (_name, content, mimetype) = receipt.attachments[0]
    assert mimetype == "application/pdf"
    assert reference in pdf_text(content)

    # The application's page links to the PDF too; the sections now open read-only.
    page.get_by_role("link", name=f"Till ansökan ”{TITLE}”").click()
    expect(page.get_by_role("link", name=re.compile(r"Ansökan som den skickades in \(PDF"))).to_be_visible()
    portal.open(f"/ansokningar/{application.pk}/avsnitt/purpose/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Syfte och problem")
    expect(page.get_by_role("status")).to_contain_text("du kan inte ändra den nu")
    expect(page.get_by_role("status")).to_contain_text("återförvisar den för komplettering")
    expect(page.get_by_text("läser för nöjes skull")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Spara"))).to_have_count(0)
    assert_accessible(page)


def test_the_summary_the_confirmation_and_a_read_only_section_reflow_at_320_px(portal, demo):
    leader = demo.person("leader")
    draft = complete_application(demo.call(), demo.working_group("Uddevalla"), title="Utkast i Uddevalla", by=leader)
    sent = services.application_submit(
        application=complete_application(demo.call(), demo.working_group("Uddevalla"), title=TITLE, by=leader),
        by=leader,
    )
    log_in(portal, "leader")
    paths = [
        f"/ansokningar/{draft.pk}/skicka-in/",
        f"/ansokningar/{sent.pk}/inskickad/",
        f"/ansokningar/{sent.pk}/avsnitt/purpose/",
        f"/ansokningar/{sent.pk}/bilagor/",
    ]
    assert_reflows(portal, paths)
    for path in paths:  # and axe at 320 px
        portal.open(path)
        assert_accessible(portal.page)

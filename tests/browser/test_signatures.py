"""The principals' signatures in the browser: the group names a signatory for each principal (a new
person is invited by e-mail), each signatory reads the PDF and signs with their password, an edit
voids both signatures, and submission is refused until both have signed the current version."""

import io
import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from applications.models import Signature
from tests.browser.conftest import assert_accessible, field_label
from tests.browser.steps import log_in_as, log_out
from tests.factories import complete_application

pytestmark = pytest.mark.browser

TITLE = "Läsombud i Dalaberg"


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


def name_signatory(page: Page, principal: str, *, organisation: str, first: str, last: str, title: str, email: str):
    card = page.locator(f"#signatory-{principal}")
    if not card.get_by_label(field_label("Förnamn")).is_visible():
        card.locator("summary").click()
    card.get_by_label(field_label("Organisation")).select_option(label=organisation)
    card.get_by_label(field_label("Förnamn")).fill(first)
    card.get_by_label(field_label("Efternamn")).fill(last)
    card.get_by_label(field_label("Befattning")).fill(title)
    card.get_by_label(field_label("E-postadress")).fill(email)
    card.get_by_role("button", name="Utse och be om underskrift").click()


def sign_as(browser, browser_context_args, base_url: str, username: str, password: str, *, wrong_first=False) -> None:
    """The signatory logs in, finds the application on the start page, opens the PDF and signs."""
    page = log_in_as(browser, browser_context_args, base_url, username, password)
    signing = page.get_by_role("region", name="Ansökningar att skriva under")
    expect(signing).to_contain_text(TITLE)
    signing.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Skriv under ansökan")
    assert_accessible(page)
    link = page.get_by_role("link", name=re.compile(r"^Ansökan, version \d+ från .* \(PDF\)$"))
    response = page.request.get(base_url + link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert TITLE in pdf_text(response.body())
    if wrong_first:
        # Without the commitment and with a wrong password: Swedish errors, nothing recorded.
        page.get_by_label(field_label("Ditt lösenord")).fill("fel-lösenord")
        page.get_by_role("button", name="Skriv under").click()
        summary = page.locator("#error-summary")
        expect(summary).to_contain_text("Kryssa i att du har läst ansökan")
        expect(summary).to_be_focused()
        assert_accessible(page)
        page.get_by_label(re.compile(r"^\s*Jag har läst ansökan och förbinder min organisation")).check()
        page.get_by_label(field_label("Ditt lösenord")).fill("fel-lösenord")
        page.get_by_role("button", name="Skriv under").click()
        expect(page.locator("#error-summary")).to_contain_text("Lösenordet stämmer inte")
    page.get_by_label(re.compile(r"^\s*Jag har läst ansökan och förbinder min organisation")).check()
    page.get_by_label(field_label("Ditt lösenord")).fill(password)
    page.get_by_role("button", name="Skriv under").click()
    expect(page.locator(".messages")).to_contain_text("Din underskrift är registrerad")
    expect(page.get_by_role("heading", name="Du har skrivit under")).to_be_visible()
    assert_accessible(page)
    page.context.close()


def test_both_principals_sign_an_edit_voids_and_submission_waits_for_both(
    portal, demo, browser, browser_context_args, live_server
):
    leader = demo.person("leader")
    application = complete_application(
        demo.call(), demo.working_group("Uddevalla"), title=TITLE, by=leader, signed=False
    )
    signatures_url = f"/ansokningar/{application.pk}/underskrifter/"

    # The task list says the signatures are missing; submission is refused with them named.
    page = portal.log_in("leader")
    portal.open(f"/ansokningar/{application.pk}/")
    expect(page.get_by_role("link", name="Underskrifter från huvudmännen")).to_be_visible()
    portal.open(f"/ansokningar/{application.pk}/skicka-in/")
    problems = page.locator("#error-summary")
    expect(problems.get_by_role("heading", name="Underskrifter från huvudmännen")).to_be_visible()
    expect(problems).to_contain_text("Ingen är utsedd att skriva under för kommunen")
    expect(page.get_by_role("button", name="Skicka in")).to_have_count(0)

    # Naming: an empty form gets its errors summarised, each naming its field.
    problems.get_by_role("link", name=re.compile("Ingen är utsedd att skriva under för regionen")).click()
    expect(page).to_have_url(re.compile(re.escape(signatures_url)))
    expect(page.get_by_role("heading", level=1)).to_have_text("Underskrifter från huvudmännen")
    assert_accessible(page)
    page.locator("#signatory-region").get_by_role("button", name="Utse och be om underskrift").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Skriv förnamnet på den som skriver under.")
    expect(summary).to_contain_text("Skriv e-postadressen till den som skriver under.")
    expect(summary).to_be_focused()
    assert_accessible(page)

    # The region: the demo's manager at NU-sjukvården, who has an account.
    name_signatory(
        page,
        "region",
        organisation="NU-sjukvården",
        first="Helena",
        last="Åberg",
        title="Sjukhusdirektör",
        email="chef-nu-sjukvarden@demo.simportal.local",
    )
    expect(page.locator(".messages")).to_contain_text("Helena Åberg är utsedd att skriva under för regionen")
    # The municipality: first a person without an account (invited), then the demo's manager instead.
    name_signatory(
        page,
        "municipality",
        organisation="Uddevalla kommun",
        first="Ny",
        last="Chef",
        title="Förvaltningschef",
        email="ny.chef@uddevalla.example",
    )
    invited = [m for m in mail.outbox if "ny.chef@uddevalla.example" in m.to]
    assert any("Skriv under ansökan" in m.subject for m in invited)
    assert any("lösenord" in m.subject.lower() or "inbjudan" in m.subject.lower() for m in invited)
    name_signatory(
        page,
        "municipality",
        organisation="Uddevalla kommun",
        first="Marie",
        last="Lindberg",
        title="Kommundirektör",
        email="chef-uddevalla-kommun@demo.simportal.local",
    )
    expect(page.locator("#signatory-municipality")).to_contain_text("Marie Lindberg, Kommundirektör")
    expect(page.locator("#signatory-municipality")).to_contain_text("Väntar på underskrift")
    assert_accessible(page)

    # Each signs in their own browser.
    sign_as(browser, browser_context_args, live_server.url, "chef-nu-sjukvarden", demo.password, wrong_first=True)
    sign_as(browser, browser_context_args, live_server.url, "chef-uddevalla-kommun", demo.password)
    portal.open(signatures_url)
    expect(page.locator("#signatory-region")).to_contain_text("Underskriven")
    expect(page.locator("#signatory-municipality")).to_contain_text("Underskriven")
    expect(page.get_by_text("Båda huvudmännen har skrivit under ansökan som den ser ut nu.")).to_be_visible()
    signed = list(Signature.objects.filter(application=application))
    assert len(signed) == 2
    assert all(len(s.content_sha256) == 64 and len(s.pdf_sha256) == 64 for s in signed)

    # An edit voids both: the signatories are told, and sending waits for new signatures.
    portal.open(f"/ansokningar/{application.pk}/avsnitt/purpose/")
    page.get_by_label(field_label("Syfte")).fill("Fler barn i Dalaberg läser varje dag.")
    page.get_by_role("button", name=re.compile("^Spara")).first.click()
    expect(page.locator(".messages")).to_be_visible()
    voided = [m for m in mail.outbox if "Underskriften gäller inte längre" in m.subject]
    assert {address for m in voided for address in m.to} == {
        "chef-nu-sjukvarden@demo.simportal.local",
        "chef-uddevalla-kommun@demo.simportal.local",
    }
    portal.open(signatures_url)
    expect(page.locator("#signatory-region")).to_contain_text("Behöver skriva under igen")
    portal.open(f"/ansokningar/{application.pk}/skicka-in/")
    expect(page.locator("#error-summary")).to_contain_text("Regionen har inte skrivit under ansökan som den ser ut nu")
    expect(page.get_by_role("button", name="Skicka in")).to_have_count(0)

    portal.open(signatures_url)
    page.get_by_role("button", name="Be om underskrift på nuvarande version").click()
    expect(page.locator(".messages")).to_contain_text("Vi har bett")
    assert_accessible(page)
    sign_as(browser, browser_context_args, live_server.url, "chef-nu-sjukvarden", demo.password)
    sign_as(browser, browser_context_args, live_server.url, "chef-uddevalla-kommun", demo.password)

    # Now it goes: the application as sent lists both signatures.
    portal.open(f"/ansokningar/{application.pk}/skicka-in/")
    expect(page.get_by_role("region", name="Underskrifter från huvudmännen")).to_contain_text("underskriven")
    page.get_by_role("button", name="Skicka in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ansökan är inskickad")
    link = page.get_by_role("link", name=re.compile(r"^Ansökan som PDF"))
    text = pdf_text(page.request.get(portal.url(link.get_attribute("href"))).body())
    assert "Huvudmännens underskrifter" in text
    assert "Helena Åberg" in text
    assert "Marie Lindberg" in text
    log_out(page)


def test_a_signing_page_is_nobody_elses(portal, demo):
    leader = demo.person("leader")
    application = complete_application(demo.call(), demo.working_group("Uddevalla"), title=TITLE, by=leader)
    signatory = application.signatories.get(principal="region")
    page = portal.log_in("outsider")
    response = page.goto(portal.url(f"/ansokningar/underskrift/{signatory.pk}/"))
    assert response.status == 404
    version = application.signing_versions.get()
    response = page.goto(portal.url(f"/ansokningar/underskrift/version/{version.pk}/ansokan.pdf"))
    assert response.status == 404

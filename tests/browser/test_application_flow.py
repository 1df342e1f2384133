"""The whole path of one application in a real browser: the group leader writes it over
several saves and submits it, the project leader returns it for completion, the group
completes and resubmits it, and the project leader accepts it. axe checks every page."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from applications.demo import sign_as_demo
from applications.models import Application
from tests.browser.conftest import assert_accessible, field_label
from tests.browser.steps import log_out
from tests.factories import signed_again

pytestmark = pytest.mark.browser

TITLE = "Språkstöd i förskolan, Dalaberg"


def save_and_next(page: Page, saved_title: str) -> None:
    page.get_by_role("button", name="Spara och gå till nästa avsnitt").click()
    expect(page.get_by_role("alert").or_(page.locator(".alert-success"))).to_contain_text(
        f"Avsnittet ”{saved_title}” är sparat."
    )
    assert_accessible(page)


def test_it_takes_an_application_from_draft_to_complete(portal, demo):
    call = demo.call()
    start_year = call.run_meeting_on.year + 1
    page = portal.log_in("leader")

    # A new application.
    page.get_by_role("link", name="Ny ansökan").click()
    assert_accessible(page)
    page.get_by_label(field_label("Insatsens namn")).fill(TITLE)
    page.get_by_role("button", name="Skapa ansökan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("navigation", name="Avsnitt")).to_contain_text("Inte påbörjad")
    assert_accessible(page)

    # Basics.
    page.get_by_role("link", name="Grunduppgifter").click()
    assert_accessible(page)
    page.get_by_label(field_label("Projektägare")).select_option(label="NU-sjukvården")
    save_and_next(page, "Grunduppgifter")

    # Partners, one per save.
    expect(page.get_by_role("heading", level=1)).to_have_text("Samverkansparter")
    first = page.get_by_role("group", name="Samverkanspart 1")
    first.get_by_label(field_label("Enhet")).select_option(
        label="Närhälsan Dalaberg barnavårdscentral – Närhälsan (region)"
    )
    first.get_by_label(field_label("Roll i insatsen")).fill("BVC gör språkscreening vid 2,5 års ålder.")
    page.get_by_role("button", name="Spara", exact=True).click()
    second = page.get_by_role("group", name="Samverkanspart 2")
    second.get_by_label(field_label("Enhet")).select_option(label="Förskolan Uddevalla – Uddevalla kommun (kommun)")
    second.get_by_label(field_label("Roll i insatsen")).fill("Förskolan har ett språkombud per avdelning.")
    save_and_next(page, "Samverkansparter")

    # Purpose and problem: save half of it first, come back later.
    page.get_by_label(field_label("Syfte")).fill("Fler barn har ett åldersadekvat språk vid skolstart.")
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.get_by_label(field_label("Syfte"))).to_have_value(
        "Fler barn har ett åldersadekvat språk vid skolstart."
    )
    page.get_by_label(field_label("Problem och orsaker")).fill("Var fjärde femåring behöver språkstöd.")
    save_and_next(page, "Syfte och problem")

    # The call's priority areas: the one it addresses, and how.
    expect(page.get_by_role("heading", level=1)).to_have_text("Prioriterade områden")
    page.get_by_label(field_label("Insatsen tar upp läsning och språk")).check()
    page.get_by_label(field_label("Läsning och språk: hur insatsen arbetar med området")).fill(
        "Dialogisk läsning varje dag och språkombud på varje avdelning."
    )
    save_and_next(page, "Prioriterade områden")

    page.get_by_label(field_label("Målgrupp")).fill("Barn på förskolorna i Dalaberg och deras föräldrar.")
    page.get_by_label(field_label("Målgruppens ålder från")).fill("1")
    page.get_by_label(field_label("Målgruppens ålder till")).fill("6")
    page.get_by_label(field_label("Antal barn")).fill("140")
    page.get_by_label(field_label("Antal familjer")).fill("110")
    save_and_next(page, "Målgrupp")

    page.get_by_label(field_label("Innehåll och metod")).fill("Dialogisk läsning och språkombud.")
    page.get_by_label(field_label("Evidens")).fill("Dialogisk läsning har stöd i flera studier.")
    page.get_by_label(field_label("Barnrättsperspektiv")).fill("Barnen berättar själva vad de vill läsa.")
    save_and_next(page, "Innehåll, evidens och barnrätt")

    page.get_by_label(field_label("Startdatum")).fill(f"{start_year}-01-01")
    page.get_by_label(field_label("Slutdatum")).fill(f"{start_year + 1}-12-31")
    save_and_next(page, "Tidsperiod")

    # Budget, with the totals following what is typed.
    expect(page.get_by_role("heading", level=1)).to_have_text("Budget")
    for year in (start_year, start_year + 1):
        page.get_by_label(f"Kostnad {year}").fill("500000")
        page.get_by_label(f"Sökt från RUN {year}").fill("300000")
        page.get_by_label(f"Medfinansiering Närhälsan Dalaberg barnavårdscentral {year}").fill("100000")
        page.get_by_label(f"Medfinansiering Förskolan Uddevalla {year}").fill("100000")
    totals = page.locator("#budget-totals")
    expect(totals.locator("[data-total=requested]")).to_have_text("600 000 kr")
    expect(totals.locator("[data-total=cost]")).to_have_text("1 000 000 kr")
    save_and_next(page, "Budget")

    # The logic model, one row per save.
    levels = ["Resurser", "Aktiviteter", "Prestationer", "Kortsiktiga resultat", "Långsiktiga effekter"]
    for number, level in enumerate(levels, start=1):
        row = page.get_by_role("group", name=f"Rad {number}")
        row.get_by_label(field_label("Nivå")).select_option(label=level)
        row.get_by_label(field_label("Beskrivning")).fill(f"{level} för språkstödet")
        row.get_by_label(field_label("Indikator")).fill("Andel barn med åldersadekvat språk")
        row.get_by_label(field_label("Hur det mäts")).fill("Språkscreening varje termin")
        page.get_by_role("button", name="Spara", exact=True).click()
        expect(page.locator(".alert-success")).to_contain_text("Logikmodell")
    page.get_by_role("button", name="Spara och gå till nästa avsnitt").click()

    page.get_by_label(field_label("Uppföljningsplan")).fill("Enkät till föräldrar och personal före och efter.")
    page.get_by_label(field_label("Implementering efter finansieringen")).fill("Språkombuden blir ordinarie.")
    save_and_next(page, "Uppföljning och implementering")

    # The self-assessment: nine criteria.
    for group in page.get_by_role("group").all():
        group.get_by_label(re.compile("uppfylls kriteriet")).select_option(label="Ja")
        group.get_by_label(re.compile("motivering")).fill("Se ansökans beskrivning.")
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("Självskattning")
    assert_accessible(page)

    # Both principals sign (their own pages have a browser test of their own), then the leader submits.
    sign_as_demo(Application.objects.get(title=TITLE))
    page.get_by_role("link", name=f"Tillbaka till ”{TITLE}”").click()
    expect(page.get_by_role("navigation", name="Avsnitt")).not_to_contain_text("Påbörjad")
    page.get_by_role("link", name="Skicka in").click()
    assert_accessible(page)
    page.get_by_role("button", name="Skicka in").click()
    reference = f"SIM {timezone.localdate().year}/0001"
    expect(page.get_by_role("heading", level=1)).to_have_text("Ansökan är inskickad")
    expect(page.locator(".confirmation-panel")).to_contain_text(reference)
    assert_accessible(page)
    page.get_by_role("link", name=f"Till ansökan ”{TITLE}”").click()
    expect(page.locator(".application-facts")).to_contain_text("Inskickad")
    assert_accessible(page)
    log_out(page)

    # The project leader asks for completion.
    page = portal.log_in("project_leader")
    page.get_by_role("link", name=TITLE).click()
    assert_accessible(page)
    page.get_by_role("link", name="Återförvisa för komplettering").click()
    assert_accessible(page)
    page.get_by_role("button", name="Återförvisa för komplettering").click()
    expect(page.locator("#error-summary")).to_contain_text("Skriv ett meddelande")
    assert_accessible(page)
    page.get_by_label(field_label("Meddelande")).fill("Beskriv hur föräldrarna nås.")
    page.get_by_role("button", name="Återförvisa för komplettering").click()
    expect(page.locator(".application-facts")).to_contain_text("Återförvisad för komplettering")
    log_out(page)

    # The group completes and resubmits.
    page = portal.log_in("leader")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("region", name="Meddelanden")).to_contain_text("Beskriv hur föräldrarna nås.")
    page.get_by_role("link", name="Målgrupp").click()
    page.get_by_label(field_label("Målgrupp")).fill("Barn på förskolorna i Dalaberg; föräldrarna nås via BVC.")
    page.get_by_role("button", name="Spara", exact=True).click()
    page.get_by_role("link", name=f"Tillbaka till ”{TITLE}”").click()
    signed_again(Application.objects.get(title=TITLE))  # the completion is signed again
    page.get_by_role("link", name="Skicka in kompletteringen").click()
    page.get_by_role("button", name="Skicka in kompletteringen").click()
    expect(page.locator(".confirmation-panel")).to_contain_text(reference)
    page.get_by_role("link", name=f"Till ansökan ”{TITLE}”").click()
    expect(page.locator(".application-facts")).to_contain_text("Inskickad")
    expect(page.locator(".application-facts")).to_contain_text(reference)
    log_out(page)

    # The project leader sees what changed and accepts.
    page = portal.log_in("project_leader")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name=re.compile("se vad som ändrats")).click()
    expect(page.get_by_role("table")).to_contain_text("föräldrarna nås via BVC")
    assert_accessible(page)
    page.get_by_role("link", name=f"Tillbaka till ”{TITLE}”").click()
    page.get_by_role("link", name="Godkänn som komplett").click()
    page.get_by_role("button", name="Godkänn som komplett").click()
    expect(page.locator(".application-facts")).to_contain_text("Komplett")
    expect(page.get_by_role("region", name="Händelser")).to_contain_text("till ”Komplett”")
    assert_accessible(page)

"""The application's section forms in a real browser: the error summary takes the focus
after a failed save, long texts count their characters, dates are typed as written, and
rows of the partners and the logic model are added and removed in place (and without
JavaScript, by a plain submit). axe checks every page."""

import re

import pytest
from django.http import QueryDict
from playwright.sync_api import Page, expect

from applications import services
from applications.forms import PartnerFormSet
from applications.models import CoFinancing, LogicModelRow, Partner
from partnership.models import Unit
from tests.browser.conftest import Portal, assert_accessible, field_label
from tests.conftest import PERSONAS

pytestmark = pytest.mark.browser


@pytest.fixture
def draft(demo):
    return services.application_create(
        call=demo.call(),
        working_group=demo.working_group("Uddevalla"),
        title="Läsfrämjande BVC",
        by=demo.person("leader"),
    )


def open_section(portal, draft, key: str) -> Page:
    page = portal.log_in("leader")
    portal.open(f"/ansokningar/{draft.pk}/avsnitt/{key}/")
    assert_accessible(page)
    return page


def test_it_focuses_the_error_summary_after_a_failed_save_and_its_link_focuses_the_field(portal, draft):
    page = open_section(portal, draft, "period")
    page.get_by_label(field_label("Startdatum")).fill("2027-05-01")
    page.get_by_label(field_label("Slutdatum")).fill("2027-04-01")
    page.get_by_label(field_label("Slutdatum")).press("Enter")
    summary = page.get_by_role("alert").filter(has_text="Något behöver rättas")
    expect(summary).to_be_focused()
    assert_accessible(page)
    # From the summary, the keyboard reaches the link and the link moves focus to the field.
    page.keyboard.press("Tab")
    link = summary.get_by_role("link", name=re.compile("Slutdatum måste ligga efter startdatum"))
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label(field_label("Slutdatum"))).to_be_focused()
    expect(page.get_by_label(field_label("Slutdatum"))).to_have_value("2027-04-01")


def test_it_accepts_a_date_as_typed_and_explains_an_impossible_one(portal, draft):
    page = open_section(portal, draft, "period")
    start = page.get_by_label(field_label("Startdatum"))
    assert start.get_attribute("type") == "text"
    assert start.get_attribute("inputmode") == "numeric"
    expect(page.get_by_text("Skriv datum som ÅÅÅÅ-MM-DD, t.ex. 2027-04-01.").first).to_be_visible()
    start.fill("2027-02-30")
    page.get_by_label(field_label("Slutdatum")).fill("2029-12-31")
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.locator("#error-summary")).to_contain_text("2027-02-30 finns inte – februari 2027 har 28 dagar")
    assert_accessible(page)
    page.get_by_label(field_label("Startdatum")).fill("2027-04-01")
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("Avsnittet ”Tidsperiod” är sparat.")
    expect(page.get_by_label(field_label("Startdatum"))).to_have_value("2027-04-01")
    expect(page.get_by_label(field_label("Slutdatum"))).to_have_value("2029-12-31")
    draft.refresh_from_db()
    assert draft.starts_on.isoformat() == "2027-04-01"


def test_it_counts_the_characters_left_and_announces_only_near_the_limit(portal, draft):
    page = open_section(portal, draft, "purpose")
    purpose = page.get_by_label(field_label("Syfte"))
    count = page.locator("#id_purpose-count")
    spoken = page.locator("#id_purpose-count-status")
    expect(count).to_have_text("Du har 3\u00a0000 tecken kvar")
    assert spoken.get_attribute("aria-live") == "polite"
    purpose.fill("Fler barn läser.")
    expect(count).to_have_text("Du har 2\u00a0984 tecken kvar")
    page.wait_for_timeout(1300)
    expect(spoken).to_have_text("")  # far from the limit: nothing is announced
    purpose.fill("x" * 2990)
    expect(count).to_have_text("Du har 10 tecken kvar")
    expect(spoken).to_have_text("Du har 10 tecken kvar", timeout=3000)
    purpose.fill("x" * 3005)
    expect(count).to_have_text("Du har 5 tecken för mycket")
    assert_accessible(page)
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.locator("#error-summary")).to_contain_text("Syfte får vara högst 3000 tecken, men är 3005.")


def test_it_adds_and_removes_logic_model_rows_in_place_without_losing_text(portal, draft):
    page = open_section(portal, draft, "logic_model")
    first = page.get_by_role("group", name="Rad 1")
    first.get_by_label(field_label("Nivå")).select_option(label="Långsiktiga effekter")
    first.get_by_label(field_label("Beskrivning")).fill("Fler barn klarar skolan.")
    url = page.url
    page.get_by_role("button", name="Lägg till en rad").click()
    second = page.get_by_role("group", name="Rad 2")
    expect(second.get_by_label(field_label("Nivå"))).to_be_focused()
    expect(page.locator("#id_logic_rows-1-description-count")).to_have_text("Du har 1\u00a0000 tecken kvar")
    assert page.url == url  # in place: no new page
    expect(first.get_by_label(field_label("Beskrivning"))).to_have_value("Fler barn klarar skolan.")
    second.get_by_label(field_label("Nivå")).select_option(label="Resurser")
    second.get_by_label(field_label("Beskrivning")).fill("Två språkombud.")
    page.get_by_role("button", name="Lägg till en rad").click()
    third = page.get_by_role("group", name="Rad 3")
    third.get_by_label(field_label("Beskrivning")).fill("En rad som ska bort.")
    page.get_by_role("button", name="Ta bort rad 3").click()
    expect(page.get_by_role("group", name="Rad 3")).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="Raden är borttagen")).to_have_count(1)
    expect(page.get_by_role("button", name="Lägg till en rad")).to_be_focused()
    page.mouse.move(0, 0)  # no button left half-way through its hover colours when axe looks
    page.wait_for_timeout(300)
    assert_accessible(page)
    assert not LogicModelRow.objects.filter(application=draft).exists()  # nothing saved per row
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("Avsnittet ”Logikmodell” är sparat.")
    # The model reads in its own order: resources before long-term effects.
    expect(page.get_by_role("group", name="Rad 1").get_by_label(field_label("Beskrivning"))).to_have_value(
        "Två språkombud."
    )
    expect(page.get_by_role("group", name="Rad 2").get_by_label(field_label("Beskrivning"))).to_have_value(
        "Fler barn klarar skolan."
    )
    assert LogicModelRow.objects.filter(application=draft).count() == 2


def test_it_adds_and_removes_a_partner_in_place(portal, draft):
    page = open_section(portal, draft, "partners")
    first = page.get_by_role("group", name="Samverkanspart 1")
    first.get_by_label(field_label("Enhet")).select_option(
        label="Närhälsan Dalaberg barnavårdscentral – Närhälsan (region)"
    )
    first.get_by_label(field_label("Roll i insatsen")).fill("BVC gör språkscreening.")
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("Samverkansparter")
    page.get_by_role("button", name="Lägg till en samverkanspart").click()
    second = page.get_by_role("group", name="Samverkanspart 3")
    expect(second.get_by_label(field_label("Enhet"))).to_be_focused()
    second.get_by_label(field_label("Enhet")).select_option(label="Förskolan Uddevalla – Uddevalla kommun (kommun)")
    second.get_by_label(field_label("Roll i insatsen")).fill("Förskolan har språkombud.")
    # The empty row the page offered is removed; the saved partner is removed too.
    page.get_by_role("button", name="Ta bort samverkanspart 2").click()
    expect(page.get_by_role("group", name=re.compile("^Samverkanspart"))).to_have_count(2)
    page.get_by_role("button", name="Ta bort samverkanspart 1").click()
    expect(page.get_by_role("group", name=re.compile("^Samverkanspart"))).to_have_count(1)
    expect(
        page.get_by_role("group", name="Samverkanspart 1").get_by_label(field_label("Roll i insatsen"))
    ).to_have_value("Förskolan har språkombud.")
    assert Partner.objects.filter(application=draft).count() == 1  # nothing saved yet
    assert_accessible(page)
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("Samverkansparter")
    assert [p.role for p in Partner.objects.filter(application=draft)] == ["Förskolan har språkombud."]


def test_without_javascript_a_plain_submit_adds_and_removes_a_row(
    transactional_db, browser, browser_context_args, live_server, demo, draft
):
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    page = context.new_page()
    person = Portal(page, live_server.url, demo.password)
    person.open("/konto/logga-in/")
    person.fill_login_form(PERSONAS["leader"], demo.password)
    person.open(f"/ansokningar/{draft.pk}/avsnitt/logic_model/")
    page.get_by_role("group", name="Rad 1").get_by_label(field_label("Beskrivning")).fill("Två språkombud.")
    page.get_by_role("button", name="Lägg till en rad").click()
    expect(page.get_by_role("group", name="Rad 2")).to_be_visible()
    expect(page.get_by_role("group", name="Rad 1").get_by_label(field_label("Beskrivning"))).to_have_value(
        "Två språkombud."
    )
    expect(page.locator("#error-summary")).to_have_count(0)
    page.get_by_role("group", name="Rad 2").get_by_label(field_label("Beskrivning")).fill("Borttagen.")
    page.get_by_role("button", name="Ta bort rad 2").click()
    expect(page.get_by_role("group", name="Rad 2")).to_have_count(0)
    assert not LogicModelRow.objects.filter(application=draft).exists()
    context.close()


def test_it_finds_a_unit_the_list_does_not_show_and_saves_it(portal, draft):
    page = open_section(portal, draft, "partners")
    unit = page.get_by_role("group", name="Samverkanspart 1").get_by_label(field_label("Enhet"))
    expect(unit.locator("option", has_text="BUP NU-sjukvården")).to_have_count(0)
    search = page.get_by_role("search", name="Sök en enhet som inte finns i listan")
    search.get_by_label("Enhetens eller organisationens namn").fill("BUP")
    search.get_by_role("button", name="Sök enhet").click()
    expect(page.get_by_role("status").filter(has_text="En enhet hittades för ”BUP”")).to_be_visible()
    assert_accessible(page)
    first = page.get_by_role("group", name="Samverkanspart 1")
    first.get_by_label(field_label("Enhet")).select_option(label="BUP NU-sjukvården – NU-sjukvården (region)")
    first.get_by_label(field_label("Roll i insatsen")).fill("BUP handleder förskolans personal.")
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("Samverkansparter")
    assert [p.unit.name for p in Partner.objects.filter(application=draft)] == ["BUP NU-sjukvården"]


def with_partners(draft, by, *unit_names: str) -> None:
    data = QueryDict(mutable=True)
    data.update({"partners-TOTAL_FORMS": str(len(unit_names)), "partners-INITIAL_FORMS": "0"})
    for index, name in enumerate(unit_names):
        data.update({f"partners-{index}-unit": str(Unit.objects.get(name=name).pk), f"partners-{index}-role": "Roll."})
    formset = PartnerFormSet(data, instance=draft, prefix="partners")
    assert formset.is_valid(), formset.errors
    version = services.section_open(application=draft, key="partners").version
    services.section_save(application=draft, key="partners", version=version, by=by, form=formset)


def test_it_adds_and_removes_a_partners_co_financing_in_place(portal, demo, draft):
    with_partners(draft, demo.person("leader"), "Närhälsan Dalaberg barnavårdscentral", "Förskolan Uddevalla")
    page = open_section(portal, draft, "budget")
    year = draft.call.run_meeting_on.year
    page.get_by_label(f"Kostnad {year}").fill("400000")
    page.get_by_role("button", name="Ta bort medfinansieringen från Förskolan Uddevalla").click()
    expect(page.get_by_label(re.compile(rf"^Medfinansiering Förskolan Uddevalla {year}"))).to_have_count(0)
    expect(page.get_by_label(f"Kostnad {year}")).to_have_value("400000")
    expect(page.get_by_label("Samverkanspart som medfinansierar")).to_be_focused()
    page.mouse.move(0, 0)
    page.wait_for_timeout(300)
    assert_accessible(page)
    page.get_by_label("Samverkanspart som medfinansierar").select_option(label="Förskolan Uddevalla")
    page.get_by_role("button", name="Lägg till medfinansiering").click()
    added = page.get_by_label(re.compile(rf"^Medfinansiering Förskolan Uddevalla {year}"))
    expect(added).to_be_focused()
    added.fill("100000")
    page.get_by_label(f"Sökt från RUN {year}").fill("300000")
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("Avsnittet ”Budget” är sparat.")
    saved = CoFinancing.objects.get(
        budget_year__application=draft, budget_year__year=year, partner__unit__name="Förskolan Uddevalla"
    )
    assert saved.amount == 100000

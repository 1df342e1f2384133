"""A large agenda in a real browser, with the pages made small (two items a page, one application
offered at a time) so that a handful of applications makes several: the project leader finds an
application by searching, moves between the agenda's pages, has a summary with a personal identity
number refused on its item and corrects it; a member votes on the last page and comes back to it.
axe checks every page."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applications.models import Status
from reviews import selectors
from reviews import services as meetings
from reviews.models import Vote
from tests.browser.conftest import assert_accessible, field_label
from tests.browser.steps import log_in_as
from tests.factories import applications_through_services

pytestmark = pytest.mark.browser


def test_it_reads_a_large_agenda_page_by_page(portal, demo, browser, browser_context_args, monkeypatch):
    monkeypatch.setattr(selectors, "AGENDA_PAGE_SIZE", 2)
    monkeypatch.setattr(selectors, "CANDIDATES_SHOWN", 1)
    applications = applications_through_services(demo, 4, states=(Status.COMPLETE,))
    project_leader = demo.person("project_leader")
    meeting = meetings.meeting_schedule(
        steering_group=demo.steering_group(), starts_at=timezone.now(), place="Vänerparken", by=project_leader
    )
    for application in applications[:2]:
        meetings.agenda_add(meeting=meeting, application=application, summary="Väl förankrad.", by=project_leader)

    # The project leader finds the last application waiting by searching and puts it on the agenda.
    page = portal.log_in("project_leader")
    portal.open(f"/styrgrupp/moten/{meeting.pk}/dagordning/")
    expect(page.locator("#candidates-status")).to_contain_text("2 kompletta ansökningar väntar på ett möte.")
    expect(page.get_by_label(field_label("Ansökan")).locator("option")).to_have_count(2)
    assert_accessible(page)
    page.get_by_label("Sök bland de kompletta ansökningarna").fill(applications[3].title)
    page.get_by_role("button", name="Sök", exact=True).click()
    expect(page.locator("#candidates-status")).to_contain_text("1 komplett ansökan matchar")
    assert_accessible(page)
    page.get_by_label(field_label("Ansökan")).select_option(value=str(applications[3].pk))
    page.get_by_role("button", name="Lägg till på dagordningen").click()
    expect(page.locator(".messages")).to_contain_text("är § 3 på dagordningen")

    # The new item is on the agenda's second page, where the project leader lands.
    expect(page.get_by_role("heading", name=f"§ 3. {applications[3].title}")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"^§ 1\. "))).to_have_count(0)
    pages = page.get_by_role("navigation", name="Dagordningens sidor", exact=True)
    expect(pages.get_by_role("link", name="§ 3")).to_have_attribute("aria-current", "page")
    assert_accessible(page)

    # A summary with a personal identity number is refused on its item; the text is kept.
    summary = page.get_by_label("Sammanfattning av § 3")
    summary.fill("Barnet 19811218-9876 behöver stöd.")
    page.get_by_role("button", name="Spara sammanfattningen av § 3").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary")).to_contain_text("Sammanfattning av § 3")
    expect(summary).to_have_value("Barnet 19811218-9876 behöver stöd.")
    assert_accessible(page)
    page.locator("#error-summary").get_by_role("link").click()
    expect(summary).to_be_focused()
    summary.fill("Bygger på kartläggningen.")
    page.get_by_role("button", name="Spara sammanfattningen av § 3").click()
    expect(page.locator(".messages")).to_contain_text("Sammanfattningen för § 3 är sparad")
    expect(page.get_by_label("Sammanfattning av § 3")).to_have_value("Bygger på kartläggningen.")

    # Back to the first page through the page links, and publish.
    pages.get_by_role("link", name="§ 1–2").click()
    expect(page.get_by_role("heading", name=f"§ 1. {applications[0].title}")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Publicera dagordningen").click()
    expect(page.locator(".messages")).to_contain_text("Dagordningen är publicerad")
    assert_accessible(page)

    # A member reads the meeting page by page and votes on the last item, coming back to its page.
    member = log_in_as(browser, browser_context_args, portal.base_url, "styrgrupp", demo.password)
    member.goto(portal.url(f"/styrgrupp/moten/{meeting.pk}/"))
    expect(member.get_by_text("Här visas § 1–2 av 3 punkter.")).to_be_visible()
    member.get_by_role("navigation", name="Dagordningens sidor", exact=True).get_by_role("link", name="§ 3").click()
    assert_accessible(member)
    group = member.get_by_role("group", name=re.compile(r"^Din röst i § 3\b"))
    group.get_by_label("Avstår", exact=True).check()
    member.get_by_label("Kommentar till din röst i § 3").fill("Behöver mer underlag.")
    member.get_by_role("button", name="Spara rösten i § 3").click()
    expect(member.locator(".messages")).to_contain_text("Din röst på § 3 är sparad")
    expect(member).to_have_url(re.compile(r"\?sida=2#punkt-3$"))
    expect(member.get_by_role("group", name=re.compile(r"^Din röst i § 3\b")).get_by_label("Avstår")).to_be_checked()
    expect(member.get_by_label("Kommentar till din röst i § 3")).to_have_value("Behöver mer underlag.")
    assert_accessible(member)
    member.context.close()
    assert Vote.objects.get().comment == "Behöver mer underlag."

"""Steps that several browser tests take the same way: logging in as a person of one's own,
logging out, building and publishing a meeting's agenda, and voting."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import Portal, assert_accessible, field_label


def log_in_as(browser, browser_context_args, base_url: str, username: str, password: str) -> Page:
    """A browser of one's own for each person at the meeting; axe checks the login page."""
    page = browser.new_context(**browser_context_args).new_page()
    person = Portal(page, base_url, password)
    person.open("/konto/logga-in/")
    assert_accessible(page)
    person.fill_login_form(username, password)
    expect(page).to_have_url(base_url + "/")
    return page


def header_link(page: Page):
    """The header's "Aviseringar" link, whatever its unread badge says."""
    return page.locator("header").get_by_role("link", name=re.compile(r"^Aviseringar\b"))


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Logga ut").click()
    expect(page.get_by_role("link", name="Logga in").first).to_be_visible()


def publish_agenda(portal: Portal, page: Page, *, day: datetime.date, items: list[tuple], time: str = "13:00") -> str:
    """The project leader schedules a meeting on ``day`` at ``time``, puts ``items``
    ((application, summary), in order) on its agenda and publishes it; returns the meeting's address."""
    portal.open("/styrgrupp/moten/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Styrgruppsmöten")
    assert_accessible(page)
    page.get_by_role("link", name="Nytt möte").click()
    assert_accessible(page)
    page.get_by_label(field_label("Datum")).fill(day.isoformat())
    page.get_by_label(field_label("Klockslag")).fill(time)
    page.get_by_label(field_label("Plats")).fill("Vänerparken, Vänersborg")
    page.get_by_role("button", name="Lägg in mötet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Dagordning för styrgruppsmötet {day.isoformat()} {time}"
    )
    assert_accessible(page)
    for application, summary in items:
        page.get_by_label(field_label("Ansökan")).select_option(value=str(application.pk))
        page.get_by_label(field_label("Projektledarens sammanfattning")).fill(summary)
        page.get_by_role("button", name="Lägg till på dagordningen").click()
        expect(page.locator(".messages")).to_contain_text(application.title)
        assert_accessible(page)
    for position, (application, _summary) in enumerate(items, start=1):
        expect(page.get_by_role("heading", name=f"§ {position}. {application.title}")).to_be_visible()
    page.get_by_role("button", name="Publicera dagordningen").click()
    expect(page.locator(".messages")).to_contain_text("Dagordningen är publicerad")
    assert_accessible(page)
    return page.url


def vote(page: Page, position: int, choice: str, comment: str = "") -> None:
    group = page.get_by_role("group", name=re.compile(rf"^Din röst i § {position}\b"))
    group.get_by_label(choice, exact=True).check()
    if comment:
        page.get_by_label(f"Kommentar till din röst i § {position}").fill(comment)
    page.get_by_role("button", name=f"Spara rösten i § {position}").click()
    expect(page.locator(".messages")).to_contain_text(f"Din röst på § {position} är sparad")
    assert_accessible(page)


def soon() -> datetime.datetime:
    """A meeting time a few minutes from now, to the minute: the form takes only times ahead,
    and voting opens on the meeting's day. Travel to it (``time_machine``) before the votes."""
    return timezone.localtime(timezone.now() + datetime.timedelta(minutes=3)).replace(second=0, microsecond=0)

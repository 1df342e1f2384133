"""Editing and cancelling a published steering-group meeting in a real browser: the project
leader moves the meeting (a missing place is caught by the error summary), the members are
told, then the meeting is cancelled and its application is complete again. axe checks every page."""

import datetime
import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applications.models import Status
from notifications.models import Notification
from reviews.models import ItemOutcome, Meeting
from tests.browser.conftest import assert_accessible, field_label
from tests.browser.steps import publish_agenda
from tests.reviews.test_meetings import complete

pytestmark = pytest.mark.browser

TITLE = "Språkstöd i förskolan, Dalaberg"


def told(event: str, person) -> bool:
    """Whether the person has the notification; background work runs just after the commit."""
    for _attempt in range(50):
        if Notification.objects.filter(event=event, recipient=person).exists():
            return True
        time.sleep(0.1)
    return False


def test_it_edits_then_cancels_a_published_meeting(portal, demo):
    application = complete(demo, "Uddevalla", title=TITLE)
    day = timezone.localdate() + datetime.timedelta(days=10)
    moved = day + datetime.timedelta(days=2)

    page = portal.log_in("project_leader")
    meeting_url = publish_agenda(portal, page, day=day, items=[(application, "Väl förankrad i BVC.")])
    meeting = Meeting.objects.get()

    # Move the meeting two days on and make it a video meeting.
    page.goto(meeting_url)
    page.get_by_role("link", name="Ändra tid eller plats").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ändra styrgruppsmötet")
    expect(page.get_by_text("får styrgruppens ledamöter och adjungerade en avisering")).to_be_visible()
    assert_accessible(page)
    page.get_by_label(field_label("Datum")).fill(moved.isoformat())
    page.get_by_label(field_label("Plats")).fill("")
    page.get_by_role("button", name="Spara ändringen").click()
    expect(page.locator("#error-summary")).to_contain_text("Plats: Ange plats eller videolänk.")
    expect(page.get_by_label(field_label("Datum"))).to_have_value(moved.isoformat())
    assert_accessible(page)
    page.locator("#error-summary").get_by_role("link", name="Plats: Ange plats eller videolänk.").click()
    expect(page.get_by_label(field_label("Plats"))).to_be_focused()
    page.get_by_label(field_label("Videolänk")).fill("https://meet.vgregion.se/styrgrupp")
    page.get_by_role("button", name="Spara ändringen").click()
    expect(page.locator(".messages")).to_contain_text("Mötet är ändrat. Styrgruppens ledamöter får veta")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{moved.isoformat()} 13:00")
    expect(page.get_by_role("link", name="https://meet.vgregion.se/styrgrupp")).to_be_visible()
    assert_accessible(page)
    assert told("meeting_changed", demo.person("steering_member"))

    # Cancel it: the reason is required, then the application is complete again.
    page.get_by_role("link", name="Ställ in mötet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ställ in styrgruppsmötet")
    expect(page.get_by_role("listitem").filter(has_text=f"§ 1. {TITLE}")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Ställ in mötet").click()
    expect(page.locator("#error-summary")).to_contain_text("Skäl: Skriv varför mötet ställs in.")
    assert_accessible(page)
    page.get_by_label(field_label("Skäl")).fill("För få ledamöter kan komma.")
    page.get_by_role("button", name="Ställ in mötet").click()
    expect(page.locator(".messages")).to_contain_text("Mötet är inställt.")
    expect(page.get_by_role("heading", name="Mötet är inställt")).to_be_visible()
    expect(page.get_by_text("Skäl: För få ledamöter kan komma.")).to_be_visible()
    expect(page.locator("#punkt-1")).to_contain_text("Utgår: mötet ställdes in")
    expect(page.get_by_role("link", name="Ändra tid eller plats")).to_have_count(0)
    assert_accessible(page)

    application.refresh_from_db()
    assert application.status == Status.COMPLETE
    assert meeting.items.get().outcome == ItemOutcome.DROPPED
    assert told("meeting_cancelled", demo.person("steering_chair"))

    # The meeting list says so.
    portal.open("/styrgrupp/moten/")
    expect(page.get_by_role("row").filter(has_text="Inställt")).to_have_count(1)
    assert_accessible(page)

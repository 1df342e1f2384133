"""The minutes in a real browser: the project leader appoints the adjuster, the chair and the
adjuster approve, the page says "Justerat" and the final PDF downloads. axe checks every page."""

import re
import subprocess

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from reviews import services as review_services
from reviews.models import Minutes
from tests.browser.conftest import assert_accessible, field_label
from tests.decisions.test_run import hold_meeting
from tests.factories import accepted_application
from tests.reviews.test_meetings import meeting_with
from tests.reviews.test_minutes import build_meeting

pytestmark = pytest.mark.browser


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Logga ut").click()
    expect(page.get_by_role("link", name="Logga in").first).to_be_visible()


def open_minutes(portal, meeting) -> Page:
    page = portal.open(f"/styrgrupp/protokoll/{meeting.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Protokoll")
    assert_accessible(page)
    return page


def approve(page: Page) -> None:
    page.get_by_role("link", name="Justera protokollet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Justera protokollet")
    assert_accessible(page)
    page.get_by_label(field_label("Jag har läst protokollet och justerar det.")).check()
    page.get_by_role("button", name="Justera", exact=True).click()


def test_the_minutes_are_appointed_approved_locked_and_downloaded(portal, demo, tmp_path):
    meeting = build_meeting(demo)

    # The project leader appoints Karin Ek, who was present and votes.
    page = portal.log_in("project_leader")
    page = open_minutes(portal, meeting)
    expect(page.get_by_role("heading", level=2, name=re.compile(r"^§ 1\. "))).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("^Röster i § 2"))).to_contain_text("Avstår")
    expect(page.locator(".quorum")).to_contain_text("Styrgruppen är beslutför")
    page.get_by_role("link", name="Utse justerare").click()
    assert_accessible(page)
    page.get_by_label("Karin Ek").check()
    page.get_by_role("button", name="Utse justerare").click()
    expect(page.locator(".messages")).to_contain_text("Karin Ek är utsedd att justera protokollet.")
    assert_accessible(page)
    log_out(page)

    # The chair approves first.
    portal.log_in("steering_chair")
    page = open_minutes(portal, meeting)
    approve(page)
    expect(page.locator(".messages")).to_contain_text("Det låses när båda har justerat.")
    expect(page.locator("#minutes-status")).to_contain_text("Utkast")
    assert_accessible(page)
    log_out(page)

    # The adjuster approves: the minutes lock and the final PDF is stored after the commit.
    portal.log_in("steering_member")
    page = open_minutes(portal, meeting)
    approve(page)
    expect(page.locator(".messages")).to_contain_text("Protokollet är justerat och låst.")
    expect(page.locator("#minutes-status")).to_contain_text("Justerat")
    expect(page.get_by_role("link", name="Justera protokollet")).to_have_count(0)
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ladda ner protokollet (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("protokoll-styrgrupp-")
    path = tmp_path / "protokoll.pdf"
    download.save_as(path)
    content = path.read_bytes()
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.is_locked
    assert content == minutes.pdf.read()
    text = subprocess.run(  # noqa: S603 - poppler's pdftotext on the downloaded file
        ["/usr/bin/pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Justerat" in text
    assert "§ 1. Språkförskola på Dalaberg" in text
    assert "Regionens Hus" in text
    assert "Styrgruppen är beslutför" in text
    assert f"Protokollet justerades {timezone.localtime(minutes.locked_at).date().isoformat()}." in " ".join(
        text.split()
    )


def test_a_withdrawn_item_is_closed_and_the_minutes_are_approved(portal, demo):
    kept = accepted_application(demo, "Munkedal", title="Familj i fokus")
    withdrawn = accepted_application(demo, title="Språkstöd i förskolan")
    meeting = meeting_with(demo, kept, withdrawn)

    # The group leader withdraws the application that stands as § 2 on the published agenda.
    page = portal.log_in("leader")
    portal.open(f"/ansokningar/{withdrawn.pk}/")
    page.get_by_role("link", name="Återta ansökan").click()
    expect(page.get_by_text("Punkten avslutas som återtagen och det står i protokollet.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label(field_label("Skäl")).fill("Vi väntar tills kartläggningen är klar.")
    page.get_by_role("button", name="Återta ansökan").click()
    expect(page.get_by_text("Ärendet avslutat som återtaget")).to_be_visible()
    assert_accessible(page)
    log_out(page)

    # The meeting is held on § 1; the chair and the adjuster approve the minutes.
    hold_meeting(meeting, approve_minutes=False)
    review_services.minutes_prepare(
        meeting=meeting, adjuster=demo.person("steering_member"), by=demo.person("steering_chair")
    )
    for persona in ["steering_chair", "steering_member"]:
        portal.log_in(persona)
        page = open_minutes(portal, meeting)
        expect(page.get_by_role("heading", level=2, name="§ 2. Språkstöd i förskolan")).to_be_visible()
        expect(page.get_by_text("Ansökan återtagen av arbetsgruppen")).to_be_visible()
        approve(page)
        assert_accessible(page)
        log_out(page)
    assert Minutes.objects.get(meeting=meeting).is_locked

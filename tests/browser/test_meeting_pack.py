"""The meeting pack in a real browser: a steering-group member follows the link from the meeting
page to the items compared side by side (axe clean, also at 320 px), then downloads the pack and
the PDF holds every item's title."""

import re
import subprocess

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.browser.test_reflow import assert_reflows
from tests.factories import accepted_application, published_agenda

pytestmark = pytest.mark.browser

TITLES = ("Språkstöd i förskolan", "Familj i fokus")


@pytest.fixture
def meeting(demo):
    return published_agenda(
        demo, [accepted_application(demo, title=TITLES[0]), accepted_application(demo, "Munkedal", title=TITLES[1])]
    )


def test_a_member_compares_the_items_and_downloads_the_pack(portal, meeting, tmp_path):
    page = portal.log_in("steering_member")
    portal.open(f"/styrgrupp/moten/{meeting.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Jämför punkterna sida vid sida").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jämför punkterna på styrgruppsmötet")
    table = page.get_by_role("table", name=re.compile(r"^Punkterna på styrgruppsmötet .* jämförda$"))
    expect(table.get_by_role("rowheader", name=re.compile(r"^§ 1\. Språkstöd i förskolan"))).to_be_visible()
    expect(table.get_by_role("rowheader", name=re.compile(r"^§ 2\. Familj i fokus"))).to_be_visible()
    expect(table.get_by_role("rowheader", name="Totalt, 2 punkter")).to_be_visible()
    expect(table.get_by_role("columnheader", name="Kronor per barn")).to_have_count(1)
    expect(page.get_by_text("Kvar om alla punkter tillstyrks som sökt")).to_be_visible()
    expect(page.get_by_text("Budgeten räcker om alla punkter tillstyrks som sökt.")).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ladda ner mötespaketet (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("motespaket-")
    path = tmp_path / "motespaket.pdf"
    download.save_as(path)
    assert path.read_bytes().startswith(b"%PDF-")
    text = subprocess.run(  # noqa: S603 - poppler's pdftotext on the downloaded file
        ["/usr/bin/pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Mötespaket" in text
    for title in TITLES:
        assert f"§ {TITLES.index(title) + 1}. {title}" in text

    # At 320 px the table stacks, each figure named by its column, and nothing scrolls sideways.
    assert_reflows(portal, [f"/styrgrupp/moten/{meeting.pk}/jamforelse/"])
    assert_accessible(page)

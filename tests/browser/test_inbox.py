"""The project leader's inbox in a real browser: filter, count, download, and give
Munkedal's group more time. axe checks every page."""

import csv
import datetime
import io
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applications import submission
from applications.models import Status
from tests.applications.test_inbox import bulk_registered, registered
from tests.browser.conftest import assert_accessible, field_label
from tests.factories import complete_application

pytestmark = pytest.mark.browser


def test_it_lets_the_project_leader_filter_export_and_extend_a_deadline(portal, demo):
    registered(demo, "Uddevalla", title="Språkstöd i Dalaberg")
    registered(demo, "Munkedal", title="Läslust i Munkedal", requested=(1_000_000, 234_567))
    registered(demo, "Munkedal", title="Föräldrastöd i Munkedal", state=Status.COMPLETE)
    late = complete_application(demo.call(), demo.working_group("Munkedal"), title="Sen ansökan från Munkedal")
    call = demo.call()
    page = portal.log_in("project_leader")

    # The inbox, with every registered application.
    portal.open("/ansokningar/inkorg/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inkorg")
    table = page.get_by_role("table")
    expect(table.get_by_role("row")).to_have_count(4)
    assert_accessible(page)

    # Filtered by municipality: Munkedal's two, counted per state.
    page.get_by_label("Kommun", exact=True).select_option(label="Munkedal")
    page.get_by_role("button", name="Visa", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="visas")).to_contain_text("2 ansökningar visas")
    counts = page.get_by_role("region", name="Antal per status")
    expect(counts).to_contain_text("Inskickad: 1")
    expect(counts).to_contain_text("Komplett: 1")
    expect(table.get_by_role("row")).to_have_count(3)
    row = table.get_by_role("row").filter(has=page.get_by_role("link", name="Läslust i Munkedal", exact=True))
    expect(row).to_contain_text("1 234 567 kr")
    expect(row).to_contain_text("2026-11-23")
    expect(row.get_by_role("link", name=re.compile("^Återförvisa för komplettering"))).to_be_visible()
    expect(table).not_to_contain_text("Språkstöd i Dalaberg")
    assert_accessible(page)

    # Sorted by title with the column header.
    page.get_by_role("columnheader", name="Insats").get_by_role("link").click()
    expect(page.get_by_role("columnheader", name="Insats")).to_have_attribute("aria-sort", "ascending")
    expect(table.get_by_role("row").nth(1)).to_contain_text("Föräldrastöd i Munkedal")

    # The filtered list as CSV, as Swedish Excel reads it.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ladda ned listan som CSV").click()
    download = download_info.value
    assert download.suggested_filename == f"inkorg-{timezone.localdate().isoformat()}.csv"
    with open(download.path(), "rb") as file:
        content = file.read()
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert [row[1] for row in rows[1:]] == ["Föräldrastöd i Munkedal", "Läslust i Munkedal"]

    # More time for Munkedal's group: first a mistake, then the real thing.
    page.get_by_role("link", name="Förläng tiden för en arbetsgrupp").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Förläng tiden för en arbetsgrupp")
    assert_accessible(page)
    page.get_by_role("button", name="Förläng tiden", exact=True).click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Välj den arbetsgrupp som ska få mer tid.")
    assert_accessible(page)

    new_deadline = timezone.localtime(call.deadline + datetime.timedelta(days=7))
    page.get_by_label(field_label("Utlysning")).select_option(label=call.name)
    page.get_by_label(field_label("Arbetsgrupp")).select_option(label="Lokal SIM-arbetsgrupp Munkedal")
    page.get_by_label(field_label("Ny sista dag och tid")).fill(new_deadline.strftime("%Y-%m-%d %H:%M"))
    page.get_by_label(field_label("Skäl")).fill("Kartläggningen i Munkedal blev klar först nu.")
    page.get_by_role("button", name="Förläng tiden", exact=True).click()

    shown = new_deadline.strftime("%Y-%m-%d %H:%M")
    expect(page.locator(".alert-success")).to_contain_text(f"Lokal SIM-arbetsgrupp Munkedal har nu till {shown}")
    extension = page.get_by_role("table").get_by_role("row").filter(has_text="Lokal SIM-arbetsgrupp Munkedal")
    expect(extension).to_contain_text(shown)
    expect(extension).to_contain_text("Kartläggningen i Munkedal blev klar först nu.")
    assert_accessible(page)

    a_day_late = call.deadline + datetime.timedelta(days=1)
    assert submission.problems(late, at=a_day_late) == []


def test_it_pages_through_a_long_inbox(portal, demo):
    bulk_registered(demo, 30)
    page = portal.log_in("project_leader")

    portal.open("/ansokningar/inkorg/?sort=reference")
    pages = page.get_by_role("navigation", name="Sidor i inkorgen")
    expect(pages.get_by_role("link", name="Sida 1", exact=True)).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(26)
    assert_accessible(page)

    pages.get_by_role("link", name="Nästa", exact=True).click()

    expect(
        page.get_by_role("navigation", name="Sidor i inkorgen").get_by_role("link", name="Sida 2")
    ).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(6)
    expect(page.get_by_role("table").get_by_role("row").nth(1)).to_contain_text("SIM 2026/0026")
    assert_accessible(page)

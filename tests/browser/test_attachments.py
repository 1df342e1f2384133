"""Attachments in a real browser: a file larger than the portal takes is stopped with a
warning before it is sent, and an ordinary file is uploaded. axe checks every state."""

import re

import pytest
from playwright.sync_api import expect

from applications import attachments, services
from applications.models import Attachment
from tests.applications.hostile_files import pdf_with_text
from tests.browser.conftest import assert_accessible, field_label

pytestmark = pytest.mark.browser


def test_it_warns_before_sending_a_file_that_is_too_large(portal, demo):
    application = services.application_create(
        call=demo.call(), working_group=demo.working_group("Uddevalla"), title="Med bilagor", by=demo.person("leader")
    )
    page = portal.log_in("member")
    portal.open(f"/ansokningar/{application.pk}/bilagor/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bilagor")
    assert_accessible(page)

    chooser = page.get_by_label(field_label("Fil"))
    too_large = {
        "name": "kartläggning.pdf",
        "mimeType": "application/pdf",
        "buffer": b"%PDF-" + b"0" * (attachments.MAX_BYTES + 1024 * 1024),
    }
    chooser.set_input_files(too_large)
    warning = page.get_by_role("alert").filter(has_text="större än 20 MB")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Filen du valt är 21,0 MB")
    expect(chooser).to_have_attribute("aria-invalid", "true")
    expect(chooser).to_have_attribute("aria-describedby", re.compile(r"\bid_file_size_warning\b"))
    assert_accessible(page)

    requests = []
    page.on("request", lambda request: requests.append(request) if request.method == "POST" else None)
    page.get_by_role("button", name="Ladda upp").click()
    expect(chooser).to_be_focused()
    expect(warning).to_be_visible()
    assert requests == []
    assert not Attachment.objects.exists()

    chooser.set_input_files(
        {"name": "kartläggning.pdf", "mimeType": "application/pdf", "buffer": pdf_with_text("Kartläggning 2026")}
    )
    expect(warning).to_be_hidden()
    expect(chooser).not_to_have_attribute("aria-invalid", "true")
    page.get_by_role("button", name="Ladda upp").click()
    expect(page.locator(".alert-success")).to_contain_text("Bilagan är uppladdad.")
    expect(page.get_by_role("link", name="kartläggning.pdf")).to_be_visible()
    assert_accessible(page)


def test_it_shows_why_a_file_was_refused(portal, demo):
    application = services.application_create(
        call=demo.call(), working_group=demo.working_group("Uddevalla"), title="Med bilagor", by=demo.person("leader")
    )
    page = portal.log_in("member")
    portal.open(f"/ansokningar/{application.pk}/bilagor/")
    page.get_by_label(field_label("Fil")).set_input_files(
        {"name": "lista.pdf", "mimeType": "application/pdf", "buffer": pdf_with_text("Barn 811218\u20139876")}
    )
    page.get_by_role("button", name="Ladda upp").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Filen innehåller ett personnummer")
    summary.get_by_role("link").first.click()
    expect(page.get_by_label(field_label("Fil"))).to_be_focused()
    assert_accessible(page)
    assert not Attachment.objects.exists()


def test_it_explains_a_request_larger_than_the_portal_reads(portal, demo, settings):
    settings.MAX_REQUEST_BYTES = 20_000
    application = services.application_create(
        call=demo.call(), working_group=demo.working_group("Uddevalla"), title="Med bilagor", by=demo.person("leader")
    )
    page = portal.log_in("member")
    portal.open(f"/ansokningar/{application.pk}/bilagor/")
    page.get_by_label(field_label("Fil")).set_input_files(
        {"name": "rapport.pdf", "mimeType": "application/pdf", "buffer": pdf_with_text("Rapport " + "text " * 8000)}
    )
    page.get_by_role("button", name="Ladda upp").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Det du skickade är för stort")
    expect(page.get_by_text("Ingenting av det du skickade har sparats.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Tillbaka till sidan du kom från").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bilagor")
    assert not Attachment.objects.exists()

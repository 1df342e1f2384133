"""Attachments are checked by their content and size, and served only through a permission check."""

import html
import io
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications import attachments, services
from applications.models import Attachment

from .hostile_files import HOSTILE, VALID, built, docx, pdf_with_text

pytestmark = pytest.mark.django_db


def form(data: bytes, name: str) -> attachments.AttachmentForm:
    return attachments.AttachmentForm({"description": ""}, {"file": SimpleUploadedFile(name, data)})


def test_it_accepts_a_pdf_and_a_docx_by_their_content():
    assert form(pdf_with_text("Kartlaggning 2026"), "kartläggning.pdf").is_valid()
    assert form(docx("Underskrifter"), "underskrifter.docx").is_valid()


def test_it_refuses_a_file_that_only_has_the_right_name():
    checked = form(b"MZ\x90\x00 this is an executable", "rapport.pdf")
    assert not checked.is_valid()
    assert "inte en PDF, DOCX, XLSX eller ODT" in checked.errors["file"][0]


def test_it_refuses_a_file_that_is_too_large(monkeypatch):
    monkeypatch.setattr(attachments, "MAX_BYTES", 10)
    checked = form(pdf_with_text("lite text"), "stor.pdf")
    assert not checked.is_valid()
    assert "högsta tillåtna storlek är 20 MB" in checked.errors["file"][0]


def test_it_refuses_a_document_with_a_personal_identity_number():
    for data, name in [(pdf_with_text("Barn 811218-9876"), "lista.pdf"), (docx("811218-9876"), "lista.docx")]:
        checked = form(data, name)
        assert not checked.is_valid(), name
        assert "personnummer" in checked.errors["file"][0]


def test_it_tells_the_browser_the_largest_file_it_takes():
    widget = attachments.AttachmentForm()["file"].as_widget()
    assert f'data-max-bytes="{attachments.MAX_BYTES}"' in widget


@pytest.fixture
def draft(demo):
    return services.application_create(
        call=demo.call(), working_group=demo.working_group("Uddevalla"), title="Med bilaga", by=demo.person("leader")
    )


@pytest.fixture
def stored(demo, draft):
    checked_form = form(pdf_with_text("Kartlaggning"), "kartläggning.pdf")
    assert checked_form.is_valid()
    attachment = services.attachment_add(
        application=draft,
        by=demo.person("leader"),
        upload=checked_form.cleaned_data["file"],
        checked=checked_form.checked,
    )
    return draft, attachment


def test_it_serves_an_attachment_to_the_group_as_a_download(client, demo, stored):
    application, attachment = stored
    client.force_login(demo.person("member"))
    response = client.get(reverse("applications:attachment", args=[application.pk, attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment;" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_it_gives_404_for_another_groups_attachment(client, demo, stored):
    application, attachment = stored
    client.force_login(demo.person("outsider"))
    assert client.get(reverse("applications:attachment", args=[application.pk, attachment.pk])).status_code == 404
    client.logout()
    response = client.get(reverse("applications:attachment", args=[application.pk, attachment.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_stores_the_file_under_an_opaque_name(stored):
    _application, attachment = stored
    assert attachment.original_name == "kartläggning.pdf"
    assert "kartläggning" not in attachment.file.name
    assert attachment.file.name.startswith(f"attachments/{attachment.application_id}/{attachment.sha256}")


def test_it_uploads_through_the_page(client, demo, stored):
    application, _attachment = stored
    client.force_login(demo.person("member"))
    upload = SimpleUploadedFile("budget.docx", docx("Budgetbilaga"))
    response = client.post(
        reverse("applications:attachments", args=[application.pk]), {"file": upload, "description": "Budget"}
    )
    assert response.status_code == 302
    assert application.attachments.count() == 2


@pytest.mark.parametrize(
    "name", ["bomb-one-member.docx", "bomb-total.docx", "bomb-many-members.docx", "bomb-ratio.docx"]
)
def test_it_judges_an_archive_from_its_directory_before_unpacking_anything(monkeypatch, name):
    data = built(name)
    opened = []
    real_open = zipfile.ZipFile.open
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, *a, **k: opened.append(a[0]) or real_open(self, *a, **k))
    with pytest.raises(attachments.Refused) as refused:
        attachments.inspect(io.BytesIO(data))
    assert refused.value.code == "bomb"
    assert opened == []


# --- the hostile-file corpus, through the real page -----------------------------------------


def upload(client, draft, name: str):
    started = time.perf_counter()
    response = client.post(
        reverse("applications:attachments", args=[draft.pk]),
        {"file": SimpleUploadedFile(name, built(name)), "description": ""},
    )
    return response, time.perf_counter() - started


def stored_files(settings) -> list:
    return [path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()]


@pytest.mark.parametrize("hostile", HOSTILE, ids=lambda hostile: hostile.name)
def test_it_refuses_every_hostile_file_quickly_and_stores_nothing(client, demo, draft, settings, tmp_path, hostile):
    settings.MEDIA_ROOT = tmp_path / "media"
    built(hostile.name)  # built before the clock starts
    client.force_login(demo.person("member"))
    response, seconds = upload(client, draft, hostile.name)
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert str(attachments.MESSAGES[hostile.refusal]) in page
    assert 'id="error-summary"' in page
    assert seconds < 2, f"{hostile.name} took {seconds:.2f} s"
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize("name", sorted(VALID))
def test_it_accepts_ordinary_documents(client, demo, draft, settings, tmp_path, name):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(demo.person("member"))
    response, _seconds = upload(client, draft, name)
    assert response.status_code == 302, html.unescape(response.content.decode())
    assert draft.attachments.get().original_name == name
    assert len(stored_files(settings)) == 1


def test_every_refusal_says_what_to_do():
    for code, message in attachments.MESSAGES.items():
        assert any(verb in str(message) for verb in ("ladda upp", "Ladda upp", "Spara")), code

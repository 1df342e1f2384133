"""Attachments are checked by their content and size, and served only through a permission check."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications import attachments, services

pytestmark = pytest.mark.django_db


def pdf_with_text(text: str) -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=300, height=200)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    stream = DecodedStreamObject()
    stream.set_data(f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode("latin-1"))
    page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_with_text(text: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", f"<w:document><w:body><w:p><w:t>{text}</w:t></w:p></w:body></w:document>")
    return out.getvalue()


def form(data: bytes, name: str) -> attachments.AttachmentForm:
    return attachments.AttachmentForm({"description": ""}, {"file": SimpleUploadedFile(name, data)})


def test_it_accepts_a_pdf_and_a_docx_by_their_content():
    assert form(pdf_with_text("Kartlaggning 2026"), "kartläggning.pdf").is_valid()
    assert form(docx_with_text("Underskrifter"), "underskrifter.docx").is_valid()


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
    for data, name in [(pdf_with_text("Barn 811218-9876"), "lista.pdf"), (docx_with_text("811218-9876"), "lista.docx")]:
        checked = form(data, name)
        assert not checked.is_valid(), name
        assert "personnummer" in checked.errors["file"][0]


@pytest.fixture
def stored(demo):
    application = services.application_create(
        call=demo.call(), working_group=demo.working_group("Uddevalla"), title="Med bilaga", by=demo.person("leader")
    )
    checked_form = form(pdf_with_text("Kartlaggning"), "kartläggning.pdf")
    assert checked_form.is_valid()
    attachment = services.attachment_add(
        application=application,
        by=demo.person("leader"),
        upload=checked_form.cleaned_data["file"],
        checked=checked_form.checked,
    )
    return application, attachment


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
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_it_stores_the_file_under_an_opaque_name(stored):
    _application, attachment = stored
    assert attachment.original_name == "kartläggning.pdf"
    assert "kartläggning" not in attachment.file.name
    assert attachment.file.name.startswith(f"attachments/{attachment.application_id}/{attachment.sha256}")


def test_it_uploads_through_the_page(client, demo, stored):
    application, _attachment = stored
    client.force_login(demo.person("member"))
    upload = SimpleUploadedFile("budget.docx", docx_with_text("Budgetbilaga"))
    response = client.post(
        reverse("applications:attachments", args=[application.pk]), {"file": upload, "description": "Budget"}
    )
    assert response.status_code == 302
    assert application.attachments.count() == 2

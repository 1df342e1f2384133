"""Attachments: checked by what they contain, not by their name, and refused if
their text holds a personal identity number."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from simportal.formatting import group_thousands

from .validators import find_personal_identity_number, no_personal_identity_number

MAX_BYTES = 20 * 1024 * 1024
_ZIP_KINDS = {
    "docx": ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
_ODT = "application/vnd.oasis.opendocument.text"
_XML_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    content_type: str
    sha256: str
    size: int


def sniff(data: bytes) -> tuple[str, str] | None:
    """(kind, content type) from the bytes themselves, or None if not an accepted kind."""
    if data.startswith(b"%PDF-"):
        return "pdf", "application/pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == _ODT.encode():
                return "odt", _ODT
            if "[Content_Types].xml" in names:
                for kind, (marker, content_type) in _ZIP_KINDS.items():
                    if marker in names:
                        return kind, content_type
        except zipfile.BadZipFile:
            return None
    return None


def extract_text(kind: str, data: bytes) -> str:
    """The readable text of a document, for the personal-identity-number check."""
    if kind == "pdf":
        from pypdf import PdfReader

        try:
            reader = PdfReader(io.BytesIO(data))
            return "\n".join(page.extract_text() or "" for page in reader.pages)
        except Exception:  # noqa: BLE001 - an unreadable PDF is refused elsewhere
            return ""
    archive = zipfile.ZipFile(io.BytesIO(data))
    parts = [n for n in archive.namelist() if n.endswith(".xml") and not n.startswith("[")]
    # Cell values in spreadsheets are separate elements; keep them apart.
    return "\n".join(_XML_TAG.sub(" ", archive.read(n).decode("utf-8", "replace")) for n in parts)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Fil"),
        help_text=_("PDF, Word (DOCX), Excel (XLSX) eller OpenDocument-text (ODT), högst 20 MB."),
    )
    description = forms.CharField(
        label=_("Beskrivning"), max_length=300, required=False, validators=[no_personal_identity_number]
    )

    checked: CheckedFile | None = None

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("Filen är %(size)s byte; högsta tillåtna storlek är 20 MB. Dela upp den eller komprimera den.")
                % {"size": group_thousands(upload.size)}
            )
        data = upload.read()
        upload.seek(0)
        found = sniff(data)
        if found is None:
            raise forms.ValidationError(
                _(
                    "Filen är inte en PDF, DOCX, XLSX eller ODT – oavsett vad den heter. Spara den i något av "
                    "de formaten och ladda upp igen."
                )
            )
        kind, content_type = found
        if find_personal_identity_number(extract_text(kind, data)):
            raise forms.ValidationError(
                _(
                    "Filen innehåller ett personnummer. Bilagor får inte innehålla uppgifter om enskilda barn: "
                    "ta bort numret och ladda upp filen igen."
                )
            )
        self.checked = CheckedFile(kind, content_type, hashlib.sha256(data).hexdigest(), len(data))
        return upload

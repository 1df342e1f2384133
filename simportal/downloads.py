"""Stored documents handed out: one response for every PDF the portal keeps (letters, minutes,
applications as sent). The caller has already asked the rules who may have it."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse


def stored_pdf(pdf: FieldFile, *, filename: str, sha256: str, as_attachment: bool = True) -> FileResponse:
    """The stored file as it is, with its checksum, never sniffed as anything but a PDF."""
    response = FileResponse(
        pdf.open("rb"), as_attachment=as_attachment, filename=filename, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Content-SHA256"] = sha256
    return response

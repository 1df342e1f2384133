"""The decision letter (beslutsbrev) as a download: the stored PDF, once the rules allow it."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import letters


@require_GET
def decision_letter(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The stored letter; while the worker is still rendering it, a page that says so (202)."""
    decision, letter = letters.get_letter_for_user(request.user, pk)
    if letter is None:
        # Never render here: the letter the applicants get is the one stored, rendered once.
        pending = render(request, "reviews/run/letter_pending.html", {"decision": decision}, status=202)
        pending["Retry-After"] = "10"
        return pending
    response = FileResponse(
        letter.pdf.open("rb"), as_attachment=True, filename=letter.filename, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Content-SHA256"] = letter.sha256
    return response

"""The steering group's meeting pack: the items compared side by side, and the pack as a PDF.

Its reads gather from reviews, applications and RUN's ledger, so they live in
``simportal.meeting_pack``; who may read the pack is ``reviews.view_meeting_pack`` in the rules."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import meeting_pack


@require_GET
def meeting_compare(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_pack.get_meeting_for_pack(request.user, pk)
    context = {"meeting": meeting, "comparison": meeting_pack.comparison(meeting)}
    return render(request, "meetings/compare.html", context)


@require_GET
def meeting_pack_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Rendered on request, so it always shows the agenda and the applications as they are now."""
    meeting = meeting_pack.get_meeting_for_pack(request.user, pk)
    rendered = meeting_pack.render_pack(meeting)
    response = HttpResponse(rendered.content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{meeting_pack.pack_filename(meeting)}"'
    return response

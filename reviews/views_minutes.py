"""Pages for a meeting's minutes: read them, appoint the adjuster, approve, download the PDF.

Views parse input, call one service and render; who may do what comes from the rules.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from partnership.models import User

from . import minutes as service
from . import selectors
from .models import Meeting


def _may_appoint(user: User, meeting: Meeting) -> bool:
    return user.has_perm("reviews.manage_meeting", meeting) or user.has_perm("reviews.chair_meeting", meeting)


class AppointAdjusterForm(forms.Form):
    adjuster = forms.ModelChoiceField(
        label=gettext_lazy("Justerare"),
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        help_text=gettext_lazy("En ledamot med rösträtt som var närvarande vid mötet. Ordföranden justerar alltid."),
        error_messages={"required": gettext_lazy("Välj vem som ska justera protokollet.")},
    )

    def __init__(self, *args, candidates: list[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["adjuster"].queryset = selectors.adjuster_choices(candidates)


class ApproveForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("Jag har läst protokollet och justerar det."),
        error_messages={"required": gettext_lazy("Bekräfta att du har läst protokollet.")},
    )


@require_GET
def minutes_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.get_meeting_for_user(request.user, pk)
    minutes = selectors.minutes_of(meeting)
    data = service.meeting_minutes(meeting)
    context = {
        "meeting": meeting,
        "minutes": data,
        "can_appoint": not data.is_locked and _may_appoint(request.user, meeting),
        "can_approve": service.awaits_approval_from(minutes, request.user),
    }
    return render(request, "reviews/minutes/detail.html", context)


@require_http_methods(["GET", "POST"])
def minutes_appoint(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.get_meeting_for_user(request.user, pk)
    if not _may_appoint(request.user, meeting):
        raise PermissionDenied
    minutes = selectors.minutes_of(meeting)
    candidates = service.adjuster_candidates(meeting)
    form = AppointAdjusterForm(
        request.POST or None, candidates=candidates, initial={"adjuster": minutes.adjuster_id} if minutes.pk else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            service.minutes_prepare(meeting=meeting, adjuster=form.cleaned_data["adjuster"], by=request.user)
        except service.MinutesError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(
                request,
                _("%(name)s är utsedd att justera protokollet.") % {"name": form.cleaned_data["adjuster"]},
            )
            return redirect("minutes:detail", meeting.pk)
    return render(
        request,
        "reviews/minutes/appoint.html",
        {"meeting": meeting, "form": form, "candidates": candidates, "locked": minutes.is_locked},
    )


@require_http_methods(["GET", "POST"])
def minutes_approve(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.get_meeting_for_user(request.user, pk)
    minutes = selectors.minutes_of(meeting)
    if not request.user.has_perm("reviews.approve_minutes", minutes):
        raise PermissionDenied
    data = service.meeting_minutes(meeting)
    form = ApproveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if minutes.pk is None:
            form.add_error(
                None, _("Ingen justerare är utsedd ännu. Projektledaren eller ordföranden utser justeraren.")
            )
        else:
            try:
                approval = service.minutes_approve(minutes=minutes, by=request.user)
            except service.MinutesError as refused:
                form.add_error(None, refused.message)
            else:
                if approval.locked:
                    messages.success(request, _("Protokollet är justerat och låst. PDF:en skapas nu."))
                else:
                    messages.success(request, _("Du har justerat protokollet. Det låses när båda har justerat."))
                return redirect("minutes:detail", meeting.pk)
    context = {
        "meeting": meeting,
        "minutes": data,
        "form": form,
        "awaits_approval": service.awaits_approval_from(minutes, request.user),
    }
    return render(request, "reviews/minutes/approve.html", context)


@require_GET
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored PDF of approved minutes; before approval a draft, rendered on the spot and marked as such."""
    meeting = selectors.get_meeting_for_user(request.user, pk)
    minutes = selectors.minutes_of(meeting)
    if minutes.pdf:
        response = FileResponse(
            minutes.pdf.open("rb"),
            as_attachment=True,
            filename=service.minutes_filename(minutes),
            content_type="application/pdf",
        )
        response["X-Content-SHA256"] = minutes.pdf_sha256
        return response
    if minutes.is_locked:
        # Justerat, but the worker has not stored the final PDF yet: never hand out another rendering.
        response = render(request, "reviews/minutes/pdf_pending.html", {"meeting": meeting}, status=503)
        response["Retry-After"] = "10"
        return response
    from simportal.pdf import render_pdf

    rendered = render_pdf("pdf/minutes.html", service.minutes_pdf_context(meeting))
    day = timezone.localtime(meeting.starts_at).date().isoformat()
    response = HttpResponse(rendered.content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="protokoll-utkast-{day}-{meeting.pk}.pdf"'
    return response

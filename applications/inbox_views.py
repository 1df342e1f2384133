"""The project leader's inbox: the list, its export, and a later deadline for one group.

The views parse input, call one selector or service and render. Who may open them
is ``applications.view_inbox``; the service checks ``applications.extend_deadline``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from partnership.rules import roles_of

from . import inbox, services


@require_GET
@permission_required("applications.view_inbox", raise_exception=True)
def inbox_list(request: HttpRequest) -> HttpResponse:
    return render(request, "inbox/list.html", {"inbox": inbox.inbox_page(user=request.user, params=request.GET)})


@require_GET
@permission_required("applications.view_inbox", raise_exception=True)
def inbox_export(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered list, every page: ``?format=csv`` (the default) or ``?format=xlsx``,
    with the same filter and ``sort`` parameters as the list."""
    export_format = request.GET.get("format") or "csv"
    if export_format not in inbox.EXPORTS:
        raise Http404
    content_type, export = inbox.EXPORTS[export_format]
    applications = inbox.inbox_for_export(user=request.user, params=request.GET)
    # Streamed as it is written: the first bytes leave before the last row is read.
    response = StreamingHttpResponse(export(inbox.export_rows(applications)), content_type=content_type)
    filename = f"inkorg-{timezone.localdate().isoformat()}.{export_format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET", "POST"])
@permission_required("applications.view_inbox", raise_exception=True)
def extend_deadline(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    form = inbox.GroupDeadlineForm(request.POST or None, roles=roles)
    if request.method == "POST" and form.is_valid():
        extension = services.deadline_extend(
            call=form.cleaned_data["call"],
            working_group=form.cleaned_data["working_group"],
            deadline=form.cleaned_data["deadline"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
        messages.success(
            request,
            _("%(group)s har nu till %(deadline)s på sig att skicka in till ”%(call)s”.")
            % {
                "group": extension.working_group.name,
                "deadline": timezone.localtime(extension.deadline).strftime("%Y-%m-%d %H:%M"),
                "call": extension.call.name,
            },
        )
        return redirect("inbox:extend_deadline")
    return render(request, "inbox/extend_deadline.html", {"form": form, "extensions": inbox.deadline_extensions(roles)})

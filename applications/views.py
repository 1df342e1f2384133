"""Pages for writing, reading and moving an application. Views parse input, call
one service and render; permissions come from the rules, transitions from the workflow."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from simportal.downloads import stored_pdf
from simportal.forms import show_refusal

from . import forms, selectors, services, signatures, submission, summary, workflow
from .attachments import AttachmentForm
from .models import Application
from .sections import BY_KEY, SECTIONS
from .snapshots import snapshot_data


@require_http_methods(["GET", "POST"])
def application_new(request):
    """Start an application: first the working group, when the person is in several; then
    the call, when several are open to that group, and the title."""
    groups = list(selectors.groups_starting_applications(request.user))
    if not groups:
        raise PermissionDenied
    if len(groups) == 1:
        group = groups[0]
    else:
        data = request.POST if request.method == "POST" else request.GET
        # The choice was sent (``step``), even if no radio was checked and so no group came with it.
        sent = "working_group" in data or data.get("step") == "group"
        chooser = forms.WorkingGroupChoiceForm(
            data if sent else None, groups=selectors.groups_starting_applications(request.user)
        )
        if not chooser.is_valid():
            return render(request, "applications/new_group.html", {"form": chooser})
        group = chooser.cleaned_data["working_group"]
    calls = selectors.calls_for_new_application(group)
    form = forms.NewApplicationForm(request.POST if request.method == "POST" else None, calls=calls)
    if request.method == "POST" and form.is_valid():
        application = services.application_create(
            call=form.cleaned_data["call"], working_group=group, title=form.cleaned_data["title"], by=request.user
        )
        messages.success(request, _("Ansökan är skapad. Fyll i avsnitten i den ordning som passar er."))
        return redirect("applications:detail", application.pk)
    context = {"form": form, "group": group, "calls": calls, "choosing_group": len(groups) > 1}
    return render(request, "applications/new.html", context)


def application_detail(request, pk: int):
    application = selectors.get_application_for_user(request.user, pk)
    can_change = request.user.has_perm("applications.change_application", application)
    document = snapshot_data(application)
    context = {
        "application": application,
        "can_change": can_change,
        "sections": [
            {"spec": spec, "section": section, "content": document.get(spec.key, {}).items()}
            for spec, section in selectors.section_overview(application)
        ],
        "tasks": selectors.task_list(application),
        "actions": _actions(request.user, application),
        "events": selectors.timeline(application),
        "thread": selectors.thread(application),
        "message_form": forms.MessageForm(),
        "can_post": request.user.has_perm("applications.post_message", application)
        or request.user.has_perm("applications.comment_application", application),
        "changes": selectors.changes_since_return(application),
        "deadline": submission.deadline_for(application) if application.working_group_id else None,
        "signing": signatures.signing_state(application) if application.is_editable_by_group else None,
        "sent_signatures": selectors.sent_signatures(application) if application.is_submitted else [],
    }
    return render(request, "applications/detail.html", context)


# Where each transition is made: the application's own pages, the meeting, or RUN's case.
APPLICATION_PAGES = {"request_completion", "accept", "withdraw"}
MEETING_TRANSITIONS = {"recommend", "not_recommend", "return_from_meeting", "take_off_agenda"}
RUN_DECISIONS = {"approve", "reject", "refer_back"}


def _actions(user, application: Application) -> list[dict]:
    """The buttons on the application's page: one per transition this person can make now,
    each leading to the page where it is made."""
    actions = []
    for transition in workflow.available(user, application):
        name, label = transition.name, transition.label
        if name in {"submit", "resubmit"}:
            url = reverse("applications:submit", args=[application.pk])
        elif name in APPLICATION_PAGES:
            url = reverse("applications:transition", args=[application.pk, name])
        elif name == "put_on_agenda":
            url = reverse("reviews:meeting_list")
        elif name in MEETING_TRANSITIONS:
            meeting_id = selectors.latest_meeting_id(application)
            url = reverse("reviews:meeting_detail", args=[meeting_id]) if meeting_id else None
            label = _("Till styrgruppsmötet")
        elif name == "forward_to_run":
            url = reverse("run:forward", args=[application.pk])
        elif name in RUN_DECISIONS:
            case_id = selectors.latest_run_case_id(application)
            url = reverse("run:case_detail", args=[case_id]) if case_id else None
            label = _("Registrera RUN:s beslut")
        else:
            url = None
        if url:
            actions.append({"name": name, "label": label, "url": url})
    # The meeting and RUN pages handle several transitions each: one button per page.
    seen: set[str] = set()
    return [a for a in actions if not (a["url"] in seen or seen.add(a["url"]))]


def _section_form(
    application: Application, key: str, data=None, files=None, version: int | None = None, unit_search: str = ""
):
    spec = BY_KEY[key]
    initial_version = {"version": version}
    if spec.kind == "fields":
        form_class = {
            "basics": forms.BasicsForm,
            "purpose": forms.PurposeForm,
            "target_group": forms.TargetGroupForm,
            "content": forms.ContentForm,
            "period": forms.PeriodForm,
            "follow_up": forms.FollowUpForm,
        }[key]
        return form_class(data, instance=application, initial=initial_version)
    if spec.kind == "partners":
        return forms.PartnerFormSet(data, instance=application, prefix="partners", search=unit_search)
    if spec.kind == "logic":
        return forms.LogicRowFormSet(
            data, instance=application, prefix="logic_rows", queryset=selectors.logic_rows(application)
        )
    if spec.kind == "budget":
        return forms.BudgetForm(data, application=application, initial=initial_version)
    if spec.kind == "criteria":
        return forms.CriteriaForm(data, application=application, initial=initial_version)
    if spec.kind == "priorities":
        return forms.PriorityAreasForm(data, application=application, initial=initial_version)
    raise Http404


@require_http_methods(["GET", "POST"])
def section_edit(request, pk: int, key: str):
    application = selectors.get_application_for_user(request.user, pk)
    spec = BY_KEY.get(key)
    if spec is None:
        raise Http404
    back_to = summary.return_url(request.POST.get("next") or request.GET.get("next"), application)
    if spec.kind == "attachments":
        return redirect("applications:attachments", pk)
    if not request.user.has_perm("applications.change_application", application):
        # Whoever may read the application reads the section; only a change is refused.
        if request.method == "POST":
            raise PermissionDenied
        return render(
            request,
            "applications/section_read_only.html",
            {
                "application": application,
                "spec": spec,
                "content": snapshot_data(application).get(key, {}),
                "sections": SECTIONS,
                "reopenable": workflow.can_be_returned(application),
            },
        )
    section = services.section_open(application=application, key=key)
    # The partners section's search for a unit its lists do not show (a GET form on the page).
    unit_search = request.GET.get("enhet") or request.POST.get("enhet") or ""
    conflict = None
    rows_changed = None
    if (
        request.method == "POST"
        and spec.kind in ROW_KINDS
        and ("add_row" in request.POST or "remove_row" in request.POST)
    ):
        # A row added or removed (in place with htmx, or by a plain submit): nothing is saved,
        # what was typed is shown again with the change.
        prefix = ROW_KINDS[spec.kind]
        added = "add_row" in request.POST
        data = forms.RebasingInlineFormSet.with_rows_changed(
            request.POST, prefix, add=added, remove=request.POST.get("remove_row")
        )
        form = _section_form(application, key, data, unit_search=unit_search).without_errors()
        rows_changed = {"added": added, "index": len(form.forms) - 1 if added else None}
    elif (
        request.method == "POST"
        and spec.kind == "budget"
        and ("add_cofinancer" in request.POST or "remove_cofinancer" in request.POST)
    ):
        added = "add_cofinancer" in request.POST
        data = forms.BudgetForm.with_cofinancers_changed(
            request.POST,
            add=request.POST.get("cofinancer_to_add") if added else None,
            remove=request.POST.get("remove_cofinancer"),
        )
        form = _section_form(application, key, data).without_errors()
        partner = request.POST.get("cofinancer_to_add", "")
        focus = f"id_cofinancing_{form.years[0]}_{partner}" if added and form.years else "id_cofinancer_to_add"
        rows_changed = {"added": added, "index": None, "focus": focus}
    elif request.method == "POST":
        posted_version = _posted_version(request)
        form = _section_form(application, key, request.POST, version=posted_version, unit_search=unit_search)
        if form.is_valid():
            try:
                services.section_save(
                    application=application, key=key, version=posted_version, by=request.user, form=form
                )
            except services.EditConflict as error:
                conflict = error.section
                form = _section_form(
                    application,
                    key,
                    _with_version(request.POST, conflict.version),
                    version=conflict.version,
                    unit_search=unit_search,
                )
                form.is_valid()
            else:
                messages.success(request, _("Avsnittet ”%(title)s” är sparat.") % {"title": spec.title})
                if back_to:
                    # Back where the person was: on the summary, at this section's card.
                    return redirect(f"{back_to}#summary-{key}")
                if "save_and_next" in request.POST:
                    return redirect(_next_section_url(application, key))
                return redirect("applications:section", pk, key)
    else:
        form = _section_form(application, key, version=section.version, unit_search=unit_search)
    context = {
        "application": application,
        "spec": spec,
        "form": form,
        "version": _posted_version(request) if rows_changed else conflict.version if conflict else section.version,
        "rows_changed": rows_changed,
        "section": section,
        "conflict": conflict,
        # The form has written the person's input onto ``application``; show what is really saved.
        "saved_now": snapshot_data(selectors.saved_application(application)).get(key, {}) if conflict else None,
        "sections": SECTIONS,
        "back_to": back_to,
    }
    return render(request, "applications/section.html", context)


# The sections whose rows are added and removed on the page, and their formset's prefix.
ROW_KINDS = {"partners": "partners", "logic": "logic_rows"}


def _posted_version(request) -> int:
    try:
        return int(request.POST.get("version", "-1"))
    except ValueError:
        return -1


def _with_version(data, version: int):
    data = data.copy()
    data["version"] = str(version)
    return data


def _next_section_url(application: Application, key: str) -> str:
    keys = [s.key for s in SECTIONS]
    index = keys.index(key)
    if index + 1 < len(keys):
        return reverse("applications:section", args=[application.pk, keys[index + 1]])
    return reverse("applications:detail", args=[application.pk])


@require_POST
def budget_totals(request, pk: int):
    """The live summary under the budget table (htmx), computed from what is typed."""
    application = selectors.get_application_for_user(request.user, pk, write=True)
    years = forms.budget_years(application)
    partner_ids = selectors.partner_ids(application)
    totals = forms.budget_totals(request.POST, years, partner_ids)
    return render(request, "applications/partials/budget_totals.html", {"totals": totals, "application": application})


@require_http_methods(["GET", "POST"])
def application_submit(request, pk: int):
    application = selectors.get_application_for_user(request.user, pk)
    name = "resubmit" if application.status == "returned" else "submit"
    if not workflow.can(request.user, application, name):
        raise PermissionDenied
    problems = submission.problems(application)
    if request.method == "POST" and not problems:
        try:
            application = services.application_submit(application=application, by=request.user)
        except services.SubmissionRefused as refused:
            problems = refused.problems
        else:
            return redirect("application_sent", pk)
    return render(
        request,
        "applications/submit.html",
        {
            "application": application,
            "problems": problems,
            "summaries": summary.check_answers(application, problems),
            "transition": workflow.transition_for(name),
        },
    )


@require_safe
def application_pdf(request, pk: int) -> HttpResponse:
    """The application as it was last sent; while it is being rendered, a page that says so (202)."""
    application, document = selectors.get_application_pdf_for_user(request.user, pk)
    if document is None:
        # Never render here: the PDF is the one stored for the version sent, rendered once.
        pending = render(request, "applications/pdf_pending.html", {"application": application}, status=202)
        pending["Retry-After"] = "10"
        return pending
    return stored_pdf(document.pdf, filename=document.filename, sha256=document.sha256, as_attachment=False)


@require_http_methods(["GET", "POST"])
def application_transition(request, pk: int, name: str):
    application = selectors.get_application_for_user(request.user, pk)
    if name not in {"request_completion", "accept", "withdraw"}:
        raise Http404
    if not workflow.can(request.user, application, name):
        raise PermissionDenied
    transition = workflow.transition_for(name)
    form = forms.TransitionForm(request.POST or None, needs_message=transition.needs_message)
    if name == "withdraw":
        form.fields["message"].label = _("Skäl")
    if request.method == "POST" and form.is_valid():
        service = {
            "request_completion": services.application_request_completion,
            "accept": services.application_accept,
            "withdraw": services.application_withdraw,
        }[name]
        try:
            service(application=application, by=request.user, message=form.cleaned_data["message"])
        except workflow.TransitionNotAllowed as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("Klart: %(action)s.") % {"action": transition.label})
            return redirect("applications:detail", pk)
    return render(
        request, "applications/transition.html", {"application": application, "transition": transition, "form": form}
    )


@require_POST
def message_create(request, pk: int):
    application = selectors.get_application_for_user(request.user, pk)
    form = forms.MessageForm(request.POST)
    if form.is_valid():
        services.message_post(application=application, by=request.user, body=form.cleaned_data["body"])
        messages.success(request, _("Meddelandet är skickat."))
        return redirect(reverse("applications:detail", args=[pk]) + "#meddelanden")
    messages.error(request, " ".join(form.errors.get("body", [])))
    return redirect(reverse("applications:detail", args=[pk]) + "#meddelanden")


@require_http_methods(["GET", "POST"])
def attachments(request, pk: int):
    application = selectors.get_application_for_user(request.user, pk)
    can_change = request.user.has_perm("applications.change_application", application)
    back_to = summary.return_url(request.GET.get("next"), application)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            services.attachment_add(
                application=application,
                by=request.user,
                upload=form.cleaned_data["file"],
                checked=form.checked,
                description=form.cleaned_data["description"],
            )
            messages.success(request, _("Bilagan är uppladdad."))
            here = reverse("applications:attachments", args=[pk])
            # Opened from the summary: stay here for more files, with the way back kept.
            return redirect(summary.with_return(here, back_to) if back_to else here)
    return render(
        request,
        "applications/attachments.html",
        {
            "application": application,
            "form": form,
            "can_change": can_change,
            "attachments": selectors.attachments(application),
            "spec": BY_KEY["attachments"],
            "sections": SECTIONS,
            "back_to": back_to,
            "reopenable": workflow.can_be_returned(application),
        },
    )


def attachment_download(request, pk: int, attachment_pk: int):
    application = selectors.get_application_for_user(request.user, pk)
    attachment = selectors.get_attachment(application, attachment_pk)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def changes_view(request, pk: int) -> HttpResponse:
    application = selectors.get_application_for_user(request.user, pk)
    return render(
        request,
        "applications/changes.html",
        {"application": application, "changes": selectors.changes_since_return(application)},
    )

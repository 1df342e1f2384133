"""RUN's pages: its meetings and their cases, forwarding, decisions and corrections,
the budget ledger, and the decision letter as a download. Views parse input, call one
service and render; who may do what is asked of the rules (``decisions.view_run_cases``,
``decisions.record_decision``, ``decisions.adjust_budget``, ``decisions.view_ledger``) and of the workflow."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from applications import selectors as application_selectors
from applications import workflow
from partnership.rules import roles_of
from simportal.downloads import stored_pdf
from simportal.formatting import format_kronor
from simportal.forms import posted, show_refusal

from . import forms, letters, selectors, services
from . import ledger as budget_ledger
from .models import DecisionOutcome


@require_GET
@permission_required("decisions.view_run_cases", raise_exception=True)
def meeting_list(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    context = {
        "meetings": selectors.run_meetings(roles),
        "awaiting": selectors.awaiting_forwarding(roles) if roles.is_project_leader else None,
        "can_create": request.user.has_perm("decisions.record_decision"),
    }
    return render(request, "decisions/meeting_list.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("decisions.record_decision", raise_exception=True)
def meeting_new(request: HttpRequest) -> HttpResponse:
    form = forms.RunMeetingForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.run_meeting_create(
                held_on=form.cleaned_data["held_on"], place=form.cleaned_data["place"], by=request.user
            )
        except services.DecisionRefused as refused:
            show_refusal(form, refused)
        else:
            messages.success(
                request, _("RUN:s sammanträde %(date)s är inlagt.") % {"date": meeting.held_on.isoformat()}
            )
            return redirect("run:meeting_detail", meeting.pk)
    return render(request, "decisions/meeting_new.html", {"form": form})


@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.get_run_meeting_for_user(request.user, pk)
    cases = selectors.cases_of(meeting, roles_of(request.user))
    letters.with_letters(row.decision for view in cases for row in view.decisions)
    context = {
        "meeting": meeting,
        "cases": cases,
        "may_edit": request.user.has_perm("decisions.edit_run_meeting", meeting)
        and not selectors.run_meeting_change_refusal(meeting),
    }
    return render(request, "decisions/meeting_detail.html", context)


@require_http_methods(["GET", "POST"])
def forward(request: HttpRequest, pk: int) -> HttpResponse:
    application = application_selectors.get_application_for_user(request.user, pk)
    if not workflow.can(request.user, application, "forward_to_run"):
        raise PermissionDenied
    item = selectors.recommending_item(application)
    meetings = selectors.upcoming_run_meetings()
    form = forms.ForwardForm(posted(request), meetings=meetings)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_forward(
                application=application, run_meeting=form.cleaned_data["run_meeting"], by=request.user
            )
        except (workflow.TransitionNotAllowed, services.DecisionRefused) as refused:
            show_refusal(form, refused)
        else:
            messages.success(
                request,
                _("Ansökan är skickad till RUN:s sammanträde %(date)s.")
                % {"date": case.run_meeting.held_on.isoformat()},
            )
            return redirect("run:meeting_detail", case.run_meeting_id)
    return render(
        request,
        "decisions/forward.html",
        {"application": application, "item": item, "form": form, "has_meetings": selectors.has_upcoming_run_meetings()},
    )


@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_case_for_user(request.user, pk)
    view = selectors.case_view(case)
    letters.with_letters(row.decision for row in view.decisions)
    context = {
        "view": view,
        "case": case,
        "can_record": request.user.has_perm("decisions.record_decision", case)
        and not view.is_decided
        and not case.run_meeting.is_cancelled
        and workflow.can(request.user, case.application, "approve"),
        "can_correct": request.user.has_perm("decisions.record_decision", case),
    }
    return render(request, "decisions/case_detail.html", context)


@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_case_for_user(request.user, pk, record=True)
    view = selectors.case_view(case)
    if view.is_decided:
        messages.info(request, _("RUN:s beslut i ärendet är redan registrerat. Ett fel rättas med en rättelse."))
        return redirect("run:case_detail", pk)
    initial = {"decided_on": case.run_meeting.held_on, "conditions": case.agenda_item.conditions}
    initial.update({f"year_{year}": amount for year, amount in view.limits.items()})
    initial.update(selectors.decision_initial_from_meeting(case.run_meeting))
    form = forms.DecisionForm(posted(request), limits=view.limits, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = services.decision_record(
                case=case,
                outcome=data["outcome"],
                paragraph=data["paragraph"],
                decided_on=data["decided_on"],
                reasons=data["reasons"],
                conditions=data["conditions"] if data["outcome"] == DecisionOutcome.APPROVED else "",
                payment_schedule=data["payment_schedule"] if data["outcome"] == DecisionOutcome.APPROVED else "",
                granted=form.granted(),
                run_reference=data["run_reference"],
                chair_name=data["chair_name"],
                minutes_posted_on=data["minutes_posted_on"],
                by=request.user,
            )
        except (workflow.TransitionNotAllowed, services.DecisionRefused) as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("Beslutet är registrerat: %(decision)s.") % {"decision": _describe(decision)})
            return redirect("run:meeting_detail", case.run_meeting_id)
    return render(request, "decisions/decide.html", {"view": view, "case": case, "form": form})


def _describe(decision) -> str:
    text = f"{decision.get_outcome_display().lower()}, § {decision.paragraph}"
    total = sum(g.amount for g in decision.granted_years.all())
    if decision.outcome == DecisionOutcome.APPROVED:
        text += f", {format_kronor(total)}"
    return text


@require_http_methods(["GET", "POST"])
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    decision = selectors.get_decision_for_user(request.user, pk)
    case = selectors.get_case_for_user(request.user, decision.case_id, record=True)
    view = selectors.case_view(case)
    current = view.current
    if current is None or current.decision.pk != decision.pk:
        messages.info(request, _("Beslutet är redan rättat. Rätta det senaste beslutet i stället."))
        return redirect("run:case_detail", case.pk)
    approved = decision.outcome == DecisionOutcome.APPROVED
    limits = view.limits if approved else {}
    initial = {
        "paragraph": decision.paragraph,
        "decided_on": decision.decided_on,
        "conditions": decision.conditions,
        "payment_schedule": decision.payment_schedule,
        "reasons": decision.reasons,
    }
    initial.update({f"year_{g.year}": g.amount for g in current.granted})
    form = forms.CorrectionForm(posted(request), limits=limits, initial=initial, outcome=decision.outcome)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.decision_correct(
                decision=decision,
                correction_reason=data["correction_reason"],
                paragraph=data["paragraph"],
                decided_on=data["decided_on"],
                reasons=data["reasons"],
                conditions=data["conditions"],
                payment_schedule=data["payment_schedule"],
                granted=form.granted(),
                by=request.user,
            )
        except services.DecisionRefused as refused:
            show_refusal(form, refused)
        else:
            messages.success(
                request, _("Rättelsen är registrerad. Det ursprungliga beslutet finns kvar, markerat som rättat.")
            )
            return redirect("run:case_detail", case.pk)
    return render(request, "decisions/correct.html", {"view": view, "case": case, "decision": decision, "form": form})


@require_GET
@permission_required("decisions.view_ledger", raise_exception=True)
def ledger(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "decisions/ledger.html",
        {"ledgers": budget_ledger.ledger(budget_ledger.ledger_calls(roles_of(request.user)))},
    )


@require_http_methods(["GET", "POST"])
def adjust_budget(request: HttpRequest, pk: int) -> HttpResponse:
    call = selectors.get_call_for_budget_adjustment(request.user, pk)
    form = forms.BudgetAdjustmentForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            adjustment = services.budget_adjust(
                call=call,
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
                decided_on=form.cleaned_data["decided_on"],
                by=request.user,
            )
        except services.DecisionRefused as refused:
            show_refusal(form, refused)
        else:
            messages.success(
                request,
                _("Budgeten för ”%(call)s” är ändrad med %(amount)s.")
                % {"call": call.name, "amount": format_kronor(adjustment.amount)},
            )
            return redirect("run:ledger")
    ledger_row = selectors.call_ledger(call)
    return render(request, "decisions/adjust_budget.html", {"call": call, "form": form, "ledger": ledger_row})


def _editable_run_meeting(request: HttpRequest, pk: int):
    meeting = selectors.get_run_meeting_for_user(request.user, pk)
    if not request.user.has_perm("decisions.edit_run_meeting", meeting):
        raise PermissionDenied
    return meeting


@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a RUN meeting to another day or place before any of its cases is decided."""
    meeting = _editable_run_meeting(request, pk)
    initial = {"held_on": meeting.held_on, "place": meeting.place}
    form = forms.RunMeetingForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.run_meeting_update(
                run_meeting=meeting,
                held_on=form.cleaned_data["held_on"],
                place=form.cleaned_data["place"],
                by=request.user,
            )
        except services.DecisionRefused as refused:
            show_refusal(form, refused)
        else:
            messages.success(
                request, _("Sammanträdet är ändrat till %(date)s.") % {"date": meeting.held_on.isoformat()}
            )
            return redirect("run:meeting_detail", meeting.pk)
    context = {"meeting": meeting, "form": form, "refusal": selectors.run_meeting_change_refusal(meeting)}
    return render(request, "decisions/meeting_edit.html", context)


@require_http_methods(["GET", "POST"])
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel a RUN meeting before it decides: its applications go back to the project leader."""
    meeting = _editable_run_meeting(request, pk)
    form = forms.RunMeetingCancelForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.run_meeting_cancel(run_meeting=meeting, reason=form.cleaned_data["reason"], by=request.user)
        except (workflow.TransitionNotAllowed, services.DecisionRefused) as refused:
            show_refusal(form, refused)
        else:
            messages.success(
                request,
                _(
                    "Sammanträdet är inställt. Ansökningarna är tillbaka hos projektledaren "
                    "för att skickas till ett annat sammanträde."
                ),
            )
            return redirect("run:meeting_detail", pk)
    context = {
        "meeting": meeting,
        "form": form,
        "cases": selectors.meeting_cases(meeting),
        "refusal": selectors.run_meeting_change_refusal(meeting),
    }
    return render(request, "decisions/meeting_cancel.html", context)


@require_GET
def decision_letter(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The stored letter; while the worker is still rendering it, a page that says so (202)."""
    decision, letter = letters.get_letter_for_user(request.user, pk)
    if letter is None:
        # Never render here: the letter the applicants get is the one stored, rendered once.
        pending = render(request, "decisions/letter_pending.html", {"decision": decision}, status=202)
        pending["Retry-After"] = "10"
        return pending
    return stored_pdf(letter.pdf, filename=letter.filename, sha256=letter.sha256)

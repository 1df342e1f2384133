"""Pages of the steering group: its meetings, the agenda, attendance, votes and recusals, and the
minutes (read, appoint the adjuster, approve, download the PDF). Views parse input, call one
service and render; who may do what comes from the rules, state changes from the workflow."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications import workflow
from partnership.rules import roles_of
from simportal.downloads import stored_pdf
from simportal.forms import posted, show_refusal

from . import forms, selectors, services
from . import minutes as minutes_doc
from .models import AgendaItem, Meeting


def _on_its_page(url: str, position: int) -> str:
    """``url`` with the page of the agenda that shows the item in ``position`` (no number for the first)."""
    number = selectors.agenda_page_of(position)
    return url + (f"?sida={number}" if number > 1 else "")


def _item_url(item: AgendaItem) -> str:
    url = reverse("reviews:meeting_detail", args=[item.meeting_id])
    return _on_its_page(url, item.position) + f"#punkt-{item.position}"


def _agenda_item_url(meeting: Meeting, position: int) -> str:
    url = reverse("reviews:agenda", args=[meeting.pk])
    return _on_its_page(url, position) + f"#punkt-{position}"


def meeting_list(request):
    if not request.user.has_perm("reviews.view_meeting_list"):
        raise PermissionDenied
    upcoming, past = selectors.meetings_by_time(roles_of(request.user))
    return render(
        request,
        "reviews/meeting_list.html",
        {"upcoming": upcoming, "past": past, "may_schedule": bool(selectors.schedulable_steering_groups(request.user))},
    )


@require_http_methods(["GET", "POST"])
def meeting_new(request):
    groups = selectors.schedulable_steering_groups(request.user)
    if not groups:
        raise PermissionDenied
    queryset = selectors.steering_groups(groups)
    form = forms.MeetingForm(posted(request), steering_groups=queryset)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_schedule(
                steering_group=form.cleaned_data["steering_group"],
                starts_at=form.cleaned_data["starts_at"],
                place=form.cleaned_data["place"],
                video_link=form.cleaned_data["video_link"],
                by=request.user,
            )
        except services.MeetingRefused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("Mötet är inlagt. Lägg nu till ansökningar på dagordningen."))
            return redirect("reviews:agenda", meeting.pk)
    return render(request, "reviews/meeting_new.html", {"form": form})


def meeting_detail(request, pk: int):
    meeting = selectors.get_meeting_for_user(request.user, pk)
    user = request.user
    page = selectors.agenda_page(meeting, request.GET.get("sida"))
    items = list(page.object_list)
    voters = selectors.voting_member_ids(meeting)
    present = selectors.present_ids(meeting)
    membership = selectors.voting_membership(meeting, user)
    manages = user.has_perm("reviews.manage_meeting", meeting)
    chairs = user.has_perm("reviews.chair_meeting", meeting)
    sees_votes = manages or chairs
    for item in items:
        item.meeting = meeting
        item.my_vote = next((v for v in item.votes.all() if v.member_id == user.pk), None)
        item.my_recusal = next((r for r in item.recusals.all() if r.member_id == user.pk), None)
        open_for_me = not item.is_closed and item.my_recusal is None
        item.can_vote = open_for_me and meeting.has_begun and user.has_perm("reviews.vote", item)
        item.votes_later = open_for_me and not meeting.has_begun and user.has_perm("reviews.vote", item)
        item.can_recuse = open_for_me and user.has_perm("reviews.declare_recusal", item)
        item.conflicts = selectors.conflict_reasons(membership, item.application) if item.can_recuse else []
        item.count = selectors.count_item(item, voters=voters, present=present) if sees_votes else None
        item.requested_total = sum(b.requested for b in item.application.budget_years.all())
    context = {
        "meeting": meeting,
        "items": items,
        "page": page,
        "page_links": selectors.agenda_page_links(page),
        # The vote controls are written in the page (a form object per item costs too much on a
        # large agenda) from the fields of ``VoteForm``, which checks the vote on the vote page.
        "vote_fields": forms.VoteForm.base_fields,
        "manages": manages,
        "chairs": chairs,
        "sees_votes": sees_votes,
        "may_record_attendance": user.has_perm("reviews.record_attendance", meeting),
        "attendance": selectors.present_at(meeting),
        "attendance_recorded": selectors.attendance_recorded(meeting),
        "may_edit": user.has_perm("reviews.edit_meeting", meeting) and not services.meeting_change_refusal(meeting),
    }
    return render(request, "reviews/meeting_detail.html", context)


def _manageable_meeting(request, pk: int) -> Meeting:
    meeting = selectors.get_meeting_for_user(request.user, pk)
    if not request.user.has_perm("reviews.manage_meeting", meeting):
        raise PermissionDenied
    return meeting


@require_http_methods(["GET", "POST"])
def agenda(request, pk: int):
    """The project leader's agenda builder: add, summarise, reorder and remove items, then publish."""
    meeting = _manageable_meeting(request, pk)
    add_form = forms.AgendaAddForm(
        posted(request), applications=selectors.complete_applications_for(meeting), prefix="ny"
    )
    if request.method == "POST" and add_form.is_valid():
        try:
            item = services.agenda_add(
                meeting=meeting,
                application=add_form.cleaned_data["application"],
                summary=add_form.cleaned_data["summary"],
                by=request.user,
            )
        except (services.MeetingRefused, workflow.TransitionNotAllowed) as refused:
            show_refusal(add_form, refused)
        else:
            messages.success(
                request,
                _("”%(title)s” är § %(position)s på dagordningen.")
                % {"title": item.application.title, "position": item.position},
            )
            return redirect(_agenda_item_url(meeting, item.position))
    return _agenda_page(request, meeting, add_form=add_form)


def _agenda_page(
    request,
    meeting: Meeting,
    *,
    add_form: forms.AgendaAddForm,
    refused: tuple[AgendaItem, forms.SummaryForm] | None = None,
) -> HttpResponse:
    """The agenda builder, one page of items at a time. ``refused``: an item and its summary form
    that did not validate, shown on the item's page with the errors and the error summary."""
    number = selectors.agenda_page_of(refused[0].position) if refused else request.GET.get("sida")
    page = selectors.agenda_page(meeting, number)
    search = request.GET.get("sok", "").strip()[:100]
    waiting = 0
    if not meeting.published_at:
        shown, waiting = selectors.agenda_candidates(meeting, search)
        add_form.offer(shown)
    items = list(page.object_list)
    for item in items:
        item.summary_form = refused[1] if refused and refused[0].pk == item.pk else None
    context = {
        "meeting": meeting,
        "items": items,
        "page": page,
        "page_links": selectors.agenda_page_links(page),
        "add_form": add_form,
        "candidates_waiting": waiting,
        "candidates_limit": selectors.CANDIDATES_SHOWN,
        "search": search,
        "search_query": "&" + urlencode({"sok": search}) if search else "",
        # The summaries are written in the page from the fields of ``SummaryForm``, which checks
        # a summary when it is saved; a refused one is shown on its item with the errors.
        "summary_fields": forms.SummaryForm.base_fields,
        "summary_form": refused[1] if refused else None,
    }
    return render(request, "reviews/agenda.html", context)


@require_POST
def agenda_item(request, pk: int, item_pk: int):
    """One change to one item of the agenda: save its summary, move it, or take it off."""
    meeting = _manageable_meeting(request, pk)
    item = selectors.get_item_for_user(request.user, meeting.pk, item_pk)
    action = request.POST.get("action", "")
    position = item.position  # back to the item's page, where it is now
    try:
        if action == "summary":
            form = forms.SummaryForm(request.POST, prefix=f"punkt-{item.pk}", position=item.position)
            if not form.is_valid():
                add_form = forms.AgendaAddForm(applications=selectors.complete_applications_for(meeting), prefix="ny")
                return _agenda_page(request, meeting, add_form=add_form, refused=(item, form))
            services.agenda_item_summarise(item=item, summary=form.cleaned_data["summary"], by=request.user)
            messages.success(request, _("Sammanfattningen för § %(position)s är sparad.") % {"position": item.position})
        elif action in {"up", "down"}:
            position = services.agenda_move(item=item, up=action == "up", by=request.user).position
            messages.success(request, _("Dagordningen är ändrad."))
        elif action == "remove":
            services.agenda_remove(item=item, by=request.user)
            messages.success(
                request,
                _("”%(title)s” är borttagen från dagordningen och är komplett igen.")
                % {"title": item.application.title},
            )
        else:
            messages.error(request, _("Välj vad som ska göras med punkten."))
    except (services.MeetingRefused, workflow.TransitionNotAllowed) as refused:
        messages.error(request, refused.message)
    return redirect(_agenda_item_url(meeting, position))


@require_POST
def publish(request, pk: int):
    meeting = _manageable_meeting(request, pk)
    try:
        services.meeting_publish(meeting=meeting, by=request.user)
    except services.MeetingRefused as refused:
        messages.error(request, refused.message)
        return redirect("reviews:agenda", pk)
    messages.success(request, _("Dagordningen är publicerad. Styrgruppens ledamöter ser nu mötet och ansökningarna."))
    return redirect("reviews:meeting_detail", pk)


@require_http_methods(["GET", "POST"])
def attendance(request, pk: int):
    meeting = selectors.get_meeting_for_user(request.user, pk)
    if not request.user.has_perm("reviews.record_attendance", meeting):
        raise PermissionDenied
    members = selectors.current_members(meeting)
    initial = {"present": [str(pk) for pk in selectors.present_ids(meeting)]}
    form = forms.AttendanceForm(posted(request), members=members, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_record(meeting=meeting, present=form.present_ids(), by=request.user)
        except services.MeetingRefused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("Närvaron är sparad."))
            return redirect("reviews:meeting_detail", pk)
    return render(request, "reviews/attendance.html", {"meeting": meeting, "form": form})


@require_http_methods(["GET", "POST"])
def vote(request, pk: int, item_pk: int):
    item = selectors.get_item_for_user(request.user, pk, item_pk)
    if not request.user.has_perm("reviews.vote", item):
        raise PermissionDenied
    mine = selectors.vote_of(item, request.user)
    initial = {"choice": mine.choice, "comment": mine.comment} if mine else None
    form = forms.VoteForm(posted(request), initial=initial, prefix=f"punkt-{item.pk}", position=item.position)
    if request.method == "POST" and form.is_valid():
        try:
            cast = services.vote_cast(
                item=item,
                member=request.user,
                choice=form.cleaned_data["choice"],
                comment=form.cleaned_data["comment"],
            )
        except services.MeetingRefused as refused:
            show_refusal(form, refused)
        else:
            messages.success(
                request,
                _("Din röst på § %(position)s är sparad: %(choice)s.")
                % {"position": item.position, "choice": cast.get_choice_display().lower()},
            )
            return redirect(_item_url(item))
    context = {
        "meeting": item.meeting,
        "item": item,
        "form": form,
        "mine": mine,
        "recused": selectors.has_recused(item, request.user),
    }
    return render(request, "reviews/vote.html", context)


@require_http_methods(["GET", "POST"])
def recusal(request, pk: int, item_pk: int):
    item = selectors.get_item_for_user(request.user, pk, item_pk)
    if not request.user.has_perm("reviews.declare_recusal", item):
        raise PermissionDenied
    membership = selectors.voting_membership(item.meeting, request.user)
    form = forms.RecusalForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.recusal_declare(item=item, member=request.user, reason=form.cleaned_data["reason"])
        except services.MeetingRefused as refused:
            show_refusal(form, refused)
        else:
            messages.success(
                request,
                _("Ditt jäv i § %(position)s är anmält. Du deltar inte i beslutet om punkten.")
                % {"position": item.position},
            )
            return redirect(_item_url(item))
    context = {
        "meeting": item.meeting,
        "item": item,
        "form": form,
        "conflicts": selectors.conflict_reasons(membership, item.application),
        "declared": selectors.has_recused(item, request.user),
        "has_voted": selectors.has_voted(item, request.user),
    }
    return render(request, "reviews/recusal.html", context)


def _chaired_item(request, pk: int, item_pk: int) -> AgendaItem:
    item = selectors.get_item_for_user(request.user, pk, item_pk)
    if not request.user.has_perm("reviews.chair_meeting", item.meeting):
        raise PermissionDenied
    return item


@require_http_methods(["GET", "POST"])
def close(request, pk: int, item_pk: int):
    item = _chaired_item(request, pk, item_pk)
    count = selectors.count_item(item)
    budget_years = selectors.item_budget_years(item)
    form = forms.CloseForm(posted(request), budget_years=budget_years, tie=count.tally.is_tie)
    if request.method == "POST" and form.is_valid():
        try:
            closed = services.agenda_item_close(
                item=item,
                by=request.user,
                casting_vote=form.cleaned_data.get("casting_vote"),
                recommended_years=form.amounts(),
                conditions=form.cleaned_data["conditions"],
            )
        except (services.MeetingRefused, workflow.TransitionNotAllowed) as refused:
            show_refusal(form, refused)
        else:
            messages.success(
                request,
                _("§ %(position)s är avslutad: %(outcome)s.")
                % {"position": closed.position, "outcome": closed.get_outcome_display().lower()},
            )
            return redirect(_item_url(closed))
    context = {
        "meeting": item.meeting,
        "item": item,
        "form": form,
        "count": count,
        "votes": selectors.item_votes(item),
        "recusals": selectors.item_recusals(item),
        "requested_total": sum(b.requested for b in budget_years),
    }
    return render(request, "reviews/close.html", context)


@require_http_methods(["GET", "POST"])
def return_item(request, pk: int, item_pk: int):
    item = _chaired_item(request, pk, item_pk)
    form = forms.ReturnForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_return(item=item, by=request.user, questions=form.cleaned_data["questions"])
        except (services.MeetingRefused, workflow.TransitionNotAllowed) as refused:
            show_refusal(form, refused)
        else:
            messages.success(
                request,
                _("§ %(position)s är återförvisad till arbetsgruppen med styrgruppens frågor.")
                % {"position": item.position},
            )
            return redirect(_item_url(item))
    return render(request, "reviews/return.html", {"meeting": item.meeting, "item": item, "form": form})


def _editable_meeting(request, pk: int) -> Meeting:
    meeting = selectors.get_meeting_for_user(request.user, pk)
    if not request.user.has_perm("reviews.edit_meeting", meeting):
        raise PermissionDenied
    return meeting


@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk: int):
    """Change a meeting's time, place or link; the steering group is told once it is published."""
    meeting = _editable_meeting(request, pk)
    form = forms.MeetingEditForm(posted(request), meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(
                meeting=meeting,
                starts_at=form.cleaned_data["starts_at"],
                place=form.cleaned_data["place"],
                video_link=form.cleaned_data["video_link"],
                by=request.user,
            )
        except services.MeetingRefused as refused:
            show_refusal(form, refused)
        else:
            if meeting.is_published:
                messages.success(request, _("Mötet är ändrat. Styrgruppens ledamöter får veta vad som ändrats."))
            else:
                messages.success(request, _("Mötet är ändrat."))
            return redirect("reviews:meeting_detail", pk)
    context = {"meeting": meeting, "form": form, "refusal": services.meeting_change_refusal(meeting)}
    return render(request, "reviews/meeting_edit.html", context)


@require_http_methods(["GET", "POST"])
def meeting_cancel(request, pk: int):
    """Cancel a meeting: its applications go back to complete and the steering group is told."""
    meeting = _editable_meeting(request, pk)
    form = forms.CancelForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_cancel(meeting=meeting, reason=form.cleaned_data["reason"], by=request.user)
        except (services.MeetingRefused, workflow.TransitionNotAllowed) as refused:
            show_refusal(form, refused)
        else:
            messages.success(
                request,
                _(
                    "Mötet är inställt. Ansökningarna på dagordningen är kompletta igen "
                    "och kan tas upp på ett annat möte."
                ),
            )
            return redirect("reviews:meeting_detail", pk)
    context = {
        "meeting": meeting,
        "form": form,
        "items": selectors.meeting_items(meeting),
        "refusal": services.meeting_change_refusal(meeting),
    }
    return render(request, "reviews/meeting_cancel.html", context)


@require_GET
def minutes_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.get_meeting_for_user(request.user, pk)
    minutes = selectors.minutes_of(meeting)
    data = minutes_doc.meeting_minutes(meeting)
    context = {
        "meeting": meeting,
        "minutes": data,
        "can_appoint": not data.is_locked and request.user.has_perm("reviews.appoint_adjuster", meeting),
        "can_approve": minutes_doc.awaits_approval_from(minutes, request.user),
    }
    return render(request, "reviews/minutes/detail.html", context)


@require_http_methods(["GET", "POST"])
def minutes_appoint(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.get_meeting_for_user(request.user, pk)
    if not request.user.has_perm("reviews.appoint_adjuster", meeting):
        raise PermissionDenied
    minutes = selectors.minutes_of(meeting)
    candidates = minutes_doc.adjuster_candidates(meeting)
    form = forms.AppointAdjusterForm(
        request.POST or None, candidates=candidates, initial={"adjuster": minutes.adjuster_id} if minutes.pk else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_prepare(meeting=meeting, adjuster=form.cleaned_data["adjuster"], by=request.user)
        except minutes_doc.MinutesError as refused:
            show_refusal(form, refused)
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
    data = minutes_doc.meeting_minutes(meeting)
    form = forms.ApproveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if minutes.pk is None:
            form.add_error(
                None, _("Ingen justerare är utsedd ännu. Projektledaren eller ordföranden utser justeraren.")
            )
        else:
            try:
                approval = services.minutes_approve(minutes=minutes, by=request.user)
            except minutes_doc.MinutesError as refused:
                show_refusal(form, refused)
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
        "awaits_approval": minutes_doc.awaits_approval_from(minutes, request.user),
    }
    return render(request, "reviews/minutes/approve.html", context)


@require_GET
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored PDF of approved minutes; before approval a draft, rendered on the spot and marked as such."""
    meeting = selectors.get_meeting_for_user(request.user, pk)
    minutes = selectors.minutes_of(meeting)
    if minutes.pdf:
        return stored_pdf(minutes.pdf, filename=minutes_doc.minutes_filename(minutes), sha256=minutes.pdf_sha256)
    if minutes.is_locked:
        # Justerat, but the worker has not stored the final PDF yet: never hand out another rendering.
        response = render(request, "reviews/minutes/pdf_pending.html", {"meeting": meeting}, status=503)
        response["Retry-After"] = "10"
        return response
    from simportal.pdf import render_pdf

    rendered = render_pdf("pdf/minutes.html", minutes_doc.minutes_pdf_context(meeting))
    day = timezone.localtime(meeting.starts_at).date().isoformat()
    response = HttpResponse(rendered.content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="protokoll-utkast-{day}-{meeting.pk}.pdf"'
    return response

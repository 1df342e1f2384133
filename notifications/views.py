"""A person's own notifications and their choices about e-mail.

Views parse input, call one service and render; who may see what comes from the rules.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partnership.models import User
from partnership.rules import roles_of

from . import selectors, services
from .catalogue import Event, events_for
from .models import Delivery

PAGE_SIZE = 25


def _person(request: HttpRequest) -> User:
    """The signed-in person, when they may read their own notifications."""
    user = request.user
    if not isinstance(user, User) or not user.has_perm("notifications.view_own_notifications"):
        raise PermissionDenied
    return user


@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    user = _person(request)
    only_unread = request.GET.get("visa") == "olasta"
    notifications = selectors.notifications_of(user, only_unread=only_unread)
    paginator = Paginator(notifications, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("sida"))
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "page_range": list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
            "only_unread": only_unread,
            "unread": services.unread_count(user),
            "pages_label": _("Sidor med aviseringar"),
        },
    )


@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link, marking it read. Other people's notifications give 404."""
    user = _person(request)
    notification = selectors.get_notification_for_user(user, pk)
    services.mark_read(user, [notification.pk])
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect("notifications:list")
    return redirect(target)


@require_POST
def notification_mark_read(request: HttpRequest) -> HttpResponse:
    user = _person(request)
    raw = request.POST.getlist("notification")
    ids = [int(value) for value in raw if value.isdigit()] if raw else None
    count = services.mark_read(user, ids)
    if ids is None:
        messages.success(request, _("Alla aviseringar är markerade som lästa."))
    elif count:
        messages.success(request, _("Aviseringen är markerad som läst."))
    back = request.POST.get("next", "")
    if back.startswith("/aviseringar/") and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)  # the same filter and page the person was on
    return redirect("notifications:list")


class PreferencesForm(forms.Form):
    """One choice per kind of event: an e-mail at once, or a daily digest."""

    def __init__(self, *args: Any, events: list[Event], initial_choices: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for event in events:
            key = event.key
            self.fields[key] = forms.ChoiceField(
                label=event.label,
                choices=Delivery.choices,
                initial=initial_choices[key],
                widget=forms.RadioSelect,
                help_text=gettext_lazy("Skickas när %(when)s, till %(who)s.")
                % {"when": event.when, "who": event.recipients_text},
                error_messages={"required": gettext_lazy("Välj direkt eller en sammanfattning per dag.")},
            )


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user = _person(request)
    form = PreferencesForm(
        request.POST or None,
        events=events_for(roles_of(user)),
        initial_choices=services.preferences_of(user),
    )
    if request.method == "POST" and form.is_valid():
        services.preferences_save(user, form.cleaned_data)
        messages.success(request, _("Dina val är sparade."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})

"""Pages that gather from every app: the start page per role, health, public pages."""

import datetime

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from applications import selectors as application_selectors
from applications.models import Status
from decisions import selectors as run_selectors
from outbox import selectors as outbox_selectors
from partnership import selectors as partnership_selectors
from partnership.rules import roles_of
from reviews import selectors as review_selectors

from .next_steps import next_steps

# The day the accessibility statement was last reviewed against the portal; change it with the text.
ACCESSIBILITY_REVIEWED_ON = datetime.date(2026, 12, 1)


@login_not_required
def home(request):
    if not request.user.is_authenticated:
        context = {"partnerships": partnership_selectors.partnerships_taking_applications()}
        return render(request, "public/landing.html", context)
    roles = roles_of(request.user)
    context: dict = {"roles": roles, "signing_duties": application_selectors.signing_duties(request.user)}
    # Every list shows its first rows and how many there are, with a link to the whole list.
    start_list = application_selectors.start_list
    labels = application_selectors.status_labels()
    inbox = application_selectors.inbox_link
    if roles.is_group_member:
        context["group_applications"] = start_list(application_selectors.group_applications(roles), labels=labels)
        context["open_calls"] = partnership_selectors.calls_open_to_groups(roles.working_groups)
    if roles.is_project_leader:
        for name, status in (
            ("awaiting_triage", Status.SUBMITTED),
            ("complete_without_meeting", Status.COMPLETE),
            ("awaiting_forwarding", Status.RECOMMENDED),
        ):
            context[name] = start_list(
                application_selectors.led_in_state(roles, status), link=inbox(status=status.value), labels=labels
            )
        context["next_meetings"] = review_selectors.meetings_by_time(roles)[0][:3]
    if roles.is_steering_member:
        context["upcoming_meetings"] = start_list(
            review_selectors.upcoming_meetings(roles), link=reverse("reviews:meeting_list")
        )
        context["awaiting_vote"] = start_list(review_selectors.items_awaiting_vote(request.user, roles))
        context["my_recusals"] = start_list(review_selectors.my_recusals(request.user))
    if roles.koncernkontoret:
        context["recently_submitted"] = start_list(
            application_selectors.submitted_for_koncernkontoret(roles), labels=labels
        )
    if roles.run_secretariat:
        context["at_run"] = start_list(application_selectors.at_run(roles), labels=labels)
        context["next_run_meetings"] = run_selectors.next_run_meetings(roles)
    if roles.is_nsv_member:
        context["nsv_applications"] = start_list(application_selectors.followed_by_nsv(roles), labels=labels)
    return render(request, "home.html", context)


@login_not_required
def accessibility(request):
    context = {
        "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
        "reviewed_on": ACCESSIBILITY_REVIEWED_ON,
        "partnership_contacts": partnership_selectors.partnership_contacts(),
    }
    return render(request, "public/accessibility.html", context)


def _redis_answers() -> bool | None:
    if not settings.REDIS_URL:
        return None
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        return bool(client.ping())
    except redis.RedisError:
        return False


@login_not_required
@require_GET
@never_cache
def healthz(request):
    """200 when the database answers; says whether Redis does (null: not configured)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = True
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        database = False
    body = {"status": "ok" if database else "error", "database": database, "redis": _redis_answers()}
    if database:
        body["background_work"] = outbox_selectors.background_work()
    return JsonResponse(body, status=200 if database else 503)


@require_safe
def application_sent(request, pk: int):
    """The confirmation after sending: the diarienummer, what happens next and the PDF."""
    application = application_selectors.get_submitted_application_for_user(request.user, pk)
    context = {"application": application, "next_steps": next_steps(application)}
    return render(request, "applications/sent.html", context)

"""Every URL pattern, visited as every role and as an anonymous visitor.

A new URL pattern without an entry in EXPECTED fails ``test_it_knows_every_url``,
so nothing is added without deciding who may use it.
"""

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from applications.models import Attachment
from notifications.models import Email, Notification, OutboxMessage
from partnership.models import User
from reviews import run
from reviews.models import DecisionLetter, Minutes
from tests.conftest import PERSONAS
from tests.factories import AgendaItemFactory, ApplicationFactory, MeetingFactory
from tests.reviews.test_run import forwarded_case, run_objects

pytestmark = pytest.mark.django_db

ANONYMOUS = "anonymous"
NO_ROLE = "no_role"  # an account without any current membership
WITH_ROLE = frozenset(PERSONAS)
LOGGED_IN = WITH_ROLE | {NO_ROLE}
EVERYONE = LOGGED_IN | {ANONYMOUS}
ADMINISTRATORS = frozenset({"project_leader", "secretariat"})
NOBODY = frozenset()
GROUP = frozenset({"leader", "member"})  # Uddevalla's working group, whose draft is visited

# name -> (allowed personas, method, kwargs-builder name or None)
EXPECTED = {
    "home": (EVERYONE, "get", None),
    "healthz": (EVERYONE, "get", None),
    "accessibility": (EVERYONE, "get", None),
    "login": (EVERYONE, "get", None),
    "logout": (LOGGED_IN, "post", None),
    "password_change": (LOGGED_IN, "get", None),
    "password_change_done": (LOGGED_IN, "get", None),
    "password_reset": (EVERYONE, "get", None),
    "password_reset_done": (EVERYONE, "get", None),
    "password_reset_confirm": (EVERYONE, "get", "reset_token"),
    "password_reset_complete": (EVERYONE, "get", None),
    "set_language": (EVERYONE, "post", None),
    "partnership:who_is_who": (WITH_ROLE, "get", None),
    "partnership:person": (WITH_ROLE, "get", "person"),
    "invitation_confirm": (EVERYONE, "get", "reset_token"),
    # Administrators resend an invitation to a person they may change (one without memberships here).
    "admin:partnership_user_invite": (ADMINISTRATORS, "post", "invitee"),
    "partnership:call_list": (WITH_ROLE, "get", None),
    "partnership:call_detail": (WITH_ROLE, "get", "call"),
    "applications:detail": (GROUP, "get", "draft"),
    "applications:new": (frozenset({"leader", "member", "outsider"}), "get", None),
    "applications:section": (GROUP, "get", "draft_section"),
    "applications:budget_totals": (GROUP, "post", "draft"),
    "applications:submit": (frozenset({"leader"}), "get", "draft"),
    "applications:transition": (frozenset({"leader"}), "get", "draft_withdraw"),
    "applications:message": (GROUP, "post", "draft"),
    "applications:attachments": (GROUP, "get", "draft"),
    "applications:attachment": (GROUP, "get", "draft_attachment"),
    "applications:changes": (GROUP, "get", "draft"),
    # -- the project leader's inbox --
    "inbox:list": (frozenset({"project_leader"}), "get", None),
    "inbox:export": (frozenset({"project_leader"}), "get", None),
    "inbox:extend_deadline": (frozenset({"project_leader"}), "get", None),
    # -- the public portfolio --
    "portfolio:list": (EVERYONE, "get", None),
    "portfolio:detail": (EVERYONE, "get", "public_investment"),
    # -- steering-group meetings --
    "reviews:meeting_list": (
        frozenset({"project_leader", "steering_member", "steering_chair", "koncernkontoret"}),
        "get",
        None,
    ),
    "reviews:meeting_new": (frozenset({"project_leader"}), "get", None),
    "reviews:agenda": (frozenset({"project_leader"}), "get", "published_meeting"),
    "reviews:agenda_item": (frozenset({"project_leader"}), "post", "published_item"),
    "reviews:publish": (frozenset({"project_leader"}), "post", "published_meeting"),
    "reviews:attendance": (frozenset({"project_leader", "steering_chair"}), "get", "published_meeting"),
    "reviews:meeting_edit": (frozenset({"project_leader"}), "get", "published_meeting"),
    "reviews:meeting_cancel": (frozenset({"project_leader"}), "get", "published_meeting"),
    "reviews:vote": (frozenset({"steering_member", "steering_chair"}), "get", "published_item"),
    "reviews:recusal": (frozenset({"steering_member", "steering_chair"}), "get", "published_item"),
    "reviews:close": (frozenset({"steering_chair"}), "get", "published_item"),
    "reviews:return_item": (frozenset({"steering_chair"}), "get", "published_item"),
    # -- minutes --
    "minutes:detail": (
        frozenset({"project_leader", "steering_member", "steering_chair", "koncernkontoret"}),
        "get",
        "minutes_meeting",
    ),
    "minutes:pdf": (
        frozenset({"project_leader", "steering_member", "steering_chair", "koncernkontoret"}),
        "get",
        "minutes_meeting",
    ),
    "minutes:appoint": (frozenset({"project_leader", "steering_chair"}), "get", "minutes_meeting"),
    "minutes:approve": (frozenset({"steering_chair", "steering_member"}), "get", "minutes_meeting"),  # chair, adjuster
    # -- RUN and the budget --
    "run:meeting_list": (frozenset({"secretariat", "project_leader", "koncernkontoret"}), "get", None),
    "run:meeting_new": (frozenset({"secretariat"}), "get", None),
    "run:meeting_detail": (frozenset({"secretariat", "project_leader", "koncernkontoret"}), "get", "run_meeting"),
    "run:meeting_edit": (frozenset({"secretariat"}), "get", "run_meeting"),
    "run:meeting_cancel": (frozenset({"secretariat"}), "get", "run_meeting"),
    "run:forward": (frozenset({"project_leader"}), "get", "recommended_application"),
    "run:case_detail": (frozenset({"secretariat", "project_leader", "koncernkontoret"}), "get", "run_case"),
    "run:decide": (frozenset({"secretariat"}), "get", "run_case"),
    "run:correct": (frozenset({"secretariat"}), "get", "run_decision"),
    "run:ledger": (
        frozenset({"secretariat", "project_leader", "koncernkontoret", "steering_member", "steering_chair"}),
        "get",
        None,
    ),
    "run:adjust_budget": (frozenset({"secretariat"}), "get", "call"),
    # Uddevalla's decision: its group and everyone who follows the application; not Munkedal's leader.
    "run:decision_letter": (WITH_ROLE - {"outsider"}, "get", "decision_letter"),
    "reviews:meeting_detail": (
        frozenset({"project_leader", "steering_member", "steering_chair", "koncernkontoret"}),
        "get",
        "published_meeting",
    ),
    # -- a person's own notifications: everyone has their own; a notification only its recipient --
    "notifications:list": (LOGGED_IN, "get", None),
    "notifications:open": (frozenset({"leader"}), "get", "notification"),
    "notifications:mark_read": (LOGGED_IN, "post", None),
    "notifications:preferences": (LOGGED_IN, "get", None),
    # -- operators retry failed background work from the admin --
    "admin:notifications_outboxmessage_retry": (ADMINISTRATORS, "get", "outbox_message"),
}
# Admin pages not tied to a model.
ADMIN_SITE_PAGES = {
    "admin:index": ADMINISTRATORS,
    "admin:login": ADMINISTRATORS,  # they are sent on to the index; others are refused
    "admin:logout": ADMINISTRATORS,
    "admin:password_change": ADMINISTRATORS,
    "admin:password_change_done": ADMINISTRATORS,
    "admin:jsi18n": ADMINISTRATORS,
    "admin:autocomplete": ADMINISTRATORS,
    "admin:app_list": ADMINISTRATORS,
    "admin:view_on_site": NOBODY,
}
# Records are shown in the admin to the system administrator only (read-only).
SUPERUSER_ONLY_ADMINS = {"applications.application", "reviews.meeting", "reviews.decisionletter"}
# People are deactivated and memberships ended, never deleted; nor is anything else of the
# structure. A decision letter is what was sent: it is only read in the admin.
ADMIN_OVERRIDES = {
    **{
        f"admin:partnership_{model}_delete": NOBODY
        for model in ["region", "subregion", "municipality", "organisation", "unit", "partnership", "part"]
        + ["call", "body", "membership"]
    },
    "admin:partnership_user_delete": NOBODY,
    "admin:reviews_decisionletter_add": NOBODY,
    "admin:reviews_decisionletter_delete": NOBODY,
    # Background work and sent e-mail are records: operators read them and retry, nothing more.
    "admin:notifications_outboxmessage_add": NOBODY,
    "admin:notifications_outboxmessage_delete": NOBODY,
    "admin:notifications_email_add": NOBODY,
    "admin:notifications_email_delete": NOBODY,
}


def url_names(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def model_admin_for(name: str):
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            return model, model_admin, name[len(prefix) :]
    return None, None, None


@pytest.fixture
def objects(demo):
    draft = ApplicationFactory(call=demo.call(), working_group=demo.working_group("Uddevalla"))
    meeting = MeetingFactory(steering_group=demo.steering_group(), published_at=timezone.now())
    AgendaItemFactory(
        meeting=meeting,
        application=ApplicationFactory(call=demo.call(), working_group=demo.working_group("Munkedal"), submitted=True),
    )
    # Minutes with Karin Ek (steering_member) appointed adjuster.
    minutes_meeting = MeetingFactory(steering_group=demo.steering_group(), published_at=timezone.now())
    Minutes.objects.create(meeting=minutes_meeting, adjuster=demo.person("steering_member"))
    User.objects.create_user("utan-uppdrag", email="utan@example.se", password="x")  # noqa: S106
    attachment = Attachment(
        application=draft,
        original_name="kartläggning.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
        uploaded_by=demo.person("leader"),
    )
    attachment.file.save("kartlaggning", ContentFile(b"%PDF-1.4\n"), save=True)
    # A decision on Uddevalla's application with its letter stored (a stand-in file: nothing is rendered).
    decided = forwarded_case(demo, title="Med beslutsbrev")
    decision = run.decision_record(
        case=decided,
        outcome="rejected",
        paragraph="102",
        decided_on=decided.run_meeting.held_on,
        reasons="Insatsen ryms inte i utlysningens inriktning.",
        by=demo.person("secretariat"),
    )
    letter = DecisionLetter(decision=decision, filename="beslutsbrev-102.pdf", sha256="0" * 64, size=9)
    letter.pdf.save(letter.filename, ContentFile(b"%PDF-1.4\n"), save=True)
    notification = Notification.objects.create(
        key="matrix", recipient=demo.person("leader"), event="accepted", title="Komplett", body="…", url="/"
    )
    Email.objects.create(
        key="matrix", recipient=demo.person("leader"), to="a@example.se", subject="x", text="x", html="x"
    )
    failed = OutboxMessage.objects.create(key="matrix", kind="email", failed_at=timezone.now(), last_error="SMTP 451")
    return {
        "notification": {"pk": notification.pk},
        "outbox_message": {"pk": failed.pk},
        "draft_section": {"pk": draft.pk, "key": "basics"},
        "draft_withdraw": {"pk": draft.pk, "name": "withdraw"},
        "draft_attachment": {"pk": draft.pk, "attachment_pk": attachment.pk},
        "call": {"pk": demo.call().pk},
        "draft": {"pk": draft.pk},
        "published_meeting": {"pk": meeting.pk},
        "published_item": {"pk": meeting.pk, "item_pk": meeting.items.get().pk},
        "minutes_meeting": {"pk": minutes_meeting.pk},
        "decision_letter": {"pk": decision.pk},
        # An investment as the importer stores it: granted, without a working group.
        "public_investment": {
            "pk": ApplicationFactory(call=demo.call(), source="import", status="approved", run_status="ongoing").pk
        },
        "reset_token": {"uidb64": "MQ", "token": "set-password"},
        "person": {"pk": demo.person("leader").pk},
        "invitee": {"pk": User.objects.get(username="utan-uppdrag").pk},
        **run_objects(demo),
    }


def expectation(name: str, objects) -> tuple[frozenset, str, dict, dict]:
    """(allowed personas, method, kwargs, query) for a URL name."""
    if name in EXPECTED:
        allowed, method, builder = EXPECTED[name]
        return allowed, method, objects[builder] if builder else {}, {}
    if name in ADMIN_SITE_PAGES:
        method = "post" if name == "admin:logout" else "get"
        kwargs = {"app_label": "partnership"} if name == "admin:app_list" else {}
        query = {}
        if name == "admin:autocomplete":
            query = {"app_label": "partnership", "model_name": "membership", "field_name": "person", "term": "a"}
        if name == "admin:view_on_site":
            from django.contrib.contenttypes.models import ContentType

            kwargs = {
                "content_type_id": ContentType.objects.get_for_model(User).pk,
                "object_id": User.objects.first().pk,
            }
        return ADMIN_SITE_PAGES[name], method, kwargs, query
    model, _model_admin, view = model_admin_for(name)
    assert model is not None, f"no expectation for URL name {name!r}: add it to EXPECTED"
    allowed = NOBODY if model._meta.label_lower in SUPERUSER_ONLY_ADMINS else ADMINISTRATORS
    allowed = ADMIN_OVERRIDES.get(name, allowed)
    obj = model.objects.order_by("pk").first()
    assert obj is not None, f"no {model._meta.label} to visit for {name}"
    if view in {"changelist", "add"}:
        return allowed, "get", {}, {}
    if view == "simple_history":
        return allowed, "get", [obj.pk, obj.history.first().history_id], {}
    assert view in {"change", "delete", "history"}, f"unknown admin view {name!r}"
    return allowed, "get", {"object_id": obj.pk}, {}


def visit(client, name, method, kwargs, query):
    url = reverse(name, args=kwargs) if isinstance(kwargs, list) else reverse(name, kwargs=kwargs)
    if method == "post":
        data = {"language": "sv", "next": "/"} if name == "set_language" else {}
        return client.post(url, data)
    return client.get(url, query)


def answered(response) -> bool:
    """Allowed: the page answers (200) or sends the person on somewhere other than the login page."""
    if response.status_code == 200:
        return True
    if response.status_code == 302:
        return not response.url.startswith((reverse("login"), reverse("admin:login")))
    return False


def test_it_knows_every_url(objects):
    for name in url_names():
        expectation(name, objects)  # raises for a URL nobody has decided about


@pytest.mark.parametrize("persona", sorted(EVERYONE))
def test_it_allows_each_role_exactly_what_the_rules_say(client, demo, objects, persona):
    if persona == NO_ROLE:
        client.force_login(User.objects.get(username="utan-uppdrag"))
    elif persona != ANONYMOUS:
        client.force_login(demo.person(persona))
    mismatches = []
    for name in sorted(set(url_names())):
        allowed, method, kwargs, query = expectation(name, objects)
        if name in {"logout", "admin:logout"}:
            continue  # checked on its own below: logging out ends the session for the rest of the walk
        response = visit(client, name, method, kwargs, query)
        if answered(response) != (persona in allowed):
            mismatches.append(f"{name}: {response.status_code} (allowed: {persona in allowed})")
        if persona not in allowed and persona != ANONYMOUS:
            assert response.status_code in {403, 404}, f"{name} refused {persona} without 403/404"
    assert mismatches == []


@pytest.mark.parametrize("name", ["logout", "admin:logout"])
@pytest.mark.parametrize("persona", sorted(EVERYONE - {NO_ROLE}))
def test_it_logs_out_only_those_allowed(client, demo, objects, persona, name):
    if persona != ANONYMOUS:
        client.force_login(demo.person(persona))
    allowed, method, kwargs, query = expectation(name, objects)
    response = visit(client, name, method, kwargs, query)
    assert answered(response) == (persona in allowed)


def test_it_gives_404_not_403_for_another_groups_application(client, demo, objects):
    client.force_login(demo.person("outsider"))
    response = client.get(reverse("applications:detail", kwargs=objects["draft"]))
    assert response.status_code == 404

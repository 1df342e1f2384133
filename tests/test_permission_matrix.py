"""Every URL pattern, visited as every role and as an anonymous visitor, with GET and POST.

A new URL pattern without an entry in EXPECTED fails ``test_it_knows_every_url``,
so nothing is added without deciding who may use it. A URL counts as allowed only when
it answers with its page (200); only the URLs in REDIRECTS answer with a redirect, to the
place named there. Every URL is also posted to: whoever may not use it is refused (403, 404
or 405) and nothing is stored.

A second partnership (SIM Skaraborg, ``tests.factories.other_partnership``) has its own
project leader, steering group, working groups and call, and objects of its own for every
URL: Fyrbodal's personas get 404 for them (except the region-wide roles in ACROSS), its own
personas reach them as their Fyrbodal counterparts reach Fyrbodal's, and nested ids that do
not belong together (one meeting with another meeting's item) answer 404 to everyone.
"""

import datetime

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from applications.documents import application_pdf_store
from applications.models import Attachment
from applications.signatures import signing_pdf_store
from decisions import services as decision_services
from decisions.models import DecisionLetter
from notifications.models import Email
from outbox.models import OutboxMessage
from partnership.models import User
from reviews.models import AgendaItem, Minutes
from tests.conftest import PERSONAS
from tests.decisions.test_run import forwarded_case, run_objects
from tests.factories import (
    ApplicationFactory,
    a_notification,
    accepted_application,
    clear_of_factory_reference_numbers,
    complete_application,
    decided_through_services,
    imported_investments,
    minuted_meeting,
    other_partnership,
    published_agenda,
    recommended_through_services,
)

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
    # The principals' signatures: the group names and asks; only the person named signs (none of the
    # personas is), and the version to sign is for the group and that person.
    "applications:signatures": (GROUP, "get", "draft"),
    "applications:signatures_request": (GROUP, "post", "draft"),
    "applications:signing": (NOBODY, "get", "signing_duty"),
    "applications:signing_pdf": (GROUP, "get", "signing_version"),
    # Uddevalla's sent application: the confirmation page for whoever sees it; its PDF for the group, the
    # project leader, the steering group that has it on its agenda and Koncernkontoret (not NSV, not RUN's).
    "application_sent": (WITH_ROLE - {"outsider"}, "get", "sent_application"),
    "applications:pdf": (WITH_ROLE - {"outsider", "nsv_chair", "secretariat"}, "get", "sent_application"),
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
    # -- the meeting pack: the items side by side and the pack as a PDF --
    "meeting_compare": (
        frozenset({"project_leader", "steering_member", "steering_chair", "koncernkontoret"}),
        "get",
        "published_meeting",
    ),
    "meeting_pack_pdf": (
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
    "admin:outbox_outboxmessage_retry": (ADMINISTRATORS, "get", "outbox_message"),
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
SUPERUSER_ONLY_ADMINS = {
    "applications.application",
    "reviews.meeting",
    "decisions.decisionletter",
    "decisions.ledgertotal",  # the running totals the services keep; only ``ledger_check --repair`` rewrites them
}
# People are deactivated and memberships ended, never deleted; nor is anything else of the
# structure. A decision letter is what was sent: it is only read in the admin.
ADMIN_OVERRIDES = {
    **{
        f"admin:partnership_{model}_delete": NOBODY
        for model in [
            "region",
            "subregion",
            "municipality",
            "organisation",
            "unit",
            "partnership",
            "part",
            "call",
            "body",
            "membership",
        ]
    },
    "admin:partnership_user_delete": NOBODY,
    "admin:decisions_decisionletter_add": NOBODY,
    "admin:decisions_decisionletter_delete": NOBODY,
    # Background work and sent e-mail are records: operators read them and retry, nothing more.
    "admin:outbox_outboxmessage_add": NOBODY,
    "admin:outbox_outboxmessage_delete": NOBODY,
    "admin:notifications_email_add": NOBODY,
    "admin:notifications_email_delete": NOBODY,
    # The region's geography, and which partnerships exist, are the system administrator's; a
    # project leader keeps their own partnership's page and makes its calls.
    **{f"admin:partnership_{model}_add": NOBODY for model in ["region", "subregion", "municipality"]},
    "admin:partnership_partnership_add": NOBODY,
    "admin:partnership_part_add": NOBODY,
    "admin:partnership_call_add": frozenset({"project_leader"}),
}
# The admin lists only what is within an administrator's reach (``partnership.rules``:
# ``bodies_in_view`` and its kin): the object each model's pages are visited with, and who sees it.
# tests/partnership/test_admin_reach.py walks the rest.
SCOPED_ADMIN_OBJECTS = {
    "partnership.body": (lambda demo: demo.steering_group(), frozenset({"project_leader"})),
    "partnership.membership": (
        lambda demo: demo.steering_group().memberships.order_by("pk").first(),
        frozenset({"project_leader"}),
    ),
    "partnership.user": (lambda demo: demo.person("steering_member"), frozenset({"project_leader"})),
    # An e-mail to Uddevalla's leader: the project leader staffs that group, the secretariat does not.
    "notifications.email": (lambda demo: Email.objects.get(key="matrix"), frozenset({"project_leader"})),
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
    meeting = published_agenda(demo, [accepted_application(demo, "Munkedal")])
    # Minutes with Karin Ek (steering_member) appointed adjuster.
    minutes_meeting = minuted_meeting(
        call=demo.call(), working_group=demo.working_group("Mellerud"), adjuster=demo.person("steering_member")
    )
    User.objects.create_user("utan-uppdrag", email="utan@example.se", password="x")
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
    decision = decision_services.decision_record(
        case=decided,
        outcome="rejected",
        paragraph="102",
        decided_on=decided.run_meeting.held_on,
        reasons="Insatsen ryms inte i utlysningens inriktning.",
        by=demo.person("secretariat"),
    )
    letter = DecisionLetter(decision=decision, filename="beslutsbrev-102.pdf", sha256="0" * 64, size=9)
    letter.pdf.save(letter.filename, ContentFile(b"%PDF-1.4\n"), save=True)
    # For mixed nested ids: a second published meeting's item and a second application's attachment.
    second_meeting = published_agenda(demo, [accepted_application(demo, "Munkedal", title="Läslyftet")])
    second_item = second_meeting.items.get()
    second_attachment = _attachment(
        ApplicationFactory(call=demo.call(), working_group=demo.working_group("Uddevalla")), demo.person("leader")
    )
    notification = a_notification(
        key="matrix", recipient=demo.person("leader"), event="accepted", title="Komplett", body="…", url="/"
    )
    Email.objects.create(
        key="matrix", recipient=demo.person("leader"), to="a@example.se", subject="x", text="x", html="x"
    )
    failed = OutboxMessage.objects.create(key="matrix", kind="email", failed_at=timezone.now(), last_error="SMTP 451")
    return {
        "demo": demo,  # the admin's scoped objects are looked up in it
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
        "sent_application": {"pk": _with_stored_pdf(decided.application)},
        # An investment as the importer stores it: granted, without a working group.
        "public_investment": {"pk": imported_investments({"title": "Familjecentral, Uddevalla"})[0].pk},
        "reset_token": {"uidb64": "MQ", "token": "set-password"},
        "person": {"pk": demo.person("leader").pk},
        "invitee": {"pk": User.objects.get(username="utan-uppdrag").pk},
        "second_item": second_item.pk,
        "second_attachment": second_attachment.pk,
        **_signing(complete_application(demo.call(), demo.working_group("Uddevalla"), title="Att skriva under")),
        **run_objects(demo),
    }


def _attachment(application, by):
    attachment = Attachment(
        application=application,
        original_name="kartläggning.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
        uploaded_by=by,
    )
    attachment.file.save("kartlaggning", ContentFile(b"%PDF-1.4\n"), save=True)
    return attachment


def _signing(application) -> dict:
    """The application's signatory for the region and its version for signing, with that version's
    PDF rendered (work done after a commit)."""
    version = application.signing_versions.order_by("-number").first()
    signing_pdf_store(version.pk)
    return {
        "signing_duty": {"pk": application.signatories.get(principal="region").pk},
        "signing_version": {"pk": version.pk},
    }


def _with_stored_pdf(application) -> int:
    """The application's pk, with the PDF of its last submission stored (work done after a commit)."""
    application_pdf_store(application.snapshots.order_by("-number").first().pk)
    return application.pk


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
    if model._meta.label_lower in SCOPED_ADMIN_OBJECTS and view not in {"changelist", "add"}:
        build, seen_by = SCOPED_ADMIN_OBJECTS[model._meta.label_lower]
        obj, allowed = build(objects["demo"]), allowed & seen_by
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


# URLs whose page is a redirect, and where (from the URL's kwargs) they send the person who may
# use them: an action that is done at once, or a page for someone who is already logged in.
REDIRECTS = {
    "logout": lambda kwargs: reverse("home"),
    "admin:logout": lambda kwargs: reverse("home"),
    "login": lambda kwargs: reverse("home"),  # already logged in
    "admin:login": lambda kwargs: reverse("admin:index"),  # already logged in
    "set_language": lambda kwargs: "/",
    "notifications:open": lambda kwargs: "/",  # the notification's own link
    "notifications:mark_read": lambda kwargs: reverse("notifications:list"),
    "applications:message": lambda kwargs: reverse("applications:detail", kwargs={"pk": kwargs["pk"]}) + "#meddelanden",
    "applications:signatures_request": lambda kwargs: reverse("applications:signatures", kwargs={"pk": kwargs["pk"]}),
    # Back to the item on its page of the agenda.
    "reviews:agenda_item": lambda kwargs: (
        reverse("reviews:agenda", kwargs={"pk": kwargs["pk"]})
        + f"#punkt-{AgendaItem.objects.get(pk=kwargs['item_pk']).position}"
    ),
    "reviews:publish": lambda kwargs: reverse("reviews:agenda", kwargs={"pk": kwargs["pk"]}),
    # Sending an invitation again is done at once, back on the person's page.
    "admin:partnership_user_invite": lambda kwargs: reverse("admin:partnership_user_change", args=[kwargs["pk"]]),
}


def answered(response, name: str = "", kwargs=None) -> bool:
    """Allowed: the page answers (200); a URL in REDIRECTS may instead send the person to its
    own place, and nowhere else."""
    if name in REDIRECTS and response.status_code == 302:
        return response.url == REDIRECTS[name](kwargs or {})
    return response.status_code == 200


def shown(response) -> str:
    return f"{response.status_code} -> {response.url}" if response.status_code == 302 else str(response.status_code)


def refused(response, persona: str) -> bool:
    """Refused: 403, 404 or 405 for a logged-in person; the login page for an anonymous visitor."""
    if persona == ANONYMOUS:
        return response.status_code == 302 and response.url.startswith((reverse("login"), reverse("admin:login")))
    return response.status_code in {403, 404, 405}


# What a POST may change, read before and after the refused POSTs.
FINGERPRINTED_APPS = ("partnership", "applications", "reviews", "decisions", "notifications")


def fingerprint() -> dict:
    from django.apps import apps

    from applications.models import Application
    from partnership.models import Call
    from reviews.models import AgendaItem, Meeting

    counts = {
        model._meta.label: model._default_manager.count()
        for app in FINGERPRINTED_APPS
        for model in apps.get_app_config(app).get_models()
    }
    return {
        "counts": counts,
        "applications": list(Application.objects.order_by("pk").values_list("pk", "status", "title")),
        "meetings": list(Meeting.objects.order_by("pk").values_list("pk", "published_at", "starts_at", "place")),
        "items": list(AgendaItem.objects.order_by("pk").values_list("pk", "closed_at", "outcome", "summary")),
        "minutes": list(
            Minutes.objects.order_by("pk").values_list("pk", "adjuster", "chair_approved_at", "adjuster_approved_at")
        ),
        "calls": list(Call.objects.order_by("pk").values_list("pk", "budget", "deadline")),
        "people": list(User.objects.order_by("pk").values_list("pk", "password", "is_active")),
    }


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
    names = sorted(set(url_names()) - {"logout", "admin:logout"})  # logging out is checked on its own below
    for name in names:
        allowed, method, kwargs, query = expectation(name, objects)
        response = visit(client, name, method, kwargs, query)
        if answered(response, name, kwargs) != (persona in allowed):
            mismatches.append(f"{name}: {shown(response)} (allowed: {persona in allowed})")
        if persona not in allowed and persona != ANONYMOUS:
            assert response.status_code in {403, 404}, f"{name} refused {persona} without 403/404"
    # Then a POST to every URL: first where this person is refused (nothing may change), then
    # the others (an empty form is answered with its errors, never with a refusal).
    before = fingerprint()
    for name in names:
        allowed, _method, kwargs, query = expectation(name, objects)
        if persona not in allowed:
            response = visit(client, name, "post", kwargs, query)
            if not refused(response, persona):
                mismatches.append(f"POST {name}: {response.status_code} (allowed: False)")
    assert fingerprint() == before, "a refused POST changed something"
    for name in names:
        allowed, _method, kwargs, query = expectation(name, objects)
        if persona in allowed and not name.startswith("admin:"):  # the admin's own writes: tests/partnership
            response = visit(client, name, "post", kwargs, query)
            if response.status_code in {403, 404}:
                mismatches.append(f"POST {name}: {response.status_code} (allowed: True)")
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.parametrize("name", ["logout", "admin:logout"])
@pytest.mark.parametrize("persona", sorted(EVERYONE - {NO_ROLE}))
def test_it_logs_out_only_those_allowed(client, demo, objects, persona, name):
    if persona != ANONYMOUS:
        client.force_login(demo.person(persona))
    allowed, method, kwargs, query = expectation(name, objects)
    response = visit(client, name, method, kwargs, query)
    assert answered(response, name, kwargs) == (persona in allowed)


def test_it_gives_404_not_403_for_another_groups_application(client, demo, objects):
    client.force_login(demo.person("outsider"))
    response = client.get(reverse("applications:detail", kwargs=objects["draft"]))
    assert response.status_code == 404


# --- a second partnership ------------------------------------------------------------------------

# The second partnership's personas, each with the Fyrbodal persona they stand beside.
OTHER_PERSONAS = {
    "other_project_leader": "project_leader",
    "other_steering_chair": "steering_chair",
    "other_steering_member": "steering_member",
    "other_leader": "leader",
}
# Builders of objects that belong to no partnership (or to one person): the same objects for both.
# People (and the person without a role an invitation goes to) are the region's, not a partnership's.
UNSCOPED_BUILDERS = frozenset(
    {"notification", "outbox_message", "public_investment", "reset_token", "person", "invitee"}
)
PERSONAL_BUILDERS = frozenset({"notification"})  # only its recipient, Uddevalla's leader, opens it
# Which of Fyrbodal's personas may use a URL with the other partnership's object: RUN's secretariat
# and Koncernkontoret serve every partnership (their bodies are tied to none), and every call can be
# read by everyone with a role. Every other URL: nobody.
ACROSS = {
    "partnership:call_detail": WITH_ROLE,
    "run:meeting_detail": frozenset({"secretariat", "koncernkontoret"}),
    # RUN's meetings are the board's, shared by every partnership: its secretariat keeps them.
    "run:meeting_edit": frozenset({"secretariat"}),
    "run:meeting_cancel": frozenset({"secretariat"}),
    "run:case_detail": frozenset({"secretariat", "koncernkontoret"}),
    "run:decide": frozenset({"secretariat"}),
    "run:correct": frozenset({"secretariat"}),
    "run:adjust_budget": frozenset({"secretariat"}),
    "run:decision_letter": frozenset({"secretariat", "koncernkontoret"}),
    "application_sent": frozenset({"secretariat", "koncernkontoret"}),
    "applications:pdf": frozenset({"koncernkontoret"}),
    # Koncernkontoret reads the published meetings of every partnership it serves, seat or not.
    "reviews:meeting_detail": frozenset({"koncernkontoret"}),
    "meeting_compare": frozenset({"koncernkontoret"}),
    "meeting_pack_pdf": frozenset({"koncernkontoret"}),
    "minutes:detail": frozenset({"koncernkontoret"}),
    "minutes:pdf": frozenset({"koncernkontoret"}),
}


# They see every partnership's cases at RUN (and Koncernkontoret every registered application).
SEES_EVERY_PARTNERSHIP = frozenset({"secretariat", "koncernkontoret"})


@pytest.fixture
def other(demo):
    """SIM Skaraborg's people and, for every builder of EXPECTED that names an object of a
    partnership, an object of its own made the same way as Fyrbodal's (states through the services)."""
    skaraborg = other_partnership()
    people = {persona: skaraborg.person(key.removeprefix("other_")) for persona, key in OTHER_PERSONAS.items()}
    skovde = skaraborg.groups["Skövde"]
    draft = ApplicationFactory(call=skaraborg.call, working_group=skovde)
    attachment = _attachment(draft, people["other_leader"])
    # A published meeting with an open item, as Fyrbodal's.
    from applications import services as application_services
    from reviews import services as meeting_services
    from tests.factories import complete_application

    clear_of_factory_reference_numbers(timezone.localdate().year)
    complete = complete_application(skaraborg.call, skovde, title="På dagordningen i Skövde", by=people["other_leader"])
    application_services.application_submit(application=complete, by=people["other_leader"])
    application_services.application_accept(application=complete, by=people["other_project_leader"])
    meeting = meeting_services.meeting_schedule(
        steering_group=skaraborg.steering_group,
        starts_at=timezone.now() + datetime.timedelta(days=7),
        place="Stadshuset, Skövde",
        by=people["other_project_leader"],
    )
    item = meeting_services.agenda_add(meeting=meeting, application=complete, by=people["other_project_leader"])
    meeting_services.meeting_publish(meeting=meeting, by=people["other_project_leader"])
    minutes_meeting = minuted_meeting(
        call=skaraborg.call, working_group=skovde, adjuster=people["other_steering_member"], days_ago=13
    )
    secretariat = demo.person("secretariat")
    decided, _meeting = recommended_through_services(
        call=skaraborg.call, working_group=skovde, title="Beslutad i Skövde", days_ago=12
    )
    decided_case, decision = decided_through_services(decided, secretariat=secretariat)
    waiting, _meeting = recommended_through_services(
        call=skaraborg.call, working_group=skovde, title="Hos RUN från Skövde", days_ago=11
    )
    waiting_case, _none = decided_through_services(waiting, secretariat=secretariat, decide=False)
    recommended, _meeting = recommended_through_services(
        call=skaraborg.call, working_group=skovde, title="Att skicka från Skövde", days_ago=10
    )
    objects = {
        "draft": {"pk": draft.pk},
        "draft_section": {"pk": draft.pk, "key": "basics"},
        "draft_withdraw": {"pk": draft.pk, "name": "withdraw"},
        "draft_attachment": {"pk": draft.pk, "attachment_pk": attachment.pk},
        "call": {"pk": skaraborg.call.pk},
        "published_meeting": {"pk": meeting.pk},
        "published_item": {"pk": meeting.pk, "item_pk": item.pk},
        "minutes_meeting": {"pk": minutes_meeting.pk},
        "decision_letter": {"pk": decision.pk},
        "sent_application": {"pk": _with_stored_pdf(decided)},
        "run_meeting": {"pk": waiting_case.run_meeting_id},
        "recommended_application": {"pk": recommended.pk},
        "run_case": {"pk": waiting_case.pk},
        "run_decision": {"pk": decision.pk},
        **_signing(complete),
    }
    assert decided_case.run_meeting_id == waiting_case.run_meeting_id
    return {"people": people, "objects": objects}


def partnership_urls(objects):
    """(name, allowed, method, builder) for every URL outside the admin."""
    for name in sorted(set(url_names())):
        if name.startswith("admin:") or name in {"logout"}:
            continue
        allowed, method, builder = EXPECTED[name]
        yield name, allowed, method, builder


def test_it_has_an_object_of_the_other_partnership_for_every_builder(objects, other):
    for name, _allowed, _method, builder in partnership_urls(objects):
        if builder and builder not in UNSCOPED_BUILDERS:
            assert builder in other["objects"], f"{name}: no object of the other partnership for {builder!r}"


def _login(client, demo, persona, other=None):
    client.logout()
    if persona == NO_ROLE:
        client.force_login(User.objects.get(username="utan-uppdrag"))
    elif persona in OTHER_PERSONAS:
        client.force_login(other["people"][persona])
    elif persona != ANONYMOUS:
        client.force_login(demo.person(persona))


def test_it_gives_fyrbodals_personas_404_for_the_other_partnerships_objects(client, demo, objects, other):
    """Every URL with an object of the other partnership, as each of Fyrbodal's personas: GET
    and POST are refused, except for the region-wide roles in ACROSS."""
    mismatches = []
    before = fingerprint()
    for persona in sorted(EVERYONE):
        _login(client, demo, persona)
        for name, _allowed, method, builder in partnership_urls(objects):
            if not builder or builder in UNSCOPED_BUILDERS:
                continue
            kwargs = other["objects"][builder]
            may = persona in ACROSS.get(name, NOBODY)
            response = visit(client, name, method, kwargs, {})
            if answered(response, name, kwargs) != may:
                mismatches.append(f"{persona} {method.upper()} {name}: {shown(response)} (allowed: {may})")
            # Those who see another partnership's objects at all are told 403 for what they may not do.
            if not may and persona not in SEES_EVERY_PARTNERSHIP | {ANONYMOUS, NO_ROLE} and response.status_code != 404:
                mismatches.append(f"{persona} {method.upper()} {name}: {response.status_code}, not 404")
            if method == "get":
                posted = visit(client, name, "post", kwargs, {})
                if not may and not refused(posted, persona):
                    mismatches.append(f"{persona} POST {name}: {posted.status_code} (allowed: False)")
                if may and posted.status_code in {403, 404}:
                    mismatches.append(f"{persona} POST {name}: {posted.status_code} (allowed: True)")
    assert not mismatches, "\n".join(mismatches)
    assert fingerprint()["applications"] == before["applications"]


def test_it_lets_the_other_partnership_use_its_own_objects(client, demo, objects, other):
    """The other partnership's personas reach their own objects as their Fyrbodal counterparts
    reach Fyrbodal's (so the refusals above are about the partnership, not broken objects)."""
    mismatches = []
    for persona, counterpart in sorted(OTHER_PERSONAS.items()):
        _login(client, demo, persona, other)
        for name, allowed, method, builder in partnership_urls(objects):
            kwargs = objects[builder] if builder in UNSCOPED_BUILDERS else other["objects"][builder] if builder else {}
            may = counterpart in allowed and builder not in PERSONAL_BUILDERS
            response = visit(client, name, method, kwargs, {})
            if answered(response, name, kwargs) != may:
                mismatches.append(f"{persona} {name}: {shown(response)} (allowed: {may})")
    assert not mismatches, "\n".join(mismatches)


def test_it_gives_the_other_partnerships_personas_404_for_fyrbodals_objects(client, demo, objects, other):
    mismatches = []
    for persona in sorted(OTHER_PERSONAS):
        _login(client, demo, persona, other)
        for name, _allowed, method, builder in partnership_urls(objects):
            if not builder or builder in UNSCOPED_BUILDERS:
                continue
            may = ACROSS.get(name) == WITH_ROLE  # only what everyone with a role may read: the calls
            response = visit(client, name, method, objects[builder], {})
            if answered(response, name, objects[builder]) != may or (not may and response.status_code != 404):
                mismatches.append(f"{persona} {name}: {shown(response)} (allowed: {may})")
    assert not mismatches, "\n".join(mismatches)


# --- nested ids that do not belong together ---------------------------------------------------------


def nested_url_names():
    """URL names whose pattern carries more than one object id."""

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                ids = [key for key, converter in pattern.pattern.converters.items() if converter.regex == "[0-9]+"]
                if len(ids) > 1:
                    yield f"{namespace}{pattern.name}"

    return sorted(set(walk(get_resolver().url_patterns)))


def mixed_ids(name, objects, other) -> list[dict]:
    """The URL's own first object with a second object that belongs elsewhere: of the same
    partnership and of the other one."""
    _allowed, _method, builder = EXPECTED[name]
    own = objects[builder]
    first, second = list(own)
    theirs = other["objects"][builder][second]
    elsewhere = {"published_item": objects["second_item"], "draft_attachment": objects["second_attachment"]}[builder]
    return [{first: own[first], second: elsewhere}, {first: own[first], second: theirs}]


def test_it_gives_404_for_mixed_nested_ids(client, demo, objects, other):
    names = [name for name in nested_url_names() if not name.startswith("admin:")]
    assert names, "no URL with nested ids found"
    mismatches = []
    for persona in sorted(EVERYONE | set(OTHER_PERSONAS)):
        _login(client, demo, persona, other)
        for name in names:
            allowed, method, _builder = EXPECTED[name]
            # Whoever may use the URL with ids that belong together gets 404; others are refused anyway.
            user_of_url = persona in allowed or OTHER_PERSONAS.get(persona) in allowed
            for kwargs in mixed_ids(name, objects, other):
                for verb in sorted({method, "post"}):
                    response = visit(client, name, verb, kwargs, {})
                    expected_refusal = refused(response, persona) and (
                        not user_of_url or response.status_code in {404, 405}
                    )
                    if not expected_refusal:
                        mismatches.append(f"{persona} {verb.upper()} {name} {kwargs}: {response.status_code}")
    assert not mismatches, "\n".join(mismatches)

"""The admin never rewrites a record.

What the workflow and the services own (meetings and their agendas, attendance, votes,
outcomes and minutes; RUN's decisions and letters; an application's status, diarienummer,
snapshots and timeline; the outbox and sent e-mail) is read-only in the admin for everyone,
the system administrator included: a POST that would add, change or delete one is refused
and nothing in the database changes.
"""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.files.base import ContentFile
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, Status
from decisions import services as decision_services
from decisions.models import DecisionLetter
from notifications.models import Email
from outbox.models import OutboxMessage
from partnership.models import User
from reviews import services as review_services
from reviews.models import ItemOutcome, Meeting, Minutes
from simportal.admin import RECORD_MODELS, RecordAdminMixin, check_records_are_read_only
from tests.decisions.test_run import forwarded_case
from tests.factories import ApplicationFactory, accepted_application, published_agenda
from tests.reviews.test_minutes import build_meeting

pytestmark = pytest.mark.django_db

MILLION = 1_000_000


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("systemforvaltare", "it@vgregion.se", "x")


@pytest.fixture
def locked_meeting(demo) -> Meeting:
    """A held meeting whose minutes the chair and the adjuster approved (so they are locked)."""
    meeting = build_meeting(demo)
    minutes = review_services.minutes_prepare(
        meeting=meeting, adjuster=demo.person("steering_member"), by=demo.person("project_leader")
    )
    review_services.minutes_approve(minutes=minutes, by=demo.person("steering_chair"))
    review_services.minutes_approve(minutes=minutes, by=demo.person("steering_member"))
    assert Minutes.objects.get(meeting=meeting).is_locked
    return meeting


@pytest.fixture
def records(demo, locked_meeting):
    """One of each record the admin shows: a locked meeting, a decision letter, a submitted
    application, background work and a sent e-mail."""
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
    message = OutboxMessage.objects.create(key="admin-test", kind="email", failed_at=timezone.now(), last_error="451")
    email = Email.objects.create(
        key="admin-test", recipient=demo.person("leader"), to="a@example.se", subject="Beslut", text="x", html="x"
    )
    return {
        "meeting": locked_meeting,
        "letter": letter,
        "application": decided.application,
        "outbox": message,
        "email": email,
    }


def stored() -> dict[str, list[dict]]:
    """Every row of every record model, as plain values: what must not change."""
    rows = {}
    for label in sorted(RECORD_MODELS):
        model = apps.get_model(label)
        rows[label] = [model_to_dict(obj) | {"pk": obj.pk} for obj in model.objects.order_by("pk")]
        for row in rows[label]:
            for key, value in row.items():
                if hasattr(value, "name"):  # files: their stored name
                    row[key] = value.name
    return rows


def split(moment: datetime.datetime | None) -> tuple[str, str]:
    if moment is None:
        return "", ""
    local = timezone.localtime(moment)
    return local.date().isoformat(), local.strftime("%H:%M:%S")


def meeting_form(meeting: Meeting, *, changes: dict | None = None, new_item: dict | None = None) -> dict:
    """The meeting's change form as it was posted when the agenda was editable in the admin:
    the meeting's fields and its agenda inline, with ``changes`` to § 1 and an optional new row."""
    data = {
        "steering_group": meeting.steering_group_id,
        "starts_at_0": split(meeting.starts_at)[0],
        "starts_at_1": split(meeting.starts_at)[1],
        "place": meeting.place,
        "video_link": meeting.video_link,
        "published_at_0": split(meeting.published_at)[0],
        "published_at_1": split(meeting.published_at)[1],
        "created_by": meeting.created_by_id or "",
        "_save": "Spara",
    }
    items = list(meeting.items.order_by("position"))
    rows = [
        {
            "id": item.pk,
            "meeting": meeting.pk,
            "application": item.application_id,
            "position": item.position,
            "summary": item.summary,
            "closed_at_0": split(item.closed_at)[0],
            "closed_at_1": split(item.closed_at)[1],
            "closed_by": item.closed_by_id or "",
            "outcome": item.outcome,
            "casting_vote_used": "on" if item.casting_vote_used else "",
            "recommended_amount": item.recommended_amount or "",
            "conditions": item.conditions,
            "questions": item.questions,
        }
        for item in items
    ]
    if changes:
        rows[0].update(changes)
    if new_item:
        rows.append({"id": "", "meeting": meeting.pk, **new_item})
    data.update({"items-TOTAL_FORMS": len(rows), "items-INITIAL_FORMS": len(items)})
    data.update({"items-MIN_NUM_FORMS": 0, "items-MAX_NUM_FORMS": 1000})
    data.update({"attendance-TOTAL_FORMS": 0, "attendance-INITIAL_FORMS": 0})
    for index, row in enumerate(rows):
        data.update({f"items-{index}-{key}": value for key, value in row.items() if value is not None})
    return data


@pytest.fixture
def poster(client, demo, superuser):
    def login(who: str):
        client.force_login(superuser if who == "superuser" else demo.person(who))
        return client

    return login


WHO = ["project_leader", "secretariat", "superuser"]


# --- the two found bugs ------------------------------------------------------------------


@pytest.mark.parametrize("who", WHO)
def test_it_refuses_to_change_an_outcome_or_raise_an_amount_after_the_minutes_are_locked(poster, records, who):
    meeting = records["meeting"]
    first = meeting.items.get(position=1)
    assert first.outcome == ItemOutcome.RECOMMENDED
    before = stored()

    response = poster(who).post(
        reverse("admin:reviews_meeting_change", args=[meeting.pk]),
        meeting_form(
            meeting,
            changes={
                "outcome": ItemOutcome.NOT_RECOMMENDED,
                "recommended_amount": first.recommended_amount + MILLION,
            },
        ),
    )

    assert response.status_code in {403, 404}
    first.refresh_from_db()
    assert first.outcome == ItemOutcome.RECOMMENDED
    assert first.recommended_amount == 1_234_567
    assert stored() == before


@pytest.mark.parametrize("who", WHO)
def test_it_refuses_to_put_a_draft_on_a_published_agenda(poster, demo, superuser, who):
    meeting = published_agenda(demo, [accepted_application(demo, "Munkedal")])
    draft = ApplicationFactory(call=demo.call(), working_group=demo.working_group("Uddevalla"))
    before = stored()

    response = poster(who).post(
        reverse("admin:reviews_meeting_change", args=[meeting.pk]),
        meeting_form(meeting, new_item={"application": draft.pk, "position": 2, "summary": "Utkast"}),
    )

    assert response.status_code in {403, 404}
    assert not draft.agenda_items.exists()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert stored() == before


# --- every admin form of every record: change, add and delete are refused -------------------


def _application_change(records):
    application = records["application"]
    return reverse("admin:applications_application_change", args=[application.pk]), {
        "status": Status.APPROVED,
        "reference_number": "SIM 2026/9999",
        "title": "Omskriven",
    }


ATTEMPTS = {
    "meeting: change": lambda r: (
        reverse("admin:reviews_meeting_change", args=[r["meeting"].pk]),
        meeting_form(r["meeting"], changes={"recommended_amount": 2_234_567}) | {"place": "Någon annanstans"},
    ),
    "meeting: add": lambda r: (
        reverse("admin:reviews_meeting_add"),
        meeting_form(r["meeting"]) | {"items-TOTAL_FORMS": 0, "items-INITIAL_FORMS": 0},
    ),
    "meeting: delete": lambda r: (reverse("admin:reviews_meeting_delete", args=[r["meeting"].pk]), {"post": "yes"}),
    "letter: change": lambda r: (
        reverse("admin:decisions_decisionletter_change", args=[r["letter"].pk]),
        {"filename": "annat.pdf", "sha256": "1" * 64, "size": 1, "decision": r["letter"].decision_id},
    ),
    "letter: add": lambda r: (
        reverse("admin:decisions_decisionletter_add"),
        {"filename": "nytt.pdf", "sha256": "1" * 64, "size": 1, "decision": r["letter"].decision_id},
    ),
    "letter: delete": lambda r: (
        reverse("admin:decisions_decisionletter_delete", args=[r["letter"].pk]),
        {"post": "yes"},
    ),
    "application: change": _application_change,
    "application: add": lambda r: (
        reverse("admin:applications_application_add"),
        {"title": "Ny", "status": Status.APPROVED, "call": r["application"].call_id},
    ),
    "application: delete": lambda r: (
        reverse("admin:applications_application_delete", args=[r["application"].pk]),
        {"post": "yes"},
    ),
    "application: revert to an earlier version": lambda r: (
        reverse(
            "admin:applications_application_simple_history",
            args=[r["application"].pk, r["application"].history.earliest().history_id],
        ),
        {"title": r["application"].title, "status": Status.DRAFT, "_save": "Spara"},
    ),
    "outbox: change": lambda r: (
        reverse("admin:outbox_outboxmessage_change", args=[r["outbox"].pk]),
        {"key": "annan", "kind": "email", "attempts": 0},
    ),
    "outbox: delete": lambda r: (
        reverse("admin:outbox_outboxmessage_delete", args=[r["outbox"].pk]),
        {"post": "yes"},
    ),
    "e-mail: change": lambda r: (
        reverse("admin:notifications_email_change", args=[r["email"].pk]),
        {"subject": "Annat", "to": "b@example.se"},
    ),
    "e-mail: delete": lambda r: (reverse("admin:notifications_email_delete", args=[r["email"].pk]), {"post": "yes"}),
}


@pytest.mark.parametrize("attempt", sorted(ATTEMPTS))
@pytest.mark.parametrize("who", WHO)
def test_it_refuses_every_write_to_a_record_in_the_admin(poster, records, attempt, who):
    url, data = ATTEMPTS[attempt](records)
    before = stored()

    response = poster(who).post(url, data)

    assert response.status_code in {403, 404}, f"{attempt} by {who}: {response.status_code}"
    assert stored() == before


BULK_DELETE = {
    "admin:reviews_meeting_changelist": "meeting",
    "admin:decisions_decisionletter_changelist": "letter",
    "admin:applications_application_changelist": "application",
    "admin:outbox_outboxmessage_changelist": "outbox",
    "admin:notifications_email_changelist": "email",
}


@pytest.mark.parametrize("changelist", sorted(BULK_DELETE))
@pytest.mark.parametrize("who", WHO)
def test_it_offers_no_bulk_delete_and_deletes_nothing_when_asked(poster, records, changelist, who):
    record = records[BULK_DELETE[changelist]]
    client = poster(who)
    before = stored()

    listing = client.get(reverse(changelist))
    response = client.post(
        reverse(changelist), {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"}
    )

    assert "delete_selected" not in listing.content.decode()
    assert response.status_code in {200, 302, 403, 404}
    assert stored() == before


# --- the protection is structural -------------------------------------------------------------


def _admins_of_records():
    """(model label, admin or inline class) for every record the admin shows, inlines included."""
    found = []
    for model, model_admin in admin.site._registry.items():
        shown = [(model, type(model_admin))] + [(inline.model, inline) for inline in model_admin.inlines]
        found += [(m._meta.label_lower, cls) for m, cls in shown if m._meta.label_lower in RECORD_MODELS]
    return found


def test_it_shows_the_records_the_operators_need_in_the_admin():
    shown = {label for label, _cls in _admins_of_records()}
    assert {
        "reviews.meeting",
        "reviews.agendaitem",
        "reviews.attendance",
        "decisions.decisionletter",
        "applications.application",
        "applications.event",
        "applications.snapshot",
        "outbox.outboxmessage",
        "notifications.email",
    } <= shown


@pytest.mark.parametrize(("label", "admin_class"), _admins_of_records(), ids=lambda v: getattr(v, "__name__", v))
def test_it_lets_nobody_add_change_or_delete_a_record(rf, superuser, label, admin_class, demo):
    model = apps.get_model(label)
    if isinstance(admin_class, type) and issubclass(admin_class, admin.options.InlineModelAdmin):
        model_admin = admin_class(model, admin.site)
    else:
        model_admin = admin.site._registry[model]
    for person in [superuser, demo.person("project_leader"), demo.person("secretariat")]:
        request = rf.post("/")
        request.user = person
        assert model_admin.has_add_permission(request, None) is False
        assert model_admin.has_change_permission(request, None) is False
        assert model_admin.has_delete_permission(request, None) is False


def test_it_finds_no_writable_admin_of_a_record_at_startup():
    assert check_records_are_read_only() == []


def test_it_refuses_to_start_with_a_writable_admin_of_a_record(monkeypatch):
    from reviews.models import Vote

    monkeypatch.setitem(admin.site._registry, Vote, admin.ModelAdmin(Vote, admin.site))

    errors = check_records_are_read_only()

    assert [e.id for e in errors] == ["simportal.E001"]
    assert "reviews.Vote" in errors[0].msg


def test_it_shows_a_locked_meeting_read_only_to_the_system_administrator(client, superuser, locked_meeting):
    client.force_login(superuser)

    html = client.get(reverse("admin:reviews_meeting_change", args=[locked_meeting.pk])).content.decode()

    assert "Språkförskola på Dalaberg" in html
    assert 'name="items-0-outcome"' not in html
    assert 'name="place"' not in html


def test_it_keeps_the_project_leader_and_the_secretariat_to_the_portal_for_records(poster, records):
    for who in ["project_leader", "secretariat"]:
        client = poster(who)
        assert client.get(reverse("admin:reviews_meeting_changelist")).status_code == 403
        assert client.get(reverse("admin:decisions_decisionletter_changelist")).status_code == 403
        index = client.get(reverse("admin:index")).content.decode()
        assert reverse("admin:reviews_meeting_changelist") not in index


def test_it_names_only_models_that_exist_as_records(db):
    for label in RECORD_MODELS:
        apps.get_model(label)  # raises LookupError for a name that is not a model
    assert issubclass(type(admin.site._registry[Application]), RecordAdminMixin)


def test_it_shows_owned_fields_read_only_on_an_editable_model_and_refuses_a_revert(rf, demo, superuser):
    from django.core.exceptions import PermissionDenied
    from simple_history.admin import SimpleHistoryAdmin

    from partnership.models import Call
    from simportal.admin import OwnedFieldsMixin

    class CallWithOwnedBudget(OwnedFieldsMixin, SimpleHistoryAdmin):
        owned_fields = ("budget",)

    model_admin = CallWithOwnedBudget(Call, admin.site)
    call = demo.call()
    request = rf.post("/")
    request.user = superuser

    assert "budget" in model_admin.get_readonly_fields(request, call)
    assert "budget" not in model_admin.get_readonly_fields(request, None)  # set when the call is created
    with pytest.raises(PermissionDenied):
        model_admin.history_form_view(request, str(call.pk), str(call.history.earliest().history_id))

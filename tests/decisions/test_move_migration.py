"""RUN's models moved from ``reviews`` to ``decisions`` with their tables: a database migrated
before the move keeps every row, every foreign key and every content type.

The database is taken back to the state before the move (``decisions`` unapplied, ``reviews``
and ``notifications`` at their migrations before it), filled through the models of that state,
and migrated to the latest state; the rows are then read through today's models. The move
changes no table, so this passes on SQLite as on PostgreSQL, which CI runs it on (``-m migrations``
picks these tests alone).
"""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from decisions.models import BudgetAdjustment, Decision, DecisionLetter, GrantedYear, RunCase, RunMeeting
from notifications.models import Email, Notification

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.migrations]

# The migrations just before the move.
BEFORE_THE_MOVE = [
    ("decisions", None),
    ("reviews", "0006_agenda_item_outcomes_dropped_and_withdrawn"),
    ("notifications", "0003_invitation_work"),
]
STOCKHOLM = ZoneInfo("Europe/Stockholm")
MOVED = ["runmeeting", "runcase", "decision", "grantedyear", "budgetadjustment", "decisionletter"]


def migrate(targets: list[tuple[str, str | None]]) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)


def latest() -> list[tuple[str, str | None]]:
    return MigrationLoader(connection).graph.leaf_nodes()


def applied_state_apps() -> Any:
    """The models as the applied migrations leave them."""
    loader = MigrationLoader(connection)
    applied = [key for key in loader.applied_migrations if key in loader.graph.nodes]
    return loader.graph.make_state(nodes=applied, real_apps=loader.unmigrated_apps).apps


def fill_before_the_move(apps: Any) -> dict[str, Any]:
    """One row in every moved table, with its foreign keys to the structure and the application."""
    get = apps.get_model
    user = get("partnership", "User").objects.create(username="sekretariat-flytt", email="sekretariat@example.org")
    region = get("partnership", "Region").objects.create(name="Region för flytten")
    partnership = get("partnership", "Partnership").objects.create(
        name="Satsning för flytten", short_name="Flytten", region=region
    )
    call = get("partnership", "Call").objects.create(
        partnership=partnership,
        name="Utlysning för flytten",
        opens_on=datetime.date(2026, 1, 1),
        deadline=datetime.datetime(2026, 3, 1, 12, tzinfo=STOCKHOLM),
        steering_group_meeting_on=datetime.date(2026, 3, 15),
        run_meeting_on=datetime.date(2026, 4, 15),
        budget=3_000_000,
    )
    body = get("partnership", "Body")
    board = body.objects.create(kind="run", name="RUN för flytten")
    steering_group = body.objects.create(kind="steering_group", name="Styrgrupp för flytten", partnership=partnership)
    application = get("applications", "Application").objects.create(
        call=call, source="import", status="approved", title="Språkstöd i förskolan"
    )
    meeting = get("reviews", "Meeting").objects.create(
        steering_group=steering_group,
        starts_at=datetime.datetime(2026, 3, 15, 9, tzinfo=STOCKHOLM),
        place="Vänersborg",
    )
    item = get("reviews", "AgendaItem").objects.create(
        meeting=meeting,
        application=application,
        position=1,
        closed_at=datetime.datetime(2026, 3, 15, 10, tzinfo=STOCKHOLM),
        closed_by=user,
        outcome="recommended",
        recommended_amount=900_000,
    )
    run_meeting = get("reviews", "RunMeeting").objects.create(
        board=board, held_on=datetime.date(2026, 4, 15), place="Regionens hus"
    )
    case = get("reviews", "RunCase").objects.create(
        run_meeting=run_meeting, application=application, agenda_item=item, forwarded_by=user
    )
    decision_model = get("reviews", "Decision")
    decision = decision_model.objects.create(
        case=case, outcome="approved", paragraph="12", decided_on=run_meeting.held_on, recorded_by=user
    )
    correction = decision_model.objects.create(
        case=case,
        outcome="approved",
        paragraph="13",
        decided_on=run_meeting.held_on,
        recorded_by=user,
        corrects=decision,
        correction_reason="Fel belopp för 2027.",
    )
    granted = get("reviews", "GrantedYear").objects.create(decision=correction, year=2027, amount=300_000)
    adjustment = get("reviews", "BudgetAdjustment").objects.create(
        call=call, amount=500_000, reason="RUN höjer ramen.", decided_on=run_meeting.held_on, recorded_by=user
    )
    letter = get("reviews", "DecisionLetter").objects.create(
        decision=correction, pdf="beslutsbrev/beslut-13.pdf", filename="beslut-13.pdf", sha256="a" * 64, size=1234
    )
    notification = get("notifications", "Notification").objects.create(
        key="decided:flytten",
        recipient=user,
        event="decided",
        title="Beslut från RUN",
        body="RUN har beslutat.",
        letter=letter,
    )
    email = get("notifications", "Email").objects.create(
        key="email:flytten",
        recipient=user,
        to=user.email,
        subject="Beslut",
        text="Beslut",
        html="<p>Beslut</p>",
        letter=letter,
    )
    content_type = get("contenttypes", "ContentType")
    # The content types as an existing database has them (a test database may have made them already).
    content_types = {
        model: content_type.objects.get_or_create(app_label="reviews", model=model)[0].pk for model in MOVED
    }
    meeting_type, _ = content_type.objects.get_or_create(app_label="reviews", model="meeting")
    permission, _ = get("auth", "Permission").objects.get_or_create(
        codename="view_decision", content_type_id=content_types["decision"], defaults={"name": "Can view beslut"}
    )
    return {
        "user": user.pk,
        "call": call.pk,
        "board": board.pk,
        "application": application.pk,
        "item": item.pk,
        "run_meeting": run_meeting.pk,
        "case": case.pk,
        "decision": decision.pk,
        "correction": correction.pk,
        "granted": granted.pk,
        "adjustment": adjustment.pk,
        "letter": letter.pk,
        "notification": notification.pk,
        "email": email.pk,
        "content_types": content_types,
        "meeting_type": meeting_type.pk,
        "permission": permission.pk,
    }


@pytest.fixture
def before_the_move():
    migrate(BEFORE_THE_MOVE)
    try:
        yield applied_state_apps()
    finally:
        migrate(latest())
        ContentType.objects.clear_cache()


def test_it_starts_from_the_models_in_reviews(before_the_move):
    assert before_the_move.get_model("reviews", "Decision")._meta.db_table == "reviews_decision"
    with pytest.raises(LookupError):
        before_the_move.get_model("decisions", "Decision")


def test_it_keeps_every_row_and_foreign_key_of_the_moved_tables(before_the_move):
    rows = fill_before_the_move(before_the_move)

    migrate(latest())
    ContentType.objects.clear_cache()

    run_meeting = RunMeeting.objects.get(pk=rows["run_meeting"])
    assert (run_meeting.board_id, run_meeting.held_on, run_meeting.place) == (
        rows["board"],
        datetime.date(2026, 4, 15),
        "Regionens hus",
    )
    case = RunCase.objects.get(pk=rows["case"])
    assert (case.run_meeting_id, case.application_id, case.agenda_item_id, case.forwarded_by_id) == (
        rows["run_meeting"],
        rows["application"],
        rows["item"],
        rows["user"],
    )
    assert case.agenda_item.application_id == rows["application"]
    decision = Decision.objects.get(pk=rows["decision"])
    correction = Decision.objects.get(pk=rows["correction"])
    assert (decision.case_id, decision.recorded_by_id, decision.paragraph) == (rows["case"], rows["user"], "12")
    assert correction.corrects_id == decision.pk
    assert decision.corrected_by == correction
    assert not decision.is_current
    assert correction.is_current
    granted = GrantedYear.objects.get(pk=rows["granted"])
    assert (granted.decision_id, granted.year, granted.amount) == (correction.pk, 2027, 300_000)
    adjustment = BudgetAdjustment.objects.get(pk=rows["adjustment"])
    assert (adjustment.call_id, adjustment.amount, adjustment.recorded_by_id) == (rows["call"], 500_000, rows["user"])
    assert list(adjustment.call.budget_adjustments.all()) == [adjustment]
    letter = DecisionLetter.objects.get(pk=rows["letter"])
    assert (letter.decision_id, letter.pdf.name, letter.sha256) == (
        correction.pk,
        "beslutsbrev/beslut-13.pdf",
        "a" * 64,
    )
    assert correction.letter == letter
    assert Notification.objects.get(pk=rows["notification"]).letter == letter
    assert Email.objects.get(pk=rows["email"]).letter == letter
    assert list(case.application.run_cases.all()) == [case]


def test_it_moves_the_content_types_so_permissions_and_the_admin_log_follow(before_the_move):
    rows = fill_before_the_move(before_the_move)
    log = LogEntry.objects.create(
        user_id=rows["user"],
        content_type_id=rows["content_types"]["decision"],
        object_id=str(rows["decision"]),
        object_repr="§ 12 Bifall",
        action_flag=CHANGE,
    )

    migrate(latest())
    ContentType.objects.clear_cache()

    for model, pk in rows["content_types"].items():
        content_type = ContentType.objects.get(pk=pk)
        assert (content_type.app_label, content_type.model) == ("decisions", model)
    assert ContentType.objects.get(pk=rows["meeting_type"]).app_label == "reviews"
    assert not ContentType.objects.filter(app_label="reviews", model__in=MOVED).exists()
    assert ContentType.objects.get_for_model(Decision).pk == rows["content_types"]["decision"]
    assert Permission.objects.get(pk=rows["permission"]).content_type.model_class() is Decision
    assert LogEntry.objects.get(pk=log.pk).get_edited_object() == Decision.objects.get(pk=rows["decision"])

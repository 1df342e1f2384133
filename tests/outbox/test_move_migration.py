"""The outbox's model moved from notifications to the outbox app on the same table: a database
of the time before keeps every row, and the model's content type goes with it."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("notifications", "0003_invitation_work"), ("outbox", None)]
FIELDS = ["pk", "key", "kind", "payload", "created_at", "next_attempt_at", "attempts", "last_error", "done_at"]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([target for target in targets if target[1] is not None]).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def database_before_the_move():
    """The database as it was before the move, given back at the latest migrations afterwards."""
    old_apps = migrate(BEFORE)
    try:
        yield old_apps
    finally:
        migrate(latest())
        ContentType.objects.clear_cache()


def test_it_keeps_every_row_of_the_outbox(database_before_the_move):
    old_apps = database_before_the_move
    OldMessage = old_apps.get_model("notifications", "OutboxMessage")
    now = timezone.now()
    OldMessage.objects.create(key="event:transition:1", kind="event", payload={"event": "submitted", "application": 7})
    OldMessage.objects.create(key="email:2", kind="email", payload={"email": 2}, attempts=6, last_error="451")
    OldMessage.objects.create(
        key="minutes:3", kind="minutes_pdf", payload={"minutes": 3}, done_at=now - datetime.timedelta(days=1)
    )
    before = list(OldMessage.objects.order_by("pk").values_list(*FIELDS))

    migrate(latest())

    assert OutboxMessage._meta.db_table == "notifications_outboxmessage"
    assert list(OutboxMessage.objects.order_by("pk").values_list(*FIELDS)) == before
    assert OutboxMessage.objects.get(key="email:2").state == "pending"
    assert OutboxMessage.objects.get(key="minutes:3").state == "done"


def test_its_content_type_and_permissions_go_with_it(database_before_the_move):
    OldType = database_before_the_move.get_model("contenttypes", "ContentType")
    old_type, _created = OldType.objects.get_or_create(app_label="notifications", model="outboxmessage")
    assert not OldType.objects.filter(app_label="outbox").exists()
    OldPermission = database_before_the_move.get_model("auth", "Permission")
    permissions = sorted(OldPermission.objects.filter(content_type=old_type).values_list("pk", flat=True))

    migrate(latest())
    ContentType.objects.clear_cache()

    moved = ContentType.objects.get(pk=old_type.pk)
    assert (moved.app_label, moved.model) == ("outbox", "outboxmessage")
    assert moved.model_class() is OutboxMessage
    assert not ContentType.objects.filter(app_label="notifications", model="outboxmessage").exists()
    assert sorted(Permission.objects.filter(content_type=moved).values_list("pk", flat=True)) == permissions

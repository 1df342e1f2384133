# The outbox's model moves here from notifications. Only Django's state moves: the table keeps
# its name (notifications_outboxmessage), so an existing database keeps its rows as they are.

import django.utils.timezone
from django.db import migrations, models


def _relabel(apps, schema_editor, *, source: str, target: str) -> None:
    """The model's content type (and so its permissions and admin log) follows it to its new app."""
    types = apps.get_model("contenttypes", "ContentType").objects.using(schema_editor.connection.alias)
    moving = types.filter(app_label=source, model="outboxmessage").first()
    if moving is None:
        return
    types.filter(app_label=target, model="outboxmessage").delete()
    moving.app_label = target
    moving.save(update_fields=["app_label"])


def content_type_to_outbox(apps, schema_editor):
    _relabel(apps, schema_editor, source="notifications", target="outbox")


def content_type_to_notifications(apps, schema_editor):
    _relabel(apps, schema_editor, source="outbox", target="notifications")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("notifications", "0003_invitation_work"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OutboxMessage",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("key", models.CharField(help_text="Samma arbete läggs aldrig i utkorgen två gånger.", max_length=200, unique=True)),
                        ("kind", models.CharField(choices=[("event", "Avisering om en händelse"), ("email", "E-post"), ("decision_letter", "Beslutsbrev"), ("minutes_pdf", "Protokoll som PDF"), ("password_reset", "Länk för nytt lösenord"), ("invitation", "Inbjudan att välja lösenord")], max_length=30, verbose_name="slag")),
                        ("payload", models.JSONField(default=dict)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="skapat")),
                        ("next_attempt_at", models.DateTimeField(default=django.utils.timezone.now, help_text="Svepet lämnar över arbetet till Celery igen om det inte är klart vid den här tiden.", verbose_name="nästa försök")),
                        ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="försök")),
                        ("last_error", models.TextField(blank=True, verbose_name="senaste fel")),
                        ("done_at", models.DateTimeField(blank=True, null=True, verbose_name="klart")),
                        ("failed_at", models.DateTimeField(blank=True, null=True, verbose_name="gav upp")),
                    ],
                    options={
                        "verbose_name": "bakgrundsarbete",
                        "verbose_name_plural": "bakgrundsarbeten",
                        "db_table": "notifications_outboxmessage",
                        "ordering": ["-created_at", "-pk"],
                        "indexes": [models.Index(condition=models.Q(("done_at__isnull", True), ("failed_at__isnull", True)), fields=["next_attempt_at"], name="outbox_pending")],
                        "constraints": [models.CheckConstraint(condition=models.Q(("done_at__isnull", True), ("failed_at__isnull", True), _connector="OR"), name="outbox_done_or_failed", violation_error_message="Ett arbete är antingen klart eller misslyckat, inte båda.")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_outbox, content_type_to_notifications),
    ]

# OutboxMessage now belongs to the outbox app (outbox/migrations/0001_initial.py), on the same table.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0003_invitation_work"),
        ("outbox", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="OutboxMessage")],
            database_operations=[],
        ),
    ]

"""A notification's and an e-mail's letter is ``decisions.DecisionLetter`` now: the same table
and the same foreign key, so only the migration state changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('decisions', '0001_run_models_from_reviews'),
        ('notifications', '0004_outboxmessage_moved_to_outbox'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='email',
                    name='letter',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='emails', to='decisions.decisionletter'),
                ),
                migrations.AlterField(
                    model_name='notification',
                    name='letter',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='notifications', to='decisions.decisionletter'),
                ),
            ],
            database_operations=[],
        ),
    ]

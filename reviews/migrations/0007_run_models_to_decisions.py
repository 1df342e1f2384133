"""RUN's models have moved to ``decisions`` with their tables: they leave the migration state
here, and nothing in the database changes."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('decisions', '0001_run_models_from_reviews'),
        ('notifications', '0005_letters_in_decisions'),
        ('reviews', '0006_agenda_item_outcomes_dropped_and_withdrawn'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='decision',
                    name='case',
                ),
                migrations.RemoveField(
                    model_name='decision',
                    name='corrects',
                ),
                migrations.RemoveField(
                    model_name='decision',
                    name='recorded_by',
                ),
                migrations.RemoveField(
                    model_name='decisionletter',
                    name='decision',
                ),
                migrations.RemoveField(
                    model_name='grantedyear',
                    name='decision',
                ),
                migrations.RemoveField(
                    model_name='runcase',
                    name='agenda_item',
                ),
                migrations.RemoveField(
                    model_name='runcase',
                    name='application',
                ),
                migrations.RemoveField(
                    model_name='runcase',
                    name='forwarded_by',
                ),
                migrations.RemoveField(
                    model_name='runcase',
                    name='run_meeting',
                ),
                migrations.RemoveField(
                    model_name='runcase',
                    name='withdrawn_by',
                ),
                migrations.RemoveField(
                    model_name='runmeeting',
                    name='board',
                ),
                migrations.RemoveField(
                    model_name='runmeeting',
                    name='cancelled_by',
                ),
                migrations.DeleteModel(
                    name='BudgetAdjustment',
                ),
                migrations.DeleteModel(
                    name='DecisionLetter',
                ),
                migrations.DeleteModel(
                    name='Decision',
                ),
                migrations.DeleteModel(
                    name='GrantedYear',
                ),
                migrations.DeleteModel(
                    name='RunCase',
                ),
                migrations.DeleteModel(
                    name='RunMeeting',
                ),
            ],
            database_operations=[],
        ),
    ]

"""RUN's models move here from ``reviews``, keeping their tables (``reviews_…``): the models
are created in the migration state only, and their content types are renamed, so that
permissions, the admin's log and history keep pointing at the same rows."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ["runmeeting", "runcase", "decision", "grantedyear", "budgetadjustment", "decisionletter"]


def _relabel(apps, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def content_types_to_decisions(apps, schema_editor):
    _relabel(apps, "reviews", "decisions")


def content_types_to_reviews(apps, schema_editor):
    _relabel(apps, "decisions", "reviews")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('applications', '0004_event_kinds_age_span_from_call'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('partnership', '0004_partnership_max_duration'),
        ('reviews', '0006_agenda_item_outcomes_dropped_and_withdrawn'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Decision',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('outcome', models.CharField(choices=[('approved', 'Bifall'), ('rejected', 'Avslag'), ('referred_back', 'Återremiss')], max_length=20, verbose_name='beslut')),
                        ('paragraph', models.CharField(max_length=20, verbose_name='paragraf (§)')),
                        ('decided_on', models.DateField(verbose_name='beslutsdatum')),
                        ('reasons', models.TextField(blank=True, verbose_name='skäl')),
                        ('conditions', models.TextField(blank=True, verbose_name='villkor')),
                        ('payment_schedule', models.TextField(blank=True, verbose_name='utbetalningsplan')),
                        ('recorded_at', models.DateTimeField(auto_now_add=True)),
                        ('correction_reason', models.TextField(blank=True, verbose_name='skäl för rättelsen')),
                        ('corrects', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='corrected_by', to='decisions.decision')),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'beslut',
                        'verbose_name_plural': 'beslut',
                        'db_table': 'reviews_decision',
                        'ordering': ['recorded_at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='DecisionLetter',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('pdf', models.FileField(upload_to='beslutsbrev/', verbose_name='PDF')),
                        ('filename', models.CharField(max_length=200, verbose_name='filnamn')),
                        ('sha256', models.CharField(max_length=64, verbose_name='SHA-256')),
                        ('size', models.PositiveIntegerField(verbose_name='storlek (byte)')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='skapat')),
                        ('decision', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='letter', to='decisions.decision', verbose_name='beslut')),
                    ],
                    options={
                        'verbose_name': 'beslutsbrev',
                        'verbose_name_plural': 'beslutsbrev',
                        'db_table': 'reviews_decisionletter',
                        'ordering': ['created_at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='RunCase',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('forwarded_at', models.DateTimeField(auto_now_add=True)),
                        ('withdrawn_at', models.DateTimeField(blank=True, null=True, verbose_name='återtagen')),
                        ('agenda_item', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='run_cases', to='reviews.agendaitem')),
                        ('application', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='run_cases', to='applications.application')),
                        ('forwarded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('withdrawn_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'ärende till RUN',
                        'verbose_name_plural': 'ärenden till RUN',
                        'db_table': 'reviews_runcase',
                        'ordering': ['run_meeting', 'forwarded_at'],
                    },
                ),
                migrations.AddField(
                    model_name='decision',
                    name='case',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='decisions', to='decisions.runcase'),
                ),
                migrations.CreateModel(
                    name='RunMeeting',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('held_on', models.DateField(verbose_name='sammanträdesdag')),
                        ('place', models.CharField(blank=True, max_length=300, verbose_name='plats')),
                        ('cancelled_at', models.DateTimeField(blank=True, null=True, verbose_name='inställt')),
                        ('cancellation_reason', models.TextField(blank=True, verbose_name='skäl till att sammanträdet ställdes in')),
                        ('board', models.ForeignKey(limit_choices_to={'kind': 'run'}, on_delete=django.db.models.deletion.PROTECT, related_name='run_meetings', to='partnership.body', verbose_name='nämnd')),
                        ('cancelled_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'RUN-sammanträde',
                        'verbose_name_plural': 'RUN-sammanträden',
                        'db_table': 'reviews_runmeeting',
                        'ordering': ['held_on'],
                    },
                ),
                migrations.AddField(
                    model_name='runcase',
                    name='run_meeting',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='decisions.runmeeting'),
                ),
                migrations.CreateModel(
                    name='BudgetAdjustment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('amount', models.BigIntegerField(verbose_name='ändring (kr)')),
                        ('reason', models.TextField(verbose_name='skäl')),
                        ('decided_on', models.DateField(verbose_name='beslutsdatum')),
                        ('recorded_at', models.DateTimeField(auto_now_add=True)),
                        ('call', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='budget_adjustments', to='partnership.call')),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'budgetändring',
                        'verbose_name_plural': 'budgetändringar',
                        'db_table': 'reviews_budgetadjustment',
                        'ordering': ['recorded_at'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('amount', 0), _negated=True), name='budgetadjustment_not_zero')],
                    },
                ),
                migrations.CreateModel(
                    name='GrantedYear',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='år')),
                        ('amount', models.PositiveBigIntegerField(verbose_name='beviljat belopp (kr)')),
                        ('decision', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='granted_years', to='decisions.decision')),
                    ],
                    options={
                        'db_table': 'reviews_grantedyear',
                        'constraints': [models.UniqueConstraint(fields=('decision', 'year'), name='grantedyear_once')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='decision',
                    constraint=models.CheckConstraint(condition=models.Q(('outcome', 'approved'), models.Q(('reasons', ''), _negated=True), _connector='OR'), name='decision_reasons_unless_approved', violation_error_message='Ett avslag eller en återremiss ska ha skäl.'),
                ),
                migrations.AddConstraint(
                    model_name='decision',
                    constraint=models.CheckConstraint(condition=models.Q(('corrects__isnull', True), models.Q(('correction_reason', ''), _negated=True), _connector='OR'), name='decision_correction_has_reason', violation_error_message='En rättelse ska ha ett skäl.'),
                ),
                migrations.AddConstraint(
                    model_name='runmeeting',
                    constraint=models.UniqueConstraint(fields=('board', 'held_on'), name='runmeeting_once_a_day'),
                ),
                migrations.AddConstraint(
                    model_name='runcase',
                    constraint=models.UniqueConstraint(fields=('run_meeting', 'application'), name='runcase_once_per_meeting'),
                ),
                migrations.AddConstraint(
                    model_name='runcase',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('withdrawn_at__isnull', True), ('withdrawn_by__isnull', True)), models.Q(('withdrawn_at__isnull', False), ('withdrawn_by__isnull', False)), _connector='OR'), name='runcase_withdrawn_by_someone'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_decisions, content_types_to_reviews),
    ]

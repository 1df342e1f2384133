"""The migration that adds ``Application.requested_total`` fills it for the applications already
stored, from their budget years.

Applications are made through the services at today's state, the database is taken back to the
migration before the column and migrated forward again: the column comes back filled. Passes on
SQLite as on PostgreSQL (``-m migrations`` picks these tests alone).
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.models import Sum

from applications.models import Application, BudgetYear, Status
from tests.factories import ApplicationFactory, applications_through_services

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.migrations]

BEFORE = [("applications", "0008_application_newest_submitted_index")]


def migrate(targets) -> None:
    MigrationExecutor(connection).migrate(targets)


def test_it_fills_the_total_of_existing_applications(demo):
    built = applications_through_services(demo, 2, states=(Status.SUBMITTED, Status.DRAFT))
    empty = ApplicationFactory(call=demo.call(), working_group=demo.working_group("Munkedal"), title="Utan budget")
    expected = {
        application.pk: BudgetYear.objects.filter(application=application).aggregate(total=Sum("requested"))["total"]
        for application in built
    }
    assert all(total > 0 for total in expected.values())

    migrate(BEFORE)
    migrate(MigrationLoader(connection).graph.leaf_nodes())

    totals = dict(Application.objects.values_list("pk", "requested_total"))
    assert {pk: totals[pk] for pk in expected} == expected
    assert totals[empty.pk] == 0

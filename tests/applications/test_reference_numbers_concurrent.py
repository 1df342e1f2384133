"""Many groups submitting in the same second get consecutive numbers: no gaps, no duplicates."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from applications import services
from tests.factories import complete_application

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SUBMITTERS = 8


def test_it_numbers_concurrent_submissions_without_gaps_or_duplicates(demo):
    leader = demo.person("leader")
    applications = [
        complete_application(demo.call(), demo.working_group("Uddevalla"), title=f"Samtidig insats {i}")
        for i in range(SUBMITTERS)
    ]
    start = threading.Barrier(SUBMITTERS)
    numbers, errors = [], []

    def submit(application):
        try:
            start.wait()
            numbers.append(services.application_submit(application=application, by=leader).reference_number)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(a,)) for a in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    year = timezone.localdate().year
    assert sorted(numbers) == [f"SIM {year}/{n:04d}" for n in range(1, SUBMITTERS + 1)]


def test_it_gives_a_rolled_back_number_to_the_next_submission(demo):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():  # noqa: PT012 - the failure must come after the number
        services.next_reference_number(2031)
        raise RuntimeError("the submission failed after taking a number")
    with transaction.atomic():
        assert services.next_reference_number(2031) == "SIM 2031/0001"

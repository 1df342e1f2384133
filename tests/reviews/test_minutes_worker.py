"""Approving the minutes queues the final PDF after the commit; a real worker on Redis stores it."""

import hashlib
import time

import pytest

from reviews import services as review_services
from reviews.models import Minutes
from tests.reviews.test_minutes import build_meeting

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

TIMEOUT = 30


def test_it_stores_the_pdf_in_a_real_worker_after_the_second_approval(demo, celery_worker, settings):
    meeting = build_meeting(demo)
    minutes = review_services.minutes_prepare(
        meeting=meeting, adjuster=demo.person("steering_member"), by=demo.person("project_leader")
    )
    review_services.minutes_approve(minutes=minutes, by=demo.person("steering_chair"))
    assert not Minutes.objects.get(pk=minutes.pk).pdf  # one approval: nothing queued

    started = time.monotonic()
    review_services.minutes_approve(minutes=minutes, by=demo.person("steering_member"))  # commits, then queues

    while not (stored := Minutes.objects.get(pk=minutes.pk)).pdf:
        if time.monotonic() - started > TIMEOUT:
            pytest.fail(f"no PDF within {TIMEOUT} s; worker log:\n{celery_worker.log_path.read_text()}")
        time.sleep(0.1)
    assert stored.is_locked
    content = stored.pdf.read()
    assert content.startswith(b"%PDF-")
    assert hashlib.sha256(content).hexdigest() == stored.pdf_sha256
    assert "notifications.tasks.outbox_process" in celery_worker.log_path.read_text()  # the worker ran it

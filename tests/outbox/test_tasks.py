"""The worker finds every task by the name beat and queued messages use."""

import pytest

from outbox import services as outbox
from outbox.tasks import outbox_process, outbox_sweep
from simportal.celery import app


def test_it_keeps_the_names_queued_messages_and_beat_know():
    assert outbox_process.name == "notifications.tasks.outbox_process"
    assert outbox_sweep.name == "notifications.tasks.outbox_sweep"


def test_every_task_of_beats_schedule_is_found_by_the_worker(settings):
    app.loader.import_default_modules()  # what a worker does at start: autodiscover every app's tasks
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled | {outbox_process.name} <= set(app.tasks)


@pytest.mark.django_db
def test_it_refuses_an_event_no_app_made_known():
    with pytest.raises(KeyError):
        outbox.event_add("no_such_event", key="no-such-event:1")

"""Celery beat for the embedded default: runs CELERY_BEAT_SCHEDULE's tasks in this process.

With REDIS_URL set, run ``celery -A simportal beat`` instead (docker-compose does).
"""

import signal
import time
from argparse import ArgumentParser
from typing import Any, cast

from celery.schedules import BaseSchedule, maybe_schedule
from django.core.management.base import BaseCommand

from simportal.celery import app


class Command(BaseCommand):
    help = "Run the periodic tasks (outbox sweep, reminders, daily digest) in-process, as beat would."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run every periodic task once and stop.")

    def handle(self, *args: Any, once: bool = False, **options: Any) -> None:
        app.loader.import_default_modules()  # registers the tasks of every app
        entries: dict[str, tuple[str, BaseSchedule]] = {}
        for name, entry in app.conf.beat_schedule.items():
            # A number of seconds or a timedelta becomes a schedule here.
            entries[name] = (entry["task"], cast(BaseSchedule, maybe_schedule(entry["schedule"], app=app)))
        started = app.now()
        last_run = dict.fromkeys(entries, started)
        stopping = False

        def stop(*_args: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        self.stdout.write(f"periodic tasks: {', '.join(sorted(entries))}")
        while not stopping:
            for name, (task, schedule) in entries.items():
                due, _next = schedule.is_due(last_run[name])
                if not (due or once):
                    continue
                last_run[name] = app.now()
                try:
                    result = app.tasks[task].apply().get(propagate=True)
                except Exception as error:  # noqa: BLE001 - one failing task must not stop the others
                    self.stderr.write(f"{name}: {error!r}")
                else:
                    if result:
                        self.stdout.write(f"{name}: {result}")
            if once:
                return
            try:
                time.sleep(1)
            except KeyboardInterrupt:
                return

"""How long do a large steering-group meeting and its agenda take to render? It builds a published
meeting of today with ``--items`` items (default 150, the size of the largest meeting in the issue's
data set), a draft meeting a week ahead of the same size and ``--candidates`` complete applications
(default 300) waiting for a meeting, then asks for each page through Django's test client, in
process, as a signed-in person, and prints a table: page, median milliseconds of ``--runs`` requests,
bytes and queries.

The pages: the meeting as a steering-group member (vote controls on every item of the page), as the
project leader (the counts), the draft meeting's agenda (summaries, reordering and the "add an
application" control) and the published meeting's agenda.

The applications and meetings are made through the services, as the tests make them, in a
PostgreSQL database of its own (``simportal_bench_meetings`` unless ``--database`` names another;
dropped first and dropped at the end unless ``--keep`` is given).

Run it with ``scripts/bench-meeting-pages [--items N] [--draft-items N] [--candidates N] [--runs N]
[--keep] [--reuse]`` (needs the dev dependencies, ``scripts/setup-venv dev``, and PostgreSQL on
127.0.0.1); ``--reuse`` measures again in a database an earlier ``--keep`` kept (the build takes
long: about 25 minutes for 300 applications on the loaded 2-core machine). It is not a test:
pytest never collects it.
"""

from __future__ import annotations

import argparse
import datetime
import logging
import os
import statistics
import sys
import time
from pathlib import Path

from benchmarks.background_work import postgres

ROOT = Path(__file__).resolve().parent.parent
DATABASE_NAME = "simportal_bench_meetings"


def _prepare_environment(database: str, *, reuse: bool) -> None:
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
    os.environ.pop("REDIS_URL", None)  # background work runs in-process; nothing is queued
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    if not reuse:
        postgres("dropdb", "--if-exists", "--force", database)
        postgres("createdb", database)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=150, help="items on each meeting's agenda (default 150)")
    parser.add_argument("--draft-items", type=int, default=None, help="items on the draft's agenda (default --items)")
    parser.add_argument("--candidates", type=int, default=300, help="complete applications waiting (default 300)")
    parser.add_argument("--runs", type=int, default=7, help="requests per page (default 7)")
    parser.add_argument("--database", default=DATABASE_NAME, help=f"database to build in (default {DATABASE_NAME})")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--reuse", action="store_true", help="measure in a database an earlier --keep kept")
    options = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    _prepare_environment(options.database, reuse=options.reuse)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    # E-mails the services send while the meetings are built stay in memory, and their log is not printed.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ALLOWED_HOSTS = ["testserver"]
    logging.disable(logging.INFO)
    from applications.models import Status
    from partnership.management.commands.seed_demo import Command
    from tests.conftest import Demo
    from tests.factories import applications_through_services, published_agenda

    demo = Demo()
    if options.reuse:
        from reviews.models import Meeting

        today = Meeting.objects.filter(published_at__isnull=False).latest("pk")
        draft = Meeting.objects.filter(published_at__isnull=True).latest("pk")
    else:
        call_command("migrate", verbosity=0)
        Command().build(demo_logins=True)
        started = time.perf_counter()
        draft_items = options.items if options.draft_items is None else options.draft_items
        applications = applications_through_services(
            demo, options.items + draft_items + options.candidates, states=(Status.COMPLETE,)
        )
        today = published_agenda(demo, applications[: options.items], starts_at=timezone.now())
        draft = _draft_meeting(demo, applications[options.items : options.items + draft_items])
        print(f"byggt på {time.perf_counter() - started:.0f} s\n")

    pages = [
        ("mötet, som ledamot", "steering_member", reverse("reviews:meeting_detail", args=[today.pk])),
        ("mötet, som projektledare", "project_leader", reverse("reviews:meeting_detail", args=[today.pk])),
        ("dagordningen (utkast)", "project_leader", reverse("reviews:agenda", args=[draft.pk])),
        ("dagordningen (publicerad)", "project_leader", reverse("reviews:agenda", args=[today.pk])),
    ]
    from reviews.selectors import complete_applications_for

    print(
        f"{today.items.count()} punkter på mötet, {draft.items.count()} på utkastet, "
        f"{complete_applications_for(draft).count()} kompletta ansökningar väntar; "
        f"median av {options.runs} anrop i processen"
    )
    print(f"maskinens last (1 min): {os.getloadavg()[0]:.1f} på {os.cpu_count()} kärnor\n")
    print(f"{'sida':<28} {'ms':>7} {'byte':>9} {'frågor':>7}")
    for label, persona, url in pages:
        client = Client()
        client.force_login(demo.person(persona))
        client.get(url)  # warm-up: the session, the templates
        seconds, size, queries = [], 0, 0
        for _run in range(options.runs):
            with CaptureQueriesContext(connection) as captured:
                begun = time.perf_counter()
                response = client.get(url)
                seconds.append(time.perf_counter() - begun)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
            size, queries = len(response.content), len(captured.captured_queries)
        print(f"{label:<28} {statistics.median(seconds) * 1000:>7.1f} {size:>9} {queries:>7}")

    from django.db import connections

    connections.close_all()
    if not options.keep and not options.reuse:
        postgres("dropdb", "--if-exists", "--force", options.database)
    return 0


def _draft_meeting(demo, applications):
    """A meeting a week ahead with these applications on its agenda, not published."""
    from django.utils import timezone

    from reviews import services as meetings

    project_leader = demo.person("project_leader")
    meeting = meetings.meeting_schedule(
        steering_group=demo.steering_group(),
        starts_at=timezone.now() + datetime.timedelta(days=7),
        place="Vänerparken, Vänersborg",
        by=project_leader,
    )
    for application in applications:
        meetings.agenda_add(meeting=meeting, application=application, summary=application.title, by=project_leader)
    return meeting


if __name__ == "__main__":
    raise SystemExit(main())

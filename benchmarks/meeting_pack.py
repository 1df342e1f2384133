"""How long does the steering group's meeting pack take to make? For a published meeting with 2,
8 and 15 items it gathers the pack (one fixed set of queries) and renders it with WeasyPrint, as
the download does on request, and prints a table: items, seconds (median of the runs), bytes and
pages.

The applications and meetings are made through the services, as the tests make them, in a
PostgreSQL database of its own (``simportal_bench_pack``, dropped first and dropped at the end
unless ``--keep`` is given). One warm-up render first loads WeasyPrint and the fonts.

Run it with ``scripts/bench-meeting-pack [--runs N] [--keep]`` (needs the dev
dependencies, ``scripts/setup-venv dev``, and PostgreSQL on 127.0.0.1). It is not a test: pytest
never collects it.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import statistics
import sys
import time
from pathlib import Path

from benchmarks.background_work import postgres

ROOT = Path(__file__).resolve().parent.parent
DATABASE_NAME = "simportal_bench_pack"
SIZES = (2, 8, 15)


def _prepare_environment() -> None:
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DATABASE_NAME}"
    os.environ.pop("REDIS_URL", None)  # background work runs in-process; nothing is queued
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    postgres("dropdb", "--if-exists", "--force", DATABASE_NAME)
    postgres("createdb", DATABASE_NAME)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="renders per size (default 3)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    options = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    _prepare_environment()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from pypdf import PdfReader

    # E-mails the services send while the meetings are built stay in memory, and their log is not printed.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    logging.disable(logging.INFO)
    from applications.models import Status
    from partnership.management.commands.seed_demo import Command
    from simportal import meeting_pack
    from tests.conftest import Demo
    from tests.factories import applications_through_services, published_agenda

    call_command("migrate", verbosity=0)
    Command().build(demo_logins=True)
    demo = Demo()
    applications = applications_through_services(demo, sum(SIZES), states=(Status.COMPLETE,))
    meetings = {}
    start = 0
    for size in SIZES:
        meetings[size] = published_agenda(demo, applications[start : start + size], place=f"Rum {size}")
        start += size

    meeting_pack.render_pack(meetings[SIZES[0]])  # warm-up: WeasyPrint, the fonts, the templates
    print(f"Mötespaketet (PDF) för ett publicerat möte, median av {options.runs} körningar\n")
    print(f"maskinens last (1 min): {os.getloadavg()[0]:.1f} på {os.cpu_count()} kärnor\n")
    print(f"{'punkter':>7} {'sekunder':>9} {'byte':>10} {'sidor':>6} {'frågor':>7}")
    for size, meeting in meetings.items():
        seconds, content, queries = [], b"", 0
        for _run in range(options.runs):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                content = meeting_pack.render_pack(meeting).content
                seconds.append(time.perf_counter() - started)
            queries = len(captured.captured_queries)
        pages = len(PdfReader(io.BytesIO(content)).pages)
        print(f"{size:>7} {statistics.median(seconds):>9.2f} {len(content):>10} {pages:>6} {queries:>7}")

    from django.db import connections

    connections.close_all()
    if not options.keep:
        postgres("dropdb", "--if-exists", "--force", DATABASE_NAME)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

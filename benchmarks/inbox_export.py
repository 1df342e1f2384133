"""How long does the project leader wait for the inbox as CSV and as XLSX, and how much memory does it take?

It builds N registered applications through the real services on a PostgreSQL database of its
own (``simportal_bench_export``, dropped first), logs in as the demo project leader and asks for
each export through Django's test client, reading the response as a browser would: the time to
the first byte, the time to the last, the size, and the peak of Python memory while it runs
(tracemalloc). Each export runs ``--repeat`` times; the table shows the median.

Run it with ``scripts/bench-inbox-export [--applications N] [--repeat R] [--keep] [--reuse]``;
``--keep`` leaves the database, ``--reuse`` measures on it again without building (to compare two
versions of the code on the same data). pytest never collects it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from dataclasses import dataclass

from benchmarks.background_work import BenchmarkError, postgres, services_check

DATABASE_NAME = "simportal_bench_export"


@dataclass(frozen=True)
class Measure:
    export_format: str
    first_byte: float
    complete: float
    size: int
    peak: int


def database_prepare(count: int) -> None:
    import django
    from django.core.management import call_command
    from django.db import transaction

    django.setup()
    from applications.models import Status
    from partnership.management.commands.seed_demo import Command
    from tests.conftest import Demo
    from tests.factories import applications_through_services

    call_command("migrate", interactive=False, verbosity=0)
    with transaction.atomic():
        Command().build(demo_logins=True)
    demo = Demo()
    made = 0
    while made < count:
        batch = min(250, count - made)
        applications_through_services(
            demo,
            batch,
            first=made + 1,
            states=(Status.COMPLETE, Status.SUBMITTED),
            municipalities=("Uddevalla", "Munkedal"),
        )
        made += batch
        print(f"  {made} of {count} applications", file=sys.stderr)


def measure(export_format: str, repeat: int) -> Measure:
    from django.test import Client
    from django.urls import reverse

    from tests.conftest import Demo

    client = Client()
    client.force_login(Demo().person("project_leader"))

    def run(*, traced: bool) -> Measure:
        if traced:
            tracemalloc.start()
        started = time.perf_counter()
        response = client.get(reverse("inbox:export"), {"format": export_format})
        if response.status_code != 200:
            raise BenchmarkError(f"the {export_format} export answered {response.status_code}")
        chunks = iter(response.streaming_content) if response.streaming else iter([response.content])
        first = next(chunks)
        first_byte = time.perf_counter() - started
        size = len(first) + sum(len(chunk) for chunk in chunks)
        complete = time.perf_counter() - started
        peak = 0
        if traced:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        return Measure(export_format, first_byte, complete, size, peak)

    # Times without tracemalloc (it slows Python several times over); the memory in a run of its own.
    runs = [run(traced=False) for _ in range(repeat)]
    traced = run(traced=True)
    return Measure(
        export_format,
        statistics.median(r.first_byte for r in runs),
        statistics.median(r.complete for r in runs),
        runs[0].size,
        traced.peak,
    )


def table(count: int, measures: list[Measure]) -> str:
    lines = [
        f"Inbox export, {count} applications, PostgreSQL, in-process (median of the runs)",
        "| format | first byte | complete | size | peak Python memory |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {m.export_format} | {m.first_byte * 1000:.0f} ms | {m.complete:.2f} s | {m.size / 1024:.0f} KiB "
        f"| {m.peak / 1024 / 1024:.1f} MiB |"
        for m in measures
    ]
    return "\n".join(lines)


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="scripts/bench-inbox-export", description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=2000, help="registered applications (default 2000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each export (default 3)")
    parser.add_argument("--keep", action="store_true", help=f"keep the database {DATABASE_NAME}")
    parser.add_argument(
        "--reuse", action="store_true", help="measure on the database an earlier --keep run left (no building)"
    )
    options = parser.parse_args(argv)
    if options.applications < 1 or options.repeat < 1:
        parser.error("--applications and --repeat must be at least 1")
    return options


def main(argv: list[str] | None = None) -> int:
    options = arguments(argv)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "tests.settings",  # fast password hashing; the portal's settings otherwise
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE_NAME}",
            "LOG_LEVEL": "WARNING",
            "ALLOWED_HOSTS": "testserver",
            "EMAIL_URL": "memorymail://",  # the receipts the submissions send are not the point here
        }
    )
    os.environ.pop("REDIS_URL", None)  # the services' background work runs in-process here
    try:
        services_check()
        if options.reuse:
            import django

            django.setup()
        else:
            postgres("dropdb", "--if-exists", "--force", DATABASE_NAME)
            postgres("createdb", DATABASE_NAME)
            print(f"building {options.applications} applications through the services", file=sys.stderr)
            database_prepare(options.applications)
        from applications.models import Application

        count = Application.objects.exclude(reference_number=None).count()
        measures = [measure(export_format, options.repeat) for export_format in ("csv", "xlsx")]
    except BenchmarkError as error:
        print(f"bench-inbox-export: {error}", file=sys.stderr)
        return 1
    finally:
        if not (options.keep or options.reuse):
            from django.db import connections

            connections.close_all()
            try:
                postgres("dropdb", "--if-exists", "--force", DATABASE_NAME)
            except BenchmarkError as error:
                print(f"could not drop the database: {error}", file=sys.stderr)
    print(table(count, measures))
    return 0


if __name__ == "__main__":
    sys.exit(main())

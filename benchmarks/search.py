"""How long does PostgreSQL take to search the inbox and the public portfolio, with and without the
search indexes?

It builds N registered applications (the first 200 through the real services, the rest copies
of their rows with names drawn from a list of intervention names and diarienummer of their own)
and M granted investments (the published list read in through the importer, then copies of
those rows with numbered names), on a PostgreSQL database of its own (``simportal_bench_search``
unless ``--database`` names another, dropped first). For each of ten terms (from a word in every
application to a word in none) it captures the queries the inbox page and the portfolio page
run, and times those that search (``EXPLAIN ANALYZE``, median of the runs) three ways:

- *before*: the plain filter (``UPPER(field) LIKE '%…%'``) without the search indexes (dropped
  in a transaction that is rolled back);
- *plain + trigram*: the plain filter with the trigram indexes;
- *search*: the search as the pages run it (Swedish full-text search or a part of a field),
  with every index, and whether the plan reads the table from end to end (``Seq Scan``).

Run it with ``scripts/bench-search [--applications N] [--investments M] [--repeat R]
[--database NAME] [--keep] [--reuse]``; ``--keep`` leaves the database, ``--reuse`` measures on
it again without building. pytest never collects it.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import statistics
import sys
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from unittest import mock

from benchmarks.background_work import BenchmarkError, postgres, services_check

DATABASE_NAME = "simportal_bench_search"
TERMS = [
    "Insats",  # in the name of every application
    "barn",  # in every purpose
    "förskolor",  # an inflected form: full-text search finds "förskola"
    "språkstöd",
    "psykisk hälsa",
    "föräldrar",
    "SIM 2026/01",  # a part of a diarienummer
    "läsfrämj",  # the start of a word
    "Trollhättan",
    "xyzzy",  # nowhere
]
TITLES = [
    "Insats {number}: Språkstöd i förskola",
    "Insats {number}: Läsfrämjande för förskolor",
    "Insats {number}: Föräldraskapsstöd i öppna förskolan",
    "Insats {number}: Närvaroteam mot skolfrånvaro",
    "Insats {number}: Psykisk hälsa i mellanstadiet",
    "Insats {number}: Tidiga insatser i familjecentralen",
    "Insats {number}: Elevhälsa och BVC i samverkan",
    "Insats {number}: Rörelse och lek på fritids",
]
SEARCH_INDEXES = [
    "application_title_trgm",
    "application_reference_trgm",
    "application_purpose_trgm",
    "application_content_trgm",
    "application_inbox_text",
    "application_portfolio_text",
]


@dataclass(frozen=True)
class Timing:
    page: str
    term: str
    matches: int
    before: float
    trigram: float
    search: float
    search_seq_scan: bool


def database_prepare(applications: int, investments: int, through_services: int) -> None:
    """The first ``through_services`` applications go through the real services; the rest, and
    every investment after the published list's, are copies of those rows made in bulk, with
    names of their own: the search reads only the applications' own row."""
    import django
    from django.core.management import call_command
    from django.db import transaction

    django.setup()
    from applications.importers import PUBLISHED_INVESTMENTS, investments_import
    from applications.models import Application, Status
    from partnership.management.commands.seed_demo import Command
    from tests.conftest import Demo
    from tests.factories import _copied, applications_through_services

    call_command("migrate", interactive=False, verbosity=0)
    with transaction.atomic():
        Command().build(demo_logins=True)
    built = applications_through_services(
        Demo(),
        min(through_services, applications),
        title="Insats {number}: Språkstöd i förskola",
        states=(Status.COMPLETE, Status.SUBMITTED),
        municipalities=("Uddevalla", "Munkedal"),
    )
    print(f"  {len(built)} applications through the services", file=sys.stderr)
    copies = []
    for number in range(len(built) + 1, applications + 1):
        (copy,) = _copied(
            [built[number % len(built)]],
            title=TITLES[number % len(TITLES)].format(number=number),
            reference_number=f"SIM 2026/{number:05d}",
        )
        copy.submitted_at -= datetime.timedelta(minutes=number)
        copies.append(copy)
    Application.objects.bulk_create(copies, batch_size=1000)
    print(f"  {applications} applications", file=sys.stderr)
    investments_import(text=PUBLISHED_INVESTMENTS.read_text(encoding="utf-8"))
    published = list(Application.objects.filter(source="import").order_by("pk"))
    copies = [
        _copied([published[n % len(published)]], title=f"{published[n % len(published)].title} ({n})")[0]
        for n in range(len(published), investments)
    ]
    Application.objects.bulk_create(copies, batch_size=1000)
    print(f"  {max(investments, len(published))} investments", file=sys.stderr)


def searching_queries(render: Callable[[], object]) -> list[str]:
    """The SQL of the queries a page runs that search the applications' text."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        render()
    return [q["sql"] for q in captured.captured_queries if " LIKE " in q["sql"] or "@@" in q["sql"]]


@contextmanager
def plain_search():
    from applications import search

    with mock.patch.object(search, "applications_matching", search.plain_filter):
        yield


def execution_ms(sql: str, *, without_indexes: bool = False) -> tuple[float, str]:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        if without_indexes:
            cursor.execute("DROP INDEX " + ", ".join(SEARCH_INDEXES))
        cursor.execute("EXPLAIN (ANALYZE, FORMAT TEXT) " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    match = re.search(r"Execution Time: ([\d.]+) ms", plan)
    if match is None:
        raise BenchmarkError(f"no execution time in the plan of {sql[:80]}")
    return float(match.group(1)), plan


def timed(queries: list[str], repeat: int, *, without_indexes: bool = False) -> tuple[float, bool]:
    """The median over ``repeat`` runs of the summed execution time of ``queries``, and whether
    any plan reads the applications from end to end."""
    runs, seq_scan = [], False
    for _ in range(repeat):
        total = 0.0
        for sql in queries:
            ms, plan = execution_ms(sql, without_indexes=without_indexes)
            total += ms
            seq_scan = seq_scan or "Seq Scan on applications_application" in plan
        runs.append(total)
    return statistics.median(runs), seq_scan


def measure(repeat: int) -> list[Timing]:
    from applications.inbox import inbox_page
    from applications.models import Application, Status
    from applications.portfolio import portfolio_page
    from applications.search import INBOX, PORTFOLIO, applications_matching
    from tests.conftest import Demo

    project_leader = Demo().person("project_leader")
    pages = {
        "inbox": (lambda term: inbox_page(user=project_leader, params={"q": term}), INBOX),
        "portfolio": (lambda term: portfolio_page(params={"q": term}), PORTFOLIO),
    }
    listed = {
        "inbox": Application.objects.exclude(status__in=[Status.DRAFT, Status.WITHDRAWN]),
        "portfolio": Application.objects.filter(status=Status.APPROVED),
    }
    timings = []
    for page, (render, searched) in pages.items():
        for term in TERMS:
            with plain_search():
                plain = searching_queries(lambda render=render, term=term: render(term))
            found = searching_queries(lambda render=render, term=term: render(term))
            if not plain or not found:
                raise BenchmarkError(f"the {page} page ran no search for {term!r}")
            matches = applications_matching(listed[page], term, searched).count()
            before, _ = timed(plain, repeat, without_indexes=True)
            trigram, _ = timed(plain, repeat)
            search, seq_scan = timed(found, repeat)
            timings.append(Timing(page, term, matches, before, trigram, search, seq_scan))
    return timings


def table(applications: int, investments: int, timings: list[Timing]) -> str:
    lines = [
        f"Search, {applications} applications and {investments} investments, PostgreSQL "
        "(the page's searching queries, summed; median EXPLAIN ANALYZE execution time)",
        "| page | term | matches | before | plain + trigram | search | search reads every row |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    lines += [
        f"| {t.page} | {t.term} | {t.matches} | {t.before:.2f} ms | {t.trigram:.2f} ms | {t.search:.2f} ms "
        f"| {'yes' if t.search_seq_scan else 'no'} |"
        for t in timings
    ]
    return "\n".join(lines)


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="scripts/bench-search", description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=5000, help="registered applications (default 5000)")
    parser.add_argument("--investments", type=int, default=2000, help="granted investments (default about 2000)")
    parser.add_argument(
        "--through-services",
        type=int,
        default=200,
        help="applications built through the real services, the rest copied from them (default 200)",
    )
    parser.add_argument("--repeat", type=int, default=5, help="runs of each query (default 5)")
    parser.add_argument(
        "--database", default=DATABASE_NAME, help=f"the database to build on, dropped first (default {DATABASE_NAME})"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--reuse", action="store_true", help="measure on the database an earlier --keep run left (no building)"
    )
    options = parser.parse_args(argv)
    if options.applications < 1 or options.investments < 1 or options.repeat < 1:
        parser.error("--applications, --investments and --repeat must be at least 1")
    return options


def main(argv: list[str] | None = None) -> int:
    options = arguments(argv)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "tests.settings",  # fast password hashing; the portal's settings otherwise
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{options.database}",
            "LOG_LEVEL": "WARNING",
        }
    )
    try:
        services_check()
        if not options.reuse:
            postgres("dropdb", "--if-exists", "--force", options.database)
            postgres("createdb", options.database)
            print(f"Building {options.applications} applications on {options.database} …", file=sys.stderr)
            database_prepare(options.applications, options.investments, options.through_services)
        else:
            import django

            django.setup()
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE applications_application")
        from applications.models import Application

        applications = Application.objects.exclude(source="import").count()
        investments = Application.objects.filter(source="import").count()
        print(table(applications, investments, measure(options.repeat)))
    except BenchmarkError as error:
        print(f"bench-search: {error}", file=sys.stderr)
        return 1
    finally:
        if not options.keep and not options.reuse:
            from django.db import connections

            connections.close_all()
            postgres("dropdb", "--if-exists", "--force", options.database)
    return 0


if __name__ == "__main__":
    sys.exit(main())

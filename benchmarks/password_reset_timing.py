"""Does "Glömt lösenordet?" answer in the same time whatever the address is?

The page must not tell anyone whether an address has an account: the words are the same (a test
checks them), and this script measures the time. It posts the form N times for each kind of
address, each time from an address of its own and (where there is an account) for an account of
its own, so that no request is limited by an earlier one unless the case is about the limit:

- an account with a password (a reset link is queued in the outbox);
- an account that has never had a password (an invitation is queued instead);
- an address no account has;
- an account that has had its share of mails this hour (nothing is queued).

It runs on the real PostgreSQL with the outbox handing its work to Redis after each commit, as in
production (nothing consumes that queue here; it is emptied at the end). It prints the median
and the 95th percentile per case, and the largest difference between the medians.

Run it with ``scripts/bench-password-reset [--requests N] [--keep]``. It makes a database of
its own (``simportal_bench_reset``, dropped first), uses Redis database 4 (never the tests'
queue) and drops the database at the end unless ``--keep`` is given. pytest never collects it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.background_work import BenchmarkError, postgres, services_check

ROOT = Path(__file__).resolve().parent.parent
DATABASE_NAME = "simportal_bench_reset"
REDIS_URL = "redis://127.0.0.1:6379/4"
PASSWORD = "bench-Lösen-2026"  # noqa: S105 - a throwaway database's accounts


def _prepare_environment() -> None:
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DATABASE_NAME}"
    os.environ["REDIS_URL"] = REDIS_URL
    os.environ["DJANGO_SETTINGS_MODULE"] = "simportal.settings"
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 40)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    postgres("dropdb", "--if-exists", "--force", DATABASE_NAME)
    postgres("createdb", DATABASE_NAME)


def _timed(post: Callable[[], object]) -> float:
    started = time.perf_counter()
    post()
    return (time.perf_counter() - started) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=60, help="requests per case (default 60)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    options = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    services_check()
    _prepare_environment()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from partnership.models import User

    call_command("migrate", verbosity=0)
    count = options.requests
    for n in range(count):
        User.objects.create_user(f"med-losenord-{n}", email=f"med-{n}@example.se", password=PASSWORD)
        User.objects.create_user(f"utan-losenord-{n}", email=f"utan-{n}@example.se")
    User.objects.create_user("har-fatt-sina", email="har-fatt-sina@example.se", password=PASSWORD)
    client = Client()
    url = reverse("password_reset")

    done = reverse("password_reset_done")

    def post(email: str, address: str) -> Callable[[], object]:
        def send() -> None:
            response = client.post(url, {"email": email}, REMOTE_ADDR=address, secure=True)
            if response.status_code != 302 or response.url != done:
                raise SystemExit(f"unexpected answer for {email}: {response.status_code}")

        return send

    limit = settings.ACCOUNT_MAIL_LIMIT_PER_PERSON
    for n in range(limit):  # its share of this hour, from addresses of their own
        post("har-fatt-sina@example.se", f"10.9.0.{n + 1}")()
    cases = {
        "konto med lösenord": lambda n: post(f"med-{n}@example.se", f"10.1.{n // 250}.{n % 250 + 1}"),
        "konto utan lösenord": lambda n: post(f"utan-{n}@example.se", f"10.2.{n // 250}.{n % 250 + 1}"),
        "okänd adress": lambda n: post(f"finns-inte-{n}@example.se", f"10.3.{n // 250}.{n % 250 + 1}"),
        "över gränsen": lambda n: post("har-fatt-sina@example.se", f"10.4.{n // 250}.{n % 250 + 1}"),
    }
    for make in cases.values():  # warm up: the first request loads templates and connections
        make(count + 1)()
    times: dict[str, list[float]] = {name: [] for name in cases}
    for n in range(count):  # interleaved, so that a slow moment of the machine hits every case
        for name, make in cases.items():
            times[name].append(_timed(make(n)))

    print(f"POST {url}, {count} requests per case, PostgreSQL and the outbox on Redis\n")
    print(f"{'fall':<22} {'median ms':>10} {'p95 ms':>8}")
    medians = {}
    for name, values in times.items():
        medians[name] = statistics.median(values)
        p95 = statistics.quantiles(values, n=20)[18]
        print(f"{name:<22} {medians[name]:>10.1f} {p95:>8.1f}")
    spread = max(medians.values()) - min(medians.values())
    print(f"\nstörsta skillnad mellan medianerna: {spread:.1f} ms")
    from outbox.models import OutboxMessage

    print(f"köade i utkorgen: {OutboxMessage.objects.count()} (väntat {4 * (count + 1) + limit}: en fråga per begäran)")

    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    from django.db import connections

    connections.close_all()
    if not options.keep:
        postgres("dropdb", "--if-exists", "--force", DATABASE_NAME)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchmarkError as error:
        sys.exit(f"bench-password-reset: {error}")

"""How fast is the background work? One real Celery worker (``--pool=solo``) on Redis, the real
PostgreSQL and a real SMTP server on loopback, as in production but on one machine.

It measures:

- seconds per decision letter, rendered in this process by ``decisions.letters.letter_store``
  (after one warm-up render, which loads WeasyPrint and the fonts);
- letters per minute with one worker: N decisions are recorded one after the other; the clock
  starts when the first one has committed and stops when all N letters are stored. The worker
  does everything a decision makes it do, as it comes: the letter, then the notifications and
  e-mails (with the letter attached) that the letter's handler adds;
- seconds from a submission's commit until its e-mails arrive at the SMTP server, one
  submission at a time with the worker otherwise idle.

The clocks start when the service returns: its transaction has committed and the work is
handed to Redis (a millisecond after the commit on loopback).

Run it with ``scripts/bench-background [--letters N] [--submissions N] [--keep]``. It makes a
database of its own (``simportal_bench``, dropped first), uses Redis database 3 (never the
tests' queue), stores files in a temporary folder, and drops the database at the end unless
``--keep`` is given. It is not a test: pytest never collects it.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATABASE_NAME = "simportal_bench"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE_NAME}"
POSTGRES = ["-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]
REDIS_URL = "redis://127.0.0.1:6379/3"  # a database number of its own: never the tests' queue
# Small grants, so that any number of approvals fits in the demo call's budget.
GRANT_PER_YEAR = 10_000
TITLE = "Tidiga insatser för små barn i Färgelanda och Åmål – öppen förskola"
POLL_SECONDS = 0.01


class BenchmarkError(Exception):
    """Something the person running the benchmark has to know; printed without a traceback."""


# --- the services it needs --------------------------------------------------------------------


def services_check() -> None:
    """Exit early, and clearly, when PostgreSQL or Redis does not answer."""
    import redis

    answer = subprocess.run(  # noqa: S603 - PostgreSQL's own client program, fixed arguments
        [program("pg_isready"), *POSTGRES, "-t", "3"], capture_output=True, text=True, check=False
    )
    if answer.returncode != 0:
        raise BenchmarkError(
            f"PostgreSQL does not answer on 127.0.0.1:5432 ({answer.stdout.strip() or answer.stderr.strip()}): "
            "start it with scripts/services"
        )
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as error:
        raise BenchmarkError(
            f"Redis does not answer on 127.0.0.1:6379 ({error}): start it with scripts/services"
        ) from error


def program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BenchmarkError(f"{name} is not installed (PostgreSQL's client programs): run scripts/system-packages")
    return path


def postgres(command: str, *args: str) -> None:
    done = subprocess.run(  # noqa: S603 - PostgreSQL's own client programs, fixed arguments
        [program(command), *POSTGRES, *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BenchmarkError(f"{command} {' '.join(args)} failed: {done.stderr.strip()}")


def database_create() -> None:
    postgres("dropdb", "--if-exists", "--force", DATABASE_NAME)
    postgres("createdb", DATABASE_NAME)


def database_drop() -> None:
    postgres("dropdb", "--if-exists", "--force", DATABASE_NAME)


def environment(*, media_root: Path, smtp_url: str) -> dict[str, str]:
    """The settings of this process and of the worker: the portal's own, read from the environment."""
    return {
        "DJANGO_SETTINGS_MODULE": "simportal.settings",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,  # a broker, so the work goes to the worker rather than running in-process
        "EMAIL_URL": smtp_url,
        "MEDIA_ROOT": str(media_root),
        "DEBUG": "true",  # the development secret key and static files without collectstatic
        # Were anything to fail, its retry would come after a second, not after half a minute.
        "OUTBOX_RETRY_BASE_SECONDS": "1",
    }


# --- the SMTP server and the worker ----------------------------------------------------------


class SmtpSink:
    """An SMTP server on loopback (aiosmtpd) that keeps every message with the moment it arrived."""

    def __init__(self) -> None:
        try:
            from aiosmtpd.controller import Controller
        except ImportError as missing:
            raise BenchmarkError(f"{missing}: install the dev dependencies with scripts/setup-venv dev") from missing

        self.arrivals: list[tuple[float, EmailMessage]] = []
        self._lock = threading.Lock()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.running = False

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        arrived = time.perf_counter()
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.arrivals.append((arrived, message))  # type: ignore[arg-type]
        return "250 OK"

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def about(self, text: str) -> list[float]:
        """When the messages whose subject contains ``text`` arrived."""
        with self._lock:
            return [arrived for arrived, message in self.arrivals if text in str(message["Subject"])]

    def start(self) -> None:
        self.controller.start()
        self.running = True

    def stop(self) -> None:
        if self.running:
            self.controller.stop()
            self.running = False


class Worker:
    """One real Celery worker process, as production runs it; no beat (Redis is up, nothing needs sweeping)."""

    def __init__(self, *, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> None:
        from tests.conftest import worker_command

        command = worker_command()
        with self.log.open("w") as output:
            self.process = subprocess.Popen(  # noqa: S603 - our own venv's celery
                command, cwd=ROOT, env=self.env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )
        wait_until(lambda: " ready." in self.log.read_text(), timeout, "the Celery worker to start", self)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if not self.alive():
            return
        assert self.process is not None  # noqa: S101 - for the type checker; alive() says so
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)

    def tail(self, lines: int = 40) -> str:
        if not self.log.exists():
            return "(no worker log)"
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def wait_until(ready: Callable[[], bool], timeout: float, what: str, worker: Worker | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if worker is not None and worker.process is not None and not worker.alive():
            raise BenchmarkError(f"the Celery worker stopped while waiting for {what}:\n{worker.tail()}")
        if time.monotonic() > deadline:
            log = f"\nthe worker's log ends:\n{worker.tail()}" if worker is not None else ""
            raise BenchmarkError(f"waited {timeout:.0f} s for {what}{log}")
        time.sleep(POLL_SECONDS)


# --- the data it works on --------------------------------------------------------------------


def database_prepare() -> None:
    import django
    from django.core.management import call_command
    from django.db import transaction

    django.setup()
    from partnership.management.commands.seed_demo import Command

    call_command("migrate", interactive=False, verbosity=0)
    with transaction.atomic():
        Command().build(demo_logins=True)


def demo() -> Any:
    from tests.conftest import Demo

    return Demo()


def cases(count: int, *, start: int) -> list[Any]:
    """``count`` recommended applications forwarded to RUN, each waiting for its decision."""
    from tests.decisions.test_run import forwarded_case

    people = demo()
    municipalities = ["Uddevalla", "Munkedal"]
    return [
        forwarded_case(people, title=f"{TITLE} {number}", municipality=municipalities[number % 2])
        for number in range(start, start + count)
    ]


def decide(case: Any, paragraph: int) -> Any:
    """RUN approves the case: a small amount for every year the steering group recommended."""
    from decisions import selectors, services

    granted = {year: min(limit, GRANT_PER_YEAR) for year, limit in selectors.grant_limits(case).items()}
    return services.decision_record(
        case=case,
        outcome="approved",
        paragraph=str(paragraph),
        decided_on=case.run_meeting.held_on,
        conditions="Insatsen följs upp efter ett år.\nRapport till styrgruppen varje år.",
        payment_schedule="Utbetalning i förskott per år.",
        granted=granted,
        by=demo().person("secretariat"),
    )


def drafts(count: int) -> list[Any]:
    """Complete drafts of Uddevalla's working group, written by its leader, ready to submit."""
    from tests.factories import complete_application

    people = demo()
    leader = people.person("leader")
    group = people.working_group("Uddevalla")
    return [
        complete_application(people.call(), group, title=f"Språkstöd i förskolan {number}", by=leader)
        for number in range(count)
    ]


def pending() -> Any:
    from outbox.models import OutboxMessage

    return OutboxMessage.objects.filter(done_at__isnull=True, failed_at__isnull=True)


def outbox_forget() -> None:
    """Nothing made so far is to be done by the worker: empty the queue and mark the outbox done."""
    from django.utils import timezone

    from simportal.celery import app

    app.control.purge()
    pending().update(done_at=timezone.now())


def outbox_failures() -> list[str]:
    from outbox.models import OutboxMessage

    return [
        f"{message.key} ({message.attempts} attempt(s)): {(message.last_error.splitlines() or [''])[-1]}"
        for message in OutboxMessage.objects.filter(attempts__gt=0).order_by("pk")
    ]


def idle(worker: Worker, timeout: float, what: str) -> None:
    wait_until(lambda: not pending().exists(), timeout, what, worker)


# --- the measurements ------------------------------------------------------------------------


def letters_in_process(decisions: list[Any]) -> list[float]:
    """Seconds per ``letter_store`` call; the first decision is the warm-up and is not counted."""
    from decisions.letters import letter_store

    warm_up, *measured = decisions
    letter_store(warm_up.pk)
    seconds = []
    for decision in measured:
        started = time.perf_counter()
        letter_store(decision.pk)
        seconds.append(time.perf_counter() - started)
    return seconds


@dataclass(frozen=True)
class Clock:
    """Moments (``time.perf_counter``) of a run of decisions through the worker."""

    first_commit: float
    last_commit: float
    letters_stored: float


def letters_by_worker(waiting: list[Any], worker: Worker, *, paragraph: int) -> Clock:
    """Record a decision on every case, one after the other, and wait until every letter is stored."""
    from decisions.models import DecisionLetter

    ids: list[int] = []
    commits: list[float] = []
    for number, case in enumerate(waiting):
        ids.append(decide(case, paragraph + number).pk)
        commits.append(time.perf_counter())

    def all_stored() -> bool:
        return DecisionLetter.objects.filter(decision_id__in=ids).count() == len(ids)

    wait_until(all_stored, 60 + 10 * len(ids), f"{len(ids)} decision letters from the worker", worker)
    return Clock(first_commit=commits[0], last_commit=commits[-1], letters_stored=time.perf_counter())


def submissions_by_email(applications: list[Any], smtp: SmtpSink, worker: Worker) -> tuple[list[float], list[float]]:
    """Submit one application at a time; seconds from each commit to its first and to its last e-mail."""
    from applications.services import application_submit

    leader = demo().person("leader")
    first, last = [], []
    for application in applications:
        submitted = application_submit(application=application, by=leader)
        committed = time.perf_counter()
        idle(worker, 60, f"the e-mails of {submitted.reference_number}")
        arrivals = smtp.about(submitted.reference_number)
        if not arrivals:
            raise BenchmarkError(f"no e-mail about {submitted.reference_number} arrived:\n{worker.tail()}")
        first.append(min(arrivals) - committed)
        last.append(max(arrivals) - committed)
    return first, last


# --- the table -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    measure: str
    value: str
    p90: str = "-"
    least: str = "-"
    most: str = "-"
    count: str = "-"


def timings(measure: str, seconds: list[float]) -> Row:
    p90 = statistics.quantiles(seconds, n=10, method="inclusive")[-1] if len(seconds) > 1 else seconds[0]
    return Row(
        measure,
        f"{statistics.median(seconds):.2f}",
        f"{p90:.2f}",
        f"{min(seconds):.2f}",
        f"{max(seconds):.2f}",
        str(len(seconds)),
    )


def table(rows: list[Row]) -> str:
    header = Row("measure", "value", "p90", "min", "max", "n")
    lines = [header, *rows]
    width = max(len(row.measure) for row in lines) + 2
    columns = [
        (row.measure.ljust(width) + "".join(cell.rjust(8) for cell in (row.value, row.p90, row.least, row.most)))
        + row.count.rjust(6)
        for row in lines
    ]
    return "\n".join(columns)


# --- putting it together ---------------------------------------------------------------------


def say(text: str) -> None:
    print(f"bench-background: {text}", file=sys.stderr, flush=True)


def benchmark(letters: int, submissions: int, smtp: SmtpSink, worker: Worker) -> list[Row]:
    say(f"building {2 * letters + 2} RUN cases and {submissions} drafts")
    in_process = cases(letters + 1, start=0)
    for_worker = cases(letters + 1, start=letters + 1)
    waiting = drafts(submissions)
    decided = [decide(case, 100 + number) for number, case in enumerate(in_process)]
    outbox_forget()

    say(f"(a) rendering {letters} decision letters in this process (after one warm-up)")
    per_letter = letters_in_process(decided)

    say("starting the SMTP server and one Celery worker")
    smtp.start()
    worker.start()
    warm_up, *measured = for_worker
    letters_by_worker([warm_up], worker, paragraph=500)  # the worker's first render loads WeasyPrint
    idle(worker, 120, "the worker to finish its warm-up")

    say(f"(b) recording {letters} decisions; the worker renders their letters")
    before = len(smtp.arrivals)
    clock = letters_by_worker(measured, worker, paragraph=600)
    idle(worker, 60 + 10 * letters, "the decisions' notifications and e-mails")
    all_done = time.perf_counter()
    letters_seconds = clock.letters_stored - clock.first_commit
    say(
        f"    {letters} letters in {letters_seconds:.2f} s (recording the decisions took "
        f"{clock.last_commit - clock.first_commit:.2f} s); with their {len(smtp.arrivals) - before} e-mails "
        f"(the letter attached) {all_done - clock.first_commit:.2f} s"
    )

    say(f"(c) submitting {submissions} applications one at a time")
    before = len(smtp.arrivals)
    first, last = submissions_by_email(waiting, smtp, worker)
    say(f"    {len(smtp.arrivals) - before} e-mails arrived for {submissions} submissions")

    failures = outbox_failures()
    if failures:
        say("the worker had to retry or gave up on some work, so the figures are not clean:")
        for failure in failures:
            say(f"    {failure}")
    return [
        timings("median seconds per decision letter", per_letter),
        Row("letters per minute with one worker", f"{letters / letters_seconds * 60:.0f}", count=str(letters)),
        Row(
            "decisions per minute, letters and e-mails",
            f"{letters / (all_done - clock.first_commit) * 60:.0f}",
            count=str(letters),
        ),
        timings("median seconds submission -> e-mail", first),
        timings("median seconds submission -> last e-mail", last),
    ]


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="scripts/bench-background",
        description="Measure the background work with one real Celery worker, PostgreSQL, Redis and SMTP.",
    )
    parser.add_argument("--letters", type=int, default=20, help="decision letters to measure (default 20)")
    parser.add_argument("--submissions", type=int, default=10, help="submissions to measure (default 10)")
    parser.add_argument("--keep", action="store_true", help=f"keep the database {DATABASE_NAME} and the files")
    options = parser.parse_args(argv)
    if options.letters < 1 or options.submissions < 1:
        parser.error("--letters and --submissions must be at least 1")
    return options


def main(argv: list[str] | None = None) -> int:
    options = arguments(argv)
    # Stopped by a signal, it still stops its worker and drops its database (the ``finally`` below).
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))
    try:
        services_check()
        smtp = SmtpSink()
    except BenchmarkError as error:
        print(f"bench-background: {error}", file=sys.stderr)
        return 2
    folder = Path(tempfile.mkdtemp(prefix="simportal-bench-"))
    settings = environment(media_root=folder / "media", smtp_url=smtp.url)
    os.environ.update(settings)
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # this process's progress is what ``say`` prints
    worker = Worker(env={**os.environ, "LOG_LEVEL": "INFO"}, log=folder / "worker.log")
    created = False
    try:
        say(f"making the database {DATABASE_NAME} (migrate, seed the demo structure)")
        database_create()
        created = True
        database_prepare()
        rows = benchmark(options.letters, options.submissions, smtp, worker)
    except BenchmarkError as error:
        print(f"bench-background: {error}", file=sys.stderr)
        return 1
    finally:
        worker.stop()
        smtp.stop()
        if created:
            from django.db import connections

            connections.close_all()
            if options.keep:
                say(f"kept the database ({DATABASE_URL}) and the files ({folder})")
            else:
                try:
                    database_drop()
                except BenchmarkError as error:
                    say(f"could not drop the database: {error}")
        if not options.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print("Background work (1 worker, --pool=solo, PostgreSQL + Redis + SMTP on loopback)")
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())

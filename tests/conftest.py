"""Shared fixtures: the demo structure and its named personas.

The personas are the demo logins of ``seed_demo``: the group leader of Uddevalla
(``leader``), a member of Uddevalla's group (``member``), the leader of Munkedal's
group (the outsider), the project leader, a steering-group member and its chair,
Koncernkontoret, the RUN secretariat and the NSV chair of Uddevalla.
"""

import os

import pytest
from django.conf import settings

from partnership.management.commands.seed_demo import DEMO_PASSWORD, Command
from partnership.models import Body, Call, User


@pytest.fixture(autouse=True)
def broker_asked_afresh():
    """Each test starts with the outbox asking the broker again, whatever an earlier test's outage left."""
    from outbox import services

    services._broker_silent_until = 0.0


PERSONAS = {
    "leader": "gruppledare-uddevalla",
    "member": "gruppmedlem-uddevalla",
    "outsider": "gruppledare-munkedal",
    "project_leader": "projektledare",
    "steering_member": "styrgrupp",
    "steering_chair": "styrgrupp-ordf",
    "koncernkontoret": "koncernkontoret",
    "secretariat": "sekretariat",
    "nsv_chair": "nsv-uddevalla",
}

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_collection_modifyitems(config, items):
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL (CI always does)")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI nothing is skipped: a skip is a failure there."""
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which is not allowed: {report.longrepr}"


@pytest.fixture
def demo(db):
    """The real structure of SIM spår 2 in Fyrbodal, with demo logins."""
    Command().build(demo_logins=True)
    return Demo()


class Demo:
    password = DEMO_PASSWORD

    def person(self, persona: str) -> User:
        return User.objects.get(username=PERSONAS[persona])

    def working_group(self, municipality: str) -> Body:
        return Body.objects.get(kind="local_wg", municipality__name=municipality)

    def steering_group(self) -> Body:
        return Body.objects.get(kind="steering_group", partnership=self.call().partnership)

    def call(self) -> Call:
        """The current, open application round."""
        return Call.objects.exclude(name__contains="2017").get(name__startswith="SIM spår 2 – ansökningsomgång")

    def call_2017(self) -> Call:
        return Call.objects.get(name__contains="2017")


@pytest.fixture
def demo_region(demo):
    """The demo's second, region-wide partnership (SIM Västra Götaland, ages 0–15, Borås and
    Göteborg) beside Fyrbodal's, as ``make run`` builds it."""
    Command().build_region_wide(demo_logins=True)
    return RegionDemo()


class RegionDemo(Demo):
    """The region-wide partnership's people by username, its groups, steering group and call."""

    def person(self, persona: str) -> User:
        return User.objects.get(username=REGION_PERSONAS.get(persona, persona))

    def working_group(self, municipality: str) -> Body:
        return Body.objects.get(kind="local_wg", municipality__name=municipality, partnership__sub_region=None)

    def call(self) -> Call:
        return Call.objects.get(name__startswith="SIM Västra Götaland – ansökningsomgång")


REGION_PERSONAS = {
    "leader": "gruppledare-boras",
    "member": "gruppmedlem-boras",
    "outsider": "gruppledare-goteborg",
    "project_leader": "projektledare-vg",
    "steering_member": "styrgrupp-vg",
    "steering_chair": "styrgrupp-vg-ordf",
    "koncernkontoret": "koncernkontoret",
    "secretariat": "sekretariat",
    "nsv_chair": "nsv-boras",
}


@pytest.fixture
def as_persona(client, demo):
    """Log the test client in as a persona: ``as_persona("leader")``."""

    def login(persona: str):
        client.force_login(demo.person(persona))
        return client

    return login


class SmtpServer:
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives.

    ``fail_next(n)`` makes it answer the next n messages with a temporary error (451), as a
    mail server that is overloaded or restarting does.
    """

    def __init__(self) -> None:
        import socket
        import threading

        from aiosmtpd.controller import Controller

        self.messages: list = []
        self.refused = 0
        self._failures = 0
        self._lock = threading.Lock()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        import email
        import email.policy

        with self._lock:
            if self._failures:
                self._failures -= 1
                self.refused += 1
                return "451 4.3.0 Tillfälligt fel, försök igen senare"
            self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"

    def fail_next(self, count: int) -> None:
        with self._lock:
            self._failures = count

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def wait_for(self, count: int = 1, timeout: float = 30, log=None) -> list:
        import time

        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            if time.monotonic() > deadline:
                extra = f"\nworker log:\n{log.read_text()}" if log else ""
                pytest.fail(f"{len(self.messages)} of {count} e-mail(s) arrived within {timeout} s{extra}")
            time.sleep(0.05)
        return list(self.messages)

    def to(self, address: str) -> list:
        return [message for message in self.messages if address in message["To"]]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1; this process and ``celery_worker`` send their mail to it."""
    server = SmtpServer()
    server.controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield server
    finally:
        server.controller.stop()


def worker_command() -> list[str]:
    """One real Celery worker process of this venv: one task at a time, no chatter between workers."""
    import sys
    from pathlib import Path

    return [
        str(Path(sys.executable).with_name("celery")),
        "-A",
        "simportal",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "-Q",
        "celery",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
        "--loglevel=INFO",
    ]


class CeleryWorker:
    """A real Celery worker process (``--pool=solo``) on Redis, with beat embedded when asked."""

    def __init__(self, *, env: dict, root, log, beat: bool, schedule) -> None:
        self.env, self.root, self.log_path, self.beat, self.schedule = env, root, log, beat, schedule
        self.process = None
        self.starts = 0

    def start(self, *args: str, **extra_env: str) -> "CeleryWorker":
        import subprocess
        import time

        self.starts += 1
        marker = f"--- start {self.starts} ---\n"
        with self.log_path.open("a") as output:
            output.write(marker)
            output.flush()
            command = worker_command()
            if self.beat:
                command += ["--beat", f"--schedule={self.schedule}"]
            command += list(args)
            self.process = subprocess.Popen(  # noqa: S603 - our own venv's celery
                command,
                cwd=self.root,
                env={**self.env, **extra_env},
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 30
        while " ready." not in self.log_path.read_text().rsplit(marker, 1)[-1]:
            if self.process.poll() is not None:
                pytest.fail(f"the Celery worker stopped with {self.process.returncode}:\n{self.log_path.read_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"the Celery worker was not ready within 30 s:\n{self.log_path.read_text()}")
            time.sleep(0.1)
        return self

    def poll(self):
        return self.process.poll()

    def kill(self) -> None:
        """Kill the worker at once (SIGKILL), as a crash or an out-of-memory kill would."""
        import os
        import signal

        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        import os
        import signal
        import subprocess

        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)

    def wait_for_log(self, text: str, timeout: float = 30) -> None:
        import time

        deadline = time.monotonic() + timeout
        while text not in self.log_path.read_text():
            if time.monotonic() > deadline:
                pytest.fail(f"{text!r} not in the worker log within {timeout} s:\n{self.log_path.read_text()}")
            time.sleep(0.05)


@pytest.fixture
def celery_worker_factory(transactional_db, settings, tmp_path, request):
    """Make a real Celery worker on Redis, reading the test database; ``start()`` it yourself.

    Needs REDIS_URL and PostgreSQL (the worker is another process: it cannot see an
    in-memory SQLite database). Tasks queued by the test go to Redis, not in-process,
    for as long as the fixture lives. The outbox runs on short clocks here: the sweep every
    second, a lease of 3 s and retries after 0.5 s, 1 s, 2 s …
    """
    from pathlib import Path

    from django.db import connection

    from simportal.celery import app

    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs a real Redis broker: set REDIS_URL (CI always does)")
    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("needs PostgreSQL: the worker is another process and must reach the test database")

    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    clocks = {
        "OUTBOX_SWEEP_SECONDS": "1",
        "OUTBOX_LEASE_SECONDS": "3",
        "OUTBOX_RETRY_BASE_SECONDS": "0.5",
    }
    for name, value in clocks.items():
        setattr(settings, name, float(value))
    env = {
        **os.environ,
        **clocks,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "SIMPORTAL_CELERY_EAGER": "0",
        "SIMPORTAL_TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DATABASE_URL": f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CONN_MAX_AGE": "0",
    }
    if settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend":
        env["EMAIL_URL"] = f"smtp://{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    root = Path(__file__).resolve().parent.parent
    was_eager = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.control.purge()  # messages left by an earlier, interrupted run would name rows that do not exist
    workers: list[CeleryWorker] = []

    def make(*, beat: bool = False) -> CeleryWorker:
        worker = CeleryWorker(
            env=env,
            root=root,
            log=tmp_path / f"celery-worker-{len(workers)}.log",
            beat=beat,
            schedule=tmp_path / f"beat-schedule-{len(workers)}",
        )
        workers.append(worker)
        return worker

    try:
        yield make
    finally:
        for worker in workers:
            worker.stop()
        app.conf.task_always_eager = was_eager


@pytest.fixture
def celery_worker(celery_worker_factory):
    """A started real Celery worker on Redis (see ``celery_worker_factory``)."""
    return celery_worker_factory().start()

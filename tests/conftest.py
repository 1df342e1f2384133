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
        return Body.objects.get(kind="steering_group")

    def call(self) -> Call:
        """The current, open application round."""
        return Call.objects.exclude(name__contains="2017").get()

    def call_2017(self) -> Call:
        return Call.objects.get(name__contains="2017")


@pytest.fixture
def as_persona(client, demo):
    """Log the test client in as a persona: ``as_persona("leader")``."""

    def login(persona: str):
        client.force_login(demo.person(persona))
        return client

    return login


@pytest.fixture
def celery_worker(transactional_db, settings, tmp_path):
    """A real Celery worker (``--pool=solo``) on Redis, reading the test database.

    Needs REDIS_URL and PostgreSQL (the worker is another process: it cannot see an
    in-memory SQLite database). Tasks queued by the test go to Redis, not in-process,
    for as long as the fixture lives. Yields the worker's ``subprocess.Popen``.
    """
    import subprocess
    import sys
    import time
    from pathlib import Path

    from django.db import connection

    from simportal.celery import app

    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs a real Redis broker: set REDIS_URL (CI always does)")
    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("needs PostgreSQL: the worker is another process and must reach the test database")

    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "SIMPORTAL_CELERY_EAGER": "0",
        "SIMPORTAL_TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DATABASE_URL": f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CONN_MAX_AGE": "0",
    }
    root = Path(__file__).resolve().parent.parent
    log = tmp_path / "celery-worker.log"
    was_eager = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.control.purge()  # messages left by an earlier, interrupted run would name rows that do not exist
    with log.open("w") as output:
        worker = subprocess.Popen(  # noqa: S603 - our own venv's celery
            [
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
            ],
            cwd=root,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while " ready." not in log.read_text():
            if worker.poll() is not None:
                pytest.fail(f"the Celery worker stopped with {worker.returncode}:\n{log.read_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"the Celery worker was not ready within 30 s:\n{log.read_text()}")
            time.sleep(0.1)
        worker.log_path = log  # type: ignore[attr-defined]
        yield worker
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=5)
        app.conf.task_always_eager = was_eager

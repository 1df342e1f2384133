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

"""The settings an operator relies on: read from the environment, secure without DEBUG."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What the test run itself sets, and a deployment never would.
TEST_ONLY = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SIMPORTAL_TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in TEST_ONLY}
    clean["DJANGO_SETTINGS_MODULE"] = "simportal.settings"
    clean.update(env)
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_it_passes_the_deployment_check_with_debug_off():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="x7Qv!2mPz#9LrT$4kWc8NbY6&hJd3FgS5aEu1oIpZqXwVtRyUe",
        ALLOWED_HOSTS="simportal.example.se",
        DATABASE_URL="sqlite:////tmp/simportal-deploy-check.sqlite3",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = run_manage("check", DEBUG="false", ALLOWED_HOSTS="simportal.example.se")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_it_keeps_debug_off_unless_it_is_switched_on():
    script = "import django; django.setup(); from django.conf import settings as s; print(s.DEBUG)"
    clean = {k: v for k, v in os.environ.items() if k not in {*TEST_ONLY, "DATABASE_URL"}}
    clean.update(DJANGO_SETTINGS_MODULE="simportal.settings", SECRET_KEY="x" * 50)
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], cwd=ROOT, env=clean, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["False"]


def test_it_runs_on_the_embedded_default_with_nothing_set_but_debug():
    """What `make run` does: DEBUG on, and nothing else set."""
    env = dict.fromkeys(("DATABASE_URL", "REDIS_URL", "EMAIL_URL"), "")
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {*TEST_ONLY, *env}}
    clean.update(DJANGO_SETTINGS_MODULE="simportal.settings", DEBUG="true")
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], cwd=ROOT, env=clean, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["True", "django.db.backends.sqlite3", "True", "django.core.mail.backends.console.EmailBackend"]


def test_it_switches_to_postgresql_redis_and_smtp_from_the_environment():
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL, "
        "s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in TEST_ONLY}
    clean.update(
        DJANGO_SETTINGS_MODULE="simportal.settings",
        SECRET_KEY="k" * 60,
        DATABASE_URL="postgres://sim@db:5432/simportal",
        REDIS_URL="redis://redis:6379/0",
        EMAIL_URL="smtp://mail:1025",
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], cwd=ROOT, env=clean, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == [
        "False",
        "django.db.backends.postgresql",
        "False",
        "redis://redis:6379/0",
        "django.core.mail.backends.smtp.EmailBackend",
        "mail",
        "1025",
        "True",
        "True",
    ]


def test_it_runs_a_developers_command_in_the_checkout_with_nothing_set():
    """`manage.py makemigrations --check` in a fresh checkout needs no environment at all."""
    clean = {k: v for k, v in os.environ.items() if k not in {*TEST_ONLY, "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout

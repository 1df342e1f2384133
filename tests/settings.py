"""Settings for the test suite: the portal's own settings, with fast password hashing.

DATABASE_URL and REDIS_URL still decide which database and broker the tests use
(CI sets both to this machine's PostgreSQL and Redis).
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SIMPORTAL_TESTING", "1")

# Under pytest-xdist (``-n 2``) each test process has a test database of its own (pytest-django
# adds the worker's name) and must have a Redis database of its own too, or one process's
# Celery worker would take the other's tasks. The Celery workers a test starts inherit the
# shifted URL, so the shift is made once, in the test process.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if XDIST_WORKER and os.environ.get("REDIS_URL") and not os.environ.get("SIMPORTAL_TEST_REDIS_SHIFTED"):
    from urllib.parse import urlsplit, urlunsplit

    _redis = urlsplit(os.environ["REDIS_URL"])
    _base = int(_redis.path.strip("/") or 0)
    _number = _base + 1 + int(XDIST_WORKER.removeprefix("gw"))
    os.environ["REDIS_URL"] = urlunsplit(_redis._replace(path=f"/{_number}"))
    os.environ["SIMPORTAL_TEST_REDIS_SHIFTED"] = "1"

from simportal.settings import *  # noqa: E402, F403

if XDIST_WORKER:
    # The development signing pair and the collected static files, per test process.
    VAR_DIR = VAR_DIR / f"test-{XDIST_WORKER}"  # noqa: F405

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# Whitenoise looks for collected files; tests serve from the finders instead.
STATIC_ROOT = VAR_DIR / "test-staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True

# Uploaded files of a test run go to a fresh folder of their own.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="simportal-test-media-"))

# Ordinary tests run Celery tasks in-process; the tests about background work start a
# real worker on Redis themselves (see tests/conftest.py's ``celery_worker``).
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# ``celery_worker`` starts its worker with SIMPORTAL_CELERY_EAGER=0 and the test's own
# media folder, so that the worker really consumes from Redis and stores files where the test looks.
if os.environ.get("SIMPORTAL_CELERY_EAGER") == "0":
    CELERY_TASK_ALWAYS_EAGER = False
if os.environ.get("SIMPORTAL_TEST_MEDIA_ROOT"):
    MEDIA_ROOT = Path(os.environ["SIMPORTAL_TEST_MEDIA_ROOT"])

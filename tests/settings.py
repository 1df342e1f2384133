"""Settings for the test suite: the portal's own settings, with fast password hashing.

DATABASE_URL and REDIS_URL still decide which database and broker the tests use
(CI sets both to this machine's PostgreSQL and Redis).
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SIMPORTAL_TESTING", "1")

from simportal.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# Whitenoise looks for collected files; tests serve from the finders instead.
STATIC_ROOT = VAR_DIR / "test-staticfiles"  # noqa: F405
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

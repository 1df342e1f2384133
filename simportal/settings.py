"""Settings for SIM-portalen, read from the environment.

With no environment set, the portal runs on its *embedded default*: a SQLite
file in ``var/``, Celery tasks run in-process, and e-mail is written to the
console. ``DATABASE_URL`` switches to PostgreSQL, ``REDIS_URL`` to a real
broker and worker, ``EMAIL_URL`` to a real SMTP server.
"""

import datetime
import os
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

env = environ.Env()

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent
# A source checkout keeps templates, static files and translations at its top; the
# installed wheel carries the same folders inside the package, in simportal/site/.
IN_CHECKOUT = (BASE_DIR / "manage.py").is_file()
SITE_DIR = BASE_DIR if IN_CHECKOUT else PACKAGE_DIR / "site"
# What the portal writes (the embedded database, uploads, collected static files) lives
# under SIMPORTAL_HOME: the checkout itself, or the working directory of an installation.
HOME_DIR = Path(env.str("SIMPORTAL_HOME", default=str(BASE_DIR if IN_CHECKOUT else Path.cwd())))
VAR_DIR = HOME_DIR / "var"

# DEBUG is off unless it is switched on (`make run` switches it on for the embedded default).
DEBUG = env.bool("DEBUG", default=False)
TESTING = env.bool("SIMPORTAL_TESTING", default=False)

# Without DEBUG a real key must come from the environment. The development key is accepted
# while DEBUG is on, and for a command run in a checkout with DEBUG not set at all
# (`manage.py makemigrations`, `manage.py shell`); a deployment runs the installed package or
# says DEBUG=false, and then must give its own key.
DEVELOPMENT_KEY_ALLOWED = DEBUG or TESTING or (IN_CHECKOUT and "DEBUG" not in os.environ)
if DEVELOPMENT_KEY_ALLOWED:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
else:
    SECRET_KEY = env.str("SECRET_KEY")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "simportal.apps.SimportalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Index expressions with an operator class (the search's trigram indexes); harmless on SQLite.
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "csp",
    "axes",
    "outbox",
    "partnership",
    "applications",
    "reviews",
    "decisions",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "simportal.middleware.SwedishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Deny by default: every view needs a logged-in user unless it is
    # explicitly marked public with @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "simportal.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so that its 413 page gets every header above; before any view reads the body.
    "simportal.middleware.RequestSizeLimitMiddleware",
]

ROOT_URLCONF = "simportal.urls"
WSGI_APPLICATION = "simportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SITE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "partnership.context_processors.navigation",
                "notifications.context_processors.unread_notifications",
            ],
            "builtins": ["simportal.templatetags.formatting"],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'simportal.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"transaction_mode": "IMMEDIATE", "timeout": 20})
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "partnership.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    # Checks passwords; grants no permission (simportal/backends.py).
    "simportal.backends.PasswordBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Guessing passwords: after 5 failures at one account from any address, that account is
# locked for 15 minutes, and after 20 failures from one address at any accounts, that address
# is (``manage.py axes_reset_username`` / ``axes_reset_ip`` unlock). See simportal/accounts.py.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # in this order: LoginFailureHandler reads them so
AXES_HANDLER = "simportal.accounts.LoginFailureHandler"
AXES_CLIENT_IP_CALLABLE = "simportal.accounts.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# The client's address is REMOTE_ADDR; X-Forwarded-For is read only from these proxies
# (addresses or networks, e.g. "10.0.0.5,10.1.0.0/16"). Empty: the header is never believed.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
# Password links and invitations: at most this many e-mails an hour to one person, and this
# many requests an hour from one address; an invitation link is valid for 72 hours.
ACCOUNT_MAIL_LIMIT_PER_PERSON = env.int("ACCOUNT_MAIL_LIMIT_PER_PERSON", default=3)
ACCOUNT_MAIL_LIMIT_PER_ADDRESS = env.int("ACCOUNT_MAIL_LIMIT_PER_ADDRESS", default=10)
INVITATION_TIMEOUT = 60 * 60 * 72

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day

# Sessions live in the database so that logging in never depends on Redis.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 60 * 60 * 10  # one working day
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Language, time and number formats: Swedish first, English through i18n.
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
LOCALE_PATHS = [SITE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Stockholm"
USE_TZ = True
FORMAT_MODULE_PATH = ["simportal.formats"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [SITE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=HOME_DIR / "staticfiles")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# The largest request the portal reads: an attachment (at most 20 MB) with its form. A larger
# one is answered with a page that says what to do (413) before its body is read.
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=21 * 1024 * 1024)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# E-mail: the console unless EMAIL_URL (or EMAIL_HOST) names a server.
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
elif env.str("EMAIL_HOST", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env.str("EMAIL_HOST")
    EMAIL_PORT = env.int("EMAIL_PORT", default=25)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="SIM-portalen <noreply@simportal.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where the accessibility statement asks people to report what does not work for them.
ACCESSIBILITY_CONTACT_EMAIL = env.str("ACCESSIBILITY_CONTACT_EMAIL", default="tillganglighet@simportal.local")

# Celery: in-process unless REDIS_URL names a broker. No result backend: tasks take ids and
# write their results to the database, so nothing in a request ever waits on Redis.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "retry_on_timeout": False,
    # A message whose worker died unacknowledged comes back after this long; the outbox
    # sweep usually hands the work over sooner.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=60 * 60),
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "notifications.tasks.outbox_sweep", "schedule": env.float("OUTBOX_SWEEP_SECONDS", 30.0)},
    "reminders": {"task": "notifications.tasks.send_reminders", "schedule": crontab(hour=6, minute=30)},
    "daily-digest": {"task": "notifications.tasks.send_daily_digests", "schedule": crontab(hour=7, minute=0)},
    "prune": {"task": "notifications.tasks.prune_old", "schedule": crontab(hour=3, minute=15, day_of_week="sunday")},
}

# The outbox (outbox/services.py): how long a handed-over message may take before the
# sweep hands it over again, how long a request waits for the broker, and the retries.
OUTBOX_LEASE_SECONDS = env.float("OUTBOX_LEASE_SECONDS", 120.0)
OUTBOX_PUBLISH_WAIT_SECONDS = env.float("OUTBOX_PUBLISH_WAIT_SECONDS", 0.5)
# After the broker failed to answer, a process does not wait for it again for this long (the sweep catches up).
OUTBOX_BROKER_PAUSE_SECONDS = env.float("OUTBOX_BROKER_PAUSE_SECONDS", 5.0)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", 6)
OUTBOX_RETRY_BASE_SECONDS = env.float("OUTBOX_RETRY_BASE_SECONDS", 30.0)
# How long read notifications and sent e-mails, and finished background work, are kept.
NOTIFICATION_RETENTION_DAYS = env.int("NOTIFICATION_RETENTION_DAYS", 365)
OUTBOX_RETENTION_DAYS = env.int("OUTBOX_RETENTION_DAYS", 90)

# How a principal's signatory proves who they are when signing an application: the portal's own
# password confirmation, or an e-identification service's class (applications/signature_methods.py).
SIMPORTAL_SIGNATURE_METHOD = env.str(
    "SIMPORTAL_SIGNATURE_METHOD", default="applications.signature_methods.PasswordConfirmation"
)

# The certificate (PEM) and key the portal signs its letters and approved minutes with (PAdES);
# the key's password is read from SIMPORTAL_SIGNING_KEY_PASSWORD when the signature is made.
# Unset, development and tests make a self-signed pair in var/signing/ (simportal/signing.py).
SIMPORTAL_SIGNING_CERT = env.str("SIMPORTAL_SIGNING_CERT", default="") or None
SIMPORTAL_SIGNING_KEY = env.str("SIMPORTAL_SIGNING_KEY", default="") or None
SIMPORTAL_SIGNING_SELF_SIGNED_ALLOWED = env.bool(
    "SIMPORTAL_SIGNING_SELF_SIGNED_ALLOWED", default=DEVELOPMENT_KEY_ALLOWED
)

# Links in e-mails point here.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security: on by default whenever DEBUG is off.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content security policy: everything is served from our own origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "axes": {"level": "WARNING"}},
}

SIMPORTAL_NAME = _("SIM-portalen")

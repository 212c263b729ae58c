"""Settings shared by every environment.

The environment is read here, once, with safe defaults; dev, test and prod
override little. Every variable is listed in ``.env.example``.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parents[3]
PACKAGE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(os.environ.get("SAFESHARE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("SAFESHARE_SECRET_KEY", "")
DEBUG = env_bool("SAFESHARE_DEBUG", False)
ALLOWED_HOSTS = [
    h for h in os.environ.get("SAFESHARE_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]

INSTALLED_APPS = [
    "safeshare.ui.apps.SafeshareAdminConfig",  # django.contrib.admin, administrators only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "safeshare.core",
    "safeshare.ui",
    "safeshare.agencies",
    "safeshare.people",
    "safeshare.decisions",
    "safeshare.exchange",
    "safeshare.informing",
    "safeshare.consent",
    "safeshare.access",
    "safeshare.ledger",
    "safeshare.audit",
    "safeshare.casework",
    "safeshare.api",
    "safeshare.web",
    "safeshare.demo",
]

MIDDLEWARE = [
    # First: every response carries X-Request-Id, and refusals are recorded last.
    "safeshare.web.refusals.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "safeshare.web.middleware.SecurityHeadersMiddleware",
    "safeshare.web.body_limit.BodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "safeshare.web.middleware.SessionLifetimeMiddleware",
    "safeshare.web.middleware.RequireTwoFactorMiddleware",
    "safeshare.web.middleware.NotFoundPageMiddleware",
    "safeshare.web.middleware.QueryParametersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "safeshare.config.urls"
WSGI_APPLICATION = "safeshare.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "safeshare.config.jinja2.environment"},
    },
    {
        # The Django admin keeps the Django template language.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'safeshare.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL for concurrent readers, IMMEDIATE so writers queue instead of failing
    # on lock upgrade, and a busy timeout so they wait rather than error.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "agencies.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "safeshare.agencies.backends.StaffBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "web:sign_in"
LOGIN_REDIRECT_URL = "web:home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [p for p in [BASE_DIR / "frontend" / "dist"] if p.exists()]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Keys. The key-encryption key wraps each person's data key (core.crypto);
# it comes from SAFESHARE_KEK (base64) or the file named by SAFESHARE_KEK_FILE.
SAFESHARE_KEK = os.environ.get("SAFESHARE_KEK", "")
SAFESHARE_KEK_FILE = os.environ.get("SAFESHARE_KEK_FILE", "")
# Ed25519 private key (PEM file) that signs ledger checkpoints.
SAFESHARE_LEDGER_SIGNING_KEY_FILE = os.environ.get("SAFESHARE_LEDGER_SIGNING_KEY_FILE", "")

# Demo-only conveniences are impossible unless this is set by `make demo`.
SAFESHARE_DEMO = env_bool("SAFESHARE_DEMO", False)

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("SAFESHARE_EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("SAFESHARE_EMAIL_PORT", "25"))
# A mail server that accepts and then stalls must not hold a request open for long.
EMAIL_TIMEOUT = int(os.environ.get("SAFESHARE_EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("SAFESHARE_FROM_EMAIL", "safeshare@localhost")
SAFESHARE_BASE_URL = os.environ.get("SAFESHARE_BASE_URL", "http://127.0.0.1:8000")

# Background work (emails) goes through django-tasks' database backend: a task is a
# row in the app's own database, written after the commit that asks for it, and run
# by `safeshare tasks work` beside the web server.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SAFESHARE_LOG_LEVEL", "INFO")},
}

# ---------------------------------------------------------------------------
# Sign-in and security (issue #3 item 3; docs/adr/0003-sign-in-and-two-factor.md)
# ---------------------------------------------------------------------------
from datetime import timedelta  # noqa: E402

# Sessions end after 30 minutes without a request, when the browser closes, and
# (web.middleware.SessionLifetimeMiddleware) a fixed time after the second factor
# passed, however active. The idle expiry is saved only when it would move by
# more than a minute, so a read needs no database write (issue #11 items 6, 13).
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False
SAFESHARE_SESSION_REFRESH_SECONDS = 60
SAFESHARE_SESSION_LIFETIME = timedelta(
    hours=float(os.environ.get("SAFESHARE_SESSION_LIFETIME_HOURS", "10"))
)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "safeshare.web.views.csrf_failure"

# Headers. HSTS is set in prod.py; SecurityMiddleware sends it only over HTTPS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SAFESHARE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
)
SAFESHARE_PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=()"

# Two-factor sign-in with TOTP, required for every role. The API checks the
# same rule itself, so RequireTwoFactorMiddleware leaves it alone.
SAFESHARE_TWO_FACTOR_EXEMPT_PREFIXES = ("/api/",)
SAFESHARE_SIGN_IN_STEP_SECONDS = 5 * 60
OTP_TOTP_ISSUER = "safeshare"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Lockout (django-axes): 5 failures for one username from one address lock
# that pair out for an hour; wrong TOTP codes count as failures too.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "safeshare.web.views.locked_out"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "code"]
AXES_VERBOSE = False

# ---------------------------------------------------------------------------
# Decisions (issue #4; docs/adr/0004-protocol-packs-and-the-decision-aid.md)
# ---------------------------------------------------------------------------
# The protocol pack in force until the partnership officer chooses one.
SAFESHARE_DEFAULT_PACK = os.environ.get("SAFESHARE_DEFAULT_PACK", "current-law-2026")

# ---------------------------------------------------------------------------
# Hostile requests (issue #11 items 3, 11, 12; docs/reliability.md)
# ---------------------------------------------------------------------------
# A body over this size is refused with 413 before it is read (web/body_limit.py):
# JSON documents and form posts alike; the one file a page takes (a ledger
# checkpoint) is at most 64 KB.
SAFESHARE_REQUEST_BODY_MAX_BYTES = 1024 * 1024
# Django's own limits, a second line behind it.
DATA_UPLOAD_MAX_MEMORY_SIZE = SAFESHARE_REQUEST_BODY_MAX_BYTES
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 1

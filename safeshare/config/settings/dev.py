"""Local development and `make demo`: SQLite by default, DEBUG off unless asked."""

from .base import *  # noqa: F403
from .base import SECRET_KEY, VAR_DIR, env_bool

DEBUG = env_bool("SAFESHARE_DEBUG", True)
SECRET_KEY = SECRET_KEY or "dev-only-not-secret"  # noqa: F405

# Development and the demo have no mail server: emails (which carry no personal
# data, only a link) are written as files under var/mail for a person to read.
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = VAR_DIR / "mail"

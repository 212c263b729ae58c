"""Local development and `make demo`: SQLite by default, DEBUG off unless asked.

DEBUG comes from base settings: off unless a developer sets SAFESHARE_DEBUG=1,
so the demo never shows a debug page or a stack trace (issue #11 item 7). With
DEBUG off WhiteNoise serves the collected static files (`make demo` runs
collectstatic) and errors show the project's own 404 and 500 pages.
"""

from .base import *  # noqa: F403
from .base import SECRET_KEY, VAR_DIR

SECRET_KEY = SECRET_KEY or "dev-only-not-secret"  # noqa: F405

# Development and the demo have no mail server: emails (which carry no personal
# data, only a link) are written as files under var/mail for a person to read.
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = VAR_DIR / "mail"

"""Test settings: fixed keys, fast hashing where hashing is not under test."""

import base64

from .base import *  # noqa: F403

SECRET_KEY = "test-only-not-secret"
DEBUG = False
SAFESHARE_KEK = base64.b64encode(b"k" * 32).decode()
# Argon2 stays first in base settings (asserted by a test); tests hash with
# MD5 only to keep the suite fast.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# A file, not SQLite's shared in-memory database: the ledger's concurrency tests
# append from several connections and processes at once. The process id keeps
# simultaneous test runs apart.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import os
    import tempfile

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"safeshare-test-{os.getpid()}.sqlite3")
    }
# The browser tests' live server serves static files straight from the finders.
WHITENOISE_USE_FINDERS = True

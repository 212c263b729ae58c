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
# Tests keep the real database queue (TASKS in base settings): nothing runs until a
# test works the queue itself (`safeshare.core.tests.tasks.run_queued_tasks`) or runs
# `safeshare tasks work`, so a test sees what was queued and what each attempt did.

# A file, not SQLite's shared in-memory database: the ledger's concurrency tests
# append from several connections and processes at once. The process id keeps
# simultaneous test runs apart.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import atexit
    import os
    import tempfile

    _TEST_DB = os.path.join(tempfile.gettempdir(), f"safeshare-test-{os.getpid()}.sqlite3")
    DATABASES["default"]["TEST"] = {"NAME": _TEST_DB}  # noqa: F405

    def _remove_test_db_files() -> None:
        # Django removes the database file; SQLite's -wal and -shm can outlive it.
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                os.remove(_TEST_DB + suffix)
            except FileNotFoundError:
                pass

    atexit.register(_remove_test_db_files)
# The browser tests' live server serves static files straight from the finders.
WHITENOISE_USE_FINDERS = True

"""Settings for the gunicorn workers of `bench.load`.

The test settings (DEBUG off, fixed keys), except that email goes over SMTP,
as in production, to the benchmark's own sink on 127.0.0.1
(`SAFESHARE_EMAIL_PORT`). The test settings' in-memory backend keeps every
message a worker sends for the life of the process, which in a ten-minute run
shows as tens of MiB of growth that production would not have.
"""

import os

from safeshare.config.settings.test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ["SAFESHARE_EMAIL_PORT"])
EMAIL_TIMEOUT = 10

"""Production: secrets must come from the environment; TLS everywhere."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY

if not SECRET_KEY:
    raise ImproperlyConfigured("SAFESHARE_SECRET_KEY must be set in production")
DEBUG = False
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 63072000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Only states that the domain may be preloaded; it takes effect once its owner
# submits the registrable domain to the browsers' list (a sub-domain cannot be).
SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# `__Host-` cookies: the browser keeps them only if Secure, with Path=/ and no
# Domain, so no other host (a sibling sub-domain) can set or overwrite them
# (issue #11 item 7). Django's defaults give Path=/ and no Domain.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_PATH = "/"
CSRF_COOKIE_PATH = "/"

"""Personal API tokens: issued from a signed-in, two-factor session, stored hashed."""

import hashlib

from django.db import models
from django.db.models import F, Q

from safeshare.core import clock
from safeshare.core.models import BaseModel


def token_digest(token: str) -> str:
    """Tokens are stored as SHA-256 digests; the token itself is shown once."""
    return hashlib.sha256(token.encode()).hexdigest()


def session_digest(session_key: str | None) -> str:
    """The session a token was issued from, as a SHA-256 digest of its key ("" for none).

    Session keys are 32 random characters, so a digest cannot be reversed by
    guessing; the key itself, which would let a reader of the table take over
    the session, is never stored.
    """
    return hashlib.sha256(session_key.encode()).hexdigest() if session_key else ""


class ApiToken(BaseModel):
    user = models.ForeignKey("agencies.User", on_delete=models.CASCADE, related_name="api_tokens")
    label = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # Ending this session revokes the token (issue #11 item 5); "" for a token
    # issued with no session behind it (a command, a test).
    session_digest = models.CharField(max_length=64, blank=True, default="", db_index=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="apitoken_expires_after_issue"
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.user})"

    @property
    def is_active(self) -> bool:
        """Neither revoked nor expired."""
        return self.revoked_at is None and self.expires_at > clock.now()

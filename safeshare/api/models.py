"""Personal API tokens: issued from a signed-in, two-factor session, stored hashed."""

import hashlib

from django.db import models
from django.db.models import F, Q

from safeshare.core.models import BaseModel


def token_digest(token: str) -> str:
    """Tokens are stored as SHA-256 digests; the token itself is shown once."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(BaseModel):
    user = models.ForeignKey("agencies.User", on_delete=models.CASCADE, related_name="api_tokens")
    label = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="apitoken_expires_after_issue"
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.user})"

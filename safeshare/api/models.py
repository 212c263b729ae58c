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


class IdempotencyKey(BaseModel):
    """The first result of a creating API request sent with an ``Idempotency-Key``.

    A replay of the same request by the same user within ``expires_at`` gets this
    result again instead of creating a second record (issue #11 item 8). The key
    is stored as a SHA-256 digest (a client may choose any text) and the result
    encrypted (``api.idempotency``): a created person's answer holds their name.
    The row is inserted before the operation runs and completed in the same
    transaction, so a committed row always has its result, and the unique
    constraint stops two concurrent requests with one key from both creating.
    """

    user = models.ForeignKey(
        "agencies.User", on_delete=models.CASCADE, related_name="idempotency_keys"
    )
    key_digest = models.CharField(max_length=64)
    operation_id = models.CharField(max_length=100)
    request_digest = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_enc = models.BinaryField(null=True, editable=False)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key_digest"], name="idempotencykey_unique_per_user"
            ),
            models.CheckConstraint(
                condition=Q(status__isnull=True) | Q(status__gte=200, status__lt=300),
                name="idempotencykey_keeps_successes_only",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.operation_id} key {self.key_digest[:12]}"

"""The ledger: append-only, hash-chained evidence of what happened (DESIGN: Ledger).

Rows are written only by ``services.ledger_append`` and ``services.checkpoint_write``;
the database refuses UPDATE and DELETE on both tables (migration 0002), so a
change has to be a new row. See docs/adr/0001-hash-chained-ledger.md.
"""

from django.db import models
from django.db.models import Q

from .canonical import GENESIS_HASH


class Entry(models.Model):
    """One event. ``seq`` is the chain position, from 1, without gaps.

    ``canonical`` holds the exact bytes that were hashed; the other columns repeat
    them in queryable form and verification checks that both still agree.
    """

    seq = models.BigIntegerField(primary_key=True)
    recorded_at = models.DateTimeField()
    actor_ref = models.CharField(max_length=200, help_text="user:<uuid> or system:<command>")
    # NULL, not "", means "none": the hashed record says null, with one spelling.
    agency_ref = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    kind = models.CharField(max_length=64, help_text="One of ledger.kinds.EntryKind.")
    subject_ref = models.CharField(  # noqa: DJ001
        max_length=200, null=True, blank=True, db_index=True
    )
    payload = models.JSONField()
    canonical = models.BinaryField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name_plural = "entries"
        ordering = ["seq"]
        constraints = [
            models.CheckConstraint(condition=Q(seq__gte=1), name="ledger_entry_seq_positive"),
            # Two entries naming the same predecessor would fork the chain.
            models.UniqueConstraint(fields=["prev_hash"], name="ledger_entry_prev_hash_unique"),
            models.CheckConstraint(
                condition=Q(seq=1, prev_hash=GENESIS_HASH)
                | (Q(seq__gt=1) & ~Q(prev_hash=GENESIS_HASH)),
                name="ledger_entry_genesis_first",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind} {self.hash[:12]}"


class Checkpoint(models.Model):
    """A signed statement that the ledger's entry ``seq`` had hash ``head_hash``.

    Agencies keep the export (``services.checkpoint_export``); a later rewrite or
    truncation of the log cannot match it without the signing key.
    """

    seq = models.BigIntegerField(db_index=True)
    head_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    actor_ref = models.CharField(max_length=200)
    signature = models.CharField(max_length=200, help_text="Ed25519, base64.")
    public_key_id = models.CharField(max_length=64, help_text="SHA-256 of the raw public key.")
    public_key = models.TextField(help_text="PEM (SubjectPublicKeyInfo).")

    class Meta:
        ordering = ["seq", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(seq__gte=0), name="ledger_checkpoint_seq_nonneg"),
        ]

    def __str__(self) -> str:
        return f"checkpoint at #{self.seq} {self.head_hash[:12]}"

"""Reads of the ledger for auditors: the head, pages of entries, checkpoints.

The ledger holds no case content (payloads carry references and codes only), so
these reads are not scoped by ``access.visible``; the adapters that call them
check ``Action.LEDGER_READ`` first (DESIGN "Ledger"; issue #3 item 5). Each
returns in a fixed number of queries, whatever the length of the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from .canonical import GENESIS_HASH
from .models import Checkpoint, Entry

# The columns an auditor reads; ``canonical`` (the hashed bytes) stays behind.
ENTRY_FIELDS = (
    "seq",
    "recorded_at",
    "actor_ref",
    "agency_ref",
    "kind",
    "subject_ref",
    "payload",
    "prev_hash",
    "hash",
)
PAGE_SIZE_MAX = 500


@dataclass(frozen=True)
class Head:
    """The last entry of the chain (seq 0 and the genesis hash when empty)."""

    seq: int
    hash: str
    count: int


@dataclass(frozen=True)
class EntryPage:
    entries: list[Entry]
    next_after_seq: int | None  # pass as ``after_seq`` for the next page; None at the end


def ledger_head() -> Head:
    """The head entry and how many entries are stored (two queries)."""
    last = Entry.objects.only("seq", "hash").order_by("-seq").first()
    if last is None:
        return Head(seq=0, hash=GENESIS_HASH, count=0)
    return Head(seq=last.seq, hash=last.hash, count=Entry.objects.count())


def entry_list(
    *,
    after_seq: int = 0,
    limit: int = 100,
    kind: str | None = None,
    subject_ref: str | None = None,
) -> EntryPage:
    """Up to ``limit`` entries after ``after_seq`` in chain order, optionally filtered.

    One query: a keyset page on the primary key, so a deep page costs what the
    first one does.
    """
    if not 1 <= limit <= PAGE_SIZE_MAX:
        raise ValueError(f"limit must be between 1 and {PAGE_SIZE_MAX}")
    queryset: QuerySet[Entry] = Entry.objects.only(*ENTRY_FIELDS).filter(seq__gt=after_seq)
    if kind:
        queryset = queryset.filter(kind=kind)
    if subject_ref:
        queryset = queryset.filter(subject_ref=subject_ref)
    rows = list(queryset.order_by("seq")[: limit + 1])
    more = len(rows) > limit
    entries = rows[:limit]
    return EntryPage(entries=entries, next_after_seq=entries[-1].seq if more else None)


def entry_get(*, seq: int) -> Entry | None:
    return Entry.objects.only(*ENTRY_FIELDS).filter(seq=seq).first()


def checkpoint_list(*, limit: int = 50) -> list[Checkpoint]:
    """The latest ``limit`` checkpoints, newest first (one query)."""
    return list(Checkpoint.objects.order_by("-seq", "-id")[:limit])


def checkpoint_get(*, checkpoint_id: int) -> Checkpoint | None:
    return Checkpoint.objects.filter(pk=checkpoint_id).first()

"""A share's receipt: the `share.sent` (or `request.raised`) ledger entry that proves what
was sent, and the check that it still holds in the intact chain."""

from dataclasses import dataclass

from safeshare.exchange.models import (
    Share,
)
from safeshare.ledger.models import Entry


@dataclass(frozen=True)
class Receipt:
    """The ledger entry that records a share's sending: sequence number and hash."""

    share_id: str
    seq: int
    hash: str


@dataclass(frozen=True)
class ReceiptCheck:
    ok: bool
    reason: str


def share_receipt(share: Share) -> Receipt | None:
    if share.sent_entry_seq is None:
        return None
    return Receipt(share_id=str(share.pk), seq=share.sent_entry_seq, hash=share.sent_entry_hash)


RECEIPT_KINDS = {"share.sent", "request.raised"}


def receipt_verify(
    *, seq: int, hash: str, share_id: str | None = None, full: bool = False
) -> ReceiptCheck:
    """Whether a receipt holds: the entry at `seq` has this hash, records a share (and this
    share, when given), re-hashes to that hash and is linked to its neighbours.

    With `full` the whole chain is verified too (`safeshare ledger verify`): the
    console does that; the API does not, so no caller can make the server re-hash
    millions of entries on demand (auditors verify the whole ledger)."""
    from safeshare.ledger.canonical import chain_hash
    from safeshare.ledger.verify import verify_chain

    entry = Entry.objects.filter(seq=seq).first()
    if entry is None:
        return ReceiptCheck(False, f"the ledger has no entry {seq}")
    if entry.hash != hash:
        return ReceiptCheck(False, f"entry {seq} has a different hash")
    if entry.kind not in RECEIPT_KINDS:
        return ReceiptCheck(False, f"entry {seq} does not record a share")
    payload = entry.payload or {}
    recorded = payload.get("share") or payload.get("identity_share")
    if share_id is not None and recorded != str(share_id):
        return ReceiptCheck(False, f"entry {seq} records another share")
    if chain_hash(entry.prev_hash, bytes(entry.canonical)) != entry.hash:
        return ReceiptCheck(False, f"entry {seq} does not re-hash to its hash")
    neighbours = {e.seq: e for e in Entry.objects.filter(seq__in=[seq - 1, seq + 1])}
    before, after = neighbours.get(seq - 1), neighbours.get(seq + 1)
    if seq > 1 and (before is None or before.hash != entry.prev_hash):
        return ReceiptCheck(False, f"entry {seq} is not linked to the entry before it")
    if after is not None and after.prev_hash != entry.hash:
        return ReceiptCheck(False, f"entry {seq} is not linked to the entry after it")
    if not full:
        return ReceiptCheck(True, f"receipt holds: entry {seq} is intact and linked")
    result = verify_chain()
    if not result.ok:
        return ReceiptCheck(False, str(result))
    if result.head_seq < seq:
        return ReceiptCheck(False, "the verified chain ends before the receipt")
    return ReceiptCheck(True, f"receipt holds: entry {seq} is in the intact ledger ({result})")

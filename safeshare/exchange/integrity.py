"""Does a share still say what its receipt recorded? (issue #6 item 6: tampering).

A share's receipt is the ledger entry that recorded its sending (`share.sent`,
or `request.raised` for a request's identity share). That entry names the
share, its sender agency, its subject, its recipient agencies (and named
people), its items' categories and natures, its kind and its window. The hash
chain protects the entry; nothing protects the share's own rows, so a row
edited behind the application's back (a recipient moved to another agency,
an item added or dropped, the share pointed at another entry) is found only
by comparing the two. `share_record_check` does it for one share (the share
page); `check_shares` for all of them (`safeshare ledger verify --records`, through
`casework.integrity`).

Reads only; compares references (UUIDs and codes), never personal data.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from safeshare.exchange.models import Share, ShareItem, ShareOrigin, ShareRecipient
from safeshare.ledger import records
from safeshare.ledger.models import Entry

CHUNK_SIZE = 2000
SHARE_SENT = "share.sent"
REQUEST_RAISED = "request.raised"


@dataclass(frozen=True)
class ShareFacts:
    """What the share's own rows say, as plain references."""

    id: str
    origin: str
    kind: str
    sender_agency: str
    subject: str
    access_until: datetime.datetime
    onward_sharing_permitted: bool
    is_file_transfer: bool
    receipt_seq: int | None
    receipt_hash: str
    recipients: tuple[str, ...]  # agency ids, sorted
    named_recipients: tuple[str, ...]  # user ids, sorted
    items: tuple[tuple[str, str], ...]  # (category, nature) in position order


@dataclass(frozen=True)
class RecordCheck:
    ok: bool
    seq: int | None
    reason: str


_SHARE_FIELDS = (
    "id",
    "origin",
    "kind",
    "sender_agency_id",
    "subject_id",
    "access_until",
    "onward_sharing_permitted",
    "is_file_transfer",
    "sent_entry_seq",
    "sent_entry_hash",
)
_ENTRY_FIELDS = ("seq", "hash", "kind", "agency_ref", "subject_ref", "payload")


def _when(value: object) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return None


def compare(facts: ShareFacts, entry: dict | None) -> str | None:
    """Why the share disagrees with its receipt entry, or None when they agree."""
    if facts.receipt_seq is None:
        return "the share has no receipt: it was not written by the application"
    if entry is None:
        return f"its receipt names entry {facts.receipt_seq}, which is not in the ledger"
    if entry["hash"] != facts.receipt_hash:
        return "its receipt hash differs from the entry's hash"
    payload = entry["payload"] if isinstance(entry["payload"], dict) else {}
    expected_kind = REQUEST_RAISED if facts.origin == ShareOrigin.REQUEST else SHARE_SENT
    if entry["kind"] != expected_kind:
        return f"the entry is a {entry['kind']} entry, not the {expected_kind} that sent it"
    recorded_share = payload.get("identity_share" if expected_kind == REQUEST_RAISED else "share")
    if recorded_share != facts.id:
        return "the entry records another share"
    if entry["agency_ref"] != facts.sender_agency:
        return "the sender agency differs from the entry's"
    if entry["subject_ref"] != facts.subject:
        return "the subject differs from the entry's: the share was moved to another person"
    if expected_kind == REQUEST_RAISED:
        recipients: Iterable = [payload.get("requested_agency")]
        named: Iterable = []
        items: Iterable = []
    else:
        recipients = payload.get("recipients") or []
        named = payload.get("named_recipients") or []
        items = [(i.get("category"), i.get("nature")) for i in payload.get("items") or []]
    if tuple(sorted(map(str, recipients))) != facts.recipients:
        return "its recipients differ from the entry's: it was moved to another recipient"
    if tuple(sorted(map(str, named))) != facts.named_recipients:
        return "its named recipients differ from the entry's"
    if tuple(items) != facts.items:
        return "its items differ from the entry's: items were added, removed or changed"
    if expected_kind == SHARE_SENT:
        if payload.get("kind") != facts.kind:
            return "its kind of sharing differs from the entry's"
        if _when(payload.get("access_until")) != facts.access_until:
            return "its access window differs from the entry's"
        if payload.get("onward_sharing_permitted") != facts.onward_sharing_permitted:
            return "whether it may be passed on differs from the entry"
        if payload.get("file_transfer") != facts.is_file_transfer:
            return "whether it is a file transfer differs from the entry"
    return None


def _facts(rows: list[dict], using: str) -> list[ShareFacts]:
    ids = [row["id"] for row in rows]
    recipients: dict = defaultdict(list)
    named: dict = defaultdict(list)
    for share_id, agency_id, user_id in (
        ShareRecipient.objects.using(using)
        .filter(share_id__in=ids)
        .values_list("share_id", "agency_id", "named_user_id")
    ):
        recipients[share_id].append(str(agency_id))
        if user_id is not None:
            named[share_id].append(str(user_id))
    items: dict = defaultdict(list)
    for share_id, category, nature in (
        ShareItem.objects.using(using)
        .filter(share_id__in=ids)
        .order_by("share_id", "position")
        .values_list("share_id", "category", "nature")
    ):
        items[share_id].append((category, nature))
    return [
        ShareFacts(
            id=str(row["id"]),
            origin=row["origin"],
            kind=row["kind"],
            sender_agency=str(row["sender_agency_id"]),
            subject=str(row["subject_id"]),
            access_until=row["access_until"],
            onward_sharing_permitted=row["onward_sharing_permitted"],
            is_file_transfer=row["is_file_transfer"],
            receipt_seq=row["sent_entry_seq"],
            receipt_hash=row["sent_entry_hash"],
            recipients=tuple(sorted(recipients[row["id"]])),
            named_recipients=tuple(sorted(named[row["id"]])),
            items=tuple(items[row["id"]]),
        )
        for row in rows
    ]


def _entries(seqs: Iterable[int | None], using: str) -> dict[int, dict]:
    wanted = [seq for seq in seqs if seq is not None]
    return {
        entry["seq"]: entry
        for entry in Entry.objects.using(using).filter(seq__in=wanted).values(*_ENTRY_FIELDS)
    }


def share_record_check(share: Share) -> RecordCheck:
    """Whether one share, as loaded, agrees with its receipt entry (three small queries)."""
    row = {name: getattr(share, name) for name in _SHARE_FIELDS}
    [facts] = _facts([row], "default")
    entry = _entries([facts.receipt_seq], "default").get(facts.receipt_seq)
    problem = compare(facts, entry)
    if problem is None:
        return RecordCheck(True, facts.receipt_seq, "the share agrees with its ledger entry")
    return RecordCheck(False, facts.receipt_seq, problem)


def check_shares(using: str, report: records.RecordReport) -> None:
    """Every share against its receipt entry, in keyset-paged batches by id."""
    last = None
    while True:
        queryset = Share.objects.using(using).order_by("id")
        if last is not None:
            queryset = queryset.filter(id__gt=last)
        rows = list(queryset.values(*_SHARE_FIELDS)[:CHUNK_SIZE])
        if not rows:
            return
        last = rows[-1]["id"]
        facts = _facts(rows, using)
        entries = _entries((f.receipt_seq for f in facts), using)
        for fact in facts:
            report.checked += 1
            problem = compare(fact, entries.get(fact.receipt_seq))
            if problem is not None:
                report.add(records.RecordProblem(f"share {fact.id}", fact.receipt_seq, problem))

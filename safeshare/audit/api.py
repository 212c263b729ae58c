"""Ledger API for auditors: read entries, verify the chain, write and export checkpoints.

Adapters only (STYLE §2): check the auditor's action with ``access.can``, read
through ``ledger.selectors``, write through ``ledger.services``. The ledger holds
no case content, so these are global actions (403 for other roles), not case
records (404). Verification reads only: it appends nothing.
"""

import datetime
import uuid
from typing import Any, Literal

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import HttpResponse
from ninja import Body, Field, Query, Router, Schema, Status

from safeshare.access.actions import Action
from safeshare.access.policy import require
from safeshare.agencies.backends import AuthenticatedRequest
from safeshare.core.errors import NotFound
from safeshare.ledger import selectors
from safeshare.ledger.kinds import EntryKind
from safeshare.ledger.models import Checkpoint, Entry
from safeshare.ledger.services import actor_ref_for, checkpoint_export, checkpoint_write
from safeshare.ledger.verify import verify_chain
from safeshare.ui.problems import Problem, problem_response

router = Router(tags=["ledger"])

SIGNING_KEY_SETTING = "SAFESHARE_LEDGER_SIGNING_KEY_FILE"
SIGNING_KEY_MISSING = (
    f"Checkpoints cannot be signed or checked: {SIGNING_KEY_SETTING} does not name a readable "
    "Ed25519 private key. Ask the administrator to configure it; nothing was written."
)
HASH = Field(pattern=r"^[0-9a-f]{64}$")


class HeadOut(Schema):
    seq: int
    hash: str
    count: int


class EntriesIn(Schema):
    after_seq: int = Field(0, ge=0, description="Return entries after this sequence number.")
    limit: int = Field(100, ge=1, le=selectors.PAGE_SIZE_MAX)
    kind: str | None = Field(None, max_length=64, description="An entry kind, e.g. share.sent.")
    subject_ref: uuid.UUID | None = Field(None, description="A person's pseudonymous reference.")


class EntryOut(Schema):
    seq: int
    recorded_at: datetime.datetime
    actor_ref: str
    agency_ref: str | None
    kind: str
    subject_ref: str | None
    payload: dict[str, Any]
    prev_hash: str
    hash: str


class EntryPageOut(Schema):
    entries: list[EntryOut]
    next_after_seq: int | None


class CheckpointDocument(Schema):
    """A checkpoint as agencies keep it (``services.checkpoint_export``)."""

    format: Literal["safeshare-ledger-checkpoint/1"]
    seq: int = Field(ge=0)
    head_hash: str = HASH
    time: str = Field(min_length=1, max_length=40)
    signature: str = Field(min_length=1, max_length=200)
    public_key_id: str = HASH
    public_key: str = Field(min_length=1, max_length=2000)


class VerifyIn(Schema):
    checkpoint: CheckpointDocument | None = Field(
        None, description="A checkpoint an agency kept, to hold the ledger to."
    )


class VerifyOut(Schema):
    ok: bool
    entries: int
    head: dict[str, Any] = Field(description="The last good entry: seq and hash.")
    bad_seq: int | None
    reason: str | None


class CheckpointOut(Schema):
    id: int
    seq: int
    head_hash: str
    created_at: datetime.datetime
    actor_ref: str
    public_key_id: str


class CheckpointsIn(Schema):
    limit: int = Field(50, ge=1, le=selectors.PAGE_SIZE_MAX)


def _signing_key_missing() -> HttpResponse:
    return problem_response(503, SIGNING_KEY_MISSING, kind="signing-key-not-configured")


def _checkpoint_out(checkpoint: Checkpoint) -> dict[str, Any]:
    return {
        "id": checkpoint.pk,
        "seq": checkpoint.seq,
        "head_hash": checkpoint.head_hash,
        "created_at": checkpoint.created_at,
        "actor_ref": checkpoint.actor_ref,
        "public_key_id": checkpoint.public_key_id,
    }


@router.get("/head", response=HeadOut, operation_id="ledger_head")
def ledger_head(request: AuthenticatedRequest) -> dict[str, Any]:
    """The last entry of the chain and how many entries there are."""
    require(request.auth, Action.LEDGER_READ)
    head = selectors.ledger_head()
    return {"seq": head.seq, "hash": head.hash, "count": head.count}


@router.get("/entries", response=EntryPageOut, operation_id="ledger_entries")
def ledger_entries(request: AuthenticatedRequest, filters: Query[EntriesIn]) -> dict[str, Any]:
    """A page of entries in chain order; follow ``next_after_seq`` for the next page."""
    require(request.auth, Action.LEDGER_READ)
    if filters.kind is not None and filters.kind not in EntryKind.values:
        message = "Choose a ledger entry kind, such as share.sent."
        raise ValidationError({"kind": [ValidationError(message, code="unknown_kind")]})
    page = selectors.entry_list(
        after_seq=filters.after_seq,
        limit=filters.limit,
        kind=filters.kind,
        subject_ref=str(filters.subject_ref) if filters.subject_ref else None,
    )
    return {"entries": page.entries, "next_after_seq": page.next_after_seq}


@router.get("/entries/{seq}", response=EntryOut, operation_id="ledger_entry")
def ledger_entry(request: AuthenticatedRequest, seq: int) -> Entry:
    """One entry, by its sequence number."""
    require(request.auth, Action.LEDGER_READ)
    entry = selectors.entry_get(seq=seq)
    if entry is None:
        raise NotFound("ledger entry")
    return entry


@router.post("/verify", response={200: VerifyOut, 503: Problem}, operation_id="ledger_verify")
def ledger_verify(
    request: AuthenticatedRequest, payload: Body[VerifyIn | None] = None
) -> dict[str, Any] | HttpResponse:
    """Re-compute the hash chain; with a kept checkpoint, also hold the ledger to it.

    Reads only. ``bad_seq`` names the first bad entry; ``reason`` says what is
    wrong with it (or with the checkpoint).
    """
    require(request.auth, Action.LEDGER_READ)
    document = payload.checkpoint.dict() if payload and payload.checkpoint else None
    try:
        result = verify_chain(checkpoint=document)
    except ImproperlyConfigured:
        return _signing_key_missing()
    return {
        "ok": result.ok,
        "entries": result.entries,
        "head": {"seq": result.head_seq, "hash": result.head_hash},
        "bad_seq": result.bad_seq,
        "reason": result.reason,
    }


@router.get("/checkpoints", response=list[CheckpointOut], operation_id="ledger_checkpoints_list")
def ledger_checkpoints_list(
    request: AuthenticatedRequest, filters: Query[CheckpointsIn]
) -> list[dict[str, Any]]:
    """The latest signed checkpoints, newest first."""
    require(request.auth, Action.LEDGER_READ)
    return [_checkpoint_out(c) for c in selectors.checkpoint_list(limit=filters.limit)]


@router.post(
    "/checkpoints",
    response={201: CheckpointOut, 503: Problem},
    operation_id="ledger_checkpoint_write",
)
def ledger_checkpoint_write(request: AuthenticatedRequest) -> Status[dict[str, Any]] | HttpResponse:
    """Sign the ledger's head now; a ``ledger.checkpoint`` entry records it."""
    require(request.auth, Action.LEDGER_CHECKPOINT)
    try:
        checkpoint = checkpoint_write(actor_ref=actor_ref_for(request.auth))
    except ImproperlyConfigured:
        return _signing_key_missing()
    return Status(201, _checkpoint_out(checkpoint))


@router.get(
    "/checkpoints/{checkpoint_id}/export",
    response=CheckpointDocument,
    operation_id="ledger_checkpoint_export",
)
def ledger_checkpoint_export(request: AuthenticatedRequest, checkpoint_id: int) -> dict[str, Any]:
    """The checkpoint as the JSON document agencies keep (``ledger verify --checkpoint``)."""
    require(request.auth, Action.LEDGER_READ)
    checkpoint = selectors.checkpoint_get(checkpoint_id=checkpoint_id)
    if checkpoint is None:
        raise NotFound("checkpoint")
    return checkpoint_export(checkpoint)

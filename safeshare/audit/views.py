"""Ledger pages for auditors: read the entries, verify the chain, sign and download checkpoints.

Adapters only (STYLE §2): check the auditor's action with ``access.can``, read
through ``ledger.selectors``, write through ``ledger.services``. The filters are
GET parameters: an entry kind and a pseudonymous reference, no personal data.
Verification reads only; writing a checkpoint appends its ``ledger.checkpoint``
entry through the service.
"""

import json
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods
from markupsafe import Markup, escape

from safeshare.access.actions import Action
from safeshare.access.policy import can, require
from safeshare.core.errors import NotFound
from safeshare.ledger import selectors
from safeshare.ledger.kinds import EntryKind
from safeshare.ledger.models import Checkpoint
from safeshare.ledger.services import actor_ref_for, checkpoint_export, checkpoint_write
from safeshare.ledger.verify import verify_chain
from safeshare.ui.forms import GovukForm
from safeshare.ui.query import accepts_query

PAGE_SIZE = 50
LATEST_CHECKPOINTS = 5
CHECKPOINTS_SHOWN = 100
CHECKPOINT_FILE_MAX_BYTES = 64 * 1024
SIGNING_KEY_MISSING = (
    "Checkpoints cannot be signed or checked: SAFESHARE_LEDGER_SIGNING_KEY_FILE does not name "
    "a readable Ed25519 private key. Ask the administrator to configure it. Nothing was written."
)
# The keys every exported checkpoint has (services.checkpoint_export).
CHECKPOINT_KEYS = ("format", "seq", "head_hash", "time", "signature", "public_key_id", "public_key")


class EntryFilterForm(GovukForm):
    kind = forms.ChoiceField(
        label="Kind of entry",
        required=False,
        choices=[("", "Any kind"), *EntryKind.choices],
        error_messages={"invalid_choice": "Select a kind of entry from the list"},
    )
    subject_ref = forms.UUIDField(
        label="Subject reference",
        help_text="A person's pseudonymous reference, like 3f2b8c1e-5d4a-4b7e-9c2d-1a2b3c4d5e6f",
        required=False,
        error_messages={
            "invalid": "Enter the subject reference as 32 hexadecimal digits in groups of "
            "8-4-4-4-12, like 3f2b8c1e-5d4a-4b7e-9c2d-1a2b3c4d5e6f"
        },
    )
    after_seq = forms.IntegerField(
        label="Show entries after number",
        required=False,
        min_value=0,
        error_messages={
            "invalid": "Enter the entry number as a whole number, like 120",
            "min_value": "The entry number must be 0 or more",
        },
    )


class VerifyForm(GovukForm):
    checkpoint = forms.FileField(
        label="A checkpoint file an agency kept (optional)",
        help_text="The JSON file downloaded when the checkpoint was written",
        required=False,
    )

    def clean_checkpoint(self) -> dict[str, Any] | None:
        upload = self.cleaned_data.get("checkpoint")
        if not upload:
            return None
        if upload.size > CHECKPOINT_FILE_MAX_BYTES:
            raise ValidationError("The checkpoint file must be smaller than 64 KB", code="too_big")
        try:
            document = json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise ValidationError(
                "The selected file is not a checkpoint: it is not JSON", code="not_json"
            ) from None
        if not isinstance(document, dict):
            document = {}
        missing = [key for key in CHECKPOINT_KEYS if key not in document]
        if missing:
            raise ValidationError(
                "The selected file is not a checkpoint: it has no " + ", ".join(missing),
                code="not_a_checkpoint",
            )
        return document


def breakable(value: Any, every: int = 16) -> Markup:
    """A payload value as JSON text that may wrap inside long hashes and ids (table cells)."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    chunks = [text[i : i + every] for i in range(0, len(text), every)]
    return Markup("<wbr>").join(escape(chunk) for chunk in chunks)


def _page_query(filters: dict[str, Any], after_seq: int) -> str:
    """The GET parameters of another page of the same filtered list."""
    params = {key: value for key, value in filters.items() if value}
    return urlencode({**params, "after_seq": after_seq})


@accepts_query("kind", "subject_ref", "after_seq")
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The head of the ledger, the latest checkpoints and a page of entries."""
    require(request.user, Action.LEDGER_READ)
    form = EntryFilterForm(request.GET or None)
    page = None
    next_query = first_query = None
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        after_seq = data.get("after_seq") or 0
        subject_ref = str(data["subject_ref"]) if data.get("subject_ref") else None
        page = selectors.entry_list(
            after_seq=after_seq,
            limit=PAGE_SIZE,
            kind=data.get("kind") or None,
            subject_ref=subject_ref,
        )
        filters = {"kind": data.get("kind"), "subject_ref": subject_ref}
        if page.next_after_seq is not None:
            next_query = _page_query(filters, page.next_after_seq)
        if after_seq:
            first_query = _page_query(filters, 0)
    return render(
        request,
        "ledger/index.html",
        {
            "form": form,
            "head": selectors.ledger_head(),
            "checkpoints": selectors.checkpoint_list(limit=LATEST_CHECKPOINTS),
            "page": page,
            "next_query": next_query,
            "first_query": first_query,
            "filtered": form.is_bound,
            "may_checkpoint": can(request.user, Action.LEDGER_CHECKPOINT),
            "breakable": breakable,
        },
    )


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Re-compute the hash chain now, optionally against a checkpoint an agency kept.

    Reads only: nothing is appended (issue #3 item 5).
    """
    require(request.user, Action.LEDGER_READ)
    form = VerifyForm(request.POST, request.FILES) if request.method == "POST" else VerifyForm()
    result = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            result = verify_chain(checkpoint=form.cleaned_data["checkpoint"])
        except ImproperlyConfigured:
            form.add_error(None, SIGNING_KEY_MISSING)
            status = 503
    return render(request, "ledger/verify.html", {"form": form, "result": result}, status=status)


@require_http_methods(["GET", "POST"])
def checkpoints(request: HttpRequest) -> HttpResponse:
    """The signed checkpoints, newest first; an auditor may sign the head now."""
    require(request.user, Action.LEDGER_READ)
    form = GovukForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        require(request.user, Action.LEDGER_CHECKPOINT)
        try:
            checkpoint = checkpoint_write(actor_ref=actor_ref_for(request.user))
        except ImproperlyConfigured:
            form.add_error(None, SIGNING_KEY_MISSING)
            status = 503
        else:
            return redirect("ledger:checkpoint", checkpoint_id=checkpoint.pk)
    return render(
        request,
        "ledger/checkpoints.html",
        {
            "form": form,
            "checkpoints": selectors.checkpoint_list(limit=CHECKPOINTS_SHOWN),
            "may_checkpoint": can(request.user, Action.LEDGER_CHECKPOINT),
        },
        status=status,
    )


def _checkpoint(request: HttpRequest, checkpoint_id: int) -> Checkpoint:
    require(request.user, Action.LEDGER_READ)
    checkpoint = selectors.checkpoint_get(checkpoint_id=checkpoint_id)
    if checkpoint is None:
        raise NotFound("checkpoint")
    return checkpoint


@require_GET
def checkpoint(request: HttpRequest, checkpoint_id: int) -> HttpResponse:
    """One checkpoint, with its export to download."""
    found = _checkpoint(request, checkpoint_id)
    return render(request, "ledger/checkpoint.html", {"checkpoint": found})


@require_GET
def checkpoint_download(request: HttpRequest, checkpoint_id: int) -> HttpResponse:
    """The checkpoint as the JSON file agencies keep (``safeshare ledger verify --checkpoint``)."""
    found = _checkpoint(request, checkpoint_id)
    document = json.dumps(checkpoint_export(found), indent=2, sort_keys=True) + "\n"
    response = HttpResponse(document, content_type="application/json")
    name = f"safeshare-ledger-checkpoint-{found.seq}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

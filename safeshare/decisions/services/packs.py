"""Choosing the protocol pack in force (issue #4 item 1)."""

from __future__ import annotations

from django.db import transaction

from safeshare.access.actions import Action
from safeshare.access.policy import require
from safeshare.agencies.models import User
from safeshare.core import clock
from safeshare.core.errors import Errors, add_error, raise_if
from safeshare.decisions.models import (
    ProtocolPackChoice,
)
from safeshare.decisions.packs import all_packs
from safeshare.decisions.selectors import pack_in_force
from safeshare.ledger.kinds import EntryKind

from ._common import _ledger, _text


@transaction.atomic
def pack_choose(*, actor: User, pack_id: str, reason: str) -> ProtocolPackChoice:
    """The partnership officer puts a protocol pack in force (issue #4 item 1).

    Past decisions keep the pack id and version they were made under.
    """
    require(actor, Action.PACK_CHOOSE, "Only the partnership officer chooses the protocol pack.")
    errors: Errors = {}
    reason = _text(errors, "reason", reason, "why this pack is now in force")
    if len(reason) > 500:
        add_error(errors, "reason", "The reason must be 500 characters or fewer.", "too_long")
    if pack_id not in all_packs():
        add_error(errors, "pack_id", "Choose one of the shipped protocol packs.", "unknown_pack")
    elif pack_in_force().id == pack_id:
        add_error(errors, "pack_id", "This pack is already in force.", "already_in_force")
    raise_if(errors)
    choice = ProtocolPackChoice(
        pack_id=pack_id, chosen_by=actor, chosen_at=clock.now(), reason=reason
    )
    choice.full_clean()
    choice.save()
    pack = all_packs()[pack_id]
    _ledger(
        EntryKind.PACK_CHOSEN,
        actor=actor,
        agency=actor.agency,
        subject=None,
        payload={"choice": str(choice.pk), "pack_id": pack.id, "pack_version": pack.version},
    )
    return choice

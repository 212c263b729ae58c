"""Protocol packs API: the shipped packs, the one in force, and choosing one."""

import datetime
import uuid

from ninja import Field, Router, Schema, Status

from safeshare.access.actions import Action
from safeshare.access.policy import require
from safeshare.core import clock
from safeshare.decisions import selectors, services
from safeshare.decisions.packs import Pack

packs_router = Router(tags=["decisions"])


class PackOut(Schema):
    id: str
    version: str
    title: str
    source: str
    approved_on: datetime.date
    review_due: datetime.date
    review_overdue: bool
    in_force: bool
    notes: str


class PackChooseIn(Schema):
    pack_id: str = Field(max_length=60)
    reason: str = Field(default="", max_length=500)


class PackChoiceOut(Schema):
    id: uuid.UUID
    pack_id: str
    chosen_by: uuid.UUID
    chosen_at: datetime.datetime
    reason: str


def _pack_out(pack: Pack, *, in_force: bool, overdue: bool) -> dict:
    return {
        "id": pack.id,
        "version": pack.version,
        "title": pack.title,
        "source": pack.source,
        "approved_on": pack.approved_on,
        "review_due": pack.review_due,
        "review_overdue": overdue,
        "in_force": in_force,
        "notes": pack.notes,
    }


@packs_router.get("", response=list[PackOut], operation_id="decisions_packs_list")
def decisions_packs_list(request):
    """Every shipped protocol pack, which is in force and whether review is overdue."""
    require(request.auth, Action.PACK_VIEW)
    return [
        _pack_out(s.pack, in_force=s.in_force, overdue=s.review_overdue)
        for s in selectors.pack_list()
    ]


@packs_router.get("/in-force", response=PackOut, operation_id="decisions_pack_in_force")
def decisions_pack_in_force(request):
    """The protocol pack decisions are made under now."""
    require(request.auth, Action.PACK_VIEW)
    pack = selectors.pack_in_force()
    return _pack_out(pack, in_force=True, overdue=pack.review_overdue(clock.today()))


@packs_router.post("/choices", response={201: PackChoiceOut}, operation_id="decisions_pack_choose")
def decisions_pack_choose(request, payload: PackChooseIn):
    """The partnership officer puts a pack in force; past decisions keep theirs."""
    require(request.auth, Action.PACK_CHOOSE)
    choice = services.pack_choose(actor=request.auth, **payload.dict())
    return Status(
        201,
        {
            "id": choice.id,
            "pack_id": choice.pack_id,
            "chosen_by": choice.chosen_by_id,
            "chosen_at": choice.chosen_at,
            "reason": choice.reason,
        },
    )

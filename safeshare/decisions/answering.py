"""What a decision answers: a record of a higher app (an information request) that the
decision aid was started from.

Decisions import nothing above them (STYLE §1: decisions <- exchange). The
exchange app registers, when it is ready, how a decision recorded in the aid
answers one of its records (`exchange.answering`), as it fills consent's
timeline. The aid's session keeps only the record's kind and opaque id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from safeshare.core.errors import NotFound


@dataclass(frozen=True)
class Answered:
    """What to tell the person, in plain words without personal data, and where to go on
    (None: the decision's own page)."""

    message: str
    next_url: str | None = None


# (*, actor, record_id, decision) -> Answered; raises ValidationError when the record
# cannot be answered, so the decision is not recorded either.
Answerer = Callable[..., Answered]

_ANSWERERS: dict[str, Answerer] = {}


def register(kind: str, answerer: Answerer) -> Answerer:
    """Say how a decision answers records of this kind (once per kind)."""
    _ANSWERERS[kind] = answerer
    return answerer


def answer(kind: str, *, actor: Any, record_id: str, decision: Any) -> Answered:
    """Answer the record with the decision; an unknown kind is not found."""
    answerer = _ANSWERERS.get(kind)
    if answerer is None:
        raise NotFound("record to answer")
    return answerer(actor=actor, record_id=record_id, decision=decision)

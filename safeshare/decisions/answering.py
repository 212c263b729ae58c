"""What a decision answers: a record of a higher app (an information request) that the
decision aid was started from.

Decisions import nothing above them (STYLE §1: decisions <- exchange). The
exchange app registers, when it is ready, how a decision recorded in the aid
answers one of its records (`exchange.answering`), as it fills consent's
timeline. The aid's session keeps only the record's kind and opaque id.

Answering takes two steps inside the decision's transaction: `prepare` locks
the record and checks it can still be answered before the decision is written,
then `answer` answers it with the decision. So every path that writes both
takes the record's row lock before the ledger's, as a withdrawal or an answer
from the record's own page does, and the two cannot deadlock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from safeshare.core.errors import NotFound
from safeshare.core.event_times import NotBefore


@dataclass(frozen=True)
class Answered:
    """What to tell the person, in plain words without personal data, and where to go on
    (None: the decision's own page)."""

    message: str
    next_url: str | None = None


class RecordClosed(ValidationError):
    """The record can no longer be answered (withdrawn or answered meanwhile); the
    decision itself may still be recorded, answering nothing."""


# (*, actor, record_id) -> the record, locked until commit; raises RecordClosed when
# it can no longer be answered.
Prepare = Callable[..., Any]
# (*, actor, record, decision) -> Answered, with the record `prepare` returned.
Answer = Callable[..., Answered]
# (record) -> the moment a decision answering it cannot precede (the request was raised).
Opened = Callable[[Any], NotBefore]


@dataclass(frozen=True)
class Answerer:
    prepare: Prepare
    answer: Answer
    opened: Opened | None = None


@dataclass(frozen=True)
class Prepared:
    """A record locked and checked by `prepare`, ready to be answered."""

    kind: str
    record: Any


_ANSWERERS: dict[str, Answerer] = {}


def register(kind: str, *, prepare: Prepare, answer: Answer, opened: Opened | None = None) -> None:
    """Say how a decision answers records of this kind (once per kind), and when such a
    record was opened, which a decision answering it cannot be dated before."""
    _ANSWERERS[kind] = Answerer(prepare=prepare, answer=answer, opened=opened)


def _answerer(kind: str) -> Answerer:
    answerer = _ANSWERERS.get(kind)
    if answerer is None:
        raise NotFound("record to answer")
    return answerer


def prepare(kind: str, *, actor: Any, record_id: str) -> Prepared:
    """Lock the record to answer and check it is still open; an unknown kind is not found."""
    return Prepared(kind, _answerer(kind).prepare(actor=actor, record_id=record_id))


def not_before(prepared: Prepared) -> tuple[NotBefore, ...]:
    """What a decision answering the prepared record cannot be dated before."""
    opened = _answerer(prepared.kind).opened
    return (opened(prepared.record),) if opened is not None else ()


def answer(prepared: Prepared, *, actor: Any, decision: Any) -> Answered:
    """Answer the prepared record with the decision."""
    return _answerer(prepared.kind).answer(actor=actor, record=prepared.record, decision=decision)

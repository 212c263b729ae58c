"""Sealed text: free text about a person (case content), encrypted at rest.

Decisions, shared items, advice and other case records hold text that is often
special-category data: the purpose of a share, a rationale, an item's
content. `seal_text` encrypts it under the subject's own data key, bound to
the record and field, so destroying the person's key (crypto-shredding) makes
every such text unreadable too, and a ciphertext moved to another record or
field fails to open. Text with no subject (an anonymised decision) is sealed
under a key derived from the KEK for that purpose.

A model declares a sealed column once, as a binary column plus a `SealedText`
beside it; every app reads and writes it the same way, through the descriptor
or the two functions here. The subject is any object with `sealing_key()` and
`sealing_key_destroyed` (the people app's Person), so core needs no app.
"""

import logging
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

from safeshare.core import crypto

logger = logging.getLogger(__name__)

NO_SUBJECT_PURPOSE = "case_text"


class SealingSubject(Protocol):
    """Whom sealed text is about: the holder of the key it is sealed under."""

    @property
    def sealing_key_destroyed(self) -> bool: ...

    def sealing_key(self) -> bytes: ...


@dataclass(frozen=True)
class ErasedText:
    """What opening sealed text gives once its subject's key is destroyed (or it was altered)."""

    reason: str = "erased"

    def __str__(self) -> str:
        return "Erased" if self.reason == "erased" else "Erased (failed its integrity check)"


ERASED_TEXT = ErasedText()
UNREADABLE_TEXT = ErasedText("unreadable")


def record_aad(record_id: uuid.UUID | str, field: str) -> bytes:
    """The associated data binding a ciphertext to its record and field."""
    return f"safeshare:record:{record_id}:{field}".encode()


def _key(subject: SealingSubject | None) -> bytes:
    if subject is None:
        return crypto.derived_key(NO_SUBJECT_PURPOSE)
    return subject.sealing_key()


def seal_text(
    subject: SealingSubject | None, *, record_id: uuid.UUID | str, field: str, text: str
) -> bytes:
    """Encrypt `text` for `field` of record `record_id` about `subject` (None: no subject).

    Raises crypto.DecryptionError if the subject's key is already destroyed:
    nothing new may be written about an erased person.
    """
    return crypto.encrypt_field(_key(subject), text, aad=record_aad(record_id, field))


def open_text(
    subject: SealingSubject | None, *, record_id: uuid.UUID | str, field: str, blob: bytes | None
) -> str | ErasedText | None:
    """The text, None if nothing was sealed, or an ErasedText (never an exception)."""
    if blob is None:
        return None
    if subject is not None and subject.sealing_key_destroyed:
        return ERASED_TEXT
    try:
        return crypto.decrypt_field(_key(subject), bytes(blob), aad=record_aad(record_id, field))
    except crypto.DecryptionError:
        logger.error("Sealed %s of record %s failed its integrity check.", field, record_id)
        return UNREADABLE_TEXT


class SealedText:
    """A sealed text attribute of a model, stored in the binary column `column`.

    `subject` names the attribute (dotted for a relation's, "share.subject")
    holding whom the text is about; an empty name, or None found there, seals
    under the no-subject key. `field` is the name bound into the ciphertext,
    kept as it was first written so existing rows open. Reading gives the text,
    None or an ErasedText; assigning seals the text (empty text stores None).
    """

    def __init__(self, *, column: str, field: str, subject: str = "") -> None:
        self.column = column
        self.field = field
        self.subject = subject

    def subject_of(self, row: Any) -> SealingSubject | None:
        if not self.subject:
            return None
        value = row
        for name in self.subject.split("."):
            value = getattr(value, name)
            if value is None:
                return None
        subject: SealingSubject = value
        return subject

    def open_for(self, row: Any, subject: SealingSubject | None) -> str | ErasedText | None:
        """Open the text with a subject the caller already holds (no relation is read)."""
        return open_text(
            subject, record_id=row.pk, field=self.field, blob=getattr(row, self.column)
        )

    def __get__(self, row: Any, owner: type | None = None) -> Any:
        if row is None:
            return self
        return open_text(
            self.subject_of(row), record_id=row.pk, field=self.field, blob=getattr(row, self.column)
        )

    def __set__(self, row: Any, text: str | None) -> None:
        sealed = (
            seal_text(self.subject_of(row), record_id=row.pk, field=self.field, text=text)
            if text
            else None
        )
        setattr(row, self.column, sealed)

"""Free text about a person (case content), sealed under that person's data key.

Decisions, shared items, advice and other case records hold text that is often
special-category data: the purpose of a share, a rationale, an item's
content. `seal_text` encrypts it under the subject's own data key, bound to
the record and field, so destroying the person's key (crypto-shredding) makes
every such text unreadable too, and a ciphertext moved to another record or
field fails to open. Text with no subject (an anonymised decision) is sealed
under a key derived from the KEK for that purpose.
"""

import logging
import uuid
from dataclasses import dataclass

from safeshare.core import crypto
from safeshare.people.identity import data_key
from safeshare.people.models import Person

logger = logging.getLogger(__name__)

NO_SUBJECT_PURPOSE = "case_text"


@dataclass(frozen=True)
class ErasedText:
    """What opening sealed text gives once its subject's key is destroyed (or it was altered)."""

    reason: str = "erased"

    def __str__(self) -> str:
        return "Erased" if self.reason == "erased" else "Erased (failed its integrity check)"


ERASED_TEXT = ErasedText()
UNREADABLE_TEXT = ErasedText("unreadable")


def _aad(record_id: uuid.UUID | str, field: str) -> bytes:
    return f"safeshare:record:{record_id}:{field}".encode()


def _key(person: Person | None) -> bytes:
    if person is None:
        return crypto.derived_key(NO_SUBJECT_PURPOSE)
    return data_key(person)


def seal_text(person: Person | None, *, record_id: uuid.UUID | str, field: str, text: str) -> bytes:
    """Encrypt `text` for `field` of record `record_id` about `person` (None: no subject).

    Raises crypto.DecryptionError if the person's key is already destroyed:
    nothing new may be written about an erased person.
    """
    return crypto.encrypt_field(_key(person), text, aad=_aad(record_id, field))


def open_text(
    person: Person | None, *, record_id: uuid.UUID | str, field: str, blob: bytes | None
) -> str | ErasedText | None:
    """The text, None if nothing was sealed, or an ErasedText (never an exception)."""
    if blob is None:
        return None
    if person is not None and (person.is_shredded or person.wrapped_key is None):
        return ERASED_TEXT
    try:
        return crypto.decrypt_field(_key(person), bytes(blob), aad=_aad(record_id, field))
    except crypto.DecryptionError:
        logger.error("Sealed %s of record %s failed its integrity check.", field, record_id)
        return UNREADABLE_TEXT

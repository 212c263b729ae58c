"""Writes to people, relationships and involvements: the only code that does.

Every service is keyword-only, names its actor (a member of staff, or ``None``
with a ``system:<command>`` reference for work no person started), validates
before writing, and appends its ledger entry in the same transaction. Ledger
payloads carry pseudonymous references and field names only, never a name,
date of birth or NHS number (DESIGN "Ledger").
"""

from .involvements import involvement_end, involvement_start
from .people import ShredReason, person_create, person_shred, person_update_identity
from .relationships import relationship_end, relationship_record

__all__ = [
    "ShredReason",
    "involvement_end",
    "involvement_start",
    "person_create",
    "person_shred",
    "person_update_identity",
    "relationship_end",
    "relationship_record",
]

"""Writes to people, relationships and involvements: the only code that does.

Every service is keyword-only, names its actor (a member of staff, or ``None``
with a ``system:<command>`` reference for work no person started), validates
before writing, and appends its ledger entry in the same transaction. Ledger
payloads carry pseudonymous references and field names only, never a name,
date of birth or NHS number (DESIGN "Ledger").
"""

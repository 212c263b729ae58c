"""The only code that writes decisions, reviews, advice and pack choices.

Every service is keyword-only with an explicit actor, runs in one transaction,
checks the access policy, validates the protocol's rules with field-named
errors, seals free text about the child, and appends its ledger entry (ids
and codes only) in the same transaction. Nothing is edited: a correction is
a new decision superseding the old, a review or an answer is a new row.
"""

from .advice import advice_give, advice_request
from .decisions import (
    DecisionDraft,
    decision_record,
    decision_supersede,
    departs_from,
)
from .packs import pack_choose
from .reviews import decision_review

__all__ = [
    "DecisionDraft",
    "advice_give",
    "advice_request",
    "decision_record",
    "decision_review",
    "decision_supersede",
    "departs_from",
    "pack_choose",
]

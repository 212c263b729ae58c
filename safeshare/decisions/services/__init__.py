"""The only code that writes decisions, reviews, advice and pack choices (STYLE §2)."""

from .decisions import (
    advice_give,
    advice_request,
    decision_record,
    decision_record_answering,
    decision_review,
    decision_supersede,
    departs_from,
    pack_choose,
)

__all__ = [
    "advice_give",
    "advice_request",
    "decision_record",
    "decision_record_answering",
    "decision_review",
    "decision_supersede",
    "departs_from",
    "pack_choose",
]

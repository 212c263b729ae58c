"""Scenario builders the demo, the benchmarks and the tests share: the same complete,
valid inputs, written once, for the situations the protocol names most often."""

from typing import Any

from safeshare.agencies.models import Agency
from safeshare.decisions.services import DecisionDraft

# The aid's first questions answered so that personal information is needed.
IDENTIFYING = {
    "purpose": "yes",
    "anonymised_suffices": "no",
    "identifies": "yes",
    "legal_requirement": "no",
}

# Significant harm, confidential, consent should not be sought (it would increase the
# risk), public interest: the aid recommends sharing without consent (Protocol 6.3, 6.5).
SHARE_WITHOUT_CONSENT = {
    **IDENTIFYING,
    "level_of_need": "significant_harm",
    "confidential": "yes",
    "consent_safeguarding": "should_not_seek",
    "consent_not_sought_reason": "increased_risk_of_significant_harm",
    "public_interest": "yes",
}

# The record of that decision, less its recipients (UK GDPR Art 6(1)(e) and Art 9
# with DPA 2018 Sch 1 para 18; Children Act 1989 s47).
SHARE_WITHOUT_CONSENT_RECORD: dict[str, Any] = {
    "outcome": "share",
    "purpose": "To protect the child from harm at home",
    "rationale": "The risk is immediate and the family must not be alerted",
    "information_considered": "School attendance notes and the teacher's account",
    "lawful_basis": "public_task",
    "special_category_condition": "safeguarding_children_and_individuals_at_risk",
    "statutory_gateways": ["children_act_1989_s47"],
    "consent_state": "not_sought",
    "consent_not_sought_reason": "increased_risk_of_significant_harm",
    "safeguarding_reason": "reasonable_cause_significant_harm",
}


def share_without_consent(recipients: list[Agency], **changes: Any) -> DecisionDraft:
    """A decision to share with `recipients` without consent, as the aid recommends for
    reasonable cause to believe a child is suffering significant harm; `changes`
    replaces any of the record's answers (a purpose of the scenario's own, say)."""
    return DecisionDraft(
        **{
            "answers": dict(SHARE_WITHOUT_CONSENT),
            **SHARE_WITHOUT_CONSENT_RECORD,
            "recipient_agencies": list(recipients),
            **changes,
        }
    )

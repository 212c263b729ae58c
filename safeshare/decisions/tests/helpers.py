"""Decision test support: complete, valid inputs built through the real services."""

import datetime

from safeshare.agencies.models import AgencyType, Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.core import clock
from safeshare.decisions import services
from safeshare.decisions.services import DecisionDraft
from safeshare.ledger.models import Entry

IDENTIFYING = {
    "purpose": "yes",
    "anonymised_suffices": "no",
    "identifies": "yes",
    "legal_requirement": "no",
}
# Significant harm, confidential, consent given: the aid recommends sharing.
SHARE_WITH_CONSENT = {
    **IDENTIFYING,
    "level_of_need": "significant_harm",
    "confidential": "yes",
    "consent_safeguarding": "given",
}
# Significant harm, consent should not be sought, public interest: share without consent.
SHARE_WITHOUT_CONSENT = {
    **IDENTIFYING,
    "level_of_need": "significant_harm",
    "confidential": "yes",
    "consent_safeguarding": "should_not_seek",
    "consent_not_sought_reason": "increased_risk_of_significant_harm",
    "public_interest": "yes",
}
# Early Help, consent refused, no public interest: do not share.
NOT_SHARE_EARLY_HELP = {
    **IDENTIFYING,
    "level_of_need": "early_help_2",
    "consent_early_help": "refused",
    "public_interest": "no",
}


def latest_entry() -> Entry:
    return Entry.objects.order_by("-seq").first()


def share_fields(recipient, **overrides) -> dict:
    """Fields for a decision to share without consent (recipient: an agency)."""
    fields = dict(
        answers=dict(SHARE_WITHOUT_CONSENT),
        outcome="share",
        purpose="To protect the child from harm at home",
        rationale="The risk is immediate and the family must not be alerted",
        information_considered="School attendance notes and the teacher's account",
        lawful_basis="public_task",
        special_category_condition="safeguarding_children_and_individuals_at_risk",
        statutory_gateways=["children_act_1989_s47"],
        consent_state="not_sought",
        consent_not_sought_reason="increased_risk_of_significant_harm",
        safeguarding_reason="reasonable_cause_significant_harm",
        recipient_agencies=[recipient],
    )
    fields.update(overrides)
    return fields


def not_share_fields(**overrides) -> dict:
    fields = dict(
        answers=dict(NOT_SHARE_EARLY_HELP),
        outcome="not_share",
        purpose="To help the family get parenting support",
        rationale="The parents refused and there is no risk of significant harm",
        information_considered="The family support plan",
        consent_state="refused",
    )
    fields.update(overrides)
    return fields


def recipient_agency():
    return AgencyFactory(agency_type=AgencyType.CHILDRENS_TRUST)


def record_share(author, child, **overrides):
    return services.decision_record(
        actor=author,
        subject=child,
        draft=DecisionDraft(**share_fields(recipient_agency(), **overrides)),
    )


def lead_for(agency):
    return staff(Role.SAFEGUARDING_LEAD, agency=agency)


def an_hour_ago() -> datetime.datetime:
    return clock.now() - datetime.timedelta(hours=1)

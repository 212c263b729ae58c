"""Decision test support: complete, valid inputs built through the real services."""

import datetime

from safeshare.agencies.models import AgencyType, Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.core import clock
from safeshare.decisions import services
from safeshare.decisions.services import DecisionDraft
from safeshare.demo.scenarios import (  # noqa: F401 - IDENTIFYING: for the tests
    IDENTIFYING,
    SHARE_WITHOUT_CONSENT,
    SHARE_WITHOUT_CONSENT_RECORD,
)
from safeshare.ledger.models import Entry

# Significant harm, confidential, consent given: the aid recommends sharing.
SHARE_WITH_CONSENT = {
    **IDENTIFYING,
    "level_of_need": "significant_harm",
    "confidential": "yes",
    "consent_safeguarding": "given",
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
        **SHARE_WITHOUT_CONSENT_RECORD,
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

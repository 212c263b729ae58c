"""Exchange test support: decisions, requests and shares made through real services.

`decision_for` writes a Decision row directly (the decisions app's own
services validate the protocol; these tests need only a recorded decision).
"""

import datetime
import uuid

from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.consent.models import ItemCategory
from safeshare.core import clock
from safeshare.core.sealed import seal_text
from safeshare.decisions.models import AidOutcome, ConsentState, Decision, DecisionOutcome
from safeshare.exchange import services
from safeshare.exchange.models import ItemNature, ShareKind, Urgency
from safeshare.ledger.models import Entry


def decision_for(author, subject, *, outcome=DecisionOutcome.SHARE, supersedes=None, agency=None):
    decision_id = uuid.uuid4()

    def sealed(field, text):
        return seal_text(subject, record_id=decision_id, field=field, text=text)

    return Decision.objects.create(
        id=decision_id,
        subject=subject,
        agency=agency or author.agency,
        outcome=outcome,
        decided_by=author,
        decided_at=clock.now(),
        supersedes=supersedes,
        pack_id="scsp-2022",
        pack_version="1",
        purpose_enc=sealed("purpose", "To keep the child safe"),
        level_of_need="significant_harm",
        recommendation=AidOutcome.SHARE,
        recommendation_explanation="Test.",
        rationale_enc=sealed("rationale", "Needed for the plan"),
        lawful_basis="public_task" if outcome == DecisionOutcome.SHARE else "",
        consent_state=ConsentState.NOT_SOUGHT,
        consent_not_sought_reason="increased_risk_of_significant_harm",
        information_considered_enc=sealed("information_considered", "School records"),
    )


def item(n=1, **overrides) -> services.ItemDraft:
    values = {
        "category": ItemCategory.EDUCATION,
        "content": f"Item content {n}",
        "nature": ItemNature.FACT,
        "source": f"Source {n}",
        "dated_on": clock.today() - datetime.timedelta(days=n),
        "checked_accurate": True,
    }
    values.update(overrides)
    return services.ItemDraft(**values)


def send(author, subject, recipient_agency, *, items=None, named_user=None, days=7, **kwargs):
    decision = kwargs.pop("decision", None) or decision_for(author, subject)
    return services.share_send(
        actor=author,
        decision=decision,
        kind=kwargs.pop("kind", ShareKind.DISCLOSURE),
        items=items or [item(1)],
        recipients=[services.RecipientDraft(agency=recipient_agency, named_user=named_user)],
        access_until=clock.now() + datetime.timedelta(days=days),
        **kwargs,
    )


def raise_request(author, subject, to_agency, **kwargs):
    values = {
        "purpose": "Child protection enquiry",
        "information_needed": "Attendance this term",
        "legal_basis": "children_act_1989_s47",
        "urgency": Urgency.ROUTINE,
    }
    values.update(kwargs)
    return services.request_raise(actor=author, subject=subject, to_agency=to_agency, **values)


def last_entry() -> Entry | None:
    return Entry.objects.order_by("-seq").first()


def pair():
    """Two agencies and a practitioner at each."""
    home, other = AgencyFactory(), AgencyFactory()
    return (
        home,
        other,
        staff(Role.PRACTITIONER, agency=home),
        staff(Role.PRACTITIONER, agency=other),
    )


def referral_fields(**overrides):
    """What a referrer records beyond the concern: the family not asked, for fear of
    increasing the risk, on public task; override any of it."""
    return {
        "consent_state": "not_sought",
        "consent_not_sought_reason": "increased_risk_of_significant_harm",
        "lawful_basis": "public_task",
        "statutory_gateways": [],
        **overrides,
    }

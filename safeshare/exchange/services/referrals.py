"""MASH referrals to the children's trust front door (issue #4 item 6).

Protocol App. 2 "Safeguarding": where there is reasonable cause to believe a
child is suffering, or likely to suffer, significant harm, consent is not
required to refer to the children's trust via MASH. One flow records the
decision to share, the share to the front door and the referral, in one
transaction.
"""

import datetime
import uuid

from django.db import transaction

from safeshare.agencies.models import Agency, User
from safeshare.core import clock
from safeshare.decisions.models import ConsentState, Decision, DecisionOutcome
from safeshare.exchange import notify
from safeshare.exchange.models import HarmBasis, Referral, ShareKind, Urgency
from safeshare.ledger.kinds import EntryKind
from safeshare.people.models import Person

from ._common import (
    Errors,
    actor_agency,
    add_error,
    append,
    check_subject,
    clean_choice,
    clean_text,
    raise_if,
    seal,
)
from .share_drafts import ALL_IDENTITY_FIELDS, ItemDraft, RecipientDraft, _clean_item
from .shares import _write_share

REFERRAL_WINDOW = datetime.timedelta(days=90)
# The codes a referral's decision records (catalogued in every shipped pack).
LEVEL_OF_NEED = "significant_harm"
LAWFUL_BASIS = "public_task"
SPECIAL_CATEGORY_CONDITION = "safeguarding_children_and_individuals_at_risk"
STATUTORY_GATEWAY = "children_act_1989_s47"
SAFEGUARDING_REASON = "reasonable_cause_significant_harm"
CONSENT_REASONS = (
    "increased_risk_of_significant_harm",
    "prejudice_serious_crime",
    "unjustified_delay",
    "imbalance_of_power",
    "statutory_duty_or_court_order",
)


def front_doors() -> list[Agency]:
    """Agencies that receive MASH referrals (`Agency.is_front_door`)."""
    return list(Agency.objects.filter(is_front_door=True).order_by("name"))


@transaction.atomic
def referral_make(
    *,
    actor: User,
    subject: Person,
    harm_basis: str,
    reason: str,
    items: list[ItemDraft],
    consent_not_sought_reason: str = CONSENT_REASONS[0],
    front_door: Agency | None = None,
) -> Referral:
    """Refer a child to the front door the same day, consent not required, reason recorded.

    Records, in one transaction: the decision to share (share without consent,
    significant harm, Children Act 1989 s47, under the pack in force), the
    share of the selected items to the front door, and the referral.
    """
    errors: Errors = {}
    agency = actor_agency(actor, errors)
    check_subject(subject, field="subject", errors=errors)
    harm_basis = clean_choice(
        harm_basis, HarmBasis, field="harm_basis", label="the harm threshold", errors=errors
    )
    reason = clean_text(reason, field="reason", label="why you are referring", errors=errors)
    if consent_not_sought_reason not in CONSENT_REASONS:
        add_error(
            errors,
            "consent_not_sought_reason",
            "Choose why consent is not being sought from the list.",
            "choice_unknown",
        )
    doors = front_doors()
    if front_door is None:
        front_door = doors[0] if len(doors) == 1 else None
        if front_door is None:
            add_error(errors, "front_door_id", "Choose the front door to refer to.", "required")
    elif front_door not in doors:
        add_error(errors, "front_door_id", "That agency is not a front door.", "not_front_door")
    if front_door is not None and agency is not None and front_door.pk == agency.pk:
        add_error(errors, "front_door_id", "Refer to another agency.", "not_own_agency")
    if not items:
        add_error(errors, "items", "Add what you are worried about.", "required")
    today = clock.today()
    cleaned = [_clean_item(i, item, today, errors) for i, item in enumerate(items[:50])]
    raise_if(errors)
    assert agency is not None and front_door is not None
    now = clock.now()
    decision = _record_decision(
        actor=actor,
        subject=subject,
        front_door=front_door,
        reason=reason,
        consent_reason=consent_not_sought_reason,
    )
    share, _ = _write_share(
        actor=actor,
        agency=agency,
        decision=decision,
        subject=subject,
        kind=ShareKind.EXCHANGE,
        now=now,
        access_until=now + REFERRAL_WINDOW,
        onward=True,
        limits="",
        is_file_transfer=False,
        receipt_due_on=None,
        items=cleaned,
        recipients=[RecipientDraft(agency=front_door)],
        # The front door must find the child in its own records at once.
        identity_fields=ALL_IDENTITY_FIELDS,
    )
    referral_id = uuid.uuid4()
    referral = Referral(
        id=referral_id,
        share=share,
        decision=decision,
        front_door=front_door,
        referred_by=actor,
        referred_at=now,
        harm_basis=harm_basis,
        urgency=Urgency.SAME_DAY,
        reason_enc=seal(subject, referral_id, "reason", reason),
    )
    referral.full_clean()
    referral.save(force_insert=True)
    append(
        kind=EntryKind.REFERRAL_MADE,
        actor=actor,
        agency=agency,
        subject=subject,
        payload={
            "referral": str(referral.pk),
            "decision": str(decision.pk),
            "share": str(share.pk),
            "front_door": str(front_door.pk),
            "harm_basis": harm_basis,
            "urgency": Urgency.SAME_DAY,
            "consent_not_sought_reason": consent_not_sought_reason,
            "pack_id": decision.pack_id,
            "pack_version": decision.pack_version,
        },
    )
    notify.notify_referral_made(actor=actor, referral=referral)  # emails leave on commit
    return referral


def _record_decision(
    *,
    actor: User,
    subject: Person,
    front_door: Agency,
    reason: str,
    consent_reason: str,
) -> Decision:
    """The referral's decision to share without consent, through the decisions app.

    Protocol App. 2 "Safeguarding" and Q4: significant harm, consent should not
    be sought, public interest; the decision aid runs on these answers under
    the pack in force and `decision_record` appends `decision.recorded`.
    """
    from safeshare.decisions.services import DecisionDraft, decision_record

    return decision_record(
        actor=actor,
        subject=subject,
        draft=DecisionDraft(
            answers={
                "purpose": "yes",
                "anonymised_suffices": "no",
                "identifies": "yes",
                "legal_requirement": "no",
                "level_of_need": LEVEL_OF_NEED,
                "confidential": "yes",
                "consent_safeguarding": "should_not_seek",
                "consent_not_sought_reason": consent_reason,
                "public_interest": "yes",
            },
            outcome=DecisionOutcome.SHARE,
            purpose="Referral to the children's trust front door (MASH)",
            rationale=reason,
            information_considered="The items sent with the referral.",
            level_of_need=LEVEL_OF_NEED,
            lawful_basis=LAWFUL_BASIS,
            special_category_condition=SPECIAL_CATEGORY_CONDITION,
            statutory_gateways=[STATUTORY_GATEWAY],
            consent_state=ConsentState.NOT_SOUGHT,
            consent_not_sought_reason=consent_reason,
            safeguarding_reason=SAFEGUARDING_REASON,
            recipient_agencies=[front_door],
        ),
    )

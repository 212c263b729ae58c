"""MASH referrals to the children's trust front door (issue #4 item 6).

Protocol App. 2 "Safeguarding": where there is reasonable cause to believe a
child is suffering, or likely to suffer, significant harm, consent is not
required to refer to the children's trust via MASH, but it is good practice
to seek the family's agreement where that is safe. So the referrer records
what happened: the family agreed (citing the consent on file), refused, or was
not asked, with the reason the referrer chooses. Nothing is assumed for them:
not the consent state, not the lawful basis (a voluntary body has no public
task; a public authority cannot rely on legitimate interests), not the
statutory gateway (s47 is the local authority's enquiry duty, not the
referrer's). One flow records the decision to share, the share to the front
door and the referral, in one transaction; the decision's own checks, under
the pack in force, judge the basis and gateways for the referrer's agency.
"""

import datetime
import uuid
from collections.abc import Sequence

from django.db import transaction

from safeshare.agencies.models import Agency, User
from safeshare.consent.models import Consent, SharingPurpose
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
# The codes a referral's decision records (catalogued in every shipped pack):
# a referral asserts reasonable cause to believe in significant harm, and the
# Art 9 condition for safeguarding children is open to every agency.
LEVEL_OF_NEED = "significant_harm"
SPECIAL_CATEGORY_CONDITION = "safeguarding_children_and_individuals_at_risk"
SAFEGUARDING_REASON = "reasonable_cause_significant_harm"
# What the referrer may say of the family's agreement (App. 2 Q4).
REFERRAL_CONSENT_STATES = (ConsentState.GIVEN, ConsentState.REFUSED, ConsentState.NOT_SOUGHT)
# The decision aid's answer to "Has consent to share been given?" for each state.
CONSENT_ANSWERS = {
    ConsentState.GIVEN: "given",
    ConsentState.REFUSED: "refused",
    ConsentState.NOT_SOUGHT: "should_not_seek",
}


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
    consent_state: str,
    lawful_basis: str,
    statutory_gateways: Sequence[str] = (),
    consent: Consent | None = None,
    consent_not_sought_reason: str = "",
    front_door: Agency | None = None,
) -> Referral:
    """Refer a child to the front door the same day, with what the referrer recorded.

    Records, in one transaction: the decision to share (significant harm,
    the family's agreement as recorded, the referrer's lawful basis and
    gateways, under the pack in force), the share of the selected items to
    the front door, and the referral. Urgency is same-day.
    """
    errors: Errors = {}
    agency = actor_agency(actor, errors)
    check_subject(subject, field="subject", errors=errors)
    harm_basis = clean_choice(
        harm_basis, HarmBasis, field="harm_basis", label="the harm threshold", errors=errors
    )
    reason = clean_text(reason, field="reason", label="why you are referring", errors=errors)
    if consent_state not in REFERRAL_CONSENT_STATES:
        add_error(
            errors,
            "consent_state",
            "Say whether the family agreed to the referral, refused, or was not asked "
            "(Protocol App. 2 Safeguarding: seek agreement where it is safe).",
            "required" if not consent_state else "choice_unknown",
        )
    elif consent_state == ConsentState.GIVEN and consent is None:
        add_error(
            errors,
            "consent_id",
            "Choose the family's agreement on file; record it first if it is not there.",
            "required",
        )
    elif consent_state == ConsentState.NOT_SOUGHT and not consent_not_sought_reason:
        add_error(
            errors,
            "consent_not_sought_reason",
            "Choose why the family's agreement was not sought (Protocol 6.3).",
            "required",
        )
    if not lawful_basis:
        add_error(
            errors,
            "lawful_basis",
            "Choose the lawful basis your agency relies on (UK GDPR Art 6).",
            "required",
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
        consent_state=ConsentState(consent_state),
        consent=consent,
        consent_reason=consent_not_sought_reason,
        lawful_basis=lawful_basis,
        statutory_gateways=list(statutory_gateways),
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
            "consent_state": consent_state,
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
    consent_state: ConsentState,
    consent: Consent | None,
    consent_reason: str,
    lawful_basis: str,
    statutory_gateways: list[str],
) -> Decision:
    """The referral's decision to share, through the decisions app.

    Protocol App. 2 "Safeguarding" and Q4: significant harm, then the family's
    agreement as the referrer recorded it. Agreed: share. Refused or not
    sought (with the referrer's reason): share without consent in the public
    interest. The decision aid runs on these answers under the pack in force,
    its checks judge the basis and gateways for the referrer's agency, and
    `decision_record` appends `decision.recorded`.
    """
    from safeshare.decisions.services import DecisionDraft, decision_record

    answers = {
        "purpose": "yes",
        "anonymised_suffices": "no",
        "identifies": "yes",
        "legal_requirement": "no",
        "level_of_need": LEVEL_OF_NEED,
        "confidential": "yes",
        "consent_safeguarding": CONSENT_ANSWERS[consent_state],
    }
    if consent_state == ConsentState.NOT_SOUGHT:
        answers["consent_not_sought_reason"] = consent_reason
    if consent_state != ConsentState.GIVEN:
        answers["public_interest"] = "yes"
    return decision_record(
        actor=actor,
        subject=subject,
        draft=DecisionDraft(
            answers=answers,
            outcome=DecisionOutcome.SHARE,
            purpose="Referral to the children's trust front door (MASH)",
            rationale=reason,
            information_considered="The items sent with the referral.",
            level_of_need=LEVEL_OF_NEED,
            lawful_basis=lawful_basis,
            special_category_condition=SPECIAL_CATEGORY_CONDITION,
            statutory_gateways=statutory_gateways,
            consent_state=consent_state,
            consent=consent,
            purpose_code=SharingPurpose.SAFEGUARDING if consent_state == ConsentState.GIVEN else "",
            consent_not_sought_reason=(
                consent_reason if consent_state == ConsentState.NOT_SOUGHT else ""
            ),
            safeguarding_reason=(
                "" if consent_state == ConsentState.GIVEN else SAFEGUARDING_REASON
            ),
            recipient_agencies=[front_door],
        ),
    )

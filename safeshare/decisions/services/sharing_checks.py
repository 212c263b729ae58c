"""The questions about the sharing, one checker each: the lawful basis and statutes,
consent, the safeguarding reason, the recipients, and whether the consent relied on
covers them (Protocol 1.7, 1.13, 6.3-6.7; App. 2 Q4-Q6). Written and asked as the
checkers of `record_checks` are.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from safeshare.agencies.models import Agency
from safeshare.consent import validity as consent_validity
from safeshare.consent.models import Consent, ConsentDecision, SharingPurpose
from safeshare.core.errors import Errors, add_error
from safeshare.decisions.models import (
    ConsentState,
)

from ._common import (
    STATUTE_CODE_FOR_LEGAL_REQUIREMENT,
    Setting,
    _catalogue_code,
)


@dataclass(frozen=True)
class LawfulBasis:
    lawful_basis: str
    special_category_condition: str


def check_lawful_basis(
    errors: Errors, setting: Setting, *, lawful_basis: Any, special_category_condition: Any
) -> LawfulBasis:
    """The lawful basis for processing (Protocol 1.7; UK GDPR Art 6) and, about a child,
    the Art 9 condition (Protocol 1.13), kept apart from the practice requirement of
    explicit agreement (App. 2 Early Help)."""
    pack, as_at = setting.pack, setting.as_at
    if lawful_basis:
        lawful_basis = _catalogue_code(
            errors,
            "lawful_basis",
            pack,
            "lawful_bases",
            lawful_basis,
            as_at=as_at,
            agency_type=setting.agency.agency_type,
        )
    elif setting.sharing:
        add_error(
            errors, "lawful_basis", "Sharing needs a lawful basis (UK GDPR Art 6).", "required"
        )
    if special_category_condition:
        special_category_condition = _catalogue_code(
            errors,
            "special_category_condition",
            pack,
            "special_category_conditions",
            special_category_condition,
            as_at=as_at,
        )
    elif setting.sharing and not setting.anonymised:
        add_error(
            errors,
            "special_category_condition",
            "Sharing about a child needs an Art 9 condition (Protocol 1.13).",
            "required",
        )
    return LawfulBasis(
        lawful_basis=lawful_basis or "",
        special_category_condition=special_category_condition or "",
    )


def check_statutory_gateways(
    errors: Errors, setting: Setting, *, statutory_gateways: Any
) -> list[str]:
    """The statutes that permit or require the sharing (Protocol 1.7), each once."""
    gateways: list[str] = []
    if isinstance(statutory_gateways, str) or not isinstance(statutory_gateways, Iterable):
        add_error(errors, "statutory_gateways", "Give a list of statute codes.", "list_required")
        return gateways
    for code in statutory_gateways:
        before = len(errors.get("statutory_gateways", []))
        value = _catalogue_code(
            errors,
            "statutory_gateways",
            setting.pack,
            "statutory_gateways",
            code,
            as_at=setting.as_at,
        )
        if len(errors.get("statutory_gateways", [])) == before and value not in gateways:
            gateways.append(value)
    return gateways


def check_consent(
    errors: Errors,
    setting: Setting,
    *,
    consent_state: Any,
    consent: Consent | None,
    purpose_code: Any,
    consent_not_sought_reason: Any,
) -> str:
    """Consent (App. 2 Q4): given (citing the consent record relied on, for a purpose);
    refused (optionally citing the refusal on file); not sought with a reason
    (Protocol 6.3, 6.7). Returns the reason consent was not sought."""
    subject = setting.subject
    if consent_state not in ConsentState.values:
        add_error(errors, "consent_state", "Choose the state of consent.", "choice_unknown")
    if consent_state == ConsentState.GIVEN:
        if subject is None:
            add_error(
                errors, "consent_state", "Consent is given by a named person.", "consent_no_subject"
            )
        elif consent is None:
            add_error(errors, "consent_id", "Choose the consent you rely on.", "required")
        if purpose_code not in SharingPurpose.values:
            add_error(
                errors,
                "purpose_code",
                "Choose the purpose, so the consent can be checked against it.",
                "required" if not purpose_code else "choice_unknown",
            )
    elif consent is not None and (
        consent_state != ConsentState.REFUSED
        or consent.decision != ConsentDecision.REFUSED
        or subject is None
        or consent.child_id != subject.pk
        or consent.agency_id != setting.agency.pk
    ):
        add_error(
            errors,
            "consent_id",
            "Cite a consent record only when relying on consent, or the refusal on file "
            "about this child when consent was refused.",
            "consent_not_applicable",
        )
    if purpose_code and purpose_code not in SharingPurpose.values and "purpose_code" not in errors:
        add_error(errors, "purpose_code", "Choose the purpose from the list.", "choice_unknown")
    if consent_state == ConsentState.NOT_SOUGHT:
        if not consent_not_sought_reason:
            add_error(
                errors,
                "consent_not_sought_reason",
                "Give the reason consent was not sought (Protocol 6.3, 6.7).",
                "required",
            )
        else:
            consent_not_sought_reason = _catalogue_code(
                errors,
                "consent_not_sought_reason",
                setting.pack,
                "consent_not_sought_reasons",
                consent_not_sought_reason,
                as_at=setting.as_at,
            )
    elif consent_not_sought_reason:
        add_error(
            errors,
            "consent_not_sought_reason",
            "Only give a reason for not seeking consent if it was not sought.",
            "consent_sought",
        )
    if consent_state == ConsentState.NOT_APPLICABLE and setting.sharing and not setting.anonymised:
        add_error(
            errors,
            "consent_state",
            "Sharing about a child needs consent given, refused or not sought.",
            "consent_applies",
        )
    return consent_not_sought_reason


def check_safeguarding_reason(
    errors: Errors,
    setting: Setting,
    *,
    safeguarding_reason: Any,
    consent_state: Any,
    consent_not_sought_reason: str,
    explicit_consent_expected: bool,
) -> str:
    """Sharing without consent needs a safeguarding reason (App. 2 Q5; Protocol 6.3, 6.5),
    unless the law requires it; at Early Help, where explicit consent is needed, it is
    otherwise refused."""
    without_consent = (
        setting.sharing
        and not setting.anonymised
        and consent_state in (ConsentState.REFUSED, ConsentState.NOT_SOUGHT)
    )
    legal_requirement = consent_not_sought_reason == STATUTE_CODE_FOR_LEGAL_REQUIREMENT
    if safeguarding_reason:
        return _catalogue_code(
            errors,
            "safeguarding_reason",
            setting.pack,
            "safeguarding_reasons",
            safeguarding_reason,
            as_at=setting.as_at,
        )
    if without_consent and not legal_requirement:
        if explicit_consent_expected:
            message = (
                "At Early Help explicit consent is needed: sharing without it needs a "
                "safeguarding reason (Protocol App. 2 Early Help, Q5)."
            )
            code = "early_help_needs_consent"
        else:
            message = "Sharing without consent needs a safeguarding reason (Protocol 6.3, 6.5)."
            code = "required"
        add_error(errors, "safeguarding_reason", message, code)
    return safeguarding_reason or ""


def check_recipients(
    errors: Errors, setting: Setting, *, recipient_agencies: Iterable[Agency]
) -> list[Agency]:
    """With whom (App. 2 Q6): only when sharing, never one's own agency, each agency once."""
    recipients = list({a.pk: a for a in recipient_agencies}.values())
    if setting.sharing and not recipients:
        add_error(errors, "recipient_agencies", "Choose who the information goes to.", "required")
    if not setting.sharing and recipients:
        add_error(
            errors,
            "recipient_agencies",
            "Only a decision to share names recipients.",
            "recipients_not_sharing",
        )
    if any(a.pk == setting.agency.pk for a in recipients):
        add_error(
            errors, "recipient_agencies", "Your own agency is not a recipient.", "recipient_self"
        )
    return recipients


def check_consent_covers(
    errors: Errors,
    setting: Setting,
    *,
    consent_state: Any,
    consent: Consent | None,
    purpose_code: Any,
    decided_at: datetime.datetime,
    recipients: list[Agency],
) -> None:
    """The consent relied on covers this child, purpose and each recipient, and is in
    force at the moment of deciding (issue #5 item 3)."""
    subject = setting.subject
    if consent_state != ConsentState.GIVEN or consent is None or subject is None:
        return
    need = consent_validity.Need(
        child=subject,
        agency=setting.agency,
        at=decided_at,
        purpose=purpose_code if purpose_code in SharingPurpose.values else None,
        recipients=recipients if setting.sharing else (),
    )
    fields = {"purpose": "purpose_code", "recipient": "recipient_agencies"}
    for problem in consent_validity.problems(consent, need):
        add_error(errors, fields.get(problem.part, "consent_id"), problem.message, problem.code)

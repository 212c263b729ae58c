"""What a sender puts in a share: its items, its recipients and the identity it carries
(issue #4 item 5; Protocol 5.2 need-to-know, App. 2 Q6)."""

import datetime
from dataclasses import dataclass, field

from safeshare.access.rules.roles import CASE_ROLES
from safeshare.agencies.models import Agency, User
from safeshare.consent.models import ItemCategory
from safeshare.core import clock
from safeshare.exchange.models import (
    ItemNature,
    ProtectedRole,
)
from safeshare.people.models import IdentityField

from ._common import (
    Errors,
    add_error,
    clean_choice,
    clean_text,
    raise_if,
)

MAX_WINDOW = datetime.timedelta(days=366)
MAX_ITEMS = 50
MAX_RECIPIENTS = 20
# A share names the child by name and date of birth unless the sender chooses otherwise;
# the NHS number travels only when the sender includes it (Protocol App. 2 Q6).
DEFAULT_IDENTITY_FIELDS = frozenset({IdentityField.NAME, IdentityField.DATE_OF_BIRTH})
ALL_IDENTITY_FIELDS = frozenset(IdentityField.values)


def _clean_identity_fields(fields, errors: Errors) -> frozenset[str]:
    """The identity fields a share carries: a set of IdentityField values."""
    chosen = frozenset(str(f) for f in fields)
    unknown = sorted(chosen - ALL_IDENTITY_FIELDS)
    if unknown:
        add_error(
            errors,
            "identity_fields",
            "Choose identity fields from: name, date of birth, NHS number.",
            "invalid_choice",
        )
    return chosen & ALL_IDENTITY_FIELDS


@dataclass(frozen=True)
class ItemDraft:
    """One item the practitioner selected to send (Protocol 5.2 Accurate, Limited)."""

    category: str
    content: str
    nature: str
    source: str
    dated_on: datetime.date | None
    checked_accurate: bool
    protected_role: str = ""
    protected_identity: str = ""
    disclose_protected_identity: bool = False
    disclosure_reason: str = ""


@dataclass(frozen=True)
class RecipientDraft:
    """An agency to receive the share, optionally only a named person there."""

    agency: Agency
    named_user: User | None = None


@dataclass
class _Cleaned:
    items: list[dict] = field(default_factory=list)


def _clean_item(index: int, item: ItemDraft, today: datetime.date, errors: Errors) -> dict:
    prefix = f"items.{index}."
    cleaned = {
        "category": clean_choice(
            item.category,
            ItemCategory,
            field=prefix + "category",
            label="a category",
            errors=errors,
        ),
        "content": clean_text(
            item.content, field=prefix + "content", label="the information", errors=errors
        ),
        "nature": clean_choice(
            item.nature,
            ItemNature,
            field=prefix + "nature",
            label="fact or opinion",
            errors=errors,
        ),
        "source": clean_text(
            item.source,
            field=prefix + "source",
            label="where the information came from",
            errors=errors,
        ),
        "protected_role": "",
        "protected_identity": "",
        "disclosed": False,
        "disclosure_reason": "",
    }
    if not isinstance(item.dated_on, datetime.date):
        add_error(errors, prefix + "dated_on", "Enter the date of the information.", "required")
    elif item.dated_on > today:
        add_error(
            errors, prefix + "dated_on", "The date must be today or in the past.", "date_in_future"
        )
    cleaned["dated_on"] = item.dated_on
    if item.checked_accurate is not True:
        add_error(
            errors,
            prefix + "checked_accurate",
            "Confirm you checked the information is accurate and up to date.",
            "accuracy_not_checked",
        )
    identity = clean_text(
        item.protected_identity,
        field=prefix + "protected_identity",
        label="who must be protected",
        errors=errors,
        required=False,
    )
    if item.protected_role or identity:
        cleaned["protected_role"] = clean_choice(
            item.protected_role,
            ProtectedRole,
            field=prefix + "protected_role",
            label="who the protected person is",
            errors=errors,
        )
        cleaned["protected_identity"] = identity
    if item.disclose_protected_identity:
        if not identity:
            add_error(
                errors,
                prefix + "protected_identity",
                "Enter the protected person's identity, or do not disclose it.",
                "required",
            )
        cleaned["disclosed"] = True
        cleaned["disclosure_reason"] = clean_text(
            item.disclosure_reason,
            field=prefix + "disclosure_reason",
            label="why the recipient needs the protected person's identity",
            errors=errors,
        )
    return cleaned


def share_item_check(*, item: ItemDraft) -> None:
    """Check one item before it joins a share being built (the rules `share_send` applies
    to each item: Protocol 5.2 Accurate); raises ValidationError naming the item's fields."""
    errors: Errors = {}
    _clean_item(0, item, clock.today(), errors)
    raise_if({field.removeprefix("items.0."): found for field, found in errors.items()})


def _clean_recipients(
    recipients: list[RecipientDraft],
    agency: Agency | None,
    named_for: set,
    errors: Errors,
) -> None:
    if not recipients:
        add_error(errors, "recipients", "Choose at least one recipient.", "required")
        return
    if len(recipients) > MAX_RECIPIENTS:
        add_error(errors, "recipients", f"Choose at most {MAX_RECIPIENTS}.", "too_many")
        return
    seen: set = set()
    for index, recipient in enumerate(recipients):
        name = f"recipients.{index}.agency_id"
        if recipient.agency is None:
            add_error(errors, name, "Choose the agency.", "required")
            continue
        if agency is not None and recipient.agency.pk == agency.pk:
            add_error(errors, name, "Your own agency is not a recipient.", "not_own_agency")
        elif recipient.agency.pk in seen:
            add_error(errors, name, "Each agency once.", "duplicate_recipient")
        elif named_for and recipient.agency.pk not in named_for:
            add_error(
                errors,
                name,
                "Send only to agencies the decision names (Protocol App. 2 Q7: with whom).",
                "recipient_not_in_decision",
            )
        seen.add(recipient.agency.pk)
        user = recipient.named_user
        if user is not None and (user.agency is None or user.agency.pk != recipient.agency.pk):
            add_error(
                errors,
                f"recipients.{index}.named_user_id",
                "The named person must work for the receiving agency.",
                "named_user_agency",
            )
        elif user is not None and not (user.is_active and user.roles & CASE_ROLES):
            # An auditor, administrator or departed member could never read it.
            add_error(
                errors,
                f"recipients.{index}.named_user_id",
                "The named person must be a practitioner, safeguarding lead, lead information "
                "officer or data protection officer there.",
                "named_user_role",
            )

"""Rules for requests, shares, onward disclosure and referrals (issue #4 items 4-6).

Shares: the sender agency sees its full record (whatever the window); a
recipient sees a share only through `received_shares` (its agency, named to
the user or to nobody, inside the access window, not revoked), so an expired
or revoked share answers like a missing one. Requests: both the requesting and
the requested agency see the request and its status. Actions that write are
for practitioners, safeguarding leads and lead information officers; data
protection officers read only (DESIGN roles table).
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from safeshare.access.actions import Action
from safeshare.access.rules.roles import CASE_ROLES
from safeshare.agencies.models import Agency, Role, User
from safeshare.core import clock
from safeshare.exchange.models import (
    InformationRequest,
    OnwardDisclosureRequest,
    Referral,
    Share,
    ShareRecipient,
)
from safeshare.people.models import Involvement, Person

# Roles that send, answer, acknowledge, revoke and refer (Protocol App. 1:
# practitioners decide; leads and lead information officers act for the agency).
EXCHANGE_ACT_ROLES = frozenset(
    {Role.PRACTITIONER, Role.SAFEGUARDING_LEAD, Role.LEAD_INFORMATION_OFFICER}
)
# A MASH referral is made by whoever has the concern, or their lead (App. 2 "Safeguarding").
REFERRAL_ROLES = frozenset({Role.PRACTITIONER, Role.SAFEGUARDING_LEAD})


@dataclass(frozen=True)
class RequestTarget:
    """The object of `request.raise`: a child the user's agency works with, and whom to ask."""

    subject: Person
    to_agency: Agency


@dataclass(frozen=True)
class ShareSource:
    """The object of `share.send`: the decision to share that the share carries out."""

    decision: object  # decisions.models.Decision


@dataclass(frozen=True)
class ReferralTarget:
    """The object of `referral.make`: a child the user's agency works with."""

    subject: Person


def received_shares(user: User, agency: Agency) -> QuerySet[ShareRecipient]:
    """Share recipients open to this user now: their agency, named to them or to nobody,
    inside the access window and not revoked (Protocol App. 2 Q6: need to know)."""
    return ShareRecipient.objects.filter(
        Q(named_user__isnull=True) | Q(named_user=user),
        agency=agency,
        share__revoked_at__isnull=True,
        share__access_until__gt=clock.now(),
    )


def _acts(user: User) -> bool:
    return bool(user.roles & EXCHANGE_ACT_ROLES)


def _is_recipient(user: User, agency: Agency, share: Share) -> bool:
    return received_shares(user, agency).filter(share=share).exists()


def can_share(user: User, agency: Agency, action: Action, share: Share) -> bool:
    """Sender: view and revoke. Recipient (open window): view, acknowledge, ask to pass on."""
    if not user.roles & CASE_ROLES:
        return False
    if share.sender_agency_id == agency.id:
        if action == Action.SHARE_VIEW:
            return True
        return action == Action.SHARE_REVOKE and _acts(user)
    if not _is_recipient(user, agency, share):
        return False
    if action == Action.SHARE_VIEW:
        return True
    return action in {Action.SHARE_ACKNOWLEDGE, Action.ONWARD_REQUEST} and _acts(user)


def scope_shares(user: User, agency: Agency, queryset: QuerySet[Any]) -> QuerySet[Any]:
    received = received_shares(user, agency).filter(share=OuterRef("pk"))
    return queryset.filter(Q(sender_agency=agency) | Exists(received))


def can_request(user: User, agency: Agency, action: Action, request: InformationRequest) -> bool:
    """Both sides see a request; the requested agency answers; the requester withdraws."""
    if not user.roles & CASE_ROLES:
        return False
    asking = request.requesting_agency_id == agency.id
    asked = request.requested_agency_id == agency.id
    if action == Action.REQUEST_VIEW:
        return asking or asked
    if action == Action.REQUEST_ANSWER:
        return asked and _acts(user)
    if action == Action.REQUEST_WITHDRAW:
        return asking and _acts(user)
    return False


def scope_requests(user: User, agency: Agency, queryset: QuerySet[Any]) -> QuerySet[Any]:
    return queryset.filter(Q(requesting_agency=agency) | Q(requested_agency=agency))


def can_onward(user: User, agency: Agency, action: Action, onward: OnwardDisclosureRequest) -> bool:
    """The asking recipient and the source agency see it; the source agency answers."""
    if not user.roles & CASE_ROLES:
        return False
    source = onward.share.sender_agency_id == agency.id
    asking = onward.requesting_agency_id == agency.id
    if action == Action.ONWARD_VIEW:
        return source or asking
    return action == Action.ONWARD_ANSWER and source and _acts(user)


def scope_onward(user: User, agency: Agency, queryset: QuerySet[Any]) -> QuerySet[Any]:
    return queryset.filter(Q(share__sender_agency=agency) | Q(requesting_agency=agency))


def can_referral(user: User, agency: Agency, action: Action, referral: Referral) -> bool:
    """The referring agency, and the front door while the referral's share is open to it."""
    if action != Action.REFERRAL_VIEW:
        return False
    return can_share(user, agency, Action.SHARE_VIEW, referral.share)


def scope_referrals(user: User, agency: Agency, queryset: QuerySet[Any]) -> QuerySet[Any]:
    received = received_shares(user, agency).filter(share=OuterRef("share"))
    return queryset.filter(Q(share__sender_agency=agency) | Exists(received))


def _own_child(user: User, agency: Agency, subject: Person) -> bool:
    # The user's relation to the child is OWN_AGENCY (access.rules.people.relation_to_person).
    return Involvement.objects.filter(agency=agency, person=subject).exists()


def can_raise(user: User, agency: Agency, action: Action, target: RequestTarget) -> bool:
    """Ask another agency about a child one's own agency works with (Protocol 5.2 Timely)."""
    if action != Action.REQUEST_RAISE or not _acts(user):
        return False
    if target.to_agency.id == agency.id:
        return False
    return _own_child(user, agency, target.subject)


def can_send(user: User, agency: Agency, action: Action, source: ShareSource) -> bool:
    """Send a share carrying out one's own agency's decision (Protocol App. 2 Q6)."""
    if action != Action.SHARE_SEND or not _acts(user):
        return False
    return getattr(source.decision, "agency_id", None) == agency.id


def can_refer(user: User, agency: Agency, action: Action, target: ReferralTarget) -> bool:
    """Refer a child one's own agency works with to the front door (App. 2 "Safeguarding")."""
    if action != Action.REFERRAL_MAKE or not user.roles & REFERRAL_ROLES:
        return False
    return _own_child(user, agency, target.subject)

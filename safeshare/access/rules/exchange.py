"""Rules for shares: the sender's record of what it passed on, or what a recipient received."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from safeshare.access.actions import Action
from safeshare.access.policy import received_shares, register
from safeshare.access.rules.roles import CASE_ROLES
from safeshare.agencies.models import Agency, User
from safeshare.exchange.models import Share


def can_share(user: User, agency: Agency, action: Action, share: Share) -> bool:
    if action != Action.SHARE_VIEW or not user.roles & CASE_ROLES:
        return False
    if share.sender_agency_id == agency.id:
        return True
    return received_shares(user, agency).filter(share=share).exists()


def scope_shares(user: User, agency: Agency, queryset: QuerySet) -> QuerySet:
    received = received_shares(user, agency).filter(share=OuterRef("pk"))
    return queryset.filter(Q(sender_agency=agency) | Exists(received))


register(Share, can=can_share, scope=scope_shares)

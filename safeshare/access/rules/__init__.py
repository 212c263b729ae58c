"""The rules for each kind of record, written once: model -> (object rule, scope rule).

`access.policy.can` asks a record's object rule; `access.policy.visible` its scope
rule. A target class (`DecisionTarget`, `ShareSource`, ...) stands for a record not
yet made, so it has an object rule and no scope. A new kind of record gets a row
here; no rules module registers itself or imports the policy.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from safeshare.access.actions import Action
from safeshare.access.rules import agencies, consent, decisions, exchange, informing, people
from safeshare.agencies.models import Agency, User
from safeshare.consent.models import CapacityAssessment, Consent, ConsentConflict, PrivacyNotice
from safeshare.decisions.models import AdviceRequest, Decision
from safeshare.exchange.models import (
    ContinuedUse,
    InformationRequest,
    OnwardDisclosureRequest,
    Referral,
    Share,
)
from safeshare.informing.models import SubjectNotification
from safeshare.people.models import Person

ObjectRule = Callable[[User, Agency, Action, Any], bool]
ScopeRule = Callable[[User, Agency, QuerySet[Any]], QuerySet[Any]]


def no_scope(user: User, agency: Agency, queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The scope of a target: nothing is listed through it."""
    return queryset.none()


# Keyed by the kind of record: a model, or a target class that stands for one.
RULES: dict[type, tuple[ObjectRule, ScopeRule]] = {
    Agency: (agencies.can_agency, agencies.scope_agencies),
    Person: (people.can_person, people.scope_people),
    consent.ConsentTarget: (consent.can_record, no_scope),
    consent.NoticeTarget: (consent.can_notice, no_scope),
    Consent: (consent.can_consent, consent.scope_own),
    CapacityAssessment: (consent.can_capacity, consent.scope_own),
    ConsentConflict: (consent.can_conflict, consent.scope_own),
    consent.ContinuedUseTarget: (consent.can_continued_use, no_scope),
    ContinuedUse: (consent.can_use_view, consent.scope_uses),
    PrivacyNotice: (consent.can_notice_view, consent.scope_own),
    Decision: (decisions.can_decision, decisions.scope_decisions),
    AdviceRequest: (decisions.can_advice, decisions.scope_advice),
    decisions.DecisionTarget: (decisions.can_record, no_scope),
    decisions.AdviceTarget: (decisions.can_ask, no_scope),
    Share: (exchange.can_share, exchange.scope_shares),
    InformationRequest: (exchange.can_request, exchange.scope_requests),
    OnwardDisclosureRequest: (exchange.can_onward, exchange.scope_onward),
    Referral: (exchange.can_referral, exchange.scope_referrals),
    exchange.RequestTarget: (exchange.can_raise, no_scope),
    exchange.ShareSource: (exchange.can_send, no_scope),
    exchange.ReferralTarget: (exchange.can_refer, no_scope),
    SubjectNotification: (informing.can_view, informing.scope_notifications),
    informing.SubjectTarget: (informing.can_record, no_scope),
}

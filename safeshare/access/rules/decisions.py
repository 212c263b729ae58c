"""Rules for decisions, their reviews and advice (issue #4 items 2, 3, 7).

A decision is the deciding agency's own record: every case role there may
read it; other agencies never see it (they see only what is shared with
them). Practitioners and safeguarding leads record decisions about children
their agency works with, or anonymised ones; the decider or a safeguarding
lead corrects one by superseding it; a safeguarding lead of the deciding
agency (not the decider) reviews a departure from the aid's recommendation.
Advice is between the asker and the named adviser only (golden rule 3).
Protocol packs hold no case content: everyone reads them, and only the
partnership officer chooses the pack in force.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from safeshare.access.actions import Action, Relation
from safeshare.access.rules.people import relation_to_person
from safeshare.access.rules.roles import CASE_ROLES
from safeshare.agencies.models import Agency, Role, User
from safeshare.decisions.models import AdviceRequest, Decision
from safeshare.people.models import Person

# Those who decide whether to share (Protocol App. 1 "Responsibilities of professionals").
DECIDER_ROLES = frozenset({Role.PRACTITIONER, Role.SAFEGUARDING_LEAD})
# Those a practitioner may ask for advice (App. 2 "Safeguarding"; App. 3 rule 3).
ADVISER_ROLES = frozenset({Role.SAFEGUARDING_LEAD, Role.LEAD_INFORMATION_OFFICER})
# Those who ask for advice.
ASKER_ROLES = frozenset({Role.PRACTITIONER, Role.SAFEGUARDING_LEAD, Role.LEAD_INFORMATION_OFFICER})


@dataclass(frozen=True)
class DecisionTarget:
    """The object of `decision.record`: a child, or None for an anonymised decision."""

    subject: Person | None


@dataclass(frozen=True)
class AdviceTarget:
    """The object of `advice.request`: the child the question is about, or None."""

    subject: Person | None


def _own_child(user: User, agency: Agency, subject: Person) -> bool:
    return relation_to_person(user, agency, subject) == Relation.OWN_AGENCY


def can_decision(user: User, agency: Agency, action: Action, decision: Decision) -> bool:
    """Deciding agency only: view for case roles; supersede for the decider or a lead;
    review for a safeguarding lead who did not decide (Protocol App. 1)."""
    if decision.agency_id != agency.id or not user.roles & CASE_ROLES:
        return False
    if action == Action.DECISION_VIEW:
        return True
    if action == Action.DECISION_SUPERSEDE:
        if user.has_role(Role.SAFEGUARDING_LEAD):
            return True
        return decision.decided_by_id == user.id and user.has_role(Role.PRACTITIONER)
    if action == Action.DECISION_REVIEW:
        return user.has_role(Role.SAFEGUARDING_LEAD) and decision.decided_by_id != user.id
    return False


def scope_decisions(user: User, agency: Agency, queryset: QuerySet[Any]) -> QuerySet[Any]:
    return queryset.filter(agency=agency)


def can_record(user: User, agency: Agency, action: Action, target: DecisionTarget) -> bool:
    """Record a decision about a child one's own agency works with, or an anonymised one."""
    if action != Action.DECISION_RECORD or not user.roles & DECIDER_ROLES:
        return False
    if target.subject is None:
        return True
    return _own_child(user, agency, target.subject)


def can_advice(user: User, agency: Agency, action: Action, advice: AdviceRequest) -> bool:
    """The asker and the named adviser see a request; only the adviser answers it."""
    if advice.agency_id != agency.id or not user.roles & CASE_ROLES:
        return False
    if action == Action.ADVICE_VIEW:
        return user.id in (advice.asked_by_id, advice.adviser_id)
    if action == Action.ADVICE_GIVE:
        return user.id == advice.adviser_id and bool(user.roles & ADVISER_ROLES)
    return False


def scope_advice(user: User, agency: Agency, queryset: QuerySet[Any]) -> QuerySet[Any]:
    return queryset.filter(Q(asked_by=user) | Q(adviser=user), agency=agency)


def can_ask(user: User, agency: Agency, action: Action, target: AdviceTarget) -> bool:
    """Ask one's own agency's lead for advice, about a child one's agency works with."""
    if action != Action.ADVICE_REQUEST or not user.roles & ASKER_ROLES:
        return False
    if target.subject is None:
        return True
    return _own_child(user, agency, target.subject)

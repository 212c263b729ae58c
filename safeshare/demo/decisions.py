"""Demo decisions: both ways, a departure awaiting review, advice asked and given.

Made through the decisions services as the demo staff, so every row is
validated, sealed and in the ledger like real use. Idempotent: nothing is
added once any decision exists. Fictional data only.
"""

from django.db import transaction

from safeshare.agencies.models import Agency, User
from safeshare.decisions import services
from safeshare.decisions.models import Decision
from safeshare.decisions.services import DecisionDraft
from safeshare.demo.scenarios import IDENTIFYING
from safeshare.people.models import Involvement, Person, PersonKind
from safeshare.people.selectors import parental_responsibility_holders


def _children(agency: Agency, count: int) -> list[Person]:
    involvements = (
        Involvement.objects.filter(
            agency=agency,
            ended_on__isnull=True,
            person__kind=PersonKind.CHILD,
            person__shredded_at__isnull=True,
        )
        .select_related("person")
        .order_by("started_on", "created_at")[:count]
    )
    return [i.person for i in involvements]


@transaction.atomic
def demo_decisions_load(*, agencies: dict[str, Agency]) -> dict:
    """Load demo decisions for the school and the police (skipped if any decision exists)."""
    if Decision.objects.exists():
        return {"loaded": False, "decisions": 0, "advice": 0}
    school, trust, police = agencies["hollins"], agencies["trust"], agencies["police"]
    teacher = User.objects.get(username="hollins.practitioner")
    school_lead = User.objects.get(username="hollins.dsl")
    officer = User.objects.get(username="police.practitioner")
    children = _children(school, 4)
    police_children = _children(police, 1)
    if len(children) < 4:
        return {"loaded": False, "decisions": 0, "advice": 0}
    at_risk, early_help, departed, advised = children
    decisions = 0

    # 1. Share without consent: reasonable cause to believe significant harm (Protocol 6.3, 6.5).
    services.decision_record(
        actor=teacher,
        subject=at_risk,
        draft=DecisionDraft(
            answers={
                **IDENTIFYING,
                "level_of_need": "significant_harm",
                "confidential": "yes",
                "consent_safeguarding": "should_not_seek",
                "consent_not_sought_reason": "increased_risk_of_significant_harm",
                "public_interest": "yes",
            },
            outcome="share",
            purpose="Refer to the children's trust front door about bruising seen at school",
            rationale="Telling the family first could put the child at greater risk",
            information_considered="Class teacher's account and the body map",
            lawful_basis="public_task",
            special_category_condition="safeguarding_children_and_individuals_at_risk",
            statutory_gateways=["children_act_2004_s11"],
            consent_state="not_sought",
            consent_not_sought_reason="increased_risk_of_significant_harm",
            safeguarding_reason="reasonable_cause_significant_harm",
            recipient_agencies=[trust],
        ),
    )
    decisions += 1

    # 2. Do not share: Early Help, consent refused, no public interest (App. 2 Early Help, Q5).
    services.decision_record(
        actor=teacher,
        subject=early_help,
        draft=DecisionDraft(
            answers={
                **IDENTIFYING,
                "level_of_need": "early_help_2",
                "consent_early_help": "refused",
                "public_interest": "no",
            },
            outcome="not_share",
            purpose="Ask the family support service to help with school attendance",
            rationale=(
                "The parents declined; there is no risk of significant harm, so we respect it"
            ),
            information_considered="Attendance record for this term",
            consent_state="refused",
        ),
    )
    decisions += 1

    # 3. A departure: the aid recommends sharing with consent given; the teacher did not share.
    holders = parental_responsibility_holders(child=departed)
    answers = {
        **IDENTIFYING,
        "level_of_need": "early_help_3",
        "consent_early_help": "given" if holders else "not_sought",
    }
    services.decision_record(
        actor=teacher,
        subject=departed,
        draft=DecisionDraft(
            answers=answers,
            outcome="not_share",
            purpose="Share the support plan with the family support service",
            rationale="The plan is changing next week; I will share the new one instead",
            information_considered="The current support plan",
            consent_state="refused" if holders else "not_applicable",
        ),
    )
    decisions += 1

    # 4. Advice asked without naming the child, answered, and cited by the decision.
    advice = services.advice_request(
        actor=teacher,
        adviser=school_lead,
        subject=advised,
        question="A parent asked me not to tell anyone about a new partner. Should I share?",
    )
    services.advice_give(
        actor=school_lead,
        advice_request=advice,
        advice="Seek the family's agreement first; there is no sign of risk of significant harm.",
        advised_outcome="seek_consent",
    )
    services.decision_record(
        actor=teacher,
        subject=advised,
        draft=DecisionDraft(
            answers={"purpose": "unsure"},
            outcome="not_share",
            purpose="Decide whether to tell the family support service about a household change",
            rationale="Advice was to seek the family's agreement first",
            information_considered="What the parent said at pick-up",
            level_of_need="early_help_1",
            consent_state="not_applicable",
            advice_requests=[advice],
        ),
    )
    decisions += 1

    # 5. The police share with the trust under s47, and later correct the decision.
    if police_children:
        child = police_children[0]
        first = services.decision_record(
            actor=officer,
            subject=child,
            draft=DecisionDraft(
                answers={**IDENTIFYING, "legal_requirement": "yes"},
                level_of_need="significant_harm",
                outcome="share",
                purpose="Section 47 enquiry: share the domestic abuse call-out log",
                rationale="The trust's strategy discussion needs it",
                information_considered="Call-out log for the last six months",
                lawful_basis="legal_obligation",
                special_category_condition="safeguarding_children_and_individuals_at_risk",
                statutory_gateways=["children_act_1989_s47"],
                consent_state="not_sought",
                consent_not_sought_reason="statutory_duty_or_court_order",
                recipient_agencies=[trust],
            ),
        )
        services.decision_supersede(
            actor=User.objects.get(username="police.dsl"),
            decision=first,
            draft=DecisionDraft(
                answers={**IDENTIFYING, "legal_requirement": "yes"},
                level_of_need="significant_harm",
                outcome="share",
                purpose="Section 47 enquiry: share the call-out log for the last twelve months",
                rationale="The strategy discussion asked for a longer period",
                information_considered="Call-out log for the last twelve months",
                lawful_basis="legal_obligation",
                special_category_condition="safeguarding_children_and_individuals_at_risk",
                statutory_gateways=["children_act_1989_s47"],
                consent_state="not_sought",
                consent_not_sought_reason="statutory_duty_or_court_order",
                recipient_agencies=[trust],
            ),
        )
        decisions += 2
    return {"loaded": True, "decisions": decisions, "advice": 1}

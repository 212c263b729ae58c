"""Demo requests, shares and a referral between the demo agencies.

Made through the exchange and decisions services as the demo staff, so every
row is validated, sealed and in the ledger like real use. Idempotent: nothing
is added once any information request exists. Fictional data only.

One request is made overdue by raising it as if three weeks ago: the clock is
moved back for that one call only, so its raised time, due date and ledger
entry agree with each other.
"""

import datetime
from unittest import mock

from django.db import transaction

from safeshare.agencies.models import Agency, User
from safeshare.consent.models import ItemCategory
from safeshare.core import clock
from safeshare.decisions.services import DecisionDraft, decision_record
from safeshare.demo.scenarios import IDENTIFYING, share_without_consent
from safeshare.exchange import services
from safeshare.exchange.models import InformationRequest, ItemNature, ShareKind
from safeshare.people.models import Involvement, Person, PersonKind


def _children(agency: Agency, count: int, *, skip: int = 0) -> list[Person]:
    involvements = (
        Involvement.objects.filter(
            agency=agency,
            ended_on__isnull=True,
            person__kind=PersonKind.CHILD,
            person__shredded_at__isnull=True,
        )
        .select_related("person")
        .order_by("-started_on", "-created_at")[skip : skip + count]
    )
    return [i.person for i in involvements]


def _share_decision(actor: User, child: Person, recipient: Agency, purpose: str):
    return decision_record(
        actor=actor,
        subject=child,
        draft=share_without_consent(
            [recipient],
            purpose=purpose,
            rationale="The information is needed now to keep the child safe",
            information_considered="The agency's own records for this child",
        ),
    )


def _item(content: str, *, days_ago: int, **extra) -> services.ItemDraft:
    values = {
        "category": ItemCategory.SAFEGUARDING,
        "content": content,
        "nature": ItemNature.FACT,
        "source": "Agency records",
        "dated_on": clock.today() - datetime.timedelta(days=days_ago),
        "checked_accurate": True,
    }
    values.update(extra)
    return services.ItemDraft(**values)


@transaction.atomic
def demo_exchange_load(*, agencies: dict[str, Agency]) -> dict:
    """Requests both ways (one overdue, one declined), shares, a file transfer and a referral."""
    if InformationRequest.objects.exists():
        return {"loaded": False, "requests": 0, "shares": 0, "referrals": 0}
    staff = {
        name: User.objects.get(username=name)
        for name in (
            "trust.practitioner",
            "hollins.practitioner",
            "hollins.dsl",
            "police.practitioner",
            "icb.practitioner",
            "council.practitioner",
        )
    }
    trust_children = _children(agencies["trust"], 1)
    police_children = _children(agencies["police"], 1)
    council_children = _children(agencies["council"], 2)
    school_children = _children(agencies["hollins"], 2, skip=4)
    if not (trust_children and police_children and len(council_children) == 2):
        return {"loaded": False, "requests": 0, "shares": 0, "referrals": 0}
    if len(school_children) < 2:
        return {"loaded": False, "requests": 0, "shares": 0, "referrals": 0}
    counts = {"loaded": True, "requests": 0, "shares": 0, "referrals": 0}
    window = clock.now() + datetime.timedelta(days=28)

    # 1. The trust asks the school; the school takes it on, decides to share, answers and shares.
    child = trust_children[0]
    asked = services.request_raise(
        actor=staff["trust.practitioner"],
        subject=child,
        to_agency=agencies["hollins"],
        purpose="Strategy discussion under section 47 tomorrow morning",
        information_needed="Attendance, and any concerns staff have noted this term",
        legal_basis="children_act_1989_s47",
        urgency="urgent",
    )
    teacher = staff["hollins.practitioner"]
    services.request_accept(actor=teacher, request=asked)
    decision = _share_decision(
        teacher, child, agencies["trust"], "Answer the trust's request for the strategy discussion"
    )
    services.request_answer(actor=teacher, request=asked, decision=decision)
    share = services.share_send(
        actor=teacher,
        decision=decision,
        kind=ShareKind.DISCLOSURE,
        items=[
            _item(
                "Attendance this term is 71%, with six late arrivals",
                days_ago=1,
                category=ItemCategory.EDUCATION,
                source="Attendance register",
            ),
            _item(
                "Appeared hungry at breakfast club on three mornings",
                days_ago=3,
                nature=ItemNature.OPINION,
                source="Breakfast club lead",
            ),
            _item(
                "A neighbour reported shouting late at night",
                days_ago=5,
                protected_role="neighbour",
                protected_identity="The neighbour at number 14",
                source="Telephone call to the school office",
            ),
        ],
        recipients=[services.RecipientDraft(agency=agencies["trust"])],
        access_until=window,
        consent_limits="Consent not sought: telling the family could increase the risk",
    )
    services.share_view_record(actor=staff["trust.practitioner"], share=share, channel="page")
    services.share_acknowledge(actor=staff["trust.practitioner"], share=share)
    counts["requests"] += 1
    counts["shares"] += 1

    # 2. The police ask the ICB; the ICB takes it on and decides not to share.
    child = police_children[0]
    declined = services.request_raise(
        actor=staff["police.practitioner"],
        subject=child,
        to_agency=agencies["icb"],
        purpose="Background for a welfare check",
        information_needed="Whether the child is registered with a GP",
        legal_basis="crime_and_disorder_act_1998_s115",
        urgency="routine",
    )
    clinician = staff["icb.practitioner"]
    services.request_accept(actor=clinician, request=declined)
    refusal = decision_record(
        actor=clinician,
        subject=child,
        draft=DecisionDraft(
            answers={
                **IDENTIFYING,
                "level_of_need": "early_help_2",
                "consent_early_help": "refused",
                "public_interest": "no",
            },
            outcome="not_share",
            purpose="Answer the police request about GP registration",
            rationale="No risk of significant harm is described and the family refused",
            information_considered="GP registration record",
            consent_state="refused",
        ),
    )
    services.request_answer(actor=clinician, request=declined, decision=refusal)
    counts["requests"] += 1

    # 3. Overdue: the council asked the family support service three weeks ago.
    three_weeks_ago = clock.now() - datetime.timedelta(days=21)
    with (
        mock.patch.object(clock, "now", return_value=three_weeks_ago),
        mock.patch.object(clock, "today", return_value=three_weeks_ago.date()),
    ):
        services.request_raise(
            actor=staff["council.practitioner"],
            subject=council_children[0],
            to_agency=agencies["harbour"],
            purpose="Review of the family's support plan",
            information_needed="Sessions attended since September",
            legal_basis="children_act_1989_s17",
            urgency="routine",
        )
    counts["requests"] += 1

    # 4. Open and not yet due: the council asks the school.
    services.request_raise(
        actor=staff["council.practitioner"],
        subject=council_children[1],
        to_agency=agencies["hollins"],
        purpose="Preparing an Early Help assessment",
        information_needed="Who collects the child from school",
        legal_basis="public_task",
        urgency="routine",
    )
    counts["requests"] += 1

    # 5. A child-protection file follows a child to the new school, due in 5 school days.
    mover = school_children[0]
    lead = staff["hollins.dsl"]
    transfer = _share_decision(
        lead, mover, agencies["brookfield"], "Transfer the child-protection file to the new school"
    )
    services.share_send(
        actor=lead,
        decision=transfer,
        kind=ShareKind.EXCHANGE,
        items=[
            _item(
                "Child protection plan since March; the plan and minutes attached",
                days_ago=10,
                source="Child-protection file",
            )
        ],
        recipients=[services.RecipientDraft(agency=agencies["brookfield"])],
        access_until=clock.now() + datetime.timedelta(days=90),
        is_file_transfer=True,
        # The new school keeps the file as its own: it needs the NHS number too.
        identity_fields=frozenset({"name", "date_of_birth", "nhs_number"}),
    )
    counts["shares"] += 1

    # 6. A same-day MASH referral to the trust's front door.
    services.referral_make(
        actor=lead,
        subject=school_children[1],
        harm_basis="likely",
        reason="A disclosure to a teaching assistant this morning",
        items=[
            _item(
                "Said they were scared to go home tonight",
                days_ago=0,
                source="Teaching assistant's written account",
            )
        ],
        # Telling the family first could put the child at more risk tonight.
        consent_state="not_sought",
        consent_not_sought_reason="increased_risk_of_significant_harm",
        lawful_basis="public_task",
    )
    counts["referrals"] += 1
    counts["shares"] += 1
    return counts

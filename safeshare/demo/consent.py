"""Demo consent: every part of consent a practitioner meets (issue #5).

Parents with parental responsibility consent with different scopes; a young
person of 16 or 17 consents for themselves (presumed able to decide); a child
under 16 consents after an assessment of their capacity; people refuse and say
why; a parent is assessed as lacking capacity, so the other parent is asked; a
competent child refuses where a parent consents, once still awaiting the
safeguarding lead and once with the lead's guidance recorded; a school shares
with two agencies under a parent's consent, the consent is withdrawn, and one
of the agencies records its decision on continued use; and most children's
families were told at first contact how each agency shares information, which
leaves a few on the "not yet told" lists.

Made through the consent, decisions and exchange services as the demo staff,
so every row is validated, sealed and in the ledger like real use. Each event
happens on its own day in the past: the clock is moved back for that call only
(as the demo exchange does for its overdue request), so a record's dates, its
recording time and its ledger entry agree. Where the generated families hold no
child of the age a story needs, one is added through the people services.
Idempotent: nothing is added once any consent exists. Fictional data only;
every choice is seeded.
"""

import datetime
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from unittest import mock

from django.db import transaction
from django.utils import timezone

from safeshare.agencies.models import Agency, AgencyType, User
from safeshare.casework.withdrawal import consent_withdraw_and_tell
from safeshare.consent.models import (
    CapacityAssessment,
    CapacityConclusion,
    ConflictOutcome,
    Consent,
    ConsentConflict,
    ConsentDecision,
    ConsentMethod,
    GiverRole,
    ItemCategory,
    NoticeMethod,
    RecipientPurpose,
    SharingPurpose,
)
from safeshare.consent.services.capacity import capacity_assess
from safeshare.consent.services.conflicts import conflict_guide
from safeshare.consent.services.consents import consent_record
from safeshare.consent.services.notices import notice_record
from safeshare.core import clock
from safeshare.decisions.models import Decision
from safeshare.decisions.services import DecisionDraft, decision_record
from safeshare.demo.people import BOYS, FAMILIES, GIRLS
from safeshare.exchange import services as exchange
from safeshare.exchange.models import ContinuedUseDecision, ItemNature, ShareKind, ViewChannel
from safeshare.people import identity as ident
from safeshare.people.models import Involvement, Person, PersonKind, RelationshipType
from safeshare.people.selectors import parental_responsibility_holders
from safeshare.people.services.people import person_create
from safeshare.people.services.relationships import relationship_record

SEED = 20260505
NOTICE_SKIP_CHANCE = 0.2  # families not yet told, so the "not yet told" lists have entries
WINDOW_DAYS = 60  # the stories happen within this many days before today
WINDOW = datetime.timedelta(days=WINDOW_DAYS)
EARLY_HELP_WITH_CONSENT = {
    "purpose": "yes",
    "anonymised_suffices": "no",
    "identifies": "yes",
    "legal_requirement": "no",
    "level_of_need": "early_help_2",
    "consent_early_help": "given",
}


@dataclass(frozen=True)
class _Child:
    person: Person
    age: int  # today
    age_then: int  # WINDOW_DAYS ago, when the earliest story starts
    agencies: tuple[str, ...]  # codes of the agencies working with the child now
    holders: tuple[Person, ...]  # people with parental responsibility


@contextmanager
def _clock_at(moment: datetime.datetime) -> Iterator[None]:
    """Record as if at `moment` (for one call: its row and its ledger entry)."""
    with (
        mock.patch.object(clock, "now", return_value=moment),
        mock.patch.object(clock, "today", return_value=timezone.localdate(moment)),
    ):
        yield


def _dob_for_age(today: datetime.date, age: int) -> datetime.date:
    """A date of birth making a child `age` today and since before the stories start."""
    return today - datetime.timedelta(days=age * 365 + age // 4 + WINDOW_DAYS + 30)


@dataclass
class _Loader:
    agencies: dict[str, Agency]
    rng: random.Random
    today: datetime.date
    children: list[_Child] = field(default_factory=list)
    taken: set = field(default_factory=set)  # children and parents already in a story
    lacking: set = field(default_factory=set)  # parents assessed as lacking capacity
    asked_on: dict = field(default_factory=dict)  # (child, agency code): first day asked
    users: dict[str, User] = field(default_factory=dict)
    counts: dict[str, int] = field(
        default_factory=lambda: {
            "consents": 0,
            "refusals": 0,
            "capacity_assessments": 0,
            "conflicts": 0,
            "conflicts_guided": 0,
            "decisions": 0,
            "shares": 0,
            "withdrawals": 0,
            "continued_uses": 0,
            "notices": 0,
            "people_added": 0,
        }
    )

    def user(self, code: str, suffix: str = "practitioner") -> User:
        name = f"{code}.{suffix}"
        if name not in self.users:
            self.users[name] = User.objects.get(username=name)
        return self.users[name]

    def at(self, days_ago: int, hour: int = 10) -> datetime.datetime:
        """A moment in the past, in the partnership's time zone, on the given day."""
        day = self.today - datetime.timedelta(days=days_ago)
        local = datetime.datetime.combine(day, datetime.time(hour))
        return timezone.make_aware(local).astimezone(datetime.UTC)

    def load_children(self) -> None:
        """The generated children, oldest record first, each with age, agencies and holders.
        The demo decisions' children keep to their own stories."""
        self.taken = set(
            Decision.objects.filter(subject__isnull=False).values_list("subject", flat=True)
        )
        involvements: dict = {}
        for person_id, code in Involvement.objects.filter(
            ended_on__isnull=True, person__kind=PersonKind.CHILD
        ).values_list("person_id", "agency__code"):
            involvements.setdefault(person_id, []).append(code)
        people = Person.objects.filter(kind=PersonKind.CHILD, shredded_at__isnull=True).order_by(
            "created_at", "id"
        )
        then = self.today - datetime.timedelta(days=WINDOW_DAYS)
        for person in people:
            identity = ident.read_identity(person)
            self.children.append(
                _Child(
                    person=person,
                    age=identity.age_on(self.today),
                    age_then=identity.age_on(then),
                    agencies=tuple(sorted(involvements.get(person.pk, []))),
                    holders=tuple(parental_responsibility_holders(child=person)),
                )
            )

    def pick(
        self, *, codes: list[str], ages: tuple[int, int] = (0, 17), holders: int = 1
    ) -> tuple[_Child, str]:
        """The first unused child of that age, with that many people holding parental
        responsibility, worked with by one of the agencies (the first one listed wins).
        Each family is in one story only: a parent's capacity or consent for one child
        does not spill into a sibling's story."""
        low, high = ages
        for child in self.children:
            family = {child.person.pk, *(p.pk for p in child.holders)}
            if family & self.taken or len(child.holders) < holders:
                continue
            if child.age_then < low or child.age > high:
                continue
            for code in codes:
                if code in child.agencies:
                    self.taken |= family
                    return child, code
        child = self.add_child(code=codes[0], ages=ages, holders=holders)
        self.taken |= {child.person.pk, *(p.pk for p in child.holders)}
        return child, codes[0]

    def add_child(self, *, code: str, ages: tuple[int, int], holders: int) -> _Child:
        """A child of that age at the agency, with a mother (and a father) holding parental
        responsibility: the generated families hold none that fits the story."""
        actor = self.user(code)
        agency = self.agencies[code]
        school = agency.agency_type == AgencyType.SCHOOL
        age = min(max(ages[0], 7 if school else 3), ages[1])  # a pupil is of school age
        rng = self.rng
        surname = rng.choice(FAMILIES)
        dob = _dob_for_age(self.today, age)
        # Known to the agency since before the stories start, like the generated children.
        with mock.patch.object(clock, "today", return_value=self.today - WINDOW):
            person = person_create(
                actor=actor,
                agency=agency,
                kind=PersonKind.CHILD,
                given_name=rng.choice(GIRLS + BOYS),
                family_name=surname,
                date_of_birth=dob,
                involvement_reason="Pupil" if school else "Family support",
            )
        parents = []
        for names, relationship_type in (
            (GIRLS, RelationshipType.MOTHER),
            (BOYS, RelationshipType.FATHER),
        )[: max(holders, 1)]:
            parent = person_create(
                actor=actor,
                agency=agency,
                kind=PersonKind.PARENT_CARER,
                given_name=rng.choice(names),
                family_name=surname,
                date_of_birth=dob - datetime.timedelta(days=rng.randint(22, 38) * 365),
                involvement_reason="Parent or carer",
            )
            relationship_record(
                actor=actor,
                person=person,
                related_person=parent,
                relationship_type=relationship_type,
                has_parental_responsibility=True,
            )
            parents.append(parent)
        self.counts["people_added"] += 1 + len(parents)
        child = _Child(person, age, age, (code,), tuple(parents))
        self.children.append(child)
        return child

    def asked(self, child: _Child, code: str, day: datetime.date) -> None:
        key = (child.person.pk, code)
        self.asked_on[key] = min(day, self.asked_on.get(key, day))

    def record(
        self,
        *,
        code: str,
        child: _Child,
        given_by: Person,
        days_ago: int,
        method: str,
        categories: list[str],
        purposes: list[str],
        recipients: tuple[str, ...] = (),
        recipient_types: tuple[str, ...] = (),
        recipient_purposes: tuple[str, ...] = (),
        refused: bool = False,
        evidence: str = "",
        reasons: str = "",
        expires_in_days: int | None = None,
        assessment: CapacityAssessment | None = None,
    ) -> Consent:
        """A consent or a refusal, recorded by the agency's practitioner on the day."""
        moment = self.at(days_ago)
        day = timezone.localdate(moment)
        self.asked(child, code, day)
        with _clock_at(moment + datetime.timedelta(minutes=30)):
            record = consent_record(
                actor=self.user(code),
                child=child.person,
                given_by=given_by,
                giver_role=GiverRole.CHILD
                if given_by.pk == child.person.pk
                else GiverRole.PARENTAL_RESPONSIBILITY,
                decision=ConsentDecision.REFUSED if refused else ConsentDecision.GIVEN,
                given_at=moment,
                method=method,
                categories=categories,
                purposes=purposes,
                recipient_agencies=[self.agencies[c] for c in recipients],
                recipient_agency_types=list(recipient_types),
                recipient_purposes=list(recipient_purposes),
                explained_information=True,
                explained_purposes=True,
                explained_recipients=True,
                explained_recipient_purposes=True,
                freely_given=True,
                informed=True,
                explicit=True,
                evidence=evidence,
                reasons=reasons,
                review_on=day + datetime.timedelta(days=182),
                expires_on=day + datetime.timedelta(days=expires_in_days)
                if expires_in_days
                else None,
                capacity_assessment=assessment,
            )
        self.counts["refusals" if refused else "consents"] += 1
        return record

    def assess(
        self, *, code: str, child: _Child, person: Person, days_ago: int, able: bool, notes: str
    ) -> CapacityAssessment:
        moment = self.at(days_ago, hour=9)
        self.asked(child, code, timezone.localdate(moment))
        with _clock_at(moment + datetime.timedelta(minutes=45)):
            assessment = capacity_assess(
                actor=self.user(code, "dsl"),
                child=child.person,
                person=person,
                assessed_at=moment,
                conclusion=CapacityConclusion.HAS_CAPACITY
                if able
                else CapacityConclusion.LACKS_CAPACITY,
                notes=notes,
            )
        self.counts["capacity_assessments"] += 1
        return assessment


def _parents_consent(loader: _Loader) -> None:
    """Consents from people with parental responsibility, each with its own scope."""
    child, code = loader.pick(codes=["harbour"], ages=(0, 11))
    loader.record(
        code=code,
        child=child,
        given_by=child.holders[0],
        days_ago=41,
        method=ConsentMethod.WRITTEN,
        categories=[ItemCategory.FAMILY, ItemCategory.EDUCATION, ItemCategory.SERVICES],
        purposes=[SharingPurpose.EARLY_HELP_ASSESSMENT, SharingPurpose.RECEIVE_SERVICE],
        recipient_types=(AgencyType.SCHOOL,),
        recipient_purposes=(RecipientPurpose.PROVIDE_SUPPORT, RecipientPurpose.ASSESSMENT),
        evidence="Signed Early Help consent form, scanned to the family's file",
    )
    child, code = loader.pick(codes=["icb"])
    loader.record(
        code=code,
        child=child,
        given_by=child.holders[0],
        days_ago=37,
        method=ConsentMethod.ELECTRONIC,
        categories=[ItemCategory.IDENTITY, ItemCategory.HEALTH],
        purposes=[SharingPurpose.HEALTH_CARE, SharingPurpose.UNDERSTAND_NEEDS],
        recipients=("trust",),
        recipient_purposes=(RecipientPurpose.ASSESSMENT, RecipientPurpose.PROVIDE_SUPPORT),
        evidence="Consent form completed through the health visiting service's portal",
        expires_in_days=365,
    )
    child, code = loader.pick(codes=["trust"])
    loader.record(
        code=code,
        child=child,
        given_by=child.holders[0],
        days_ago=29,
        method=ConsentMethod.VERBAL,
        categories=[
            ItemCategory.FAMILY,
            ItemCategory.SAFEGUARDING,
            ItemCategory.SERVICES,
            ItemCategory.RISK,
        ],
        purposes=[SharingPurpose.SAFEGUARDING, SharingPurpose.UNDERSTAND_NEEDS],
        recipient_types=(
            AgencyType.LOCAL_AUTHORITY,
            AgencyType.POLICE,
            AgencyType.INTEGRATED_CARE_BOARD,
        ),
        recipient_purposes=(RecipientPurpose.SAFEGUARDING, RecipientPurpose.DETECTION_OF_CRIME),
        evidence="Agreed at the home visit; the worker read the scope back and noted it",
    )


def _refusals(loader: _Loader) -> None:
    """Refusals recorded as fully as consents, with the person's reasons."""
    child, code = loader.pick(codes=["icb"])
    loader.record(
        code=code,
        child=child,
        given_by=child.holders[0],
        days_ago=33,
        method=ConsentMethod.VERBAL,
        categories=[ItemCategory.HEALTH],
        purposes=[SharingPurpose.UNDERSTAND_NEEDS],
        recipients=("police",),
        refused=True,
        reasons="Does not want health records passed to the police; happy to keep talking "
        "to the health visitor",
    )
    child, code = loader.pick(codes=["harbour"])
    loader.record(
        code=code,
        child=child,
        given_by=child.holders[0],
        days_ago=19,
        method=ConsentMethod.WRITTEN,
        categories=[ItemCategory.FAMILY, ItemCategory.SERVICES],
        purposes=[SharingPurpose.EARLY_HELP_ASSESSMENT],
        recipient_types=(AgencyType.SCHOOL,),
        refused=True,
        reasons="Would rather tell the school about the family's support themselves",
    )


def _own_consents(loader: _Loader) -> None:
    """A young person of 16 or 17, presumed able; a child under 16 after an assessment."""
    child, code = loader.pick(codes=["icb", "trust", "brookfield"], ages=(16, 17))
    loader.record(
        code=code,
        child=child,
        given_by=child.person,
        days_ago=16,
        method=ConsentMethod.ELECTRONIC,
        categories=[ItemCategory.HEALTH, ItemCategory.EDUCATION],
        purposes=[SharingPurpose.HEALTH_CARE, SharingPurpose.EDUCATION_SUPPORT],
        recipient_types=(AgencyType.SCHOOL, AgencyType.COMMISSIONED_SERVICE),
        recipient_purposes=(RecipientPurpose.PROVIDE_SUPPORT,),
        evidence="Replied to the consent request by secure message",
    )
    child, code = loader.pick(codes=["brookfield"], ages=(13, 15))
    assessment = loader.assess(
        code=code,
        child=child,
        person=child.person,
        days_ago=27,
        able=True,
        notes="Explained who would be told, why, and what they might do with it; they "
        "described it back in their own words and weighed up saying no",
    )
    loader.record(
        code=code,
        child=child,
        given_by=child.person,
        days_ago=26,
        method=ConsentMethod.WRITTEN,
        categories=[ItemCategory.EDUCATION, ItemCategory.SERVICES],
        purposes=[SharingPurpose.EDUCATION_SUPPORT, SharingPurpose.RECEIVE_SERVICE],
        recipients=("harbour",),
        recipient_purposes=(RecipientPurpose.PROVIDE_SUPPORT,),
        evidence="Signed the school's consent form with the pastoral lead",
        assessment=assessment,
    )


def _parent_lacking_capacity(loader: _Loader) -> None:
    """One parent cannot decide now, so the other person with parental responsibility does."""
    child, code = loader.pick(codes=["trust", "harbour", "council"], holders=2)
    loader.lacking.add(child.holders[0].pk)
    loader.assess(
        code=code,
        child=child,
        person=child.holders[0],
        days_ago=25,
        able=False,
        notes="In hospital and not able at present to weigh up what sharing would mean; "
        "to be assessed again on discharge",
    )
    loader.record(
        code=code,
        child=child,
        given_by=child.holders[1],
        days_ago=24,
        method=ConsentMethod.WRITTEN,
        categories=[ItemCategory.FAMILY, ItemCategory.SERVICES],
        purposes=[SharingPurpose.RECEIVE_SERVICE, SharingPurpose.UNDERSTAND_NEEDS],
        recipient_types=(AgencyType.SCHOOL, AgencyType.INTEGRATED_CARE_BOARD),
        recipient_purposes=(RecipientPurpose.PROVIDE_SUPPORT, RecipientPurpose.ASSESSMENT),
        evidence="Signed consent form",
    )


def _conflicts(loader: _Loader) -> None:
    """A competent child refuses where a parent consents: once guided, once still open."""
    # Guided: a child under 16 assessed as able refuses health information going on.
    child, code = loader.pick(codes=["harbour", "brookfield"], ages=(13, 15))
    assessment = loader.assess(
        code=code,
        child=child,
        person=child.person,
        days_ago=36,
        able=True,
        notes="Understood what would be shared and with whom, and the choice to refuse",
    )
    consent = loader.record(
        code=code,
        child=child,
        given_by=child.holders[0],
        days_ago=35,
        method=ConsentMethod.WRITTEN,
        categories=[ItemCategory.FAMILY, ItemCategory.HEALTH, ItemCategory.SERVICES],
        purposes=[SharingPurpose.UNDERSTAND_NEEDS, SharingPurpose.RECEIVE_SERVICE],
        recipients=("trust",),
        recipient_types=(AgencyType.INTEGRATED_CARE_BOARD,),
        recipient_purposes=(RecipientPurpose.ASSESSMENT, RecipientPurpose.PROVIDE_SUPPORT),
        evidence="Signed consent form",
    )
    refusal = loader.record(
        code=code,
        child=child,
        given_by=child.person,
        days_ago=32,
        method=ConsentMethod.VERBAL,
        categories=[ItemCategory.HEALTH],
        purposes=[SharingPurpose.RECEIVE_SERVICE],
        recipients=("icb",),
        refused=True,
        reasons="Wants to talk to the school nurse themselves before anyone else is told",
        assessment=assessment,
    )
    conflict = ConsentConflict.objects.get(consent=consent, refusal=refusal)
    loader.counts["conflicts"] += 1
    with _clock_at(loader.at(30, hour=15)):
        conflict_guide(
            actor=loader.user(code, "dsl"),
            conflict=conflict,
            guidance="Met the young person and their parent together. The young person "
            "understands the choice, so their refusal about health information stands; "
            "family and services information may still be shared as the parent agreed.",
            outcome=ConflictOutcome.REFUSAL_STANDS,
        )
    loader.counts["conflicts_guided"] += 1

    # Open: a young person of 16 or 17 refuses; the safeguarding lead has not yet advised.
    child, code = loader.pick(codes=["brookfield", "trust", "icb"], ages=(16, 17))
    consent = loader.record(
        code=code,
        child=child,
        given_by=child.holders[0],
        days_ago=21,
        method=ConsentMethod.WRITTEN,
        categories=[ItemCategory.FAMILY, ItemCategory.EDUCATION, ItemCategory.SERVICES],
        purposes=[SharingPurpose.EDUCATION_SUPPORT, SharingPurpose.RECEIVE_SERVICE],
        recipients=("harbour",),
        recipient_types=(AgencyType.LOCAL_AUTHORITY,),
        recipient_purposes=(RecipientPurpose.PROVIDE_SUPPORT, RecipientPurpose.ASSESSMENT),
        evidence="Signed consent form returned by post",
    )
    loader.record(
        code=code,
        child=child,
        given_by=child.person,
        days_ago=14,
        method=ConsentMethod.VERBAL,
        categories=[ItemCategory.FAMILY],
        purposes=[SharingPurpose.RECEIVE_SERVICE],
        recipients=("harbour",),
        refused=True,
        reasons="Does not want a family support worker told about home; is happy for "
        "help with coursework",
    )
    loader.counts["conflicts"] += 1


def _share_then_withdrawal(loader: _Loader) -> None:
    """A school shares under a parent's consent with two agencies; the parent withdraws
    it; each recipient sees the withdrawal and one records its decision on continued use."""
    child, code = loader.pick(codes=["hollins"])
    teacher = loader.user(code)
    consent = loader.record(
        code=code,
        child=child,
        given_by=child.holders[0],
        days_ago=31,
        method=ConsentMethod.WRITTEN,
        categories=[ItemCategory.FAMILY, ItemCategory.EDUCATION, ItemCategory.SERVICES],
        purposes=[SharingPurpose.RECEIVE_SERVICE, SharingPurpose.EDUCATION_SUPPORT],
        recipients=("harbour",),
        recipient_types=(AgencyType.LOCAL_AUTHORITY,),
        recipient_purposes=(RecipientPurpose.PROVIDE_SUPPORT, RecipientPurpose.ASSESSMENT),
        evidence="Signed at the meeting with the class teacher; copy given to the parent",
    )
    sent = loader.at(10, hour=11)
    with _clock_at(sent):
        decision = decision_record(
            actor=teacher,
            subject=child.person,
            draft=DecisionDraft(
                answers=dict(EARLY_HELP_WITH_CONSENT),
                outcome="share",
                purpose="Ask the family support service and the council's Early Help team to "
                "help the family with mornings and attendance",
                rationale="The parent asked for this help and agreed in writing to the sharing",
                information_considered="Attendance this term and the notes of the parent meeting",
                lawful_basis="public_task",
                special_category_condition="safeguarding_children_and_individuals_at_risk",
                consent_state="given",
                consent=consent,
                purpose_code=SharingPurpose.RECEIVE_SERVICE,
                recipient_agencies=[loader.agencies["harbour"], loader.agencies["council"]],
            ),
        )
        share = exchange.share_send(
            actor=teacher,
            decision=decision,
            kind=ShareKind.DISCLOSURE,
            items=[
                _item(
                    ItemCategory.EDUCATION,
                    "Attendance this term is 84%, with late arrivals on most Mondays",
                    "Attendance register",
                    days_ago=11,
                ),
                _item(
                    ItemCategory.FAMILY,
                    "The parent works early shifts and the older sibling brings the child in",
                    "Meeting with the parent",
                    days_ago=12,
                ),
                _item(
                    ItemCategory.SERVICES,
                    "The school offered a breakfast club place from next half-term",
                    "Pastoral notes",
                    days_ago=12,
                ),
            ],
            recipients=[
                exchange.RecipientDraft(agency=loader.agencies["harbour"]),
                exchange.RecipientDraft(agency=loader.agencies["council"]),
            ],
            access_until=sent + datetime.timedelta(days=90),
            consent_limits="Shared with the parent's written consent, for support to the "
            "family only; not to be shared further",
        )
    loader.counts["decisions"] += 1
    loader.counts["shares"] += 1
    with _clock_at(loader.at(9, hour=14)):
        exchange.share_view_record(
            actor=loader.user("harbour"), share=share, channel=ViewChannel.PAGE
        )
    withdrawn = loader.at(4, hour=16)
    with _clock_at(withdrawn + datetime.timedelta(minutes=20)):
        consent_withdraw_and_tell(
            actor=teacher,
            consent=consent,
            withdrawn_at=withdrawn,
            method=ConsentMethod.VERBAL,
            reasons="The family now has the help it needs from relatives",
        )
    loader.counts["withdrawals"] += 1
    with _clock_at(loader.at(2, hour=12)):
        exchange.continued_use_record(
            actor=loader.user("harbour"),
            share=share,
            decision=ContinuedUseDecision.STOP_USING,
            reasons="No work with the family had started; the information is restricted and "
            "will not be used",
        )
    loader.counts["continued_uses"] += 1


def _item(category: str, content: str, source: str, *, days_ago: int) -> exchange.ItemDraft:
    return exchange.ItemDraft(
        category=category,
        content=content,
        nature=ItemNature.FACT,
        source=source,
        dated_on=clock.today() - datetime.timedelta(days=days_ago),
        checked_accurate=True,
    )


def _notices(loader: _Loader) -> None:
    """The notice at first contact (Protocol 6.2) for most children, by each agency working
    with them: told to a parent for a young child, to the child from 12. Families asked
    for consent above were always told; some others not yet."""
    children = {c.person.pk: c for c in loader.children}
    involvements = (
        Involvement.objects.filter(
            ended_on__isnull=True,
            person__kind=PersonKind.CHILD,
            person__shredded_at__isnull=True,
        )
        .select_related("agency", "person")
        .order_by("person__created_at", "person_id", "agency__code")
    )
    skipped: dict = {}
    told: set = set()
    for involvement in involvements:
        child = children.get(involvement.person_id)
        if child is None:
            continue
        if child.person.pk not in skipped:
            skipped[child.person.pk] = (
                child.person.pk not in loader.taken and loader.rng.random() < NOTICE_SKIP_CHANCE
            )
        if skipped[child.person.pk]:
            continue
        code = involvement.agency.code
        actor = loader.user(code)
        able = [p for p in child.holders if p.pk not in loader.lacking]
        parent = able[0] if child.age < 12 and able else None
        method = loader.rng.choice(NoticeMethod.values)
        # Told at first contact, and at the latest when first asked for consent.
        told_on = min(
            involvement.started_on,
            loader.asked_on.get((child.person.pk, code), involvement.started_on),
        )
        notice_record(
            actor=actor, person=child.person, told_on=told_on, method=method, told_to=parent
        )
        loader.counts["notices"] += 1
        if parent is not None and (parent.pk, code) not in told:
            works_with = parent.involvements.filter(agency=involvement.agency, ended_on=None)
            if works_with.exists():
                notice_record(actor=actor, person=parent, told_on=told_on, method=method)
                loader.counts["notices"] += 1
            told.add((parent.pk, code))


@transaction.atomic
def demo_consent_load(*, agencies: dict[str, Agency]) -> dict:
    """Load the demo's consent stories and notices (skipped once any consent exists).

    ``agencies`` maps demo codes to agencies; the demo staff `<code>.practitioner` and
    `<code>.dsl` record everything.
    """
    if Consent.objects.exists():
        return {"loaded": False}
    loader = _Loader(agencies=agencies, rng=random.Random(SEED), today=clock.today())
    loader.load_children()
    _parents_consent(loader)
    _refusals(loader)
    _own_consents(loader)
    _parent_lacking_capacity(loader)
    _conflicts(loader)
    _share_then_withdrawal(loader)
    _notices(loader)
    return {"loaded": True, **loader.counts}

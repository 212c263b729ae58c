"""The demo partnership's children and families, generated deterministically.

Every name is drawn from small invented lists and combined at random, so no
record describes a real person. NHS numbers come from the range the NHS
reserves for testing (999 000 0000 to 999 999 9999) with valid check digits.
Dates of birth are set relative to today so the children stay children.
Everything is written through ``people.services``, so the ledger records it all
under the system actor given.
"""

import datetime
import random
from dataclasses import dataclass, field
from unittest import mock

from django.db import transaction

from safeshare.agencies.models import Agency
from safeshare.core import clock, crypto
from safeshare.people import identity as ident
from safeshare.people.models import Person, PersonKind, RelationshipType
from safeshare.people.services.involvements import involvement_start
from safeshare.people.services.people import person_create
from safeshare.people.services.relationships import relationship_record

SEED = 20260503
TARGET_CHILDREN = 50

GIRLS = [
    "Amelie", "Bryony", "Carys", "Delphine", "Elowen", "Freya", "Greer", "Hattie",
    "Isla", "Jessamy", "Kezia", "Lowri", "Maisie", "Niamh", "Orla", "Peony",
    "Róisín", "Siân", "Tamsin", "Wren", "Zoë",
]  # fmt: skip
BOYS = [
    "Alfie", "Bram", "Caspian", "Dai", "Ellis", "Fenn", "Gethin", "Huw", "Idris",
    "Jago", "Kit", "Lorcan", "Micah", "Nye", "Otis", "Piran", "Rafe", "Sol", "Tobias",
]  # fmt: skip
FAMILIES = [
    "Ashcombe", "Brindlecott", "Carrowmere", "Dunstable-Hale", "Everleigh", "Fallowby",
    "Gorsebrook", "Hazeldine", "Ivelthorpe", "Kestrelle", "Larchwood", "Millbury",
    "Nettlefold", "O'Callaghan-Rhys", "Pellworth", "Quenby", "Rookhaven", "Saltonby",
    "Thistlewood", "Underhay", "Vellacott", "Wrexley", "Yarrowdale", "Zennor-Price",
]  # fmt: skip

# (description, weight): how the adults around the children are arranged.
HOUSEHOLDS = [
    ("married parents", 5),
    ("mother, father without parental responsibility", 4),
    ("mother and step-father, father elsewhere", 3),
    ("grandmother as special guardian", 2),
    ("foster carer, mother keeps responsibility", 2),
    ("single father", 2),
    ("two mothers", 1),
]

SCHOOL_PRIMARY, SCHOOL_SECONDARY = "hollins", "brookfield"
LEAD_AGENCIES = ["trust", "harbour", "council", "icb"]
EXTRA_AGENCIES = [("icb", 0.35), ("trust", 0.25), ("police", 0.12), ("harbour", 0.15)]


@dataclass
class _Loader:
    agencies: dict[str, Agency]
    actor_ref: str
    rng: random.Random
    today: datetime.date
    nhs_rng: random.Random = field(default_factory=lambda: random.Random(SEED + 1))
    used_nhs: set[str] = field(default_factory=set)
    counts: dict[str, int] = field(
        default_factory=lambda: {
            "people": 0,
            "children": 0,
            "relationships": 0,
            "involvements": 0,
        }
    )

    def agency(self, code: str, fallback: str = "trust") -> Agency:
        return self.agencies.get(code) or self.agencies[fallback]

    def nhs_number(self) -> str:
        while True:
            first_nine = f"999{self.nhs_rng.randrange(1_000_000):06d}"
            check = crypto.nhs_number_check_digit(first_nine)
            number = f"{first_nine}{check}"
            if check is not None and number not in self.used_nhs and len(set(number)) > 1:
                self.used_nhs.add(number)
                return number

    def person(
        self,
        *,
        kind: str,
        given: str,
        family: str,
        dob: datetime.date,
        agency: Agency,
        nhs_known: bool,
        reason: str,
    ) -> Person:
        # Known to the agency for a year (or since birth), so the demo's stories, dated
        # in the weeks before today, come after the involvement began.
        known_since = max(dob, self.today - datetime.timedelta(days=365))
        with mock.patch.object(clock, "today", return_value=known_since):
            person = person_create(
                actor=None,
                actor_ref=self.actor_ref,
                agency=agency,
                kind=kind,
                given_name=given,
                family_name=family,
                date_of_birth=dob,
                nhs_number=self.nhs_number() if nhs_known or not self.counts["people"] else None,
                involvement_reason=reason,
            )
        self.counts["people"] += 1
        self.counts["involvements"] += 1
        if kind == PersonKind.CHILD:
            self.counts["children"] += 1
        return person

    def involve(self, person: Person, code: str, dob: datetime.date, reason: str) -> None:
        agency = self.agency(code)
        if person.involvements.filter(agency=agency, ended_on__isnull=True).exists():
            return
        earliest = max(dob, self.today - datetime.timedelta(days=3 * 365))
        span = max((self.today - earliest).days, 0)
        involvement_start(
            actor=None,
            actor_ref=self.actor_ref,
            agency=agency,
            person=person,
            started_on=earliest + datetime.timedelta(days=self.rng.randint(0, span)),
            reason=reason,
        )
        self.counts["involvements"] += 1

    def relate(
        self, child: Person, adult: Person, relationship_type: str, *, pr: bool = False
    ) -> None:
        relationship_record(
            actor=None,
            actor_ref=self.actor_ref,
            person=child,
            related_person=adult,
            relationship_type=relationship_type,
            has_parental_responsibility=pr,
        )
        self.counts["relationships"] += 1

    def adult_dob(self, oldest_child: datetime.date, low: int, high: int) -> datetime.date:
        years = self.rng.randint(low, high)
        return oldest_child - datetime.timedelta(days=years * 365 + self.rng.randint(0, 364))

    def family(self, surname: str) -> None:
        rng = self.rng
        lead = rng.choice(LEAD_AGENCIES)
        household = rng.choices([h for h, _ in HOUSEHOLDS], [w for _, w in HOUSEHOLDS])[0]
        children: list[tuple[Person, datetime.date]] = []
        for _ in range(rng.choice([1, 1, 2, 2, 3])):
            dob = self.today - datetime.timedelta(days=rng.randint(60, 17 * 365 + 300))
            age = ident.age_on(dob, self.today)
            school = SCHOOL_PRIMARY if 4 <= age <= 10 else SCHOOL_SECONDARY if age >= 11 else None
            given = rng.choice(GIRLS if rng.random() < 0.5 else BOYS)
            child = self.person(
                kind=PersonKind.CHILD,
                given=given,
                family=surname,
                dob=dob,
                agency=self.agency(school or lead),
                nhs_known=rng.random() < 0.92,
                reason="Pupil" if school else "Family support",
            )
            if school:
                self.involve(child, lead, dob, "Family support")
            for code, chance in EXTRA_AGENCIES:
                if rng.random() < chance:
                    self.involve(child, code, dob, "Health, police or early help")
            children.append((child, dob))
        # Siblings: each pair once, each child related to those recorded before.
        for index, (child, _dob) in enumerate(children):
            for older, _ in children[:index]:
                self.relate(child, older, RelationshipType.SIBLING)
        oldest = min(dob for _, dob in children)

        def adult(
            given: str,
            family: str = surname,
            *,
            kind: str = PersonKind.PARENT_CARER,
            low: int = 19,
            high: int = 38,
            code: str = lead,
        ) -> Person:
            return self.person(
                kind=kind,
                given=given,
                family=family,
                dob=self.adult_dob(oldest, low, high),
                agency=self.agency(code),
                nhs_known=rng.random() < 0.7,
                reason="Parent or carer" if kind == PersonKind.PARENT_CARER else "Family network",
            )

        links: list[tuple[Person, str, bool]] = []
        if household == "married parents":
            links += [(adult(rng.choice(GIRLS)), RelationshipType.MOTHER, True)]
            links += [(adult(rng.choice(BOYS)), RelationshipType.FATHER, True)]
        elif household == "mother, father without parental responsibility":
            links += [(adult(rng.choice(GIRLS)), RelationshipType.MOTHER, True)]
            father = adult(rng.choice(BOYS), rng.choice(FAMILIES))
            links += [(father, RelationshipType.FATHER, False)]
        elif household == "mother and step-father, father elsewhere":
            links += [(adult(rng.choice(GIRLS)), RelationshipType.MOTHER, True)]
            links += [
                (adult(rng.choice(BOYS), rng.choice(FAMILIES)), RelationshipType.FATHER, True)
            ]
            step = adult(rng.choice(BOYS), rng.choice(FAMILIES))
            links += [(step, RelationshipType.STEP_PARENT, False)]
        elif household == "grandmother as special guardian":
            gran = adult(rng.choice(GIRLS), low=40, high=60)
            links += [(gran, RelationshipType.SPECIAL_GUARDIAN, True)]
            links += [(gran, RelationshipType.GRANDPARENT, False)]
            links += [(adult(rng.choice(GIRLS)), RelationshipType.MOTHER, True)]
        elif household == "foster carer, mother keeps responsibility":
            # The local authority shares parental responsibility under a care order;
            # the foster carer holds none.
            carer = adult(rng.choice(GIRLS), rng.choice(FAMILIES), low=30, high=55, code="trust")
            links += [(carer, RelationshipType.FOSTER_CARER, False)]
            links += [(adult(rng.choice(GIRLS)), RelationshipType.MOTHER, True)]
        elif household == "single father":
            links += [(adult(rng.choice(BOYS)), RelationshipType.FATHER, True)]
        else:  # two mothers
            links += [(adult(rng.choice(GIRLS)), RelationshipType.MOTHER, True)]
            links += [
                (adult(rng.choice(GIRLS), rng.choice(FAMILIES)), RelationshipType.PARENT, True)
            ]
        # Sometimes the wider network: an aunt or uncle, or a parent's new partner.
        if rng.random() < 0.25:
            relative = adult(
                rng.choice(GIRLS + BOYS), kind=PersonKind.FAMILY_MEMBER, low=18, high=45
            )
            links += [(relative, RelationshipType.AUNT_UNCLE, False)]
        if rng.random() < 0.15:
            partner = adult(
                rng.choice(BOYS + GIRLS),
                rng.choice(FAMILIES),
                kind=PersonKind.THIRD_PARTY,
                code=rng.choice(["police", lead]),
            )
            links += [(partner, RelationshipType.PARTNER_OF_PARENT, False)]
        for child, _dob in children:
            for person, relationship_type, pr in links:
                self.relate(child, person, relationship_type, pr=pr)


def _first_nhs_number() -> str:
    """The NHS number the loader gives its first person (NHS numbers have their own stream)."""
    return _Loader({}, "", random.Random(SEED), clock.today()).nhs_number()


@transaction.atomic
def demo_people_load(*, agencies: dict[str, Agency], actor_ref: str) -> dict:
    """Create about 50 children with their families and agencies' involvements.

    ``agencies`` maps demo codes (council, trust, icb, police, hollins,
    brookfield, harbour) to agencies. Idempotent: when the people are already
    there, nothing is written and ``loaded`` is False.
    """
    # The first person always gets the stream's first NHS number: finding it means
    # the people were loaded before.
    if Person.objects.filter(nhs_number_index=ident.nhs_number_index(_first_nhs_number())).exists():
        return {"loaded": False, "people": 0, "children": 0, "relationships": 0, "involvements": 0}
    loader = _Loader(agencies, actor_ref, random.Random(SEED), clock.today())
    surnames = list(FAMILIES)
    loader.rng.shuffle(surnames)
    index = 0
    while loader.counts["children"] < TARGET_CHILDREN:
        loader.family(surnames[index % len(surnames)])
        index += 1
    return {"loaded": True, **loader.counts}

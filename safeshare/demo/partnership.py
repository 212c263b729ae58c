"""The fictional demo partnership, generated deterministically.

Every name and identifier here is invented. Loaded by `safeshare demo load`,
which `make demo` runs; it refuses to run unless SAFESHARE_DEMO is set.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction

from safeshare.agencies.models import (
    Agency,
    AgencyType,
    Membership,
    PartnerStatus,
    Role,
    RoleGrant,
    User,
)
from safeshare.agencies.services import agency_save
from safeshare.demo.consent import demo_consent_load
from safeshare.demo.decisions import demo_decisions_load
from safeshare.demo.exchange import demo_exchange_load
from safeshare.demo.people import demo_people_load
from safeshare.ledger.services import system_actor_ref

DEMO_PASSWORD = "demo-password-not-for-real-use"

AGENCIES = [
    (
        "Eastmoor Metropolitan Borough Council",
        "council",
        AgencyType.LOCAL_AUTHORITY,
        PartnerStatus.STATUTORY_PARTNER,
        False,
    ),
    (
        "Eastmoor Children's Trust",
        "trust",
        AgencyType.CHILDRENS_TRUST,
        PartnerStatus.STATUTORY_PARTNER,
        True,
    ),
    (
        "Eastmoor and Vale Integrated Care Board",
        "icb",
        AgencyType.INTEGRATED_CARE_BOARD,
        PartnerStatus.STATUTORY_PARTNER,
        False,
    ),
    ("Midshire Police", "police", AgencyType.POLICE, PartnerStatus.STATUTORY_PARTNER, False),
    (
        "Hollins Lane Primary School",
        "hollins",
        AgencyType.SCHOOL,
        PartnerStatus.RELEVANT_AGENCY,
        False,
    ),
    ("Brookfield Academy", "brookfield", AgencyType.SCHOOL, PartnerStatus.RELEVANT_AGENCY, False),
    (
        "Harbour Family Support",
        "harbour",
        AgencyType.COMMISSIONED_SERVICE,
        PartnerStatus.RELEVANT_AGENCY,
        False,
    ),
    (
        "Eastmoor Safeguarding Children Partnership",
        "partnership",
        AgencyType.PARTNERSHIP,
        PartnerStatus.INDEPENDENT,
        False,
    ),
]

# (username suffix, roles) per agency; the partnership unit holds the oversight roles.
FRONT_LINE_STAFF = [
    ("practitioner", [Role.PRACTITIONER]),
    ("dsl", [Role.PRACTITIONER, Role.SAFEGUARDING_LEAD]),
    ("lio", [Role.LEAD_INFORMATION_OFFICER]),
    ("dpo", [Role.DATA_PROTECTION_OFFICER]),
]
PARTNERSHIP_STAFF = [
    ("officer", [Role.PARTNERSHIP_OFFICER]),
    ("auditor", [Role.AUDITOR]),
    ("admin", [Role.ADMINISTRATOR]),
]

FIRST_NAMES = ["Alex", "Bea", "Cal", "Dana", "Eli", "Fern", "Gus", "Hal", "Ivy", "Jo"]
LAST_NAMES = ["Ashdown", "Birchall", "Coldwell", "Dunmore", "Elsworth", "Fenwick"]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    agency: str
    roles: tuple[str, ...]


DEMO_ACTOR = system_actor_ref("demo_load")


@transaction.atomic
def demo_load() -> list[DemoLogin]:
    """Create the demo partnership (idempotent: an existing one is left as it is):
    agencies, staff of every role, and about 50 children with their families."""
    logins: list[DemoLogin] = []
    agencies: dict[str, Agency] = {}
    for index, (name, code, agency_type, status, front_door) in enumerate(AGENCIES):
        signed = datetime.date(2024, 5, 1) + datetime.timedelta(days=7 * index)
        agency = Agency.objects.filter(code=code).first() or agency_save(
            actor=DEMO_ACTOR,
            agency=Agency(
                code=code,
                name=name,
                agency_type=agency_type,
                partner_status=status,
                is_front_door=front_door,
                ico_registration_number=f"ZX{100000 + index * 7919:06d}",
                dpo_name="Data Protection Officer",
                dpo_email=f"dpo@{code}.example",
                signed_on=signed,
                signed_by_name=f"{FIRST_NAMES[index % 10]} {LAST_NAMES[index % 6]}",
                signed_by_position="Director",
                reaffirmation_due=signed.replace(year=signed.year + 2),
            ),
        )
        agencies[code] = agency
        staff = PARTNERSHIP_STAFF if agency_type == AgencyType.PARTNERSHIP else FRONT_LINE_STAFF
        for suffix, roles in staff:
            username = f"{code}.{suffix}"
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": FIRST_NAMES[(index + len(suffix)) % 10],
                    "last_name": LAST_NAMES[(index + len(roles)) % 6],
                    "email": f"{username}@{code}.example",
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
                membership = Membership.objects.create(user=user, agency=agency)
                for role in roles:
                    RoleGrant.objects.create(membership=membership, role=role)
            logins.append(DemoLogin(username, agency.name, tuple(roles)))
    demo_people_load(agencies=agencies, actor_ref=DEMO_ACTOR)
    demo_decisions_load(agencies=agencies)
    demo_exchange_load(agencies=agencies)
    demo_consent_load(agencies=agencies)
    return logins

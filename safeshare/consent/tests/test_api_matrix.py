"""Every consent API operation × role × relation, asserted by HTTP status.

Relations: own agency (the user's agency works with the child and recorded the
consent), recipient (another agency recorded it and shared about the child with
the user's agency — for continued use, a share relying on the consent, since
withdrawn), other agency (another agency recorded it; nothing shared), none (no
active membership). Records are made fresh for each cell through the real
services, so a denial cannot pass for the wrong reason.

A record the user may not see answers 404 in the address and 422 on the body
field that names it; a visible record with a forbidden action answers 403.
"""

import datetime

import pytest

from safeshare.access.actions import Relation
from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.api.tests.helpers import two_factor_client
from safeshare.consent.models import ConsentConflict
from safeshare.consent.services.withdrawals import consent_withdraw
from safeshare.consent.tests.helpers import consent_fields, parent_of, record_consent
from safeshare.consent.tests.test_services import decide_with_consent, share_under
from safeshare.core import clock
from safeshare.exchange.models import Share, ShareKind, ShareRecipient

pytestmark = pytest.mark.django_db

P, DSL, LIO, DPO = (
    Role.PRACTITIONER,
    Role.SAFEGUARDING_LEAD,
    Role.LEAD_INFORMATION_OFFICER,
    Role.DATA_PROTECTION_OFFICER,
)
CASE = {P, DSL, LIO, DPO}
RECORDERS = {P, DSL}
OWN, RECIPIENT, OTHER, NONE = (
    Relation.OWN_AGENCY,
    Relation.RECIPIENT,
    Relation.OTHER_AGENCY,
    Relation.NONE,
)
BASE = "/api/v1/consents"

MATRIX_OPERATIONS = {
    "consent_record",
    "consent_list",
    "consent_get",
    "consent_fhir",
    "consent_withdraw",
    "consent_capacity_assess",
    "consent_capacity_list",
    "consent_conflicts_open",
    "consent_conflict_get",
    "consent_conflict_guide",
    "consent_continued_use_record",
    "consent_notice_record",
    "consent_notices_missing",
    "consent_notices_list",
}


@pytest.fixture
def world():
    home, other, third = AgencyFactory(), AgencyFactory(), AgencyFactory()
    return {
        "home": home,
        "other": other,
        "third": third,
        "author_home": staff(P, agency=home),
        "author_other": staff(P, agency=other),
    }


def records(world, relation):
    """A child, their mother and her consent, recorded by the agency the relation names."""
    mine = relation in (OWN, NONE)
    author = world["author_home"] if mine else world["author_other"]
    child = person_for(author)
    mother = parent_of(author, child)
    if relation == RECIPIENT:
        share = Share.objects.create(
            sender_agency=world["other"],
            subject=child,
            kind=ShareKind.DISCLOSURE,
            sent_at=clock.now(),
            access_until=clock.now() + datetime.timedelta(days=7),
        )
        ShareRecipient.objects.create(share=share, agency=world["home"])
    return {
        "relation": relation,
        "author": author,
        "child": child,
        "mother": mother,
        "consent": record_consent(author, child, mother),
    }


def conflict(recs) -> ConsentConflict:
    other_parent = parent_of(recs["author"], recs["child"])
    record_consent(recs["author"], recs["child"], other_parent, decision="refused", review_on=None)
    return ConsentConflict.objects.get(child=recs["child"])


def withdrawn_share(recs, world):
    """A share relying on the consent, since withdrawn: to the user's agency for the
    recipient relation, from it for own agency, between two others otherwise."""
    to = {RECIPIENT: world["home"], OTHER: world["third"]}.get(recs["relation"], world["other"])
    decision = decide_with_consent(recs["author"], recs["child"], recs["consent"], [to])
    share = share_under(recs["author"], decision, to)
    consent_withdraw(
        actor=recs["author"], consent=recs["consent"], withdrawn_at=clock.now(), method="verbal"
    )
    return share


def post(client, path, body):
    return client.post(path, body, content_type="application/json")


def consent_body(recs) -> dict:
    return {
        "child_id": str(recs["child"].pk),
        "given_by_id": str(recs["mother"].pk),
        **consent_fields(),
    }


def writes(success, *, roles, forbidden_relations=(RECIPIENT,)):
    """A write naming the child in its body: success for `roles` at the child's own agency;
    403 for other case roles there, or any case role that sees the child as a recipient;
    422 (the body field) wherever the child cannot be seen."""

    def expected(role, relation):
        if relation == OWN and role in CASE:
            return success if role in roles else 403
        if relation in forbidden_relations and role in CASE:
            return 403
        return 422

    return expected


def own_record(success, *, roles=frozenset(CASE)):
    """An operation on a record in the address: only the agency's case roles see it."""

    def expected(role, relation):
        if relation != OWN or role not in CASE:
            return 404
        return success if role in roles else 403

    return expected


def about_child(role, relation):
    """A list about a child in the address: visible to case roles who see the child."""
    return 200 if relation in (OWN, RECIPIENT) and role in CASE else 404


def everyone(role, relation):
    return 200


def continued_use(role, relation):
    if role not in CASE or relation in (OTHER, NONE):
        return 422  # the share cannot be seen
    return 201 if relation == RECIPIENT and role in RECORDERS else 403


# operation id -> (call(client, recs, world), expected(role, relation) -> status)
ROWS = {
    "consent_record": (
        lambda c, r, w: post(c, BASE, consent_body(r)),
        writes(201, roles=RECORDERS),
    ),
    "consent_list": (lambda c, r, w: c.get(f"{BASE}/children/{r['child'].pk}"), about_child),
    "consent_get": (lambda c, r, w: c.get(f"{BASE}/{r['consent'].pk}"), own_record(200)),
    "consent_fhir": (lambda c, r, w: c.get(f"{BASE}/{r['consent'].pk}/fhir"), own_record(200)),
    "consent_withdraw": (
        lambda c, r, w: post(
            c,
            f"{BASE}/{r['consent'].pk}/withdrawal",
            {"withdrawn_at": clock.now().isoformat(), "method": "written"},
        ),
        own_record(201, roles=RECORDERS),
    ),
    "consent_capacity_assess": (
        lambda c, r, w: post(
            c,
            f"{BASE}/capacity-assessments",
            {
                "child_id": str(r["child"].pk),
                "person_id": str(r["mother"].pk),
                "assessed_at": clock.now().isoformat(),
                "conclusion": "has_capacity",
            },
        ),
        writes(201, roles=RECORDERS),
    ),
    "consent_capacity_list": (
        lambda c, r, w: c.get(f"{BASE}/children/{r['child'].pk}/capacity-assessments"),
        about_child,
    ),
    "consent_conflicts_open": (lambda c, r, w: c.get(f"{BASE}/conflicts"), everyone),
    "consent_conflict_get": (
        lambda c, r, w: c.get(f"{BASE}/conflicts/{conflict(r).pk}"),
        own_record(200),
    ),
    "consent_conflict_guide": (
        lambda c, r, w: post(
            c,
            f"{BASE}/conflicts/{conflict(r).pk}/guidance",
            {"guidance": "Meet both parents", "outcome": "refusal_stands"},
        ),
        own_record(201, roles={DSL}),
    ),
    "consent_continued_use_record": (
        lambda c, r, w: post(
            c,
            f"{BASE}/continued-uses",
            {
                "share_id": str(withdrawn_share(r, w).pk),
                "decision": "stop_using",
                "reasons": "No other basis to keep it",
            },
        ),
        continued_use,
    ),
    "consent_notice_record": (
        lambda c, r, w: post(
            c,
            f"{BASE}/notices",
            {
                "person_id": str(r["child"].pk),
                "told_on": clock.today().isoformat(),
                "method": "written",
                "told_to_id": str(r["mother"].pk),
            },
        ),
        writes(201, roles=RECORDERS),
    ),
    "consent_notices_missing": (lambda c, r, w: c.get(f"{BASE}/notices/missing"), everyone),
    "consent_notices_list": (
        lambda c, r, w: c.get(f"{BASE}/people/{r['child'].pk}/notices"),
        about_child,
    ),
}


def test_every_operation_has_a_row():
    assert set(ROWS) == MATRIX_OPERATIONS


@pytest.mark.parametrize("operation", sorted(MATRIX_OPERATIONS))
@pytest.mark.parametrize("role", list(Role))
def test_operation_matrix(operation, role, world):
    call, expected = ROWS[operation]
    failures = []
    for relation in Relation:
        user = staff(role, agency=world["home"], active=relation != NONE)
        recs = records(world, relation)
        response = call(two_factor_client(user), recs, world)
        if response.status_code != expected(role, relation):
            failures.append((relation, response.status_code, expected(role, relation)))
    assert failures == []


# Lists anyone may call answer only with the agency's own records.
SCOPED_LISTS = {
    "consent_conflicts_open": (lambda c: c.get(f"{BASE}/conflicts"), "child_id"),
    "consent_notices_missing": (lambda c: c.get(f"{BASE}/notices/missing"), "id"),
}


@pytest.mark.parametrize("operation", sorted(SCOPED_LISTS))
@pytest.mark.parametrize("role", list(Role))
def test_lists_show_only_the_users_own_agency_records(operation, role, world):
    call, key = SCOPED_LISTS[operation]
    for relation in Relation:
        user = staff(role, agency=world["home"], active=relation != NONE)
        recs = records(world, relation)
        conflict(recs)
        shown = {item[key] for item in call(two_factor_client(user)).json()["items"]}
        sees = relation == OWN and role in CASE
        assert (str(recs["child"].pk) in shown) == sees, (relation, shown)

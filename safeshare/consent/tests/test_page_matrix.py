"""Consent pages × role × relation: 200 where allowed, 403 for a forbidden action,
404 (identical to a missing record) outside the user's scope."""

import re
import uuid

import pytest
from django.test import Client

from safeshare.access.actions import Relation
from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.casework.tests.test_continued_use_pages import withdrawn_share
from safeshare.consent.models import ConsentConflict, ConsentDecision
from safeshare.consent.tests.helpers import parent_of, record_consent
from safeshare.decisions.tests.test_api_matrix import (  # noqa: F401
    DSL,
    NONE,
    OTHER,
    OWN,
    RECIPIENT,
    P,
    world,
)
from safeshare.demo.testing import sign_in_verified
from safeshare.exchange.tests.helpers import send
from safeshare.ledger.models import Entry

pytestmark = pytest.mark.django_db

MATRIX_PAGES = {
    "consent:conflicts",
    "consent:new",
    "consent:capacity_new",
    "consent:detail",
    "consent:withdraw",
    "consent:conflict",
    "consent:notice_new",
    "consent:without_notice",
    "consent:continued_use",
}

CASE_ROLES = {
    Role.PRACTITIONER,
    Role.SAFEGUARDING_LEAD,
    Role.LEAD_INFORMATION_OFFICER,
    Role.DATA_PROTECTION_OFFICER,
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("active", [True, False])
def test_conflicts_list_is_for_case_roles_with_a_membership(role, active):
    user = staff(role, agency=AgencyFactory(), active=active)
    client = Client()
    sign_in_verified(client, user)
    response = client.get("/consent/conflicts/")
    assert response.status_code == (200 if role in CASE_ROLES and active else 403)


# --- the practitioner's pages: every role × relation ----------------------------------------
#
# Relations as in decisions/tests/test_page_matrix: own agency (the user's agency works
# with the child and recorded the consent, refusal and their disagreement), recipient
# (another agency did, and shared about the child with the user's agency), other agency
# (another agency did; nothing shared), none (no active membership; the records are the
# user's agency's). Records are made fresh for each cell through the real services.

RECORDERS = {P, DSL}


def records(world, relation):  # noqa: F811
    author = world["author_other"] if relation in (RECIPIENT, OTHER) else world["author_home"]
    child = person_for(author)
    mother, father = parent_of(author, child), parent_of(author, child)
    consent = record_consent(author, child, mother)
    record_consent(author, child, father, decision=ConsentDecision.REFUSED)
    if relation == RECIPIENT:
        send(author, child, world["home"])
    return {
        "child": child,
        "consent": consent,
        "conflict": ConsentConflict.objects.get(consent=consent),
    }


def record_page(role, rel, success=200):
    """A page recording about a child the user's agency works with (the recipient sees the
    child, so it is told no, not not-found)."""
    if rel == OWN:
        return success if role in RECORDERS else 403 if role in CASE_ROLES else 404
    if rel == RECIPIENT:
        return 403 if role in CASE_ROLES else 404
    return 404


def own_record(role, rel, success=200):
    return success if rel == OWN and role in CASE_ROLES else 404


def own_record_recorders(role, rel, success=200):
    if rel != OWN:
        return 404
    return success if role in RECORDERS else 403 if role in CASE_ROLES else 404


def lead_only(role, rel, success=200):
    if rel != OWN:
        return 404
    return success if role == DSL else 403 if role in CASE_ROLES else 404


def listing(role, rel):
    return 200 if role in CASE_ROLES and rel != NONE else 403


# page -> path(recs), GET expected(role, relation), POST of an empty form expected
# (422: the form refuses it and nothing is written; 403 / 404 as for the page).
PAGES = {
    "consent:conflicts": (lambda r: "/consent/conflicts/", listing, None),
    "consent:new": (
        lambda r: f"/consent/child/{r['child'].pk}/new/",
        record_page,
        lambda role, rel: record_page(role, rel, 422),
    ),
    "consent:capacity_new": (
        lambda r: f"/consent/child/{r['child'].pk}/capacity/new/",
        record_page,
        lambda role, rel: record_page(role, rel, 422),
    ),
    "consent:detail": (lambda r: f"/consent/{r['consent'].pk}/", own_record, None),
    "consent:withdraw": (
        lambda r: f"/consent/{r['consent'].pk}/withdraw/",
        own_record_recorders,
        lambda role, rel: own_record_recorders(role, rel, 422),
    ),
    "consent:conflict": (
        lambda r: f"/consent/conflicts/{r['conflict'].pk}/",
        own_record,
        lambda role, rel: lead_only(role, rel, 422),
    ),
    "consent:notice_new": (
        lambda r: f"/consent/people/{r['child'].pk}/notice/new/",
        record_page,
        lambda role, rel: record_page(role, rel, 422),
    ),
    "consent:without_notice": (lambda r: "/consent/not-told/", listing, None),
}


def test_every_page_here_is_listed():
    """Pages outside this table (continued use on a share) have their own tests below."""
    assert set(PAGES) <= MATRIX_PAGES


@pytest.mark.parametrize("role", list(Role))
def test_practitioner_pages_matrix(role, world):  # noqa: F811
    failures = []
    for relation in Relation:
        user = staff(role, agency=world["home"], active=relation != NONE)
        recs = records(world, relation)
        client = Client()
        sign_in_verified(client, user)
        writes = Entry.objects.exclude(kind="access.refused").count()
        for page, (path, get, post) in PAGES.items():
            response = client.get(path(recs))
            if response.status_code != get(role, relation):
                failures.append((page, "get", relation, response.status_code))
            if post is None:
                continue
            response = client.post(path(recs), {})
            if response.status_code != post(role, relation):
                failures.append((page, "post", relation, response.status_code))
        assert Entry.objects.exclude(kind="access.refused").count() == writes
    assert failures == []


def test_missing_and_hidden_records_answer_identically(world):  # noqa: F811
    user = staff(P, agency=world["home"])
    recs = records(world, OTHER)
    client = Client()
    sign_in_verified(client, user)
    for hidden, missing in [
        (f"/consent/{recs['consent'].pk}/", f"/consent/{uuid.uuid4()}/"),
        (f"/consent/conflicts/{recs['conflict'].pk}/", f"/consent/conflicts/{uuid.uuid4()}/"),
        (f"/consent/child/{recs['child'].pk}/new/", f"/consent/child/{uuid.uuid4()}/new/"),
        (f"/consent/{recs['consent'].pk}/withdraw/", "/consent/not-a-uuid/withdraw/"),
    ]:
        first, second = client.get(hidden), client.get(missing)
        assert first.status_code == second.status_code == 404
        assert without_csrf(first) == without_csrf(second)


def test_consent_pages_are_not_for_a_parent_record(world):  # noqa: F811
    """Consent is about a child's information: the pages do not exist for an adult."""
    author = world["author_home"]
    parent = parent_of(author, person_for(author))
    client = Client()
    sign_in_verified(client, author)
    assert client.get(f"/consent/child/{parent.pk}/new/").status_code == 404
    assert client.get(f"/consent/child/{parent.pk}/capacity/new/").status_code == 404
    assert client.get(f"/consent/people/{parent.pk}/notice/new/").status_code == 200


def without_csrf(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


# --- the recipient's decision on continued use (issue #5 item 4) ------------------------------
#
# Relations: own agency (the user's agency sent the share), recipient (it received the
# share), other agency (neither), none (no active membership; the user's agency sent it).
# Each share relied on a consent that is now withdrawn.


def continued_use_expected(role, rel, success=200):
    """A practitioner or lead of the receiving agency decides; the sender and the receiving
    agency's other case roles are told no; nobody else sees the share."""
    if role not in CASE_ROLES or rel in (OTHER, NONE):
        return 404
    if rel == RECIPIENT and role in RECORDERS:
        return success
    return 403


@pytest.mark.parametrize("role", list(Role))
def test_continued_use_page_matrix(role, world):  # noqa: F811
    third = AgencyFactory()
    failures = []
    for relation in Relation:
        user = staff(role, agency=world["home"], active=relation != NONE)
        if relation in (OWN, NONE):
            share = withdrawn_share(world["author_home"], world["other"])
        elif relation == RECIPIENT:
            share = withdrawn_share(world["author_other"], world["home"])
        else:
            share = withdrawn_share(world["author_other"], third)
        client = Client()
        sign_in_verified(client, user)
        path = f"/consent/share/{share.pk}/continued-use/"
        writes = Entry.objects.exclude(kind="access.refused").count()
        for method, expected in (
            ("get", continued_use_expected(role, relation)),
            ("post", continued_use_expected(role, relation, 422)),
        ):
            response = getattr(client, method)(path, {})
            if response.status_code != expected:
                failures.append((method, relation, response.status_code, expected))
        assert Entry.objects.exclude(kind="access.refused").count() == writes
    assert failures == []

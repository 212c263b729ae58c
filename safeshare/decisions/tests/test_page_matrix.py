"""Decision pages × role × relation: 200 (or a redirect) where allowed, 403 for a forbidden
action or page, 404 (identical to a missing record) outside the user's scope.

Relations as in test_api_matrix: own agency, recipient (another agency decided
and shared about the child with the user's agency), other agency, none.
"""

import re
import uuid

import pytest
from django.test import Client

from safeshare.access.actions import Relation
from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import staff
from safeshare.decisions.flow import SESSION_KEY
from safeshare.decisions.tests.helpers import SHARE_WITH_CONSENT
from safeshare.decisions.tests.test_api_matrix import (  # noqa: F401
    CASE,
    DPO,
    DSL,
    LIO,
    NONE,
    OTHER,
    OWN,
    PO,
    RECIPIENT,
    P,
    records,
    world,
)
from safeshare.demo.testing import sign_in_verified

pytestmark = pytest.mark.django_db

MATRIX_PAGES = {
    "decisions:list",
    "decisions:aid_start",
    "decisions:aid_answers",
    "decisions:aid_question",
    "decisions:aid_change",
    "decisions:aid_record",
    "decisions:departures",
    "decisions:advice_list",
    "decisions:advice_ask",
    "decisions:advice_detail",
    "decisions:packs",
    "decisions:for_person",
    "decisions:detail",
    "decisions:supersede",
    "decisions:review",
}


def listing(role, rel):
    return 200 if role in CASE and rel != NONE else 403


def aid_flow(role, rel, success=200):
    """A decision in progress about the relation's child (kept in the session)."""
    if rel == OWN:
        return success if role in {P, DSL} else 403 if role in CASE else 404
    if rel == RECIPIENT:
        return 403 if role in CASE else 404
    return 404


def own_view(role, rel):
    return 200 if rel == OWN and role in CASE else 404


def lead_only(success):
    def expected(role, rel):
        if rel != OWN:
            return 404
        return success if role == DSL else 403 if role in CASE else 404

    return expected


# page -> (method, path(recs), expected(role, relation))
PAGES = {
    "decisions:list": ("get", lambda r: "/decisions/", listing),
    "decisions:aid_start": (
        "get",
        lambda r: "/decisions/aid/",
        lambda role, rel: 200 if role in {P, DSL} and rel != NONE else 403,
    ),
    "decisions:aid_answers": ("get", lambda r: "/decisions/aid/answers/", aid_flow),
    # Every question is answered, so the next-question page goes on to the record page.
    "decisions:aid_question": (
        "get",
        lambda r: "/decisions/aid/question/",
        lambda role, rel: aid_flow(role, rel, success=302),
    ),
    "decisions:aid_change": ("get", lambda r: "/decisions/aid/question/purpose/", aid_flow),
    "decisions:aid_record": ("get", lambda r: "/decisions/aid/record/", aid_flow),
    "decisions:departures": ("get", lambda r: "/decisions/departures/", listing),
    "decisions:advice_list": ("get", lambda r: "/decisions/advice/", listing),
    "decisions:advice_ask": (
        "get",
        lambda r: "/decisions/advice/ask/",
        lambda role, rel: 200 if role in {P, DSL, LIO} and rel != NONE else 403,
    ),
    "decisions:advice_detail": (
        "get",
        lambda r: f"/decisions/advice/{r['advice'].id}/",
        own_view,
    ),
    "decisions:packs": (
        "get",
        lambda r: "/decisions/packs/",
        lambda role, rel: 403 if rel == NONE else 200,
    ),
    "decisions:for_person": (
        "get",
        lambda r: f"/decisions/people/{r['child'].id}/",
        lambda role, rel: (
            403 if role not in CASE or rel == NONE else 200 if rel in (OWN, RECIPIENT) else 404
        ),
    ),
    "decisions:detail": ("get", lambda r: f"/decisions/{r['decision'].id}/", own_view),
    "decisions:supersede": (
        "post",
        lambda r: f"/decisions/{r['decision'].id}/correct/",
        lead_only(302),
    ),
    "decisions:review": ("get", lambda r: f"/decisions/{r['decision'].id}/review/", lead_only(200)),
}


def without_csrf(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_every_page_has_a_row():
    assert set(PAGES) == MATRIX_PAGES


def client_with_flow(user, child) -> Client:
    client = Client()
    sign_in_verified(client, user)
    session = client.session
    session[SESSION_KEY] = {
        "subject": str(child.pk),
        "answers": dict(SHARE_WITH_CONSENT),
        "supersedes": None,
    }
    session.save()
    return client


@pytest.mark.parametrize("page", sorted(MATRIX_PAGES))
@pytest.mark.parametrize("role", list(Role))
def test_page_matrix(page, role, world):  # noqa: F811
    method, path, expected = PAGES[page]
    failures = []
    for relation in Relation:
        user = staff(role, agency=world["home"], active=relation != NONE)
        recs = records(world, relation, user)
        client = client_with_flow(user, recs["child"])
        response = getattr(client, method)(path(recs))
        if response.status_code != expected(role, relation):
            failures.append((relation, response.status_code, expected(role, relation)))
    assert failures == []


def test_aid_pages_without_a_decision_in_progress_are_not_found(world):  # noqa: F811
    client = Client()
    sign_in_verified(client, world["author_home"])
    for path in ("/decisions/aid/answers/", "/decisions/aid/question/", "/decisions/aid/record/"):
        assert client.get(path).status_code == 404


def test_missing_and_hidden_decisions_answer_identically(world):  # noqa: F811
    user = staff(P, agency=world["home"])
    recs = records(world, OTHER, user)
    client = Client()
    sign_in_verified(client, user)
    hidden = client.get(f"/decisions/{recs['decision'].id}/")
    missing = client.get(f"/decisions/{uuid.uuid4()}/")
    assert hidden.status_code == missing.status_code == 404
    assert without_csrf(hidden) == without_csrf(missing)


def test_no_personal_data_in_aid_urls(world):  # noqa: F811
    user = world["author_home"]
    recs = records(world, OWN, staff(DSL, agency=world["home"]))
    client = client_with_flow(user, recs["child"])
    page = client.get("/decisions/aid/answers/").content.decode()
    assert str(recs["child"].pk) not in page
    assert "/decisions/aid/" in page
    assert DPO and PO  # roles exercised by the matrix above

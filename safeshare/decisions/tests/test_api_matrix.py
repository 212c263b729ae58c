"""Every decisions API operation × role × relation, and bad input for every operation.

Relations: own agency (the user's agency decided / works with the child; the
user is the named adviser), recipient (another agency decided, and shared
about the child with the user's agency), other agency (another agency decided;
nothing shared), none (no active membership). Records are made fresh for each
cell through the real services, so a denial cannot pass for the wrong reason.
"""

import datetime
import uuid

import pytest

from safeshare.access.actions import Relation
from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.api.tests.helpers import assert_problem, two_factor_client
from safeshare.core import clock
from safeshare.core.sealed import seal_text
from safeshare.decisions import services
from safeshare.decisions.models import (
    AdviceRequest,
    AdviceResponse,
    Decision,
    DecisionReview,
    ProtocolPackChoice,
)
from safeshare.decisions.services import DecisionDraft
from safeshare.decisions.tests.helpers import SHARE_WITH_CONSENT, not_share_fields
from safeshare.exchange.models import Share, ShareKind, ShareRecipient
from safeshare.ledger.models import Entry

pytestmark = pytest.mark.django_db

P, DSL, LIO, DPO, PO = (
    Role.PRACTITIONER,
    Role.SAFEGUARDING_LEAD,
    Role.LEAD_INFORMATION_OFFICER,
    Role.DATA_PROTECTION_OFFICER,
    Role.PARTNERSHIP_OFFICER,
)
CASE = {P, DSL, LIO, DPO}
OWN, RECIPIENT, OTHER, NONE = (
    Relation.OWN_AGENCY,
    Relation.RECIPIENT,
    Relation.OTHER_AGENCY,
    Relation.NONE,
)

MATRIX_OPERATIONS = {
    "decisions_aid_preview",
    "decisions_record",
    "decisions_departures",
    "decisions_list_for_person",
    "decisions_get",
    "decisions_supersede",
    "decisions_review",
    "decisions_advice_request",
    "decisions_advice_awaiting",
    "decisions_advice_get",
    "decisions_advice_give",
    "decisions_packs_list",
    "decisions_pack_in_force",
    "decisions_pack_choose",
}


@pytest.fixture
def world():
    home, other = AgencyFactory(), AgencyFactory()
    return {
        "home": home,
        "other": other,
        "author_home": staff(P, agency=home),
        "lead_home": staff(DSL, agency=home),
        "author_other": staff(P, agency=other),
    }


def departing_decision(author, child) -> Decision:
    """A decision not to share where the aid recommends sharing: a safeguarding lead reviews it."""
    return services.decision_record(
        actor=author,
        subject=child,
        draft=DecisionDraft(**not_share_fields(answers=dict(SHARE_WITH_CONSENT))),
    )


def advice_for(asker, adviser, child) -> AdviceRequest:
    """Advice put to `adviser` whatever their role (the service checks roles; the API is tested)."""
    advice_id = uuid.uuid4()
    return AdviceRequest.objects.create(
        id=advice_id,
        agency=asker.agency,
        asked_by=asker,
        adviser=adviser,
        subject=child,
        asked_at=clock.now(),
        question_enc=seal_text(child, record_id=advice_id, field="question", text="May I share?"),
    )


def records(world, relation, user):
    if relation in (OWN, NONE):
        author, child = world["author_home"], person_for(world["author_home"])
        adviser = user
    else:
        author, child = world["author_other"], person_for(world["author_other"])
        adviser = staff(DSL, agency=world["other"])
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
        "child": child,
        "decision": departing_decision(author, child),
        "advice": advice_for(author, adviser, child) if adviser != author else None,
    }


def record_body(child) -> dict:
    fields = not_share_fields()
    return {"subject": str(child.id), **fields}


def post(client, path, body):
    return client.post(path, body, content_type="application/json")


def other_pack() -> str:
    from safeshare.decisions.selectors import pack_in_force

    return "scsp-2022" if pack_in_force().id == "current-law-2026" else "current-law-2026"


# operation id -> (call(client, recs, world), expected(role, relation) -> status)
def case_view(role, relation, success=200):
    return success if relation == OWN and role in CASE else 404


ROWS = {
    "decisions_aid_preview": (
        lambda c, r, w: post(c, "/api/v1/decisions/aid", {"answers": {"purpose": "no"}}),
        lambda role, rel: 200 if rel != NONE and role in {P, DSL} else 403,
    ),
    "decisions_record": (
        lambda c, r, w: post(c, "/api/v1/decisions", record_body(r["child"])),
        lambda role, rel: (
            (201 if role in {P, DSL} else 403 if role in CASE else 404)
            if rel == OWN
            else (403 if role in CASE else 404)
            if rel == RECIPIENT
            else 404
        ),
    ),
    "decisions_departures": (
        lambda c, r, w: c.get("/api/v1/decisions/departures"),
        lambda role, rel: 200,
    ),
    "decisions_list_for_person": (
        lambda c, r, w: c.get(f"/api/v1/decisions/people/{r['child'].id}"),
        lambda role, rel: 200 if rel in (OWN, RECIPIENT) and role in CASE else 404,
    ),
    "decisions_get": (
        lambda c, r, w: c.get(f"/api/v1/decisions/{r['decision'].id}"),
        case_view,
    ),
    "decisions_supersede": (
        lambda c, r, w: post(
            c, f"/api/v1/decisions/{r['decision'].id}/supersede", not_share_fields()
        ),
        lambda role, rel: (
            (201 if role == DSL else 403 if role in CASE else 404) if rel == OWN else 404
        ),
    ),
    "decisions_review": (
        lambda c, r, w: post(
            c,
            f"/api/v1/decisions/{r['decision'].id}/reviews",
            {"outcome": "endorsed", "comments": "Consent later withdrawn"},
        ),
        lambda role, rel: (
            (201 if role == DSL else 403 if role in CASE else 404) if rel == OWN else 404
        ),
    ),
    "decisions_advice_request": (
        lambda c, r, w: post(
            c,
            "/api/v1/advice",
            {"adviser": str(w["lead_home"].id), "subject": str(r["child"].id), "question": "?"},
        ),
        lambda role, rel: (
            (201 if role in {P, DSL, LIO} else 403 if role in CASE else 404)
            if rel == OWN
            else (403 if role in CASE else 404)
            if rel == RECIPIENT
            else 404
        ),
    ),
    "decisions_advice_awaiting": (
        lambda c, r, w: c.get("/api/v1/advice/awaiting"),
        lambda role, rel: 200,
    ),
    "decisions_advice_get": (
        lambda c, r, w: c.get(f"/api/v1/advice/{r['advice'].id}"),
        case_view,
    ),
    "decisions_advice_give": (
        lambda c, r, w: post(
            c,
            f"/api/v1/advice/{r['advice'].id}/answer",
            {"advice": "Share it", "advised_outcome": "share"},
        ),
        lambda role, rel: (
            (201 if role in {DSL, LIO} else 403 if role in CASE else 404) if rel == OWN else 404
        ),
    ),
    "decisions_packs_list": (
        lambda c, r, w: c.get("/api/v1/packs"),
        lambda role, rel: 403 if rel == NONE else 200,
    ),
    "decisions_pack_in_force": (
        lambda c, r, w: c.get("/api/v1/packs/in-force"),
        lambda role, rel: 403 if rel == NONE else 200,
    ),
    "decisions_pack_choose": (
        lambda c, r, w: post(
            c, "/api/v1/packs/choices", {"pack_id": other_pack(), "reason": "Board decision"}
        ),
        lambda role, rel: 201 if role == PO and rel != NONE else 403,
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
        recs = records(world, relation, user)
        response = call(two_factor_client(user), recs, world)
        if response.status_code != expected(role, relation):
            failures.append((relation, response.status_code, expected(role, relation)))
    assert failures == []


def test_a_recipient_agency_never_sees_the_senders_decision(world):
    user = staff(P, agency=world["home"])
    recs = records(world, RECIPIENT, user)
    client = two_factor_client(user)
    listed = client.get(f"/api/v1/decisions/people/{recs['child'].id}")
    assert listed.status_code == 200 and listed.json() == {"items": [], "count": 0}
    hidden = client.get(f"/api/v1/decisions/{recs['decision'].id}")
    missing = client.get(f"/api/v1/decisions/{uuid.uuid4()}")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content


# ---------------------------------------------------------------------------
# Bad input: a field-named problem, nothing written, the ledger unchanged
# ---------------------------------------------------------------------------

COUNTED = (Decision, DecisionReview, AdviceRequest, AdviceResponse, ProtocolPackChoice, Entry)


def _counts():
    """Rows of every kind a decision write makes; a refusal's own entry is not one."""
    written = [m.objects.count() for m in COUNTED if m is not Entry]
    return [*written, Entry.objects.exclude(kind="access.refused").count()]


def _bad_record(c, r, w):
    body = record_body(r["child"])
    body["consent_state"] = "not_sought"  # without a reason code
    return post(c, "/api/v1/decisions", body)


BAD = {
    # operation -> (actor key, call, status, field)
    "decisions_aid_preview": (
        "author",
        lambda c, r, w: post(c, "/api/v1/decisions/aid", {"answers": {"purpose": "perhaps"}}),
        422,
        "answers.purpose",
    ),
    "decisions_record": ("author", _bad_record, 422, "consent_not_sought_reason"),
    "decisions_supersede": (
        "author",
        lambda c, r, w: post(
            c,
            f"/api/v1/decisions/{r['decision'].id}/supersede",
            not_share_fields(purpose="", answers={"purpose": "yes"}),
        ),
        422,
        "purpose",
    ),
    "decisions_review": (
        "lead",
        lambda c, r, w: post(
            c, f"/api/v1/decisions/{r['decision'].id}/reviews", {"outcome": "meh", "comments": ""}
        ),
        422,
        "outcome",
    ),
    "decisions_advice_request": (
        "author",
        lambda c, r, w: post(
            c,
            "/api/v1/advice",
            {"adviser": str(w["author_other"].id), "subject": str(r["child"].id), "question": "?"},
        ),
        422,
        "adviser",
    ),
    "decisions_advice_give": (
        "lead",
        lambda c, r, w: post(
            c,
            f"/api/v1/advice/{r['advice'].id}/answer",
            {"advice": "", "advised_outcome": "share"},
        ),
        422,
        "advice",
    ),
    "decisions_pack_choose": (
        "officer",
        lambda c, r, w: post(
            c, "/api/v1/packs/choices", {"pack_id": "no-such-pack", "reason": "Board decision"}
        ),
        422,
        "pack_id",
    ),
    # Reads: a malformed or unknown id is a plain 404.
    "decisions_get": (
        "author",
        lambda c, r, w: c.get("/api/v1/decisions/not-a-uuid"),
        404,
        None,
    ),
    "decisions_list_for_person": (
        "author",
        lambda c, r, w: c.get(f"/api/v1/decisions/people/{uuid.uuid4()}"),
        404,
        None,
    ),
    "decisions_advice_get": (
        "author",
        lambda c, r, w: c.get("/api/v1/advice/12345"),
        404,
        None,
    ),
}
# Operations that take no input at all.
NO_INPUT = {
    "decisions_departures",
    "decisions_advice_awaiting",
    "decisions_packs_list",
    "decisions_pack_in_force",
}


def test_every_operation_has_a_bad_input_test_or_takes_no_input():
    assert set(BAD) | NO_INPUT == MATRIX_OPERATIONS


@pytest.mark.parametrize("operation", sorted(BAD))
def test_bad_input_names_the_field_and_changes_nothing(operation, world):
    actor_key, call, status, field = BAD[operation]
    actors = {
        "author": world["author_home"],
        "lead": world["lead_home"],
        "officer": staff(PO, agency=world["home"]),
    }
    actor = actors[actor_key]
    child = person_for(world["author_home"])
    recs = {
        "child": child,
        "decision": departing_decision(world["author_home"], child),
        "advice": advice_for(world["author_home"], world["lead_home"], child),
    }
    client = two_factor_client(actor)
    before = _counts()
    response = call(client, recs, world)
    assert_problem(response, status, field)
    assert _counts() == before


@pytest.mark.parametrize(
    "path",
    ["/api/v1/decisions/departures", "/api/v1/decisions/people/{child}", "/api/v1/advice/awaiting"],
)
def test_api_lists_use_a_constant_number_of_queries(path, world, django_assert_max_num_queries):
    author, lead = world["author_home"], world["lead_home"]
    child = person_for(author)
    client = two_factor_client(lead)

    def add():
        departing_decision(author, child)
        services.advice_request(actor=author, adviser=lead, subject=child, question="?")

    add()
    url = path.format(child=child.pk)
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200
    for _ in range(4):
        add()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.json()["items"]) == response.json()["count"] == 5

"""Every exchange API operation × role × relation, asserted by HTTP status.

Relations: own agency (the user's agency asked / sent / is the source),
recipient (the user's agency was asked / received / asked to pass on), other
agency (neither), none (no active membership). Records are made fresh for each
cell, through the real services, so a denial cannot pass for the wrong reason.
"""

import datetime

import pytest

from safeshare.access.actions import Relation
from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.api.tests.helpers import two_factor_client
from safeshare.core import clock
from safeshare.exchange import services
from safeshare.exchange.tests.helpers import decision_for, raise_request, referral_fields, send

pytestmark = pytest.mark.django_db

P, DSL, LIO, DPO = (
    Role.PRACTITIONER,
    Role.SAFEGUARDING_LEAD,
    Role.LEAD_INFORMATION_OFFICER,
    Role.DATA_PROTECTION_OFFICER,
)
CASE = {P, DSL, LIO, DPO}
ACT = {P, DSL, LIO}

OWN, RECIPIENT, OTHER, NONE = (
    Relation.OWN_AGENCY,
    Relation.RECIPIENT,
    Relation.OTHER_AGENCY,
    Relation.NONE,
)


@pytest.fixture
def world():
    home, other, third = AgencyFactory(), AgencyFactory(), AgencyFactory()
    AgencyFactory(is_front_door=True)
    return {
        "home": home,
        "other": other,
        "third": third,
        "author_home": staff(P, agency=home),
        "author_other": staff(P, agency=other),
        "author_third": staff(P, agency=third),
    }


def _records(world, relation):
    """Fresh records for one cell: a request, a share and an onward request."""
    ah, ao, at = world["author_home"], world["author_other"], world["author_third"]
    if relation in (OWN, NONE):
        child = person_for(ah)
        request = raise_request(ah, child, world["other"])
        share = send(ah, child, world["other"])
        onward = services.onward_request(
            actor=ao, share=share, proposed_recipient=world["third"], purpose="Onward"
        )
        return {
            "child": child,
            "request": request,
            "share": share,
            "onward": onward,
            "decision": decision_for(ah, child),
        }
    if relation == RECIPIENT:
        child = person_for(ao)
        request = raise_request(ao, child, world["home"])
        share = send(ao, child, world["home"])
        onward = services.onward_request(
            actor=ah, share=share, proposed_recipient=world["third"], purpose="Onward"
        )
        return {
            "child": child,
            "request": request,
            "share": share,
            "onward": onward,
            "decision": decision_for(ah, child),
        }
    child = person_for(ao)
    request = raise_request(ao, child, world["third"])
    share = send(ao, child, world["third"])
    onward = services.onward_request(
        actor=at, share=share, proposed_recipient=world["home"], purpose="Onward"
    )
    return {
        "child": child,
        "request": request,
        "share": share,
        "onward": onward,
        "decision": decision_for(ao, child),
    }


def _item():
    return {
        "category": "education",
        "content": "Attendance 60%",
        "nature": "fact",
        "source": "Register",
        "dated_on": clock.today().isoformat(),
        "checked_accurate": True,
    }


def _post(path, body=None):
    return lambda c, r, w: c.post(
        path(r, w), body(r, w) if body else {}, content_type="application/json"
    )


def _get(path):
    return lambda c, r, w: c.get(path(r, w))


def _visible(role, relation):
    return relation in (OWN, RECIPIENT) and role in CASE


def _cell(role, relation, *, allowed, success, visible=None):
    """404 when the record is out of scope; else success when allowed; else 403."""
    seen = _visible(role, relation) if visible is None else visible
    if not seen:
        return 404
    return success if role in allowed.get(relation, set()) else 403


ROWS = {
    "exchange_request_raise": (
        _post(
            lambda r, w: "/api/v1/requests",
            lambda r, w: {
                "subject_id": str(r["child"].id),
                "to_agency_id": str(w["third"].id),
                "purpose": "Why",
                "information_needed": "What",
                "legal_basis": "public_task",
                "urgency": "routine",
            },
        ),
        lambda role, rel: _cell(role, rel, allowed={OWN: ACT}, success=201),
    ),
    "exchange_requests_inbox": (_get(lambda r, w: "/api/v1/requests/inbox"), lambda role, rel: 200),
    "exchange_requests_outbox": (
        _get(lambda r, w: "/api/v1/requests/outbox"),
        lambda role, rel: 200,
    ),
    "exchange_requests_overdue": (
        _get(lambda r, w: "/api/v1/requests/overdue"),
        lambda role, rel: 200,
    ),
    "exchange_request_get": (
        _get(lambda r, w: f"/api/v1/requests/{r['request'].id}"),
        lambda role, rel: _cell(role, rel, allowed={OWN: CASE, RECIPIENT: CASE}, success=200),
    ),
    "exchange_request_answer": (
        _post(
            lambda r, w: f"/api/v1/requests/{r['request'].id}/answer",
            lambda r, w: {"decision_id": str(r["decision"].id)},
        ),
        lambda role, rel: _cell(role, rel, allowed={RECIPIENT: ACT}, success=200),
    ),
    "exchange_request_accept": (
        _post(lambda r, w: f"/api/v1/requests/{r['request'].id}/accept"),
        lambda role, rel: _cell(role, rel, allowed={RECIPIENT: ACT}, success=200),
    ),
    "exchange_request_withdraw": (
        _post(
            lambda r, w: f"/api/v1/requests/{r['request'].id}/withdraw",
            lambda r, w: {"reason": "no_longer_needed"},
        ),
        lambda role, rel: _cell(role, rel, allowed={OWN: ACT}, success=200),
    ),
    "exchange_share_send": (
        _post(
            lambda r, w: "/api/v1/shares",
            lambda r, w: {
                "decision_id": str(r["decision"].id),
                "kind": "disclosure",
                "access_until": (clock.now() + datetime.timedelta(days=5)).isoformat(),
                "items": [_item()],
                "recipients": [{"agency_id": str(w["third"].id)}],
            },
        ),
        # The user's agency's own decision (about its own child, or one it was asked about)
        # may be carried out; another agency's is not the user's to name: a field error.
        lambda role, rel: (
            403 if rel == NONE else (201 if role in ACT else 403) if rel != OTHER else 422
        ),
    ),
    "exchange_shares_sent": (_get(lambda r, w: "/api/v1/shares/sent"), lambda role, rel: 200),
    "exchange_shares_received": (
        _get(lambda r, w: "/api/v1/shares/received"),
        lambda role, rel: 200,
    ),
    "exchange_share_get": (
        _get(lambda r, w: f"/api/v1/shares/{r['share'].id}"),
        lambda role, rel: _cell(role, rel, allowed={OWN: CASE, RECIPIENT: CASE}, success=200),
    ),
    "exchange_share_export": (
        _get(lambda r, w: f"/api/v1/shares/{r['share'].id}/export"),
        lambda role, rel: _cell(role, rel, allowed={OWN: CASE, RECIPIENT: CASE}, success=200),
    ),
    "exchange_share_receipt": (
        _get(lambda r, w: f"/api/v1/shares/{r['share'].id}/receipt"),
        lambda role, rel: _cell(role, rel, allowed={OWN: CASE, RECIPIENT: CASE}, success=200),
    ),
    "exchange_share_acknowledge": (
        _post(lambda r, w: f"/api/v1/shares/{r['share'].id}/acknowledge"),
        lambda role, rel: _cell(role, rel, allowed={RECIPIENT: ACT}, success=200),
    ),
    "exchange_share_revoke": (
        _post(
            lambda r, w: f"/api/v1/shares/{r['share'].id}/revoke",
            lambda r, w: {"reason": "sent_in_error"},
        ),
        lambda role, rel: _cell(role, rel, allowed={OWN: ACT}, success=200),
    ),
    "exchange_onward_request": (
        _post(
            lambda r, w: f"/api/v1/shares/{r['share'].id}/onward",
            lambda r, w: {"proposed_recipient_id": str(AgencyFactory().id), "purpose": "Why"},
        ),
        lambda role, rel: _cell(role, rel, allowed={RECIPIENT: ACT}, success=201),
    ),
    "exchange_onward_answer": (
        _post(
            lambda r, w: f"/api/v1/shares/onward/{r['onward'].id}/answer",
            lambda r, w: {"decision_id": str(r["decision"].id)},
        ),
        lambda role, rel: _cell(role, rel, allowed={OWN: ACT}, success=200),
    ),
    "exchange_referral_make": (
        _post(
            lambda r, w: "/api/v1/referrals",
            lambda r, w: {
                "subject_id": str(r["child"].id),
                "harm_basis": "suffering",
                "reason": "Injury seen",
                "items": [_item()],
                **referral_fields(),
            },
        ),
        lambda role, rel: _cell(role, rel, allowed={OWN: {P, DSL}}, success=201),
    ),
}

MATRIX_OPERATIONS = set(ROWS)


@pytest.mark.parametrize("operation", sorted(ROWS))
@pytest.mark.parametrize("role", list(Role))
def test_operation_matrix(operation, role, world):
    call, expected = ROWS[operation]
    failures = []
    for relation in Relation:
        user = staff(role, agency=world["home"], active=relation != NONE)
        records = _records(world, relation)
        response = call(two_factor_client(user), records, world)
        if response.status_code != expected(role, relation):
            failures.append(
                (relation, response.status_code, expected(role, relation), response.content[:200])
            )
    assert failures == []

"""Exchange pages × role × relation: 200 (or a redirect after a write) where allowed,
403 for a forbidden action on a visible record, 404 (identical to a missing record)
outside the user's scope."""

import pytest
from django.test import Client

from safeshare.access.actions import Relation
from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import staff
from safeshare.demo.testing import sign_in_verified
from safeshare.exchange.tests.test_api_matrix import (  # noqa: F401
    ACT,
    CASE,
    NONE,
    OTHER,
    OWN,
    RECIPIENT,
    _cell,
    _records,
    world,
)
from safeshare.exchange.tests.test_views import _item_post

pytestmark = pytest.mark.django_db

P, DSL = Role.PRACTITIONER, Role.SAFEGUARDING_LEAD


def _list_page(role, relation):
    return 200 if role in CASE and relation != NONE else 403


def _share_new(role, relation):
    # The decision is addressed by URL: another agency's is not found; own needs a sender role.
    if relation in (OTHER, NONE):
        return 404
    return 200 if role in ACT else 403


def _share_draft_post(role, relation):
    """Adding or removing an item goes back to the builder where the builder opens."""
    expected = _share_new(role, relation)
    return 302 if expected == 200 else expected


def _person_page(allowed):
    def expected(role, relation):
        return _cell(role, relation, allowed={OWN: allowed}, success=200)

    return expected


PAGES = {
    "exchange:requests": (lambda r: "/exchange/requests/", "get", None, _list_page),
    "exchange:shares": (lambda r: "/exchange/shares/", "get", None, _list_page),
    "exchange:request_new": (
        lambda r: f"/exchange/requests/new/{r['child'].pk}/",
        "get",
        None,
        _person_page(ACT),
    ),
    "exchange:referral_new": (
        lambda r: f"/exchange/referrals/new/{r['child'].pk}/",
        "get",
        None,
        _person_page({P, DSL}),
    ),
    "exchange:request_detail": (
        lambda r: f"/exchange/requests/{r['request'].pk}/",
        "get",
        None,
        lambda role, rel: _cell(role, rel, allowed={OWN: CASE, RECIPIENT: CASE}, success=200),
    ),
    "exchange:request_answer": (
        lambda r: f"/exchange/requests/{r['request'].pk}/answer/",
        "post",
        lambda r: {"decision": str(r["decision"].pk)},
        lambda role, rel: _cell(role, rel, allowed={RECIPIENT: ACT}, success=302),
    ),
    "exchange:request_accept": (
        lambda r: f"/exchange/requests/{r['request'].pk}/accept/",
        "post",
        lambda r: {},
        # Taking on starts the aid: only roles that record decisions (not the LIO).
        lambda role, rel: _cell(role, rel, allowed={RECIPIENT: {P, DSL}}, success=302),
    ),
    "exchange:request_withdraw": (
        lambda r: f"/exchange/requests/{r['request'].pk}/withdraw/",
        "post",
        lambda r: {"reason": "no_longer_needed"},
        lambda role, rel: _cell(role, rel, allowed={OWN: ACT}, success=302),
    ),
    "exchange:share_new": (
        lambda r: f"/exchange/shares/new/{r['decision'].pk}/",
        "get",
        None,
        _share_new,
    ),
    "exchange:share_item_add": (
        lambda r: f"/exchange/shares/new/{r['decision'].pk}/item/",
        "post",
        lambda r: _item_post("Attendance fell this term"),
        _share_draft_post,
    ),
    "exchange:share_item_remove": (
        lambda r: f"/exchange/shares/new/{r['decision'].pk}/item/1/remove/",
        "post",
        lambda r: {},
        _share_draft_post,
    ),
    "exchange:share_detail": (
        lambda r: f"/exchange/shares/{r['share'].pk}/",
        "get",
        None,
        lambda role, rel: _cell(role, rel, allowed={OWN: CASE, RECIPIENT: CASE}, success=200),
    ),
    "exchange:share_acknowledge": (
        lambda r: f"/exchange/shares/{r['share'].pk}/acknowledge/",
        "post",
        lambda r: {},
        lambda role, rel: _cell(role, rel, allowed={RECIPIENT: ACT}, success=302),
    ),
    "exchange:onward_new": (
        lambda r: f"/exchange/shares/{r['share'].pk}/onward/",
        "get",
        None,
        lambda role, rel: _cell(role, rel, allowed={RECIPIENT: ACT}, success=200),
    ),
    "exchange:onward_detail": (
        lambda r: f"/exchange/onward/{r['onward'].pk}/",
        "post",
        lambda r: {"decision": str(r["decision"].pk)},
        # Both sides see it; only the source agency answers (own relation: source).
        lambda role, rel: _cell(role, rel, allowed={OWN: ACT}, success=302),
    ),
    "exchange:share_revoke": (
        lambda r: f"/exchange/shares/{r['share'].pk}/revoke/",
        "post",
        lambda r: {"reason": "sent_in_error"},
        lambda role, rel: _cell(role, rel, allowed={OWN: ACT}, success=302),
    ),
}

MATRIX_PAGES = set(PAGES)


@pytest.mark.parametrize("page", sorted(PAGES))
@pytest.mark.parametrize("role", list(Role))
def test_page_matrix(page, role, world):  # noqa: F811
    path, method, body, expected = PAGES[page]
    failures = []
    for relation in Relation:
        user = staff(role, agency=world["home"], active=relation != NONE)
        records = _records(world, relation)
        client = Client()
        sign_in_verified(client, user)
        if method == "get":
            response = client.get(path(records))
        else:
            response = client.post(path(records), body(records))
        if response.status_code != expected(role, relation):
            failures.append((relation, response.status_code, expected(role, relation)))
    assert failures == []

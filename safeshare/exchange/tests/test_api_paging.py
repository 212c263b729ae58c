"""API lists are bounded the django-ninja way: `limit` (1 to 100, 50 by default) and
`offset`, documented in the OpenAPI schema, answering {"items": [...], "count": n}; a bad
`limit` or `offset` is a problem naming it; another agency's records are on no page."""

import datetime

import pytest
import time_machine

from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.api.tests.helpers import assert_problem, two_factor_client
from safeshare.core import paging
from safeshare.exchange.tests.helpers import raise_request

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC)

# Every paged list operation: a list of the agency's work that grows with the data.
PAGED_OPERATIONS = {
    "exchange_requests_inbox",
    "exchange_requests_outbox",
    "exchange_requests_overdue",
    "exchange_shares_sent",
    "exchange_shares_received",
    "exchange_subject_notifications_open",
    "consent_conflicts_open",
    "consent_notices_missing",
    "decisions_departures",
    "decisions_list_for_person",
    "decisions_advice_awaiting",
}


@pytest.fixture
def w():
    with time_machine.travel(NOW):
        home, other, third = AgencyFactory(), AgencyFactory(), AgencyFactory()
        user, asker = staff(Role.PRACTITIONER, agency=home), staff(Role.PRACTITIONER, agency=other)
        stranger = staff(Role.PRACTITIONER, agency=third)
        asked = [
            raise_request(
                asker,
                person_for(asker),
                home,
                due_on=NOW.date() + datetime.timedelta(days=10 - n),
            )
            for n in range(5)
        ]
        hidden = raise_request(stranger, person_for(stranger), other)
        yield {"client": two_factor_client(user), "asked": asked, "hidden": hidden}


def test_limit_and_offset_walk_the_inbox_soonest_due_first(w):
    soonest_due = [str(r.pk) for r in reversed(w["asked"])]
    pages = [
        w["client"].get("/api/v1/requests/inbox", {"limit": 2, "offset": offset}).json()
        for offset in (0, 2, 4, 6)
    ]
    assert [page["count"] for page in pages] == [5, 5, 5, 5]
    assert [[r["id"] for r in page["items"]] for page in pages] == [
        soonest_due[0:2],
        soonest_due[2:4],
        soonest_due[4:],
        [],  # past the end: an empty page, the count says why
    ]
    every = w["client"].get("/api/v1/requests/inbox").json()
    assert [r["id"] for r in every["items"]] == soonest_due  # 50 unless asked
    assert str(w["hidden"].pk) not in str(pages + [every])


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": paging.API_MAX_LIMIT + 1}, "limit"),
        ({"limit": 0}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"offset": "1.5"}, "offset"),
        ({"offset": 10**30}, "offset"),
    ],
)
def test_a_bad_limit_or_offset_is_a_problem_naming_it(w, query, field):
    response = w["client"].get("/api/v1/requests/inbox", query)
    assert_problem(response, 422, field)


def test_every_paged_operation_documents_limit_offset_and_count():
    from safeshare.api.api import api

    schema = api.get_openapi_schema()
    found = set()
    for path in schema["paths"].values():
        for operation in path.values():
            names = {p["name"] for p in operation.get("parameters", [])}
            if {"limit", "offset"} <= names:
                found.add(operation["operationId"])
                ok = operation["responses"][200]["content"]["application/json"]["schema"]
                paged = schema["components"]["schemas"][ok["$ref"].rsplit("/", 1)[-1]]
                assert set(paged["required"]) == {"items", "count"}
    assert found == PAGED_OPERATIONS

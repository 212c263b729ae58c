"""Hostile input: schemathesis against /api/openapi.json as each role (fuzz.py).

The short run below is part of the suite: a few examples per operation and
mode, a fixed seed. The long run is the same test with more examples, e.g.
``SAFESHARE_FUZZ_EXAMPLES=100 .venv/bin/pytest -m fuzz safeshare/api/tests/test_hostile_input.py``
(docs/reliability.md, "Hostile input").
"""

import datetime
from collections import Counter

import pytest

from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.api.auth import issue_token
from safeshare.api.tests import fuzz
from safeshare.exchange.tests.helpers import decision_for, raise_request, send
from safeshare.ledger.testing import write_signing_key

pytestmark = pytest.mark.django_db

SHORT_RUN_EXAMPLES = 1
SCHEMA = fuzz.load_schema()


def world_for(role: Role) -> tuple[dict[str, str], dict[str, str]]:
    """A user holding `role` at an agency with records of each kind; (headers, path ids)."""
    home, other = AgencyFactory(), AgencyFactory()
    author = staff(Role.PRACTITIONER, agency=home)
    sender = staff(Role.PRACTITIONER, agency=other)
    own = person_for(author)
    theirs = person_for(sender)
    decision = decision_for(author, own)
    share = send(sender, theirs, home)
    request = raise_request(sender, theirs, home)
    user = staff(role, agency=home)
    _, token = issue_token(user=user, label="fuzz", lifetime=datetime.timedelta(days=1))
    ids = {
        "person_id": str(own.id),
        "child_id": str(own.id),
        "decision_id": str(decision.id),
        "share_id": str(share.id),
        "request_id": str(request.id),
        "seq": "1",
    }
    return {"Authorization": f"Bearer {token}"}, ids


@pytest.fixture(autouse=True)
def configured_as_deployed(settings, tmp_path):
    """A signing key, as in production: without one, checkpoints answer 503 by design."""
    path = tmp_path / "ledger-signing.pem"
    write_signing_key(path)
    settings.SAFESHARE_LEDGER_SIGNING_KEY_FILE = str(path)


def run_fuzz(role: Role, examples: int) -> tuple[list[fuzz.Finding], Counter]:
    headers, ids = world_for(role)
    statuses: Counter = Counter()
    findings = fuzz.fuzz_operations(
        SCHEMA,
        headers=headers,
        path_parameters=ids,
        max_examples=examples,
        random_seed=fuzz.fuzz_seed(),
        statuses=statuses,
    )
    print(f"{role}: {sum(statuses.values())} requests, by status {dict(sorted(statuses.items()))}")
    return findings, statuses


@pytest.mark.parametrize("role", list(Role))
def test_no_request_breaks_the_api_contract(role):
    findings, statuses = run_fuzz(role, SHORT_RUN_EXAMPLES)

    assert not findings, "\n\n".join(map(str, findings))
    # Every operation was called in both modes, and some calls got past the checks.
    assert sum(statuses.values()) >= 2 * len(list(SCHEMA.get_all_operations()))
    assert any(200 <= status < 300 for status in statuses), statuses
    assert 422 in statuses, statuses


@pytest.mark.fuzz  # deselected by default; run with -m fuzz
@pytest.mark.parametrize("role", list(Role))
def test_long_run_breaks_nothing(role):
    findings, _ = run_fuzz(role, fuzz.long_run_examples())

    assert not findings, "\n\n".join(map(str, findings))


def test_every_operation_is_fuzzed_and_documents_its_errors():
    """The run covers the whole document, and each operation states its problem errors."""
    operations = [result.ok() for result in SCHEMA.get_all_operations()]
    assert len(operations) >= 60
    for operation in operations:
        responses = operation.definition.raw["responses"]
        for status in ("400", "401", "403", "404", "422"):
            assert "application/problem+json" in responses[status]["content"], operation.label
        # An operation with a body may refuse its size or its type (api/body.py).
        body_errors = ("413", "415") if "requestBody" in operation.definition.raw else ()
        for status in body_errors:
            assert "application/problem+json" in responses[status]["content"], operation.label


def test_a_non_problem_error_is_a_finding():
    class Response:
        status_code = 404
        headers = {"content-type": ["text/html"]}
        content = b"<h1>Not found</h1>"

    class Case:
        method = "GET"
        formatted_path = "/api/v1/nowhere"

    with pytest.raises(AssertionError, match="not a problem document"):
        fuzz.assert_problem_document(Response(), Case())

"""The recipient pass: nothing a recipient must not see reaches it, on any page or API answer.

An agency (the sender) works with a child and records about them everything a
case holds: an NHS number, a parent with parental responsibility, the reason
it works with them, a capacity assessment's notes, a decision's purpose,
rationale and the information it considered, a request to a third agency, a
share to that third agency, a protected person's identity, and a share to the
recipient that it then revoked. Each of those fields holds a unique marker.
It then shares with the recipient the child's name and date of birth and a
concern summary, nothing more (Protocol App. 2 Q6).

Signed in as the recipient's practitioner and safeguarding lead, the test
follows every link from the home page (every page, not one of each kind),
opens every GET operation of the API with every id it knows, and searches
by the withheld NHS number: no marker may appear in any response. The browser
crawl (`test_every_page.py`) checks the same pages for accessibility.
"""

import datetime
import re
import uuid
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.api.api import api
from safeshare.api.tests.helpers import token_client
from safeshare.consent.services.capacity import capacity_assess
from safeshare.core import clock
from safeshare.core.sealed import seal_text
from safeshare.decisions.models import AidOutcome, ConsentState, Decision, DecisionOutcome
from safeshare.demo.testing import sign_in_verified
from safeshare.exchange import services as exchange
from safeshare.exchange.models import ProtectedRole
from safeshare.exchange.tests.helpers import item, raise_request, send
from safeshare.people.services.people import person_create
from safeshare.people.services.relationships import relationship_record
from safeshare.people.tests.factories import (
    FAMILY,
    GIVEN,
    NHS,
    NHS_SHOWN,
    known_child,
)

pytestmark = pytest.mark.django_db

NOT_FOLLOWED = ("/admin/", "/api/", "/static/", "/sign-out/", "/signed-out/", "/sign-in/")
PAGES_MAX = 300  # a bound, far above what a recipient reaches
SHARED_SUMMARY = "Concern summary: bruising seen at drop-off on Monday"
_HREF = re.compile(r'href="([^"#]+)"')
_PATH_PARAM = re.compile(r"{(\w+)}")


def marker(field: str) -> str:
    """A unique string for one field, letters only, so it passes as a name too."""
    letters = "".join(chr(ord("a") + int(c, 16) % 26) for c in uuid.uuid4().hex[:10])
    return f"Zq{field.replace('_', '')}{letters}"


def decision_with(author, subject, markers: dict[str, str]) -> Decision:
    """A recorded decision to share whose sealed texts carry markers."""
    decision_id = uuid.uuid4()

    def sealed(field):
        return seal_text(subject, record_id=decision_id, field=field, text=markers[field])

    return Decision.objects.create(
        id=decision_id,
        subject=subject,
        agency=author.agency,
        outcome=DecisionOutcome.SHARE,
        decided_by=author,
        decided_at=clock.now(),
        pack_id="scsp-2022",
        pack_version="1",
        purpose_enc=sealed("purpose"),
        level_of_need="significant_harm",
        recommendation=AidOutcome.SHARE,
        recommendation_explanation="Test.",
        rationale_enc=sealed("rationale"),
        lawful_basis="public_task",
        consent_state=ConsentState.NOT_SOUGHT,
        consent_not_sought_reason="increased_risk_of_significant_harm",
        information_considered_enc=sealed("information_considered"),
    )


@pytest.fixture
def case():
    home, recipient_agency, third = AgencyFactory(), AgencyFactory(), AgencyFactory()
    sender = staff(Role.SAFEGUARDING_LEAD, agency=home)
    markers = {
        f: marker(f)
        for f in (
            "involvement_reason",
            "parent_given",
            "parent_family",
            "capacity_notes",
            "purpose",
            "rationale",
            "information_considered",
            "request_purpose",
            "request_needed",
            "third_share_item",
            "protected_identity",
            "revoked_item",
        )
    }
    child = known_child(sender, involvement_reason=markers["involvement_reason"])
    parent = person_create(
        actor=sender,
        agency=home,
        kind="parent_carer",
        given_name=markers["parent_given"],
        family_name=markers["parent_family"],
        date_of_birth=datetime.date(1988, 5, 17),
    )
    relationship_record(
        actor=sender,
        person=child,
        related_person=parent,
        relationship_type="mother",
        has_parental_responsibility=True,
    )
    capacity_assess(
        actor=sender,
        child=child,
        person=child,
        assessed_at=clock.now(),
        conclusion="lacks_capacity",
        notes=markers["capacity_notes"],
    )
    raise_request(
        sender,
        child,
        third,
        purpose=markers["request_purpose"],
        information_needed=markers["request_needed"],
    )
    send(sender, child, third, items=[item(1, content=markers["third_share_item"])])
    revoked = send(
        sender, child, recipient_agency, items=[item(2, content=markers["revoked_item"])]
    )
    exchange.share_revoke(actor=sender, share=revoked, reason="sent_in_error")
    shared = send(
        sender,
        child,
        recipient_agency,
        decision=decision_with(sender, child, markers),
        identity_fields={"name", "date_of_birth"},
        items=[
            item(3, content=SHARED_SUMMARY),
            item(
                4,
                content="A neighbour reported shouting",
                protected_role=ProtectedRole.NEIGHBOUR,
                protected_identity=markers["protected_identity"],
            ),
        ],
    )
    return {
        "markers": {**markers, "nhs_number": NHS, "nhs_number_shown": NHS_SHOWN},
        "child": child,
        "parent": parent,
        "shared": shared,
        "revoked": revoked,
        "recipient_agency": recipient_agency,
        "ids": {str(x.pk) for x in (child, parent, shared, revoked, home, recipient_agency, third)},
    }


def found_in(text: str, markers: dict[str, str]) -> list[str]:
    return [field for field, value in markers.items() if value in text]


def crawl_pages(client: Client, start_paths: list[str]) -> dict[str, str]:
    """Every page reached by links from the start paths: path -> body."""
    queue, seen, bodies = deque(start_paths), set(), {}
    while queue and len(seen) < PAGES_MAX:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        body = response.content.decode()
        bodies[path] = body
        for href in _HREF.findall(body):
            target = urlsplit(urljoin(f"http://testserver{path}", href.replace("&amp;", "&")))
            if target.netloc != "testserver" or target.path.startswith(NOT_FOLLOWED):
                continue
            queue.append(target.path + (f"?{target.query}" if target.query else ""))
    return bodies


def api_get_paths(ids: set[str]) -> list[str]:
    """Every GET operation of the API, once with each id known to the test in its path."""
    schema = api.get_openapi_schema()
    paths = []
    for template, operations in schema["paths"].items():
        if "get" not in operations or template.endswith(("/docs", "/openapi.json")):
            continue
        names = _PATH_PARAM.findall(template)
        if not names:
            paths.append(template)
            continue
        for value in sorted(ids):
            paths.append(_PATH_PARAM.sub(value, template))
    return paths


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.SAFEGUARDING_LEAD])
def test_recipient_finds_no_marker_on_any_page_or_api_answer(case, role):
    reader = staff(role, agency=case["recipient_agency"])
    markers = case["markers"]
    client = Client()
    sign_in_verified(client, reader)
    starts = ["/", f"/people/{case['child'].pk}/", f"/exchange/shares/{case['shared'].pk}/"]
    pages = crawl_pages(client, starts)
    leaks = [f"page {path}: {found_in(body, markers)}" for path, body in pages.items()]
    leaks = [leak for leak in leaks if not leak.endswith(": []")]

    api_client = token_client(reader)
    answered = 0
    for path in api_get_paths(case["ids"]):
        response = api_client.get(path)
        answered += response.status_code == 200
        hits = found_in(response.content.decode(), markers)
        if hits:
            leaks.append(f"api {path}: {hits}")
    for body in (
        {"nhs_number": NHS},
        {
            "given_name": markers["parent_given"],
            "family_name": markers["parent_family"],
            "date_of_birth": "1988-05-17",
        },
    ):
        response = api_client.post("/api/v1/people/search", body, content_type="application/json")
        if response.json() != []:
            leaks.append(f"search {sorted(body)} found {response.json()}")
    page = client.post("/people/find/", {"nhs_number": NHS})
    if "0 matches" not in page.content.decode():
        leaks.append("the find page confirmed the withheld NHS number")

    assert leaks == [], "\n".join(leaks)
    # Not a pass by seeing nothing: the recipient reached the share and the child,
    # and saw what was shared.
    child_page = pages[f"/people/{case['child'].pk}/"]
    share_page = pages[f"/exchange/shares/{case['shared'].pk}/"]
    assert f"{GIVEN} {FAMILY}" in child_page and "Not shared" in child_page
    assert SHARED_SUMMARY in share_page
    assert len(pages) >= 5 and answered >= 5, (sorted(pages), answered)

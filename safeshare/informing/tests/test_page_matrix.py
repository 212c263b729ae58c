"""Informing the subject: pages × role × relation, and the pages' steps.

Relations and expectations as in test_api_matrix.py: only the sending agency's
practitioners and safeguarding leads may list or record; a recipient is refused
(403); anyone who cannot see the share at all gets the same 404 as for a missing
one.
"""

import pytest
from django.test import Client

from safeshare.access.actions import Relation
from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import staff
from safeshare.core import clock
from safeshare.demo.testing import sign_in_verified
from safeshare.exchange.tests.helpers import last_entry
from safeshare.informing.models import SubjectNotification

from .test_api_matrix import NONE, NOT_TOLD, P, _list, _record, _share, sent, world  # noqa: F401

pytestmark = pytest.mark.django_db

SUBJECT_PAGES = {"exchange:subject_tasks", "exchange:subject_record"}

PAGE_ROWS = {
    "exchange:subject_tasks": (lambda c, s: c.get("/exchange/informing/"), _list),
    "exchange:subject_record": (lambda c, s: c.get(f"/exchange/informing/{s.pk}/"), _record(200)),
    "exchange:subject_record POST": (
        lambda c, s: c.post(f"/exchange/informing/{s.pk}/?outcome=not_informed", NOT_TOLD),
        _record(302),
    ),
}

MATRIX_PAGES = {name.split()[0] for name in PAGE_ROWS}


def test_every_page_has_a_row():
    assert MATRIX_PAGES == SUBJECT_PAGES


@pytest.mark.parametrize("page", sorted(PAGE_ROWS))
@pytest.mark.parametrize("role", list(Role))
def test_page_matrix(page, role, world):  # noqa: F811
    call, expected = PAGE_ROWS[page]
    failures = []
    for relation in Relation:
        user = staff(role, agency=world["home"], active=relation != NONE)
        share = _share(world, relation)
        client = Client()
        sign_in_verified(client, user)
        response = call(client, share)
        if response.status_code != expected(role, relation):
            failures.append((relation, response.status_code, expected(role, relation)))
    assert failures == []


# --- pages --------------------------------------------------------------------------------


def _page_client(user):
    client = Client()
    sign_in_verified(client, user)
    return client


def test_the_pages_ask_one_question_then_the_details(sent, world):  # noqa: F811
    client = _page_client(sent["author"])
    path = f"/exchange/informing/{sent['share'].pk}/"
    tasks = client.get("/exchange/informing/")
    assert path in tasks.content.decode()
    assert client.post(path, {}).status_code == 422
    step = client.post(path, {"outcome": "informed"})
    assert step.status_code == 302 and step["Location"].endswith("?outcome=informed")
    details = client.get(step["Location"])
    assert "Who was told?" in details.content.decode()
    today = clock.today()
    future = {
        "informed_on-day": today.day,
        "informed_on-month": today.month,
        "informed_on-year": today.year + 1,
        "method": "in_person",
        "told_person_id": str(sent["child"].pk),
        "informed_by_id": str(sent["author"].pk),
    }
    refused = client.post(f"{path}?outcome=informed", future)
    assert refused.status_code == 422
    assert "The date of telling them cannot be in the future." in refused.content.decode()
    assert not SubjectNotification.objects.exists()
    done = client.post(f"{path}?outcome=informed", {**future, "informed_on-year": today.year})
    assert done.status_code == 302
    assert SubjectNotification.objects.get().method == "in_person"
    assert last_entry().kind == "subject.informed"
    assert path not in client.get("/exchange/informing/").content.decode()
    assert "In person" in client.get(path).content.decode()


def test_a_not_told_reason_of_other_needs_its_explanation_on_the_page(sent):  # noqa: F811
    client = _page_client(sent["author"])
    path = f"/exchange/informing/{sent['share'].pk}/?outcome=not_informed"
    response = client.post(path, {"reason": "other"})
    assert response.status_code == 422
    assert "Enter why they were not told." in response.content.decode()
    assert client.post(path, {"reason": "other", "reason_other": "No address"}).status_code == 302
    assert "No address" in client.get(f"/exchange/informing/{sent['share'].pk}/").content.decode()


def test_the_senders_share_page_links_to_the_task_and_the_recipients_does_not(sent, world):  # noqa: F811
    link = f"/exchange/informing/{sent['share'].pk}/"
    sender_page = _page_client(sent["author"]).get(f"/exchange/shares/{sent['share'].pk}/")
    assert link in sender_page.content.decode()
    reader = staff(P, agency=world["other"])
    reader_page = _page_client(reader).get(f"/exchange/shares/{sent['share'].pk}/")
    assert reader_page.status_code == 200
    assert link not in reader_page.content.decode()

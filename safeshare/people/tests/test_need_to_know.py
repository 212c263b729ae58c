"""A recipient sees a person only through the shares it received (Protocol App. 2 Q6).

The shares name the identity fields they carry (name, date of birth, NHS number);
a recipient sees those and nothing else of the person's record, through the API
and the pages alike, and a search by a field its shares withheld finds nobody,
so it cannot confirm that a person with that NHS number is in its scope.
"""

import datetime

import pytest
from django.test import Client

from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.api.tests.helpers import token_client
from safeshare.demo.testing import sign_in_verified
from safeshare.exchange.models import Share
from safeshare.exchange.tests.helpers import decision_for, last_entry, raise_request, send
from safeshare.people.tests.factories import BORN, FAMILY, GIVEN, NHS, NHS_SHOWN, known_child

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    home, other = AgencyFactory(), AgencyFactory()
    sender = staff(Role.PRACTITIONER, agency=home)
    reader = staff(Role.PRACTITIONER, agency=other)
    child = known_child(sender)
    return {"home": home, "other": other, "sender": sender, "reader": reader, "child": child}


def page_client(user) -> Client:
    client = Client()
    sign_in_verified(client, user)
    return client


def assert_nhs_number_absent(text: str) -> None:
    assert NHS not in text and NHS_SHOWN not in text


def test_recipient_of_name_and_birth_date_gets_no_nhs_number_from_the_api(w):
    send(w["sender"], w["child"], w["other"], identity_fields={"name", "date_of_birth"})
    response = token_client(w["reader"]).get(f"/api/v1/people/{w['child'].pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["relation"] == "recipient"
    assert (body["given_name"], body["family_name"]) == (GIVEN, FAMILY)
    assert body["date_of_birth"] == BORN.isoformat()
    assert body["nhs_number"] is None
    assert body["withheld"] == ["nhs_number"]
    assert_nhs_number_absent(response.content.decode())


def test_recipient_person_page_says_not_shared_and_shows_no_nhs_number(w):
    send(w["sender"], w["child"], w["other"])  # the default: name and date of birth
    page = page_client(w["reader"]).get(f"/people/{w['child'].pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert f"{GIVEN} {FAMILY}" in text and "29 February 2016" in text
    assert "Not shared" in text
    assert_nhs_number_absent(text)


def test_sender_still_sees_the_whole_identity(w):
    send(w["sender"], w["child"], w["other"])
    body = token_client(w["sender"]).get(f"/api/v1/people/{w['child'].pk}").json()
    assert body["nhs_number"] == NHS and body["withheld"] == []
    text = page_client(w["sender"]).get(f"/people/{w['child'].pk}/").content.decode()
    assert NHS_SHOWN in text


def test_share_of_the_name_alone_withholds_the_date_of_birth(w):
    send(w["sender"], w["child"], w["other"], identity_fields={"name"})
    body = token_client(w["reader"]).get(f"/api/v1/people/{w['child'].pk}").json()
    assert body["date_of_birth"] is None and body["nhs_number"] is None
    assert body["withheld"] == ["date_of_birth", "nhs_number"]
    text = page_client(w["reader"]).get(f"/people/{w['child'].pk}/").content.decode()
    assert "29 February 2016" not in text and "2016" not in text


def test_share_without_the_name_shows_no_name_anywhere(w):
    share = send(w["sender"], w["child"], w["other"], identity_fields={"date_of_birth"})
    reader = page_client(w["reader"])
    for path in (f"/people/{w['child'].pk}/", f"/exchange/shares/{share.pk}/"):
        text = reader.get(path).content.decode()
        assert GIVEN not in text and FAMILY not in text, path
        assert "Name not shared" in text
    body = token_client(w["reader"]).get(f"/api/v1/people/{w['child'].pk}").json()
    assert body["given_name"] is None and body["display_name"] == "Name not shared"


def test_two_open_shares_show_the_union_of_what_they_carry(w):
    send(w["sender"], w["child"], w["other"], identity_fields={"name"})
    send(w["sender"], w["child"], w["other"], identity_fields={"nhs_number"})
    body = token_client(w["reader"]).get(f"/api/v1/people/{w['child'].pk}").json()
    assert body["nhs_number"] == NHS and body["given_name"] == GIVEN
    assert body["withheld"] == ["date_of_birth"]


def test_share_page_says_which_details_of_the_child_it_carries(w):
    share = send(w["sender"], w["child"], w["other"], identity_fields={"nhs_number", "name"})
    for user in (w["reader"], w["sender"]):
        text = page_client(user).get(f"/exchange/shares/{share.pk}/").content.decode()
        assert "Name, NHS number" in text


def test_share_carrying_the_nhs_number_shows_it(w):
    send(w["sender"], w["child"], w["other"], identity_fields={"name", "nhs_number"})
    body = token_client(w["reader"]).get(f"/api/v1/people/{w['child'].pk}").json()
    assert body["nhs_number"] == NHS
    text = page_client(w["reader"]).get(f"/people/{w['child'].pk}/").content.decode()
    assert NHS_SHOWN in text


def test_revoked_share_shows_nothing(w):
    from safeshare.exchange import services

    share = send(w["sender"], w["child"], w["other"], identity_fields={"name", "nhs_number"})
    services.share_revoke(actor=w["sender"], share=share, reason="sent_in_error")
    assert token_client(w["reader"]).get(f"/api/v1/people/{w['child'].pk}").status_code == 404


def test_search_by_an_nhs_number_the_recipient_was_not_given_finds_nobody(w):
    send(w["sender"], w["child"], w["other"])  # name and date of birth only
    api = token_client(w["reader"])
    found = api.post("/api/v1/people/search", {"nhs_number": NHS}, content_type="application/json")
    assert found.status_code == 200 and found.json() == []
    page = page_client(w["reader"]).post("/people/find/", {"nhs_number": NHS})
    assert page.status_code == 200 and "0 matches" in page.content.decode()
    # Searching by what the share did carry finds the child, with the number still withheld.
    by_name = api.post(
        "/api/v1/people/search",
        {"given_name": GIVEN, "family_name": FAMILY, "date_of_birth": BORN.isoformat()},
        content_type="application/json",
    ).json()
    assert [p["id"] for p in by_name] == [str(w["child"].pk)]
    assert by_name[0]["nhs_number"] is None
    assert_nhs_number_absent(str(by_name))


def test_search_by_name_and_birth_needs_a_share_carrying_both(w):
    send(w["sender"], w["child"], w["other"], identity_fields={"name"})
    found = token_client(w["reader"]).post(
        "/api/v1/people/search",
        {"given_name": GIVEN, "family_name": FAMILY, "date_of_birth": BORN.isoformat()},
        content_type="application/json",
    )
    assert found.json() == []


def test_search_by_a_shared_nhs_number_finds_the_child(w):
    send(w["sender"], w["child"], w["other"], identity_fields={"nhs_number"})
    found = token_client(w["reader"]).post(
        "/api/v1/people/search", {"nhs_number": NHS}, content_type="application/json"
    )
    assert [p["id"] for p in found.json()] == [str(w["child"].pk)]


def test_request_identity_share_carries_the_whole_identity_for_matching(w):
    raise_request(w["sender"], w["child"], w["other"])
    share = Share.objects.get(origin="request")
    assert share.identity_fields == {"name", "date_of_birth", "nhs_number"}
    body = token_client(w["reader"]).get(f"/api/v1/people/{w['child'].pk}").json()
    assert body["nhs_number"] == NHS


def test_share_sent_entry_records_the_identity_fields(w):
    send(w["sender"], w["child"], w["other"], identity_fields={"name", "nhs_number"})
    entry = last_entry()
    assert entry.kind == "share.sent"
    assert entry.payload["identity_fields"] == ["name", "nhs_number"]


def test_api_share_send_takes_identity_fields_and_refuses_unknown_ones(w):
    decision = decision_for(w["sender"], w["child"])
    api = token_client(w["sender"])
    body = {
        "decision_id": str(decision.pk),
        "kind": "disclosure",
        "access_until": (
            datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3)
        ).isoformat(),
        "items": [
            {
                "category": "education",
                "content": "Attendance fell this term",
                "nature": "fact",
                "source": "Register",
                "dated_on": datetime.date.today().isoformat(),
                "checked_accurate": True,
            }
        ],
        "recipients": [{"agency_id": str(w["other"].pk)}],
    }
    before = Share.objects.count()
    refused = api.post(
        "/api/v1/shares",
        {**body, "identity_fields": ["name", "address"]},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert any(e["field"].startswith("identity_fields") for e in refused.json()["errors"])
    assert Share.objects.count() == before
    sent = api.post("/api/v1/shares", body, content_type="application/json")
    assert sent.status_code == 201, sent.json()
    assert sent.json()["identity_fields"] == ["date_of_birth", "name"]


def test_service_refuses_an_unknown_identity_field(w):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        send(w["sender"], w["child"], w["other"], identity_fields={"name", "address"})
    assert "identity_fields" in refused.value.message_dict
    assert not Share.objects.exists()


def test_share_builder_offers_the_identity_fields_with_name_and_birth_ticked(w):
    decision = decision_for(w["sender"], w["child"])
    text = page_client(w["sender"]).get(f"/exchange/shares/new/{decision.pk}/").content.decode()
    assert 'name="identity_fields" type="checkbox" value="nhs_number"' in text
    assert 'value="name" checked' in text and 'value="date_of_birth" checked' in text
    assert 'value="nhs_number" checked' not in text


def test_unrelated_agency_still_gets_404(w):
    stranger = staff(Role.PRACTITIONER, agency=AgencyFactory())
    send(w["sender"], w["child"], w["other"])
    assert token_client(stranger).get(f"/api/v1/people/{w['child'].pk}").status_code == 404

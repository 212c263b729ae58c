import uuid

import pytest

from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import staff
from safeshare.core import crypto
from safeshare.core.sealed import ERASED_TEXT, UNREADABLE_TEXT, open_text, seal_text
from safeshare.people.services.people import person_shred

pytestmark = pytest.mark.django_db


@pytest.fixture
def author():
    return staff(Role.PRACTITIONER, Role.DATA_PROTECTION_OFFICER)


def test_round_trip_and_binding_to_record_and_field(author):
    person = person_for(author)
    record = uuid.uuid4()
    blob = seal_text(person, record_id=record, field="rationale", text="Bruising seen at school")
    assert b"Bruising" not in blob
    assert open_text(person, record_id=record, field="rationale", blob=blob) == (
        "Bruising seen at school"
    )
    assert open_text(person, record_id=uuid.uuid4(), field="rationale", blob=blob) is (
        UNREADABLE_TEXT
    )
    assert open_text(person, record_id=record, field="purpose", blob=blob) is UNREADABLE_TEXT
    other = person_for(author)
    assert open_text(other, record_id=record, field="rationale", blob=blob) is UNREADABLE_TEXT
    assert open_text(person, record_id=record, field="rationale", blob=None) is None


def test_shredding_the_subject_erases_their_case_text(author):
    person = person_for(author)
    record = uuid.uuid4()
    blob = seal_text(person, record_id=record, field="rationale", text="Disclosed at home visit")
    person_shred(actor=author, person=person, reason="erasure_request")
    assert open_text(person, record_id=record, field="rationale", blob=blob) is ERASED_TEXT
    assert str(ERASED_TEXT) == "Erased"
    with pytest.raises(crypto.DecryptionError):
        seal_text(person, record_id=record, field="rationale", text="more")


def test_text_without_a_subject_uses_a_derived_key():
    record = uuid.uuid4()
    blob = seal_text(None, record_id=record, field="rationale", text="Anonymised data suffices")
    assert open_text(None, record_id=record, field="rationale", blob=blob) == (
        "Anonymised data suffices"
    )
    assert crypto.derived_key("case_text") != crypto.kek()
    with pytest.raises(ValueError):
        crypto.derived_key("Not A Label!")

"""The seeded partnership is real and each measured page's query count does not grow
with the data (issue #6 item 2), seeded at two tiny sizes in one database."""

import json

import pytest
from django.db import transaction

from bench.pages import main_pages, query_count
from bench.seed import counts_for, seed, verify_ledger

SMALL, LARGER = 0.0001, 0.0004


class _Rollback(Exception):
    pass


def _counts_at(scale: float) -> tuple[dict, dict]:
    """Seed at ``scale``, count each page's queries, then roll the seed back."""
    result = {}
    try:
        with transaction.atomic():
            seeded = seed(scale)
            verify_ledger()
            clients: dict = {}
            for page in main_pages(seeded):
                queries, status = query_count(page, clients)
                assert status == 200, (page.name, status)
                result[page.name] = queries
            result["_counts"] = seeded.counts
            raise _Rollback
    except _Rollback:
        pass
    return {k: v for k, v in result.items() if k != "_counts"}, result["_counts"]


@pytest.mark.django_db
def test_each_page_sends_as_many_queries_at_four_times_the_data():
    small, small_counts = _counts_at(SMALL)
    larger, larger_counts = _counts_at(LARGER)

    assert larger_counts["decisions"] >= 3 * small_counts["decisions"]
    assert larger_counts["persons"] >= 3 * small_counts["persons"]
    assert set(small) == {
        "caseload",
        "request_inbox",
        "person",
        "decision",
        "share_recipient",
        "find_nhs",
        "consent_conflicts",
        "consent_not_told",
    }
    assert larger == small


@pytest.mark.django_db
def test_seed_writes_sealed_people_and_records_that_open_and_a_ledger_that_verifies():
    from safeshare.core.sealed import open_text
    from safeshare.decisions.models import Decision
    from safeshare.exchange.models import Share, ShareItem
    from safeshare.ledger.models import Entry
    from safeshare.people.identity import read_identity
    from safeshare.people.models import Person

    seeded = seed(SMALL)
    verify_ledger()

    expected = counts_for(SMALL)
    assert Person.objects.count() == seeded.counts["persons"] == expected["persons"]
    assert Decision.objects.count() == expected["decisions"]
    assert Share.objects.count() == seeded.counts["shares"] + seeded.counts["requests"]
    for person in Person.objects.exclude(pk=seeded.sample["child"].pk):  # the template child
        identity = read_identity(person)
        assert not identity.erased and identity.nhs_number
    for decision in Decision.objects.select_related("subject"):
        text = open_text(
            decision.subject, record_id=decision.id, field="rationale", blob=decision.rationale_enc
        )
        assert text == "The risk is immediate and the family must not be alerted"
    item = ShareItem.objects.select_related("share__subject").last()
    other = Person.objects.exclude(pk=item.share.subject_id).first()
    # Bound to its own subject: under another person's key the text does not open.
    assert isinstance(
        open_text(item.share.subject, record_id=item.id, field="content", blob=item.content_enc),
        str,
    )
    assert not isinstance(
        open_text(other, record_id=item.id, field="content", blob=item.content_enc), str
    )
    for share in Share.objects.all():
        entry = Entry.objects.get(seq=share.sent_entry_seq)
        # An identity share's receipt is the request that carried it.
        assert entry.kind in {"share.sent", "request.raised"}
        assert entry.hash == share.sent_entry_hash
        assert str(share.id) in json.dumps(entry.payload)


def test_seed_refuses_a_database_that_already_holds_agencies(db):
    from safeshare.agencies.models import Agency

    Agency.objects.create(
        name="Existing", code="existing", agency_type="school", partner_status="relevant_agency"
    )
    with pytest.raises(SystemExit, match="already holds agencies"):
        seed(SMALL)

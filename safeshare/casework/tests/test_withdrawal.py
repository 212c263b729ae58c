"""Withdrawing consent tells the agencies that received information under it
(issue #5 item 4): one casework flow over consent's and exchange's services."""

import pytest
from django.core.exceptions import ValidationError

from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import AgencyType, Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.casework.withdrawal import consent_withdraw_and_tell
from safeshare.consent.services.withdrawals import consent_withdraw
from safeshare.consent.tests.helpers import parent_of, record_consent
from safeshare.consent.tests.test_services import decide_with_consent, refused, share_under
from safeshare.core import clock
from safeshare.core.tests.tasks import run_queued_tasks
from safeshare.exchange.selectors import withdrawal_for_share
from safeshare.exchange.tests.test_notify import smtp, with_email  # noqa: F401
from safeshare.ledger.models import Entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def trust():
    return AgencyFactory(name="Family Support Trust", agency_type=AgencyType.CHILDRENS_TRUST)


@pytest.fixture
def author():
    return staff(Role.PRACTITIONER, agency=AgencyFactory(agency_type=AgencyType.SCHOOL))


def test_withdrawal_blocks_later_shares_and_tells_earlier_recipients(
    author,
    trust,
    smtp,  # noqa: F811 - the SMTP server fixture, imported above
    django_capture_on_commit_callbacks,
):
    child = person_for(author)
    consent = record_consent(author, child, parent_of(author, child))
    decision = decide_with_consent(author, child, consent, [trust])
    with_email(staff(Role.PRACTITIONER, agency=trust), "p@trust.test")
    first = share_under(author, decision, trust)
    smtp.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        withdrawal = consent_withdraw_and_tell(
            actor=author,
            consent=consent,
            withdrawn_at=clock.now(),
            method="verbal",
            reasons="The family no longer want the trust involved",
        )
    run_queued_tasks()
    assert Entry.objects.filter(kind="consent.withdrawn").get().payload["withdrawal"] == str(
        withdrawal.pk
    )
    told = Entry.objects.filter(kind="consent.withdrawal_notified").get()
    assert told.payload["shares"] == [str(first.pk)]
    assert told.payload["recipients"] == [str(trust.pk)]
    assert [m["to"] for m in smtp.messages] == [["p@trust.test"]]
    body = smtp.messages[0]["data"]
    assert "withdrawn" in body and f"/exchange/shares/{first.pk}/" in body
    for secret in ("Person", "Given", "Family", "no longer want", trust.name):
        assert secret not in body
    assert withdrawal_for_share(first) == withdrawal
    with pytest.raises(ValidationError) as excinfo:
        share_under(author, decision, trust)
    assert [e.code for e in excinfo.value.error_dict["decision_id"]] == ["consent_withdrawn"]
    errors = refused(
        consent_withdraw_and_tell,
        actor=author,
        consent=consent,
        withdrawn_at=clock.now(),
        method="verbal",
    )
    assert errors == {"consent_id": ["already_withdrawn"]}


def test_the_consent_service_alone_tells_no_one(
    author,
    trust,
    smtp,  # noqa: F811 - the SMTP server fixture, imported above
    django_capture_on_commit_callbacks,
):
    child = person_for(author)
    consent = record_consent(author, child, parent_of(author, child))
    decision = decide_with_consent(author, child, consent, [trust])
    with_email(staff(Role.PRACTITIONER, agency=trust), "p@trust.test")
    share_under(author, decision, trust)
    smtp.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(actor=author, consent=consent, withdrawn_at=clock.now(), method="verbal")
    run_queued_tasks()
    assert Entry.objects.filter(kind="consent.withdrawn").exists()
    assert not Entry.objects.filter(kind="consent.withdrawal_notified").exists()
    assert smtp.messages == []

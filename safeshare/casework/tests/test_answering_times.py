"""A decision answering a request is held to the request's time as well as the pack's
bound (issue #11 item 4): it cannot be dated before the request was raised."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from safeshare.casework import answering
from safeshare.decisions.flow import ANSWERING_REQUEST
from safeshare.decisions.models import Decision
from safeshare.decisions.services import DecisionDraft
from safeshare.decisions.tests.test_event_times import NOW, asked, body, w  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_decision_answering_a_request_cannot_be_dated_before_the_request(w, asked):  # noqa: F811
    with pytest.raises(ValidationError) as caught:
        answering.decision_record_answering(
            actor=w["author"],
            subject=w["child"],
            answering_kind=ANSWERING_REQUEST,
            answering_id=str(asked.pk),
            draft=DecisionDraft(
                **{k: v for k, v in body(w).items() if k != "subject"},
                decided_at=NOW - datetime.timedelta(days=2),
                backdating_reason="away_from_system",
            ),
        )
    codes = [e.code for e in caught.value.error_dict["decided_at"]]
    assert codes == ["before_request"]
    assert not Decision.objects.exists()

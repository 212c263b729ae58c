"""Every request of the load scenario (``bench.load.job``) is one the app accepts,
signed the way the simulated users sign it (issue #6 item 3); locust itself is
not run here."""

import json

import pytest
from django.test import Client

from bench.load import STEPS, job, make_plan
from bench.seed import seed


def _send(client: Client, plan: dict, step):
    who = plan["slots"][0][step.who]
    client.cookies.clear()
    if step.via_token:
        return client.generic(
            step.method,
            step.path,
            data=json.dumps(step.body) if step.body is not None else "",
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {who['token']}",
        )
    client.cookies["sessionid"] = who["session"]
    return client.generic(step.method, step.path)


@pytest.mark.django_db
def test_each_step_of_the_job_answers_as_expected_and_the_share_is_viewed_and_ledgered():
    from safeshare.exchange.models import Share, ShareView
    from safeshare.ledger.models import Entry

    plan = make_plan(seed(0.0001), users=2)
    assert len(plan["slots"]) == 2 and plan["children"]
    before = Entry.objects.order_by("-seq").values_list("seq", flat=True).first()
    client = Client()
    steps, answer, names = job(plan, 0), None, []
    while True:
        try:
            step = steps.send(answer)
        except StopIteration:
            break
        response = _send(client, plan, step)
        assert response.status_code == step.expect, (step.name, response.content[:300])
        names.append(step.name)
        answer = response.json() if step.via_token else None
        if step.name == "share":
            share_id = answer["id"]

    assert tuple(names) == STEPS
    share = Share.objects.get(pk=share_id)
    assert ShareView.objects.filter(share=share).count() == 1
    kinds = set(Entry.objects.filter(seq__gt=before).values_list("kind", flat=True))
    assert {"request.raised", "decision.recorded", "share.sent"} <= kinds


@pytest.mark.django_db
def test_a_page_step_without_its_session_is_sent_to_sign_in_and_the_api_refuses_a_bad_token():
    plan = make_plan(seed(0.0001), users=1)
    first = next(job(plan, 0))
    client = Client()
    assert client.get(first.path).status_code == 302
    api = Client().post(
        "/api/v1/decisions/aid",
        data="{}",
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer not-a-token",
    )
    assert api.status_code == 401

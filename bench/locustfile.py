"""The locust scenario ``python -m bench.load`` runs: each user repeats the job
``bench.load.job`` describes, signed in with the tokens and sessions of its own
slot in the plan file ``SAFESHARE_LOAD_PLAN`` names."""

import itertools
import json
import os
from pathlib import Path

from locust import HttpUser, constant, task

from bench.load import job

PLAN = json.loads(Path(os.environ["SAFESHARE_LOAD_PLAN"]).read_text())
_slots = itertools.count()
_jobs = itertools.count()


class Practitioner(HttpUser):
    wait_time = constant(1)

    def on_start(self) -> None:
        self.slot = PLAN["slots"][next(_slots) % len(PLAN["slots"])]

    def _headers(self, step) -> dict:
        who = self.slot[step.who]
        if step.via_token:
            return {"Authorization": f"Bearer {who['token']}"}
        return {"Cookie": f"sessionid={who['session']}"}

    @task
    def main_job(self) -> None:
        steps = job(PLAN, next(_jobs))
        answer = None
        while True:
            try:
                step = steps.send(answer)
            except StopIteration:
                return
            self.client.cookies.clear()  # each step signs itself
            with self.client.request(
                step.method,
                step.path,
                name=step.name,
                headers=self._headers(step),
                json=step.body,
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code != step.expect:
                    response.failure(f"{response.status_code}: {response.text[:200]}")
                    return
                answer = response.json() if step.via_token else None

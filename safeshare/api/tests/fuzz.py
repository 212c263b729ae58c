"""Schemathesis against the API's own OpenAPI document, in-process through WSGI.

`fuzz_operations` sends generated requests (valid by the schema, and invalid)
to every operation as one signed-in user and returns what broke: a 5xx, a
response the document does not describe (status, content type or body), or a
4xx that is not a problem document. The short run is in test_hostile_input.py;
the long run is the same code with more examples (docs/reliability.md).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, seed, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from safeshare.ui.problems import PROBLEM_CONTENT_TYPE

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
DEFAULT_SEED = 20260601


def long_run_examples() -> int:
    """Examples per operation and mode for the long run (``SAFESHARE_FUZZ_EXAMPLES``, 25
    unless set)."""
    return int(os.environ.get("SAFESHARE_FUZZ_EXAMPLES", "25"))


def fuzz_seed() -> int:
    return int(os.environ.get("SAFESHARE_FUZZ_SEED", DEFAULT_SEED))


def load_schema():
    """The document the app serves at /api/openapi.json, bound to the app for calls."""
    return schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@dataclass(frozen=True)
class Finding:
    operation: str
    mode: str
    error: str

    def __str__(self) -> str:
        return f"{self.operation} ({self.mode}): {self.error}"


def assert_problem_document(response, case) -> None:
    """A 4xx is `application/problem+json` with the problem fields."""
    if not 400 <= response.status_code < 500:
        return
    values = {name.lower(): value for name, value in response.headers.items()}
    content_type = values.get("content-type", "")
    if isinstance(content_type, list):
        content_type = content_type[0] if content_type else ""
    assert content_type.startswith(PROBLEM_CONTENT_TYPE), (
        f"{case.method} {case.formatted_path} answered {response.status_code} "
        f"as {content_type!r}, not a problem document"
    )
    body = json.loads(response.content)
    assert body["status"] == response.status_code, body
    assert body["type"].startswith("urn:safeshare:problem:"), body
    assert body["title"] and body["detail"], body


@contextmanager
def test_connection_kept_open() -> Iterator[None]:
    """As Django's test client does: a request must not close the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def fuzz_operations(
    schema,
    *,
    headers: dict[str, str],
    max_examples: int,
    random_seed: int,
    path_parameters: dict[str, str] | None = None,
    modes: tuple[GenerationMode, ...] = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE),
    statuses: Counter | None = None,
) -> list[Finding]:
    """Fuzz every operation in each mode; a list of what failed (empty when all held).

    ``path_parameters`` maps a path parameter's name to an existing record's id,
    so valid requests reach past the lookup into the services; parameters not
    named, and every parameter of an invalid request, are generated. Each
    response's status is counted into ``statuses`` when given.
    """
    findings: list[Finding] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        fixed = {
            p.name: path_parameters[p.name]
            for p in operation.path_parameters
            if path_parameters and p.name in path_parameters
        }
        for mode in modes:
            # Valid requests go to existing records; invalid ones fuzz the path too.
            strategy = operation.as_strategy(
                generation_mode=mode, path_parameters=(fixed or None) if mode.is_positive else None
            )

            @seed(random_seed)
            @settings(
                max_examples=max_examples,
                deadline=None,
                database=None,
                phases=[Phase.explicit, Phase.generate, Phase.shrink],
                suppress_health_check=list(HealthCheck),
                report_multiple_bugs=False,
            )
            @given(case=strategy)
            def run(case):
                response = case.call(headers=headers)
                if statuses is not None:
                    statuses[response.status_code] += 1
                case.validate_response(response, checks=CHECKS)
                assert_problem_document(response, case)

            try:
                with test_connection_kept_open():
                    run()
            except (Exception, BaseExceptionGroup) as error:  # each is reported, not raised
                findings.append(Finding(operation.label, mode.value, _summary(error)))
    return findings


def _summary(error: BaseException) -> str:
    text = str(error).strip()
    return text[:1500]

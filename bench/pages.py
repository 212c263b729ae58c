"""Page speed at partnership scale: p50/p95 and query counts of the main pages.

    python -m bench.pages [--scale N] [--repeats R]
    DATABASE_URL=... python -m bench.pages --existing [--repeats R]

Makes its own database (``bench.common.own_database``), seeds a partnership at
``--scale`` (``bench.seed``; 1 = 200,000 persons, 1,000,000 decisions), then
requests each page ``R`` times through Django's test client, signed in with
both factors as the user the page is for, after two unmeasured warm-up
requests:

- ``caseload``: the people the user's agency works with (``/people/``);
- ``request_inbox``: requests in and out (``/exchange/requests/``);
- ``person``: the person page with its timeline, for the child of the user's
  agency with the most decisions (``/people/<id>/``);
- ``decision``: that child's latest decision (``/decisions/<id>/``);
- ``share_recipient``: a share about that child, as its named recipient
  (``/exchange/shares/<id>/``; each request records a view, as it should);
- ``find_nhs``: search by NHS number (``POST /people/find/``);
- ``consent_conflicts`` and ``consent_not_told``: the consent pages' lists.

Figures: each page's p95 in milliseconds against, as baseline, the p95 of
``/healthz`` through the same client in the same run (the cost of the request
machinery with no page behind it). The table also shows p50 and the number
of SQL statements the page sends through Django (ledger appends go to the
driver directly and are not counted). Target: p95 under 150 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from contextlib import nullcontext
from dataclasses import dataclass

from bench.common import Figure, environment_notes, own_database, report, setup_django

TARGET_MS = 150.0


@dataclass(frozen=True)
class Page:
    name: str
    user: object
    path: str
    data: dict | None = None  # POST data; None for GET


@dataclass(frozen=True)
class Measured:
    page: Page
    p50_ms: float
    p95_ms: float
    queries: int
    status: int


def main_pages(seeded) -> list[Page]:
    """The pages to measure on a seeded partnership, and who opens each."""
    from django.db.models import Count
    from django.urls import reverse

    from safeshare.agencies.selectors import staff_with_roles
    from safeshare.decisions.models import Decision
    from safeshare.exchange.models import ShareRecipient
    from safeshare.people.identity import read_identity
    from safeshare.people.models import Person

    sender = seeded.sample["sender"]  # practitioner and safeguarding lead of the first agency
    agency = sender.agency
    child = (
        # A child of the user's agency with a parent on record and a share, so every
        # part of the person page has something to show, whatever the scale.
        Person.objects.filter(
            involvements__agency=agency,
            kind="child",
            relationships__isnull=False,
            shares__isnull=False,
        )
        .annotate(n=Count("decisions", distinct=True))
        .order_by("-n", "id")
        .first()
    )
    decision = Decision.objects.filter(subject=child).order_by("-decided_at", "-id").first()
    recipient_row = (
        ShareRecipient.objects.filter(share__subject=child, named_user__isnull=False)
        .order_by("id")
        .first()
    )
    recipient = staff_with_roles().get(pk=recipient_row.named_user_id)
    inbox_user = sender  # requests are raised to the child's home agency
    nhs_number = read_identity(child).nhs_number
    return [
        Page("caseload", sender, reverse("people:caseload")),
        Page("request_inbox", inbox_user, reverse("exchange:requests")),
        Page("person", sender, reverse("people:detail", args=[child.pk])),
        Page("decision", sender, reverse("decisions:detail", args=[decision.pk])),
        Page(
            "share_recipient",
            recipient,
            reverse("exchange:share_detail", args=[recipient_row.share_id]),
        ),
        Page("find_nhs", sender, reverse("people:find"), {"nhs_number": nhs_number}),
        Page("consent_conflicts", sender, reverse("consent:conflicts")),
        Page("consent_not_told", sender, reverse("consent:without_notice")),
    ]


def _client_for(user, clients: dict):
    from django.test import Client

    from safeshare.demo.testing import sign_in_verified

    if user.pk not in clients:
        client = Client()
        sign_in_verified(client, user)
        clients[user.pk] = client
    return clients[user.pk]


def _request(client, page: Page):
    if page.data is None:
        return client.get(page.path)
    return client.post(page.path, page.data)


def query_count(page: Page, clients: dict) -> tuple[int, int]:
    """(SQL statements sent through Django, status) for one request of the page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client_for(page.user, clients)
    with CaptureQueriesContext(connection) as queries:
        response = _request(client, page)
    return len(queries.captured_queries), response.status_code


def measure(page: Page, clients: dict, repeats: int) -> Measured:
    client = _client_for(page.user, clients)
    for _ in range(2):
        _request(client, page)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        response = _request(client, page)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{page.name}: {page.path} answered {response.status_code}")
    queries, status = query_count(page, clients)
    return Measured(page, statistics.median(times), _p95(times), queries, status)


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def healthz(clients: dict, repeats: int) -> float:
    from django.test import Client

    client = clients.setdefault("anonymous", Client())
    for _ in range(2):
        client.get("/healthz")
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        client.get("/healthz")
        times.append((time.perf_counter() - started) * 1000)
    return _p95(times)


def run(scale: float, repeats: int, *, existing: bool = False) -> tuple[list[Figure], list[str]]:
    from bench.seed import seed, seeded_from_database, verify_ledger

    if existing:
        seeded = seeded_from_database()
    else:
        seeded = seed(scale)
        verify_ledger()
    pages = main_pages(seeded)
    clients: dict = {}
    results = [measure(page, clients, repeats) for page in pages]
    base = healthz(clients, repeats)
    counts = ", ".join(f"{k} {v:,}" for k, v in seeded.counts.items())
    notes = [
        (
            f"existing database: {counts}"
            if existing
            else f"scale {scale}: {counts}; seeded in {seeded.seconds:.0f} s"
        ),
        f"{repeats} measured requests per page after 2 warm-up requests; "
        f"baseline /healthz p95 {base:.1f} ms; target p95 < {TARGET_MS:.0f} ms",
        f"{'page':<20} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}  target",
    ]
    for m in results:
        met = "met" if m.p95_ms < TARGET_MS else "NOT MET"
        notes.append(f"{m.page.name:<20} {m.p50_ms:>8.1f} {m.p95_ms:>8.1f} {m.queries:>8}  {met}")
    figures = [
        Figure(
            f"pages.{m.page.name}.p95",
            m.p95_ms,
            "ms",
            base,
            f"p95 of {m.page.path} ({m.queries} queries; p50 {m.p50_ms:.1f} ms)",
        )
        for m in results
    ]
    return figures, notes


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__)
    parser.add_argument("--scale", type=float, default=0.01, help="seed scale (1 = full)")
    parser.add_argument("--repeats", type=int, default=40, help="measured requests per page")
    parser.add_argument("--quick", action="store_true", help="scale 0.001, 20 repeats")
    parser.add_argument(
        "--existing",
        action="store_true",
        help="measure the database DATABASE_URL names, filled earlier by bench.seed "
        "(for scale 1, which takes long to seed); it is left in place",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.scale, args.repeats = 0.001, 20
    if not 0 < args.scale <= 1:
        parser.error("--scale must be above 0 and at most 1")
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if args.existing and not os.environ.get("DATABASE_URL"):
        parser.error("--existing needs DATABASE_URL to name the seeded database")
    with nullcontext() if args.existing else own_database():
        setup_django()
        from django.test.utils import setup_test_environment

        setup_test_environment()  # the test client's host, locmem email
        figures, notes = run(args.scale, args.repeats, existing=args.existing)
        report("safeshare page benchmark", figures, [*environment_notes(), *notes])


if __name__ == "__main__":
    main(sys.argv[1:])

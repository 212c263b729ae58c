"""Main-loop benchmark: a decision to share and its share, through the service layer.

    python -m bench.loop [--n N] [--quick]

Runs on its own fresh database (SQLite in a temporary directory, or PostgreSQL
when ``DATABASE_URL`` names a server; see ``bench.common.own_database``). It
migrates, sets up a small partnership through the real services (two agencies,
a practitioner in each, a child) and times N complete operations, each one
transaction holding:

- ``decisions.services.decision_record``: a decision to share without consent
  (significant harm), valid under the pack in force, naming the other agency;
- ``exchange.services.shares.share_send``: three items to that agency's
  practitioner, for a 30-day window;

each appending its ledger entry in that transaction (issue #4, acceptance).

Baseline, same run, same database and durability settings: the rows one
service operation wrote (the decision, its recipient link, the share, its
items and recipient, its ledger entries), captured once and re-inserted
as copies with fresh keys (and a correctly chained ledger seq and hash), as
plain single-row INSERTs through the raw driver cursor, one transaction per
operation. Every value is prepared outside the clock.

Rounds alternate baseline and service blocks so drift (cache, table growth,
other load) falls on both alike.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import uuid
from dataclasses import dataclass

from bench.common import Figure, Stopwatch, environment_notes, own_database, report, setup_django

ITEMS_PER_SHARE = 3


@dataclass(frozen=True)
class Partnership:
    sender: object  # User: practitioner at the sending agency
    receiver: object  # User: practitioner at the receiving agency
    child: object  # Person, recorded by the sender's agency


@dataclass(frozen=True)
class Table:
    """One captured row: its table, column names and raw driver values."""

    name: str
    columns: tuple[str, ...]
    values: tuple


def build_partnership() -> Partnership:
    """Two agencies, a practitioner in each and a child, made through the real services
    (agencies themselves are reference data with no service: created directly)."""
    from safeshare.agencies.models import Agency, AgencyType, PartnerStatus, Role, User
    from safeshare.agencies.selectors import staff_with_roles
    from safeshare.agencies.services import administrator_bootstrap, membership_create
    from safeshare.people.models import PersonKind
    from safeshare.people.services.people import person_create

    council = Agency.objects.create(
        name="Bench Borough Council",
        code="bench-council",
        agency_type=AgencyType.LOCAL_AUTHORITY,
        partner_status=PartnerStatus.STATUTORY_PARTNER,
    )
    trust = Agency.objects.create(
        name="Bench Children's Trust",
        code="bench-trust",
        agency_type=AgencyType.CHILDRENS_TRUST,
        partner_status=PartnerStatus.STATUTORY_PARTNER,
    )
    admin = administrator_bootstrap(
        username="bench-admin",
        email="admin@bench.invalid",
        password="a long bench passphrase 41",
        agency=council,
    )
    people = []
    for username, agency in (("bench-sender", council), ("bench-receiver", trust)):
        user = User.objects.create_user(username=username, email=f"{username}@bench.invalid")
        membership_create(actor=admin, user=user, agency=agency, roles=[Role.PRACTITIONER])
        people.append(staff_with_roles().get(pk=user.pk))  # as each request loads its user
    sender, receiver = people
    child = person_create(
        actor=sender,
        agency=council,
        kind=PersonKind.CHILD,
        given_name="Bench",
        family_name="Child",
        date_of_birth=datetime.date(2016, 4, 1),
    )
    return Partnership(sender=sender, receiver=receiver, child=child)


def operation_inputs(p: Partnership, n: int) -> tuple[dict, dict]:
    """Keyword arguments for one decision and its share (the decision is filled in later)."""
    from safeshare.consent.models import ItemCategory
    from safeshare.core import clock
    from safeshare.demo.scenarios import share_without_consent
    from safeshare.exchange.models import ItemNature, ShareKind
    from safeshare.exchange.services import ItemDraft, RecipientDraft

    recipient_agency = p.receiver.agency
    draft = share_without_consent(
        [recipient_agency], purpose=f"To protect the child from harm at home (concern {n})"
    )
    decision = dict(actor=p.sender, subject=p.child, draft=draft)
    today = clock.today()
    share = dict(
        actor=p.sender,
        kind=ShareKind.DISCLOSURE,
        items=[
            ItemDraft(
                category=ItemCategory.EDUCATION,
                content=f"Attendance fell to 61% this term; note {n}.{i}",
                nature=ItemNature.FACT if i % 2 else ItemNature.OPINION,
                source="Class teacher",
                dated_on=today - datetime.timedelta(days=i + 1),
                checked_accurate=True,
            )
            for i in range(ITEMS_PER_SHARE)
        ],
        recipients=[RecipientDraft(agency=recipient_agency, named_user=p.receiver)],
        access_until=clock.now() + datetime.timedelta(days=30),
    )
    return decision, share


def run_operations(inputs: list[tuple[dict, dict]], stopwatch: Stopwatch) -> list[tuple]:
    """The timed service operations: decision and share in one transaction each."""
    from django.db import transaction

    from safeshare.decisions.services import decision_record
    from safeshare.exchange.services.shares import share_send

    done = []
    with stopwatch:
        for decision_kwargs, share_kwargs in inputs:
            with transaction.atomic():
                decision = decision_record(**decision_kwargs)
                share = share_send(decision=decision, **share_kwargs)
            done.append((decision, share))
    return done


# ---------------------------------------------------------------------------
# The baseline: the same rows, re-inserted raw
# ---------------------------------------------------------------------------


def _raw_uuid(value: uuid.UUID):
    """A UUID as the driver stores it: hex text on SQLite, ``uuid`` on PostgreSQL."""
    from django.db import connection

    return value.hex if connection.vendor == "sqlite" else value


def _select(table: str, column: str, value) -> list[Table]:
    from django.db import connection

    raw = connection.connection
    placeholder = "?" if connection.vendor == "sqlite" else "%s"
    cursor = raw.cursor()
    cursor.execute(
        f"SELECT * FROM {connection.ops.quote_name(table)} "
        f"WHERE {connection.ops.quote_name(column)} = {placeholder} ORDER BY 1",
        (value,),
    )
    columns = tuple(d[0] for d in cursor.description)
    rows = [Table(table, columns, tuple(row)) for row in cursor.fetchall()]
    cursor.close()
    return rows


@dataclass(frozen=True)
class Template:
    """The rows one service operation wrote, and what must change in a copy."""

    before_ledger: list[Table]  # decision, its recipient link
    share_rows: list[Table]  # share, items, recipients
    events: list[dict]  # the ledger entries, as ledger_append was called
    keys: list[uuid.UUID]  # primary keys to replace in a copy


def capture(decision, share) -> Template:
    """Read back, through the raw cursor, every row the operation wrote."""
    from safeshare.decisions.models import Decision
    from safeshare.exchange.models import Share, ShareItem, ShareRecipient
    from safeshare.ledger.models import Entry

    link = Decision.recipient_agencies.through
    rows = _select(Decision._meta.db_table, "id", _raw_uuid(decision.pk))
    links = _select(link._meta.db_table, "decision_id", _raw_uuid(decision.pk))
    # The link's own integer key is left to the database, as the ORM does.
    links = [
        Table(t.name, t.columns[1:], t.values[1:]) if t.columns[0] == "id" else t for t in links
    ]
    share_rows = _select(Share._meta.db_table, "id", _raw_uuid(share.pk))
    items = _select(ShareItem._meta.db_table, "share_id", _raw_uuid(share.pk))
    recipients = _select(ShareRecipient._meta.db_table, "share_id", _raw_uuid(share.pk))
    assert len(rows) == 1 and len(share_rows) == 1 and links and recipients
    assert len(items) == ITEMS_PER_SHARE
    entries = Entry.objects.filter(seq__gte=share.sent_entry_seq - 1).order_by("seq")
    events = [
        {
            "kind": e.kind,
            "actor_ref": e.actor_ref,
            "agency_ref": e.agency_ref,
            "subject_ref": e.subject_ref,
            "payload": e.payload,
        }
        for e in entries
    ]
    # The decision and the share, then one notification entry per recipient emailed:
    # all are rows the operation wrote, so the baseline inserts them too.
    kinds = [e["kind"] for e in events]
    assert kinds[:2] == ["decision.recorded", "share.sent"], kinds
    assert all(kind == "notification.sent" for kind in kinds[2:]), kinds
    keys = [decision.pk, share.pk]
    keys += [uuid.UUID(hex=str(_uuid_text(t.values[0]))) for t in items + recipients]
    return Template(rows + links, share_rows + items + recipients, events, keys)


def _uuid_text(value) -> str:
    return value.hex if isinstance(value, uuid.UUID) else str(value)


@dataclass(frozen=True)
class Copy:
    rows: list[Table]  # in insertion order, ledger rows included


def make_copies(template: Template, count: int) -> list[Copy]:
    """``count`` copies with fresh keys and the ledger chained on from the current head
    (so insert them before anything else appends)."""
    from bench.ledger import COLUMNS, head, prepared_rows
    from safeshare.exchange.models import Share

    entry_table = "ledger_entry"
    plans = []
    events = []
    for _ in range(count):
        fresh = {old: uuid.uuid4() for old in template.keys}
        raw = {_raw_uuid(old): _raw_uuid(new) for old, new in fresh.items()}
        text = {str(old): str(new) for old, new in fresh.items()}
        for event in template.events:
            payload = json.dumps(event["payload"])
            for old, new in text.items():
                payload = payload.replace(old, new)
            events.append({**event, "payload": json.loads(payload)})
        plans.append(raw)
    ledger_rows = prepared_rows(events, *head())
    share_table = Share._meta.db_table
    copies = []
    for n, raw in enumerate(plans):
        decision_entry, share_entry = ledger_rows[2 * n], ledger_rows[2 * n + 1]

        def remap(t: Table, raw=raw, share_entry=share_entry) -> Table:
            values = [raw.get(v, v) if isinstance(v, str | uuid.UUID) else v for v in t.values]
            if t.name == share_table:
                values[t.columns.index("sent_entry_seq")] = share_entry[0]
                values[t.columns.index("sent_entry_hash")] = share_entry[9]
            return Table(t.name, t.columns, tuple(values))

        rows = [remap(t) for t in template.before_ledger]
        rows.append(Table(entry_table, COLUMNS, decision_entry))
        rows += [remap(t) for t in template.share_rows]
        rows.append(Table(entry_table, COLUMNS, share_entry))
        copies.append(Copy(rows))
    return copies


def baseline_insert(copies: list[Copy], stopwatch: Stopwatch) -> int:
    """Plain single-row INSERTs through the raw driver cursor, one transaction per copy."""
    from django.db import connection

    connection.ensure_connection()
    sqlite = connection.vendor == "sqlite"
    placeholder = "?" if sqlite else "%s"
    quote = connection.ops.quote_name
    statements: dict[tuple[str, tuple[str, ...]], str] = {}
    prepared = []
    for copy in copies:
        ops = []
        for t in copy.rows:
            key = (t.name, t.columns)
            if key not in statements:
                statements[key] = (
                    f"INSERT INTO {quote(t.name)} ({', '.join(quote(c) for c in t.columns)}) "
                    f"VALUES ({', '.join([placeholder] * len(t.columns))})"
                )
            ops.append((statements[key], t.values))
        prepared.append(ops)
    begin = "BEGIN IMMEDIATE" if sqlite else "BEGIN"
    cursor = connection.connection.cursor()
    with stopwatch:
        for ops in prepared:
            cursor.execute(begin)
            for sql, values in ops:
                cursor.execute(sql, values)
            cursor.execute("COMMIT")
    cursor.close()
    return len(prepared)


def statements_per_operation(p: Partnership) -> int:
    """SQL statements one service operation sends through Django (savepoints included;
    ``ledger_append`` talks to the driver directly and is not counted)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        run_operations([operation_inputs(p, 0)], Stopwatch())
    return len(queries.captured_queries)


def run(p: Partnership, n: int, rounds: int) -> tuple[Figure, list[str]]:
    sizes = [n // rounds + (1 if r < n % rounds else 0) for r in range(rounds)]
    # Warm up code paths, caches and the connection (not measured); capture the template.
    warm = run_operations([operation_inputs(p, -k) for k in range(1, 6)], Stopwatch())
    template = capture(*warm[-1])
    baseline_insert(make_copies(template, 5), Stopwatch())

    service_clock, insert_clock = Stopwatch(), Stopwatch()
    served = inserted = 0
    for r, size in enumerate(sizes):
        inputs = [operation_inputs(p, served + k) for k in range(size)]
        if r % 2:
            run_operations(inputs, service_clock)
            inserted += baseline_insert(make_copies(template, size), insert_clock)
        else:
            inserted += baseline_insert(make_copies(template, size), insert_clock)
            run_operations(inputs, service_clock)
        served += len(inputs)
    check_ledger()
    notes = [
        f"one operation: {statements_per_operation(p)} statements through Django plus "
        f"{len(template.events)} ledger appends; "
        f"baseline: {rows_per_operation(template)} INSERTs, BEGIN, COMMIT"
    ]
    figure = Figure(
        "loop.decision_share_rate",
        served / service_clock.seconds,
        "operations/s",
        inserted / insert_clock.seconds,
        f"decision_record + share_send ({ITEMS_PER_SHARE} items, 1 recipient, "
        f"{len(template.events)} ledger entries) in one transaction vs the same "
        f"{rows_per_operation(template)} rows as "
        "single-row INSERTs in one transaction",
    )
    return figure, notes


def rows_per_operation(template: Template) -> int:
    return len(template.before_ledger) + len(template.share_rows) + len(template.events)


def check_ledger() -> None:
    """The run's ledger, service and baseline rows alike, still verifies."""
    from safeshare.ledger.verify import verify_chain

    result = verify_chain(checkpoint=None)
    if not result.ok:
        raise SystemExit(f"benchmark ledger failed verification: {result}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.loop", description=__doc__)
    parser.add_argument(
        "--n", type=int, default=None, help="operations to time (baseline inserts as many)"
    )
    parser.add_argument("--quick", action="store_true", help="a small run, well under a minute")
    args = parser.parse_args(argv)
    n = args.n if args.n is not None else (200 if args.quick else 2000)
    if n < 1:
        parser.error("--n must be at least 1")
    rounds = max(1, min(10, n // 20))
    with own_database():
        setup_django()
        partnership = build_partnership()
        figure, counts = run(partnership, n, rounds)
        notes = [
            *environment_notes(),
            f"{n} operations and {n} baseline copies in {rounds} alternating rounds",
            *counts,
        ]
        report("safeshare main loop benchmark", [figure], notes)


if __name__ == "__main__":
    main(sys.argv[1:])

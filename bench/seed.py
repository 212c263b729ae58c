"""A synthetic partnership at scale, written with bulk inserts from a fixed seed.

    python -m bench.seed --scale N [--seed S]

At scale 1: 50 agencies, 5,000 staff, 200,000 persons (three in five
children, the rest their parents or carers), 1,000,000 decisions about the
children, seven in ten of them followed by a share of two items to another
agency, most of those shares viewed by their recipient, one open information
request for every ten decisions, and a ledger entry for every one of those
events. Fractional scales (0.001 for CI) scale every count; each count has a
small floor so the smallest partnership still has two agencies and people in
each.

The database is the one ``DATABASE_URL`` names (migrated first); without it,
``var/bench-seed.sqlite3``. A database that already holds agencies is refused.

How it stays fast and still real:

- Each kind of event (a person recorded, a decision and its share and the
  recipient's view, a decision alone, an information request) is performed
  once through the real services on the first agencies, and what it wrote
  is captured: its rows and its ledger entries. Every other event is a copy
  of that template with fresh keys, bulk inserted, its ids (person, agencies,
  staff, records) substituted throughout, ledger payloads included.
- Encryption is real: every person has their own data key wrapped by the KEK,
  their identity fields are sealed under it with their own blind indexes,
  and every sealed field of a copied record (``*_enc``) is opened from the
  template and sealed again under the new subject's key, bound to the new
  record's id and field. No ciphertext is reused: sealed text is bound to its
  record, so a reused one would not open. The plaintexts come from a small
  pool (the template's text; names from short lists).
- The ledger entries are chained in order after the head with the same
  canonical encoding ``ledger_append`` uses, and written with ``executemany``;
  each share's receipt (``sent_entry_seq``, ``sent_entry_hash``) points at its
  own ``share.sent`` entry. ``safeshare ledger verify`` passes afterwards.

Dates are those of the template run (the seed's day), so every share is inside
its access window.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

GIVEN = ["Amara", "Ben", "Chloe", "Dev", "Ella", "Finn", "Grace", "Hamza", "Isla", "Jack"]
FAMILY = ["Adeyemi", "Brown", "Clarke", "Davies", "Evans", "Khan", "Nowak", "Patel", "Smith"]

AT_SCALE_1 = {
    "agencies": 50,
    "staff": 5_000,
    "persons": 200_000,
    "decisions": 1_000_000,
}
FLOOR = {"agencies": 3, "staff": 9, "persons": 10, "decisions": 10}
CHILD_SHARE = 0.6  # of persons
SHARED = 0.7  # of decisions, followed by a share
VIEWED = 0.8  # of shares, viewed by the recipient
REQUEST_EVERY = 10  # decisions per open information request
CHUNK = 500  # children per batch of inserts


def counts_for(scale: float) -> dict[str, int]:
    return {k: max(FLOOR[k], round(v * scale)) for k, v in AT_SCALE_1.items()}


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _nhs_number(n: int) -> str:
    """A valid, distinct NHS number for each n (the 9-digit stem counts up, skipping
    stems with no valid check digit)."""
    from safeshare.core.crypto import nhs_number_check_digit

    stem = 400_000_000 + n * 2
    while True:
        digits = f"{stem:09d}"
        check = nhs_number_check_digit(digits)
        if check is not None:
            return digits + str(check)
        stem += 1


# ---------------------------------------------------------------------------
# Templates: one real operation each, captured
# ---------------------------------------------------------------------------

CASE_MODELS = (
    "decisions.Decision",
    "decisions.Decision_recipient_agencies",
    "exchange.Share",
    "exchange.ShareItem",
    "exchange.ShareRecipient",
    "exchange.ShareView",
    "exchange.InformationRequest",
)


def _case_models() -> list:
    from django.apps import apps

    return [apps.get_model(label) for label in CASE_MODELS]


@dataclass
class Template:
    """The rows and ledger events one real operation wrote."""

    rows: list  # model instances, in insertion order (parents first)
    events: list[dict]  # as ledger_append was called
    plaintexts: dict  # (model label, old pk, field) -> plaintext of a sealed field
    share_event: dict = field(default_factory=dict)  # old share pk -> index in events


def _snapshot() -> dict:
    from safeshare.ledger.models import Entry

    seen = {m: set(m.objects.values_list("pk", flat=True)) for m in _case_models()}
    seen["ledger"] = Entry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    return seen


def _capture(before: dict, subject) -> Template:
    from safeshare.core.sealed import open_text
    from safeshare.ledger.models import Entry

    rows = []
    for model in _case_models():
        rows += [r for r in model.objects.order_by("pk") if r.pk not in before[model]]
    events, share_event = [], {}
    for e in Entry.objects.filter(seq__gt=before["ledger"]).order_by("seq"):
        events.append(
            {
                "kind": e.kind,
                "actor_ref": e.actor_ref,
                "agency_ref": e.agency_ref,
                "subject_ref": e.subject_ref,
                "payload": e.payload,
                "seq": e.seq,
            }
        )
    plaintexts = {}
    for row in rows:
        if getattr(row, "sent_entry_seq", None):
            share_event[row.pk] = next(
                i for i, e in enumerate(events) if e["seq"] == row.sent_entry_seq
            )
        for f in row._meta.concrete_fields:
            if f.name.endswith("_enc") and getattr(row, f.attname) is not None:
                name = f.name[: -len("_enc")]
                text = open_text(
                    subject, record_id=row.pk, field=name, blob=getattr(row, f.attname)
                )
                if not isinstance(text, str):
                    raise SystemExit(f"cannot open template {row._meta.label}.{f.name}")
                plaintexts[(row._meta.label, row.pk, name)] = text
    for e in events:
        e.pop("seq")
    return Template(rows, events, plaintexts, share_event)


def decision_kwargs(actor, subject, recipient_agency, outcome: str = "share") -> dict:
    return dict(actor=actor, subject=subject, draft=_decision_draft(recipient_agency, outcome))


def _decision_draft(recipient_agency, outcome: str):
    from safeshare.demo.scenarios import share_without_consent

    return share_without_consent([recipient_agency], outcome=outcome)


@dataclass
class Templates:
    person_events: dict  # kind -> the ledger event person_create appended
    child: object
    sender: object
    receiver: object
    shared: Template  # decision, share (2 items, 1 recipient), the recipient's view
    decided: Template  # a decision to share not yet followed by a share
    request: Template  # an open information request (with its identity share)


def make_templates(sender, receiver, person_create_kwargs: dict) -> Templates:
    from django.db import transaction

    from safeshare.consent.models import ItemCategory
    from safeshare.core import clock
    from safeshare.decisions.services import decision_record
    from safeshare.exchange.models import ItemNature, ShareKind, ViewChannel
    from safeshare.exchange.services import ItemDraft, RecipientDraft
    from safeshare.exchange.services.recipients import share_view_record
    from safeshare.exchange.services.requests import request_raise
    from safeshare.exchange.services.shares import share_send
    from safeshare.ledger.models import Entry
    from safeshare.people.services.people import person_create

    head = Entry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    child = person_create(actor=sender, agency=sender.agency, **person_create_kwargs)
    person_events = {
        e.kind: {
            "kind": e.kind,
            "actor_ref": e.actor_ref,
            "agency_ref": e.agency_ref,
            "subject_ref": e.subject_ref,
            "payload": e.payload,
        }
        for e in Entry.objects.filter(seq__gt=head)
    }
    assert set(person_events) == {"person.created", "involvement.started"}, person_events
    today = clock.today()

    before = _snapshot()
    with transaction.atomic():
        decision = decision_record(**decision_kwargs(sender, child, receiver.agency))
        share = share_send(
            actor=sender,
            decision=decision,
            kind=ShareKind.DISCLOSURE,
            items=[
                ItemDraft(
                    category=ItemCategory.EDUCATION,
                    content=text,
                    nature=nature,
                    source="Class teacher",
                    dated_on=today - datetime.timedelta(days=3),
                    checked_accurate=True,
                )
                for text, nature in (
                    ("Attendance fell to 61% this term", ItemNature.FACT),
                    ("The child seemed withdrawn and hungry on Mondays", ItemNature.OPINION),
                )
            ],
            recipients=[RecipientDraft(agency=receiver.agency, named_user=receiver)],
            access_until=clock.now() + datetime.timedelta(days=90),
        )
    share_view_record(actor=receiver, share=share, channel=ViewChannel.PAGE)
    shared = _capture(before, child)

    before = _snapshot()
    decision_record(**decision_kwargs(sender, child, receiver.agency))
    decided = _capture(before, child)

    before = _snapshot()
    request_raise(
        actor=receiver,
        subject=child,
        to_agency=sender.agency,
        purpose="To plan a strategy discussion about the child",
        information_needed="Recent attendance and any welfare concerns noted",
        legal_basis="children_act_1989_s47",
        urgency="routine",
    )
    request = _capture(before, child)
    return Templates(person_events, child, sender, receiver, shared, decided, request)


# ---------------------------------------------------------------------------
# Copies
# ---------------------------------------------------------------------------


@dataclass
class Batch:
    """Rows and ledger events of one chunk, inserted together."""

    rows: dict = field(default_factory=dict)  # model -> [instances]
    events: list[dict] = field(default_factory=list)
    receipts: list = field(default_factory=list)  # (share instance, index in events)

    def add(self, row) -> None:
        self.rows.setdefault(type(row), []).append(row)


def _replace_ids(value, text_map: dict[str, str]):
    encoded = json.dumps(value)
    for old, new in text_map.items():
        if old in encoded:
            encoded = encoded.replace(old, new)
    return json.loads(encoded)


def copy_template(
    template: Template, batch: Batch, mapping: dict, dek: bytes, rng: random.Random
) -> None:
    """Append to ``batch`` a copy of ``template`` with the ids in ``mapping`` substituted
    (subject, agencies, staff) and fresh ids for every record it wrote."""
    from safeshare.core import crypto
    from safeshare.core.sealed import record_aad

    ids = dict(mapping)
    for row in template.rows:
        if isinstance(row.pk, uuid.UUID):
            ids[row.pk] = _uuid(rng)
    offset = len(batch.events)
    for row in template.rows:
        meta = row._meta
        values = {}
        for f in meta.concrete_fields:
            value = getattr(row, f.attname)
            if f.primary_key and not isinstance(value, uuid.UUID):
                continue  # an integer key (a link row): the database assigns it
            if f.name.endswith("_enc") and value is not None:
                name = f.name[: -len("_enc")]
                plain = template.plaintexts[(meta.label, row.pk, name)]
                values[f.attname] = crypto.encrypt_field(
                    dek, plain, aad=record_aad(ids[row.pk], name)
                )
                continue
            values[f.attname] = ids.get(value, value) if isinstance(value, uuid.UUID) else value
        copy = type(row)(**values)
        batch.add(copy)
        if row.pk in template.share_event:
            batch.receipts.append((copy, offset + template.share_event[row.pk]))
    text_map = {str(k): str(v) for k, v in ids.items()}
    batch.events += [_replace_ids(e, text_map) for e in template.events]


def flush(batch: Batch) -> None:
    """Chain the batch's ledger entries after the head, stamp each share's receipt,
    insert the entries with executemany and the rows with bulk_create."""
    from django.db import connection

    from bench.ledger import COLUMNS, head, prepared_rows

    ledger_rows = prepared_rows(batch.events, *head())
    for share, index in batch.receipts:
        share.sent_entry_seq = ledger_rows[index][0]
        share.sent_entry_hash = ledger_rows[index][9]
    placeholder = "%s"
    sql = (
        f"INSERT INTO ledger_entry ({', '.join(COLUMNS)}) "
        f"VALUES ({', '.join([placeholder] * len(COLUMNS))})"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, ledger_rows)
    for model, rows in batch.rows.items():
        model.objects.bulk_create(rows, batch_size=500)


# ---------------------------------------------------------------------------
# The partnership
# ---------------------------------------------------------------------------


@dataclass
class Seeded:
    counts: dict[str, int]
    seconds: float
    agencies: list
    staff: dict  # agency pk -> [users]
    sample: dict  # names of a few records the page benchmark opens


def make_agencies(n: int) -> list:
    from safeshare.agencies.models import Agency, AgencyType, PartnerStatus

    types = [t for t in AgencyType if t != AgencyType.PARTNERSHIP]
    agencies = [
        Agency(
            name=f"Bench agency {i:03d}",
            code=f"bench-{i:03d}",
            agency_type=types[i % len(types)],
            partner_status=PartnerStatus.STATUTORY_PARTNER
            if i < 3
            else PartnerStatus.RELEVANT_AGENCY,
        )
        for i in range(n)
    ]
    Agency.objects.bulk_create(agencies)
    return agencies


def make_staff(agencies: list, n: int, rng: random.Random) -> dict:
    """``n`` staff spread over the agencies: practitioners, and the first of each agency
    also its safeguarding lead."""
    from django.contrib.auth.hashers import make_password

    from safeshare.agencies.models import Membership, Role, RoleGrant, User

    unusable = make_password(None)
    users, memberships, grants = [], [], []
    staff: dict = {a.pk: [] for a in agencies}
    for i in range(n):
        agency = agencies[i % len(agencies)]
        user = User(
            id=_uuid(rng),
            username=f"bench-staff-{i:05d}",
            email=f"staff{i}@bench.invalid",
            first_name=rng.choice(GIVEN),
            last_name=rng.choice(FAMILY),
            password=unusable,
        )
        membership = Membership(id=_uuid(rng), user=user, agency=agency, job_title="Practitioner")
        grants.append(RoleGrant(id=_uuid(rng), membership=membership, role=Role.PRACTITIONER))
        if not staff[agency.pk]:
            grants.append(
                RoleGrant(id=_uuid(rng), membership=membership, role=Role.SAFEGUARDING_LEAD)
            )
        users.append(user)
        memberships.append(membership)
        staff[agency.pk].append(user)
    User.objects.bulk_create(users, batch_size=500)
    Membership.objects.bulk_create(memberships, batch_size=500)
    RoleGrant.objects.bulk_create(grants, batch_size=500)
    return staff


def new_person(
    rng: random.Random, n: int, kind: str, batch: Batch, events: dict, agency, actor, started_on
):
    """A person with their own wrapped data key and sealed identity, the agency's
    involvement with them, and the ledger events the service would have appended."""
    from safeshare.core import crypto
    from safeshare.people import identity as ident
    from safeshare.people.models import Involvement, Person

    person = Person(id=_uuid(rng), kind=kind)
    dek = crypto.new_data_key()
    person.wrapped_key = crypto.wrap_key(dek, context=ident.key_context(person.id))
    year = 2010 + rng.randrange(14) if kind == "child" else 1975 + rng.randrange(20)
    ident.seal_identity(
        person,
        dek,
        given_name=rng.choice(GIVEN),
        family_name=rng.choice(FAMILY),
        date_of_birth=datetime.date(year, 1 + rng.randrange(12), 1 + rng.randrange(28)),
        nhs_number=_nhs_number(n),
    )
    batch.add(person)
    involvement = Involvement(id=_uuid(rng), agency=agency, person=person, started_on=started_on)
    batch.add(involvement)
    refs = {"actor_ref": f"user:{actor.pk}", "agency_ref": str(agency.pk)}
    refs["subject_ref"] = str(person.id)
    created = events["person.created"]
    batch.events.append(
        {
            **created,
            **refs,
            "payload": {**created["payload"], "kind": kind, "nhs_number_recorded": True},
        }
    )
    started = events["involvement.started"]
    batch.events.append(
        {
            **started,
            **refs,
            "payload": {
                **started["payload"],
                "involvement": str(involvement.id),
                "started_on": started_on.isoformat(),
            },
        }
    )
    return person, dek


def seed(scale: float, *, rng_seed: int = 6, progress=None) -> Seeded:
    """Write the partnership at ``scale`` into the current database."""
    from django.db import transaction

    from safeshare.agencies.models import Agency
    from safeshare.agencies.selectors import staff_with_roles
    from safeshare.core import clock
    from safeshare.ledger.kinds import EntryKind
    from safeshare.people.models import PersonKind, Relationship, RelationshipType

    if Agency.objects.exists():
        raise SystemExit("the database already holds agencies; seed an empty database")
    started = time.perf_counter()
    rng = random.Random(rng_seed)
    counts = counts_for(scale)
    n_children = max(2, round(counts["persons"] * CHILD_SHARE))
    n_carers = counts["persons"] - n_children
    with transaction.atomic():
        agencies = make_agencies(counts["agencies"])
        staff = make_staff(agencies, counts["staff"], rng)
    a0, a1 = agencies[0], agencies[1]
    sender = staff_with_roles().get(pk=staff[a0.pk][0].pk)
    receiver = staff_with_roles().get(pk=staff[a1.pk][0].pk)
    templates = make_templates(
        sender,
        receiver,
        dict(
            kind=PersonKind.CHILD,
            given_name="Template",
            family_name="Child",
            date_of_birth=datetime.date(2016, 4, 1),
        ),
    )
    today = clock.today()
    base = {
        templates.child.pk: None,
        a0.pk: None,
        a1.pk: None,
        sender.pk: None,
        receiver.pk: None,
    }
    decisions_left = counts["decisions"] - 2
    children_left = n_children - 1
    carers_left = n_carers
    person_n = 1
    made = {"children": 1, "carers": 0, "decisions": 2, "shares": 1, "views": 1, "requests": 1}
    sample: dict = {}
    while children_left > 0:
        batch = Batch()
        size = min(CHUNK, children_left)
        for c in range(size):
            home = agencies[rng.randrange(len(agencies))]
            other = agencies[
                (agencies.index(home) + 1 + rng.randrange(len(agencies) - 1)) % len(agencies)
            ]
            actor = rng.choice(staff[home.pk])
            recipient = rng.choice(staff[other.pk])
            child, dek = new_person(
                rng,
                person_n,
                PersonKind.CHILD,
                batch,
                templates.person_events,
                home,
                actor,
                today - datetime.timedelta(days=rng.randrange(700)),
            )
            person_n += 1
            # Parents or carers, in proportion.
            carers_here = round(carers_left / (children_left - c)) if children_left - c else 0
            for _ in range(carers_here):
                carer, _dek = new_person(
                    rng,
                    person_n,
                    PersonKind.PARENT_CARER,
                    batch,
                    templates.person_events,
                    home,
                    actor,
                    today,
                )
                person_n += 1
                carers_left -= 1
                made["carers"] += 1
                relationship = Relationship(
                    id=_uuid(rng),
                    person=child,
                    related_person=carer,
                    relationship_type=RelationshipType.PARENT,
                    has_parental_responsibility=True,
                )
                batch.add(relationship)
                batch.events.append(
                    {
                        "kind": EntryKind.RELATIONSHIP_RECORDED,
                        "actor_ref": f"user:{actor.pk}",
                        "agency_ref": str(home.pk),
                        "subject_ref": str(child.id),
                        "payload": {
                            "relationship": str(relationship.id),
                            "related_person": str(carer.id),
                            "relationship_type": str(RelationshipType.PARENT),
                            "has_parental_responsibility": True,
                        },
                    }
                )
            # This child's share of the decisions.
            remaining_children = children_left - c
            k = decisions_left // remaining_children
            if rng.random() < (decisions_left % remaining_children) / remaining_children:
                k += 1
            mapping = {
                templates.child.pk: child.id,
                a0.pk: home.pk,
                a1.pk: other.pk,
                sender.pk: actor.pk,
                receiver.pk: recipient.pk,
            }
            assert set(mapping) == set(base)
            for _ in range(k):
                if rng.random() < SHARED:
                    copy_template(templates.shared, batch, mapping, dek, rng)
                    made["shares"] += 1
                    made["views"] += 1  # the template holds the view
                else:
                    copy_template(templates.decided, batch, mapping, dek, rng)
                made["decisions"] += 1
                if made["decisions"] % REQUEST_EVERY == 0:
                    copy_template(templates.request, batch, mapping, dek, rng)
                    made["requests"] += 1
            decisions_left -= k
            made["children"] += 1
        flush(batch)
        children_left -= size
        if progress:
            progress(made)
    made["persons"] = made["children"] + made["carers"]
    made["agencies"] = len(agencies)
    made["staff"] = counts["staff"]
    from safeshare.ledger.models import Entry

    made["ledger entries"] = Entry.objects.count()
    sample.update(sender=sender, receiver=receiver, child=templates.child)
    return Seeded(made, time.perf_counter() - started, agencies, staff, sample)


def seeded_from_database() -> Seeded:
    """The `Seeded` of a database an earlier `seed` run filled (for `bench.pages --existing`).

    The seed's first events are its templates, done through the real services:
    the earliest decision is the sender's, about the template child, and the
    earliest named recipient of a share is the receiver.
    """
    from django.db.models import Count

    from safeshare.agencies.models import Agency
    from safeshare.agencies.selectors import staff_with_roles
    from safeshare.decisions.models import Decision
    from safeshare.exchange.models import Share, ShareRecipient
    from safeshare.ledger.models import Entry
    from safeshare.people.models import Person

    first = Decision.objects.order_by("created_at", "id").first()
    if first is None:
        raise SystemExit("the database holds no seeded partnership: run bench.seed first")
    receiver_id = (
        ShareRecipient.objects.filter(named_user__isnull=False)
        .order_by("share__created_at", "id")
        .values_list("named_user_id", flat=True)
        .first()
    )
    kinds = Person.objects.values("kind").annotate(n=Count("id"))
    counts = {f"{row['kind']} persons": row["n"] for row in kinds}
    counts.update(
        agencies=Agency.objects.count(),
        decisions=Decision.objects.count(),
        shares=Share.objects.count(),
        **{"ledger entries": Entry.objects.count()},
    )
    sample = {
        "sender": staff_with_roles().get(pk=first.decided_by_id),
        "receiver": staff_with_roles().get(pk=receiver_id),
        "child": first.subject,
    }
    return Seeded(counts, 0.0, list(Agency.objects.order_by("name")), {}, sample)


def verify_ledger() -> None:
    from safeshare.ledger.verify import verify_chain

    result = verify_chain(checkpoint=None)
    if not result.ok:
        raise SystemExit(f"seeded ledger failed verification: {result}")


def main(argv: list[str] | None = None) -> None:
    from bench.common import environment_notes, setup_django

    parser = argparse.ArgumentParser(
        prog="python -m bench.seed",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--scale", type=float, default=0.001, help="1 = 200,000 persons")
    parser.add_argument("--seed", type=int, default=6, help="random seed (default 6)")
    args = parser.parse_args(argv)
    if not 0 < args.scale <= 1:
        parser.error("--scale must be above 0 and at most 1")
    if not os.environ.get("DATABASE_URL"):
        target = Path(__file__).resolve().parents[1] / "var" / "bench-seed.sqlite3"
        target.parent.mkdir(exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{target}"
    setup_django()

    def progress(made: dict) -> None:
        print(
            f"  ... {made['children']:,} children, {made['decisions']:,} decisions",
            file=sys.stderr,
            flush=True,
        )

    seeded = seed(args.scale, rng_seed=args.seed, progress=progress)
    started = time.perf_counter()
    verify_ledger()
    verify_seconds = time.perf_counter() - started
    print(
        f"safeshare seed at scale {args.scale} (seed {args.seed}) into {os.environ['DATABASE_URL']}"
    )
    for note in environment_notes():
        print(f"  {note}")
    for name, value in seeded.counts.items():
        print(f"  {name:<16} {value:>12,}")
    print(f"  generated in {seeded.seconds:.1f} s; ledger verified in {verify_seconds:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])

"""Protocol packs: the protocol as data, loaded and validated strictly at start-up.

A pack (``<id>.yaml`` in this folder) holds the questions of Appendix 2 as a
graph (the rebuilt Appendix 4 flowchart), the answer options, and the
catalogues a decision cites: levels of need, lawful bases (UK GDPR Art 6),
special category conditions (Art 9, DPA 2018 Sch 1), statutory gateways,
reasons consent must not be sought (Protocol 6.3, 6.7), safeguarding reasons,
principles and golden rules, each with the paragraph it comes from. Provisions
carry the date they apply from, so a pack is evaluated "as at" a date
(docs/adr/0004-protocol-packs-and-the-decision-aid.md).

Packs are immutable once loaded; a decision stores the pack's id and version.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from safeshare.core.event_times import Backdating, BackdatingReason

PACK_DIR = Path(__file__).resolve().parent

OUTCOMES = (
    "share",
    "share_without_consent",
    "seek_consent",
    "do_not_share",
    "anonymise",
    "seek_advice",
)
CATALOGUES = (
    "levels_of_need",
    "lawful_bases",
    "special_category_conditions",
    "statutory_gateways",
    "consent_not_sought_reasons",
    "safeguarding_reasons",
    "principles",
    "golden_rules",
)
TOP_LEVEL_KEYS = {
    "id",
    "version",
    "title",
    "source",
    "approved_on",
    "review_due",
    "notes",
    "agency_types_public_authority",
    "provisions",
    "outcomes",
    "start",
    "questions",
    "recording",
    *CATALOGUES,
}
ITEM_KEYS = {
    "code",
    "label",
    "paragraph",
    "provision",
    "refused_for_public_authorities",
    "explicit_consent_required",
}


class PackError(ValueError):
    """A pack file is malformed; the message names the pack and the place."""


@dataclass(frozen=True)
class Provision:
    code: str
    label: str
    paragraph: str
    applies_from: datetime.date | None  # None: not yet in force
    note: str = ""

    def in_force(self, as_at: datetime.date) -> bool:
        return self.applies_from is not None and self.applies_from <= as_at


@dataclass(frozen=True)
class Item:
    """One entry of a catalogue: a code, its label and the paragraph it comes from."""

    code: str
    label: str
    paragraph: str
    provision: str | None = None
    refused_for_public_authorities: bool = False
    explicit_consent_required: bool = False


@dataclass(frozen=True)
class Target:
    """Where an answer leads: the next question, or an outcome."""

    next: str | None = None
    outcome: str | None = None


@dataclass(frozen=True)
class Option:
    code: str
    label: str
    says: str
    then: Target


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    hint: str
    paragraphs: tuple[str, ...]
    options: tuple[Option, ...]
    requires_provision: str | None = None
    when_not_in_force: Target | None = None

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)


@dataclass(frozen=True)
class OutcomeText:
    label: str
    says: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Pack:
    id: str
    version: str
    title: str
    source: str
    approved_on: datetime.date
    review_due: datetime.date
    notes: str
    agency_types_public_authority: dict[str, bool]
    provisions: dict[str, Provision]
    catalogues: dict[str, tuple[Item, ...]]
    outcomes: dict[str, OutcomeText]
    start: str
    questions: dict[str, Question] = field(repr=False)
    # The bound on event times a client supplies (`core.event_times`; issue #11 item 4).
    recording: Backdating = field(repr=False)

    def __str__(self) -> str:
        return f"{self.title} ({self.id} v{self.version})"

    def review_overdue(self, on: datetime.date) -> bool:
        return on > self.review_due

    def catalogue(self, name: str) -> tuple[Item, ...]:
        return self.catalogues[name]

    def item(self, name: str, code: str) -> Item | None:
        return next((i for i in self.catalogues[name] if i.code == code), None)

    def provision_in_force(self, code: str | None, as_at: datetime.date) -> bool:
        """A provision named by code is in force on `as_at`; no provision means always."""
        if code is None:
            return True
        provision = self.provisions.get(code)
        return provision is not None and provision.in_force(as_at)

    def is_public_authority(self, agency_type: str) -> bool:
        return self.agency_types_public_authority.get(agency_type, False)

    def available(
        self, name: str, *, as_at: datetime.date, agency_type: str | None = None
    ) -> tuple[Item, ...]:
        """The catalogue's items usable on `as_at` by an agency of `agency_type`."""
        return tuple(
            i
            for i in self.catalogues[name]
            if self.provision_in_force(i.provision, as_at)
            and not (
                i.refused_for_public_authorities
                and agency_type is not None
                and self.is_public_authority(agency_type)
            )
        )

    def duty_to_share_in_force(self, as_at: datetime.date) -> bool:
        """Children Act 2004 s16LA applies on `as_at` (a pack without it: never)."""
        return self.provision_in_force("children_act_2004_s16la", as_at) and (
            "children_act_2004_s16la" in self.provisions
        )


# ---------------------------------------------------------------------------
# Loading and validation
# ---------------------------------------------------------------------------


def _fail(pack: str, where: str, message: str) -> PackError:
    return PackError(f"Protocol pack {pack!r}, {where}: {message}")


def _str(pack: str, where: str, value: Any, *, blank: bool = False) -> str:
    if not isinstance(value, str) or (not blank and not value.strip()):
        raise _fail(pack, where, f"expected text, got {value!r}")
    return value


def _date(pack: str, where: str, value: Any, *, nullable: bool = False) -> datetime.date | None:
    if value is None and nullable:
        return None
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    raise _fail(pack, where, f"expected a date YYYY-MM-DD, got {value!r}")


def _target(pack: str, where: str, raw: Any, question_ids: set[str]) -> Target:
    if not isinstance(raw, dict) or len(raw) != 1 or not ({"next", "outcome"} & set(raw)):
        raise _fail(pack, where, "expected {next: <question>} or {outcome: <outcome>}")
    if "next" in raw:
        if raw["next"] not in question_ids:
            raise _fail(pack, where, f"unknown question {raw['next']!r}")
        return Target(next=raw["next"])
    if raw["outcome"] not in OUTCOMES:
        raise _fail(pack, where, f"unknown outcome {raw['outcome']!r}")
    return Target(outcome=raw["outcome"])


def parse_pack(data: Any, *, name: str = "?") -> Pack:
    """Validate a pack's parsed YAML strictly and build the immutable Pack."""
    if not isinstance(data, dict):
        raise _fail(name, "top level", "expected a mapping")
    name = data.get("id") if isinstance(data.get("id"), str) else name
    missing = TOP_LEVEL_KEYS - set(data)
    unknown = set(data) - TOP_LEVEL_KEYS
    if missing:
        raise _fail(name, "top level", f"missing keys: {', '.join(sorted(missing))}")
    if unknown:
        raise _fail(name, "top level", f"unknown keys: {', '.join(sorted(unknown))}")
    approved_on = _date(name, "approved_on", data["approved_on"])
    review_due = _date(name, "review_due", data["review_due"])
    assert approved_on is not None and review_due is not None
    if review_due <= approved_on:
        raise _fail(name, "review_due", "must come after approved_on")

    public = data["agency_types_public_authority"]
    if not isinstance(public, dict) or not all(
        isinstance(k, str) and isinstance(v, bool) for k, v in public.items()
    ):
        raise _fail(name, "agency_types_public_authority", "expected agency type: true/false")

    provisions: dict[str, Provision] = {}
    if not isinstance(data["provisions"], list):
        raise _fail(name, "provisions", "expected a list")
    for n, raw in enumerate(data["provisions"]):
        where = f"provisions[{n}]"
        if not isinstance(raw, dict) or set(raw) - {
            "code",
            "label",
            "paragraph",
            "applies_from",
            "note",
        }:
            raise _fail(name, where, "expected code, label, paragraph, applies_from, note")
        if "applies_from" not in raw:
            raise _fail(name, where, "applies_from is required (empty: not yet in force)")
        code = _str(name, f"{where}.code", raw.get("code"))
        if code in provisions:
            raise _fail(name, where, f"duplicate code {code!r}")
        provisions[code] = Provision(
            code=code,
            label=_str(name, f"{where}.label", raw.get("label")),
            paragraph=_str(name, f"{where}.paragraph", raw.get("paragraph")),
            applies_from=_date(name, f"{where}.applies_from", raw["applies_from"], nullable=True),
            note=_str(name, f"{where}.note", raw.get("note", ""), blank=True),
        )

    catalogues: dict[str, tuple[Item, ...]] = {}
    for cat in CATALOGUES:
        raws = data[cat]
        if not isinstance(raws, list) or not raws:
            raise _fail(name, cat, "expected a non-empty list")
        items: list[Item] = []
        for n, raw in enumerate(raws):
            where = f"{cat}[{n}]"
            if not isinstance(raw, dict):
                raise _fail(name, where, "expected a mapping")
            if set(raw) - ITEM_KEYS:
                raise _fail(name, where, f"unknown keys: {', '.join(sorted(set(raw) - ITEM_KEYS))}")
            code = _str(name, f"{where}.code", raw.get("code"))
            if any(i.code == code for i in items):
                raise _fail(name, where, f"duplicate code {code!r}")
            provision = raw.get("provision")
            if provision is not None and provision not in provisions:
                raise _fail(name, f"{where}.provision", f"unknown provision {provision!r}")
            for flag in ("refused_for_public_authorities", "explicit_consent_required"):
                if not isinstance(raw.get(flag, False), bool):
                    raise _fail(name, f"{where}.{flag}", "expected true or false")
            items.append(
                Item(
                    code=code,
                    label=_str(name, f"{where}.label", raw.get("label")),
                    paragraph=_str(name, f"{where}.paragraph", raw.get("paragraph")),
                    provision=provision,
                    refused_for_public_authorities=raw.get("refused_for_public_authorities", False),
                    explicit_consent_required=raw.get("explicit_consent_required", False),
                )
            )
        catalogues[cat] = tuple(items)

    outcomes: dict[str, OutcomeText] = {}
    raw_outcomes = data["outcomes"]
    if not isinstance(raw_outcomes, dict) or set(raw_outcomes) != set(OUTCOMES):
        raise _fail(name, "outcomes", f"expected exactly: {', '.join(OUTCOMES)}")
    for code, raw in raw_outcomes.items():
        where = f"outcomes.{code}"
        if not isinstance(raw, dict) or set(raw) != {"label", "says", "paragraphs"}:
            raise _fail(name, where, "expected label, says, paragraphs")
        outcomes[code] = OutcomeText(
            label=_str(name, f"{where}.label", raw["label"]),
            says=_str(name, f"{where}.says", raw["says"]),
            paragraphs=_paragraphs(name, f"{where}.paragraphs", raw["paragraphs"]),
        )

    raw_questions = data["questions"]
    if not isinstance(raw_questions, list) or not raw_questions:
        raise _fail(name, "questions", "expected a non-empty list")
    ids = [q.get("id") if isinstance(q, dict) else None for q in raw_questions]
    if len(set(ids)) != len(ids) or not all(isinstance(i, str) for i in ids):
        raise _fail(name, "questions", "every question needs a unique text id")
    question_ids = set(ids)
    questions = {
        q["id"]: _question(name, q, question_ids, catalogues, provisions) for q in raw_questions
    }
    start = data["start"]
    if start not in questions:
        raise _fail(name, "start", f"unknown question {start!r}")
    _check_graph(name, start, questions)
    recording = _recording(name, data["recording"])

    return Pack(
        id=_str(name, "id", data["id"]),
        version=_str(name, "version", data["version"]),
        title=_str(name, "title", data["title"]),
        source=_str(name, "source", data["source"]),
        approved_on=approved_on,
        review_due=review_due,
        notes=_str(name, "notes", data["notes"]),
        agency_types_public_authority=dict(public),
        provisions=provisions,
        catalogues=catalogues,
        outcomes=outcomes,
        start=start,
        questions=questions,
        recording=recording,
    )


RECORDING_KEYS = {"backdating_limit_days", "reason_after_minutes", "backdating_reasons"}
REASON_KEYS = {"code", "label", "explanation_required"}
MAX_BACKDATING_DAYS = 366


def _count(pack: str, where: str, value: Any, *, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _fail(pack, where, f"expected a whole number from {low} to {high}, got {value!r}")
    return value


def _recording(pack: str, raw: Any) -> Backdating:
    """How far back a client may date an event, and the reasons it may give for doing so."""
    if not isinstance(raw, dict) or set(raw) != RECORDING_KEYS:
        raise _fail(pack, "recording", f"expected exactly: {', '.join(sorted(RECORDING_KEYS))}")
    limit = _count(
        pack,
        "recording.backdating_limit_days",
        raw["backdating_limit_days"],
        low=1,
        high=MAX_BACKDATING_DAYS,
    )
    after = _count(
        pack, "recording.reason_after_minutes", raw["reason_after_minutes"], low=0, high=24 * 60
    )
    raws = raw["backdating_reasons"]
    if not isinstance(raws, list) or not raws:
        raise _fail(pack, "recording.backdating_reasons", "expected a non-empty list")
    reasons: list[BackdatingReason] = []
    for n, item in enumerate(raws):
        where = f"recording.backdating_reasons[{n}]"
        if not isinstance(item, dict) or not {"code", "label"} <= set(item) <= REASON_KEYS:
            raise _fail(pack, where, "expected code, label and optionally explanation_required")
        code = _str(pack, f"{where}.code", item["code"])
        if any(r.code == code for r in reasons):
            raise _fail(pack, where, f"duplicate code {code!r}")
        required = item.get("explanation_required", False)
        if not isinstance(required, bool):
            raise _fail(pack, f"{where}.explanation_required", "expected true or false")
        reasons.append(
            BackdatingReason(
                code=code,
                label=_str(pack, f"{where}.label", item["label"]),
                explanation_required=required,
            )
        )
    return Backdating(
        limit_days=limit, reason_after=datetime.timedelta(minutes=after), reasons=tuple(reasons)
    )


def _paragraphs(pack: str, where: str, raw: Any) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw:
        raise _fail(pack, where, "expected a non-empty list of paragraph references")
    return tuple(_str(pack, f"{where}[{n}]", p) for n, p in enumerate(raw))


QUESTION_KEYS = {
    "id",
    "text",
    "hint",
    "paragraphs",
    "options",
    "options_from",
    "says",
    "then",
    "requires_provision",
    "when_not_in_force",
}


def _question(
    pack: str,
    raw: dict,
    question_ids: set[str],
    catalogues: dict[str, tuple[Item, ...]],
    provisions: dict[str, Provision],
) -> Question:
    qid = raw["id"]
    where = f"questions.{qid}"
    if set(raw) - QUESTION_KEYS:
        raise _fail(pack, where, f"unknown keys: {', '.join(sorted(set(raw) - QUESTION_KEYS))}")
    options: list[Option] = []
    if "options_from" in raw:
        # Every item of a catalogue is an answer, and all lead to the same place.
        if "options" in raw or raw["options_from"] not in catalogues:
            raise _fail(pack, where, "options_from must name a catalogue, without options")
        template = _str(pack, f"{where}.says", raw.get("says"))
        then = _target(pack, f"{where}.then", raw.get("then"), question_ids)
        for item in catalogues[raw["options_from"]]:
            options.append(
                Option(
                    code=item.code,
                    label=item.label,
                    says=template.format(label=item.label, paragraph=item.paragraph),
                    then=then,
                )
            )
    else:
        if not isinstance(raw.get("options"), list) or not raw["options"]:
            raise _fail(pack, where, "expected options or options_from")
        for n, opt in enumerate(raw["options"]):
            owhere = f"{where}.options[{n}]"
            if not isinstance(opt, dict) or set(opt) != {"code", "label", "says", "then"}:
                raise _fail(pack, owhere, "expected code, label, says, then (quote yes/no codes)")
            code = _str(pack, f"{owhere}.code", opt["code"])
            if any(o.code == code for o in options):
                raise _fail(pack, owhere, f"duplicate code {code!r}")
            options.append(
                Option(
                    code=code,
                    label=_str(pack, f"{owhere}.label", opt["label"]),
                    says=_str(pack, f"{owhere}.says", opt["says"]),
                    then=_target(pack, f"{owhere}.then", opt["then"], question_ids),
                )
            )
    requires = raw.get("requires_provision")
    when_not = None
    if requires is not None:
        if requires not in provisions:
            raise _fail(pack, f"{where}.requires_provision", f"unknown provision {requires!r}")
        when_not = _target(
            pack, f"{where}.when_not_in_force", raw.get("when_not_in_force"), question_ids
        )
    elif "when_not_in_force" in raw:
        raise _fail(pack, where, "when_not_in_force needs requires_provision")
    return Question(
        id=qid,
        text=_str(pack, f"{where}.text", raw.get("text")),
        hint=_str(pack, f"{where}.hint", raw.get("hint", ""), blank=True),
        paragraphs=_paragraphs(pack, f"{where}.paragraphs", raw.get("paragraphs")),
        options=tuple(options),
        requires_provision=requires,
        when_not_in_force=when_not,
    )


def _check_graph(pack: str, start: str, questions: dict[str, Question]) -> None:
    """Every question is reachable from the start and no path loops."""
    seen: set[str] = set()

    def visit(qid: str, trail: tuple[str, ...]) -> None:
        if qid in trail:
            raise _fail(pack, f"questions.{qid}", f"loop: {' -> '.join((*trail, qid))}")
        seen.add(qid)
        q = questions[qid]
        targets = [o.then for o in q.options]
        if q.when_not_in_force is not None:
            targets.append(q.when_not_in_force)
        for t in targets:
            if t.next is not None:
                visit(t.next, (*trail, qid))

    visit(start, ())
    unreachable = set(questions) - seen
    if unreachable:
        raise _fail(pack, "questions", f"unreachable: {', '.join(sorted(unreachable))}")


def load_pack_file(path: Path) -> Pack:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise PackError(f"Protocol pack file {path.name}: not valid YAML ({error})") from error
    pack = parse_pack(data, name=path.stem)
    if pack.id != path.stem:
        raise PackError(f"Protocol pack file {path.name}: id {pack.id!r} must match the file name")
    return pack


@functools.cache
def all_packs() -> dict[str, Pack]:
    """Every shipped pack by id (loaded once per process)."""
    return {p.stem: load_pack_file(p) for p in sorted(PACK_DIR.glob("*.yaml"))}


def get_pack(pack_id: str) -> Pack:
    """The pack with this id; KeyError if there is none."""
    return all_packs()[pack_id]

"""The decision aid: answers in, a recommendation out (Protocol App. 2, App. 4).

Pure and deterministic: no database, no clock. The pack's question graph is
walked from its start; each answer leads to the next question or to an
outcome. A question that needs a provision not in force ``as_at`` (the s16LA
duty to share) is passed by. The recommendation says which fields the record
must then contain and explains itself in plain English, citing paragraphs.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from safeshare.decisions.packs import Option, Pack, Question, Target

# Fields every decision record holds, share or not (Protocol 5.2 "Record", App. 2 Q7).
ALWAYS_REQUIRED = ("purpose", "level_of_need", "rationale", "information_considered")


class IncompleteAnswers(Exception):
    """The answers stop before an outcome; `question` is the one to ask next."""

    def __init__(self, question: Question) -> None:
        super().__init__(f"question {question.id!r} is not answered")
        self.question = question


@dataclass(frozen=True)
class Step:
    question: str
    answer: str
    says: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Recommendation:
    outcome: str
    pack_id: str
    pack_version: str
    path: tuple[Step, ...]
    required_fields: tuple[str, ...]
    explanation: str
    duty_to_share_in_force: bool

    @property
    def answers(self) -> dict[str, str]:
        """Only the answers on the path taken, as question id -> code."""
        return {s.question: s.answer for s in self.path}

    def answer_to(self, *question_ids: str) -> str | None:
        return next((s.answer for s in self.path if s.question in question_ids), None)

    @property
    def consent_answer(self) -> str | None:
        return self.answer_to("consent_early_help", "consent_safeguarding")

    @property
    def level_of_need(self) -> str | None:
        return self.answer_to("level_of_need")


def _passed_by(pack: Pack, question: Question, as_at: datetime.date) -> bool:
    """The question needs a provision not in force `as_at` (the s16LA duty), so it is not asked."""
    return bool(question.requires_provision) and not pack.provision_in_force(
        question.requires_provision, as_at
    )


def _walk(
    pack: Pack, answers: Mapping[str, str], as_at: datetime.date
) -> tuple[list[tuple[Question, str]], str]:
    """Follow the answers to an outcome; raise IncompleteAnswers or ValidationError."""
    unknown = set(answers) - set(pack.questions)
    if unknown:
        raise ValidationError(
            {
                "answers": [
                    ValidationError(
                        "Answers name questions this pack does not ask: "
                        + ", ".join(sorted(unknown)),
                        code="unknown_question",
                    )
                ]
            }
        )
    taken: list[tuple[Question, str]] = []
    qid: str | None = pack.start
    while True:
        assert qid is not None
        question = pack.questions[qid]
        if _passed_by(pack, question, as_at):
            target = question.when_not_in_force
            assert target is not None
        else:
            code = answers.get(qid)
            if code is None:
                raise IncompleteAnswers(question)
            option = question.option(code)
            if option is None:
                raise ValidationError(
                    {
                        f"answers.{qid}": [
                            ValidationError(
                                "Choose one of the answers the pack offers.", code="unknown_answer"
                            )
                        ]
                    }
                )
            taken.append((question, code))
            target = option.then
        if target.outcome is not None:
            return taken, target.outcome
        qid = target.next


def next_question(
    pack: Pack, answers: Mapping[str, str], *, as_at: datetime.date
) -> Question | None:
    """The next question to ask, or None when the answers reach an outcome."""
    try:
        _walk(pack, answers, as_at)
    except IncompleteAnswers as incomplete:
        return incomplete.question
    return None


def questions_answered(
    pack: Pack, answers: Mapping[str, str], *, as_at: datetime.date
) -> list[Question]:
    """The questions on the path so far, in order (for a check-your-answers page)."""
    path: list[Question] = []
    qid: str | None = pack.start
    while qid is not None:
        question = pack.questions[qid]
        if _passed_by(pack, question, as_at):
            target = question.when_not_in_force
        else:
            option = question.option(answers.get(qid, ""))
            if option is None:
                break
            path.append(question)
            target = option.then
        qid = target.next if target is not None else None
    return path


def _leads_to(pack: Pack, target: Target, as_at: datetime.date) -> str | None:
    """The question a target leads to as at a date (passing by those not asked), or None."""
    while target.next is not None:
        question = pack.questions[target.next]
        if not _passed_by(pack, question, as_at):
            return question.id
        assert question.when_not_in_force is not None
        target = question.when_not_in_force
    return None


def question_graph(pack: Pack, *, as_at: datetime.date) -> dict[str, dict[str, str | None]]:
    """Every question the aid may ask as at a date, in the pack's order, with where each
    answer leads: the next question's id, or None for an outcome.

    The same graph `recommend` walks (Protocol App. 4), with questions needing a
    provision not in force passed by exactly as the walk passes them by.
    """
    return {
        question.id: {o.code: _leads_to(pack, o.then, as_at) for o in question.options}
        for question in pack.questions.values()
        if not _passed_by(pack, question, as_at)
    }


def first_question(pack: Pack, *, as_at: datetime.date) -> str | None:
    """The question the aid asks first as at a date."""
    return _leads_to(pack, Target(next=pack.start), as_at)


def asked_after(
    pack: Pack, *, as_at: datetime.date
) -> dict[str, list[tuple[Question, tuple[Option, ...]]]]:
    """For each question the aid may ask, the earlier answers that lead to it.

    The first question has none: it is always asked. Every other question is
    asked only after one of these answers, which is what the all-questions page
    says in the question's hint.
    """
    graph = question_graph(pack, as_at=as_at)
    after: dict[str, list[tuple[Question, tuple[Option, ...]]]] = {qid: [] for qid in graph}
    for qid, leads in graph.items():
        question = pack.questions[qid]
        for target in dict.fromkeys(t for t in leads.values() if t is not None):
            options = tuple(o for o in question.options if leads[o.code] == target)
            after[target].append((question, options))
    return after


def asked_only_if(pack: Pack, *, as_at: datetime.date) -> dict[str, str]:
    """Plain words for each question asked only after certain answers, derived from the
    question graph: "Answer if you answered 'Yes' to 'Is the information confidential?'"."""
    said: dict[str, str] = {}
    for qid, earlier in asked_after(pack, as_at=as_at).items():
        phrases: list[str] = []
        for question, options in earlier:
            if len(options) == len(question.options):
                phrase = f"'{question.text}'"
            else:
                labels = [f"'{o.label}'" for o in options]
                head, last = labels[:-1], labels[-1]
                either = f"{', '.join(head)} or {last}" if head else last
                phrase = f"{either} to '{question.text}'"
            if phrase not in phrases:
                phrases.append(phrase)
        if phrases:
            said[qid] = f"Answer if you answered {' or '.join(phrases)}."
    return said


def _required_fields(
    pack: Pack, outcome: str, consent: str | None, *, duty_in_force: bool
) -> tuple[str, ...]:
    fields = list(ALWAYS_REQUIRED)
    if outcome in ("share", "share_without_consent"):
        fields += ["lawful_basis", "special_category_condition", "recipient_agencies"]
        fields.append("consent_state")
    if outcome == "share" and consent == "given":
        fields += ["consent_given_by", "consent_given_at"]
    if outcome == "share_without_consent":
        if consent == "should_not_seek":
            fields.append("consent_not_sought_reason")
        fields.append("safeguarding_reason")
    if outcome == "do_not_share" and duty_in_force:
        fields += ["more_detrimental_to_child", "more_detrimental_reasoning"]
    if outcome == "seek_advice":
        fields.append("advice_requests")
    return tuple(fields)


def recommend(
    pack: Pack, answers: Mapping[str, str], *, as_at: datetime.date, agency_type: str
) -> Recommendation:
    """The aid's recommendation for these answers under `pack` as at a date.

    Raises IncompleteAnswers when a question on the path is unanswered, and
    ValidationError naming ``answers.<question>`` for an answer the pack does
    not offer. Protocol App. 2 Q1-Q7, App. 4; Children Act 2004 s16LA.
    """
    taken, outcome = _walk(pack, answers, as_at)
    path = tuple(
        Step(
            question=q.id,
            answer=code,
            says=q.option(code).says,  # type: ignore[union-attr]
            paragraphs=q.paragraphs,
        )
        for q, code in taken
    )
    duty = pack.duty_to_share_in_force(as_at)
    consent = next(
        (s.answer for s in path if s.question in ("consent_early_help", "consent_safeguarding")),
        None,
    )
    text = pack.outcomes[outcome]
    lines = [f"{step.says} ({'; '.join(step.paragraphs)})" for step in path]
    lines.append(f"Recommendation: {text.label}. {text.says} ({'; '.join(text.paragraphs)})")
    if duty and outcome == "do_not_share":
        lines.append(
            "The duty to share is in force: record whether sharing would be more detrimental "
            "to the child than not sharing, and why (Children Act 2004 s16LA)."
        )
    bases = pack.available("lawful_bases", as_at=as_at, agency_type=agency_type)
    refused = [
        i
        for i in pack.available("lawful_bases", as_at=as_at)
        if i not in bases and i.refused_for_public_authorities
    ]
    if outcome in ("share", "share_without_consent") and refused:
        lines.append(
            "As a public authority, your agency cannot rely on: "
            + ", ".join(f"{i.label} ({i.paragraph})" for i in refused)
            + "."
        )
    return Recommendation(
        outcome=outcome,
        pack_id=pack.id,
        pack_version=pack.version,
        path=path,
        required_fields=_required_fields(pack, outcome, consent, duty_in_force=duty),
        explanation="\n".join(lines),
        duty_to_share_in_force=duty,
    )

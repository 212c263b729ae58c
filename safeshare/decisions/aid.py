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

from safeshare.decisions.packs import Pack, Question

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
        if question.requires_provision and not pack.provision_in_force(
            question.requires_provision, as_at
        ):
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
        if question.requires_provision and not pack.provision_in_force(
            question.requires_provision, as_at
        ):
            target = question.when_not_in_force
        else:
            option = question.option(answers.get(qid, ""))
            if option is None:
                break
            path.append(question)
            target = option.then
        qid = target.next if target is not None else None
    return path


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

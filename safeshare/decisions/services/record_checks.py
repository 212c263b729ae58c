"""The questions about the decision itself, one checker each (Protocol App. 2 Q1-Q7):
who, when, the aid's answers, the outcome, why, the level of need, the duty to
share, the advice sought; `sharing_checks` asks the questions about the sharing.

Each checker adds its errors, field-named with a code, and returns the values
it cleaned; `decisions._record` asks them in order, so a field's errors come
in the order the protocol asks its questions. A draft is typed, but an adapter
may still pass anything: every checker refuses a wrong type as a field error.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from safeshare.agencies.models import Agency, User
from safeshare.core import clock, event_times
from safeshare.core.errors import TIMEZONE_MESSAGE, Errors, add_error
from safeshare.decisions.aid import IncompleteAnswers, Recommendation, recommend
from safeshare.decisions.models import (
    AdviceRequest,
    AdviceResponse,
    Decision,
    DecisionOutcome,
)
from safeshare.decisions.packs import Pack
from safeshare.people.models import Person
from safeshare.people.selectors import involvement_began_on

from ._common import (
    Setting,
    _catalogue_code,
    _check_subject_not_erased,
    _text,
)


def check_who(errors: Errors, *, subject: Person | None, anonymised: bool) -> None:
    """Who the decision is about (Protocol App. 2 Q2): a named child or anonymised
    information, never a person whose record was erased."""
    if subject is None and not anonymised:
        add_error(
            errors,
            "subject",
            "Name the child, or say the decision is about anonymised information.",
            "subject_or_anonymised",
        )
    if subject is not None and anonymised:
        add_error(
            errors, "anonymised", "An anonymised decision names no child.", "anonymised_named"
        )
    _check_subject_not_erased(subject, errors)


@dataclass(frozen=True)
class When:
    decided_at: datetime.datetime
    backdating_reason: str
    backdating_explanation: str


def check_when(
    errors: Errors,
    *,
    pack: Pack,
    agency: Agency,
    subject: Person | None,
    decided_at: Any,
    now: datetime.datetime,
    reason: Any,
    explanation: Any,
    not_before: Iterable[event_times.NotBefore],
) -> When:
    """When (App. 2 Q7: dated and timed), checked against the pack's bound
    (`core.event_times`): not in the future, at most the pack's limit back, never
    before the agency's involvement with the child nor the request it answers, and
    with a reason from the pack's list when earlier than now. Left out: now."""
    explanation = _text(
        errors,
        "backdating_explanation",
        explanation,
        "why the decision is recorded later",
        required=False,
    )
    reason = "" if reason is None else reason if isinstance(reason, str) else "?"
    began = involvement_began_on(agency=agency, person=subject) if subject is not None else None
    bounds = [*not_before, *event_times.after_involvement(began)]
    claimed = decided_at
    if claimed is not None and not isinstance(claimed, datetime.datetime):
        add_error(errors, "decided_at", TIMEZONE_MESSAGE, "invalid")
        claimed = None
    checked = event_times.check(
        at=claimed,
        recorded_at=now,
        rules=pack.recording,
        not_before=bounds,
        reason=reason,
        explanation_given=bool(explanation),
        label="the decision",
    )
    for problem in checked.problems:
        field = event_times.field_for(problem, at_field="decided_at")
        add_error(errors, field, problem.message, problem.code)
    at = decided_at if decided_at is not None and clock.is_aware(decided_at) else now
    return When(decided_at=at, backdating_reason=reason, backdating_explanation=explanation)


def check_answers(
    errors: Errors, *, pack: Pack, agency: Agency, answers: Any, as_at: datetime.date
) -> Recommendation | None:
    """The aid's answers (Protocol App. 4), complete on the path the pack in force takes;
    returns its recommendation."""
    if not isinstance(answers, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in answers.items()
    ):
        add_error(
            errors,
            "answers",
            "Give the answers as question codes and answer codes.",
            "answers_format",
        )
        return None
    try:
        return recommend(pack, answers, as_at=as_at, agency_type=agency.agency_type)
    except IncompleteAnswers as incomplete:
        add_error(
            errors,
            f"answers.{incomplete.question.id}",
            f"Answer the question: {incomplete.question.text}",
            "answers_incomplete",
        )
    except ValidationError as error:
        for field, messages in error.error_dict.items():
            errors.setdefault(field, []).extend(messages)
    return None


def check_outcome(errors: Errors, *, outcome: Any) -> None:
    """The decision either way (App. 2 Q7): to share or not to share."""
    if outcome not in DecisionOutcome.values:
        add_error(
            errors, "outcome", "Choose whether you decided to share or not.", "choice_unknown"
        )


@dataclass(frozen=True)
class Reasons:
    purpose: str
    rationale: str
    information_considered: str


def check_reasons(
    errors: Errors, *, purpose: Any, rationale: Any, information_considered: Any
) -> Reasons:
    """Why (App. 2 Q1, Q7; Protocol 5.2 "Record"): the purpose, the reasons for the
    decision and the information considered, each written out."""
    return Reasons(
        purpose=_text(errors, "purpose", purpose, "the purpose"),
        rationale=_text(errors, "rationale", rationale, "the reasons for your decision"),
        information_considered=_text(
            errors,
            "information_considered",
            information_considered,
            "what information you considered",
        ),
    )


@dataclass(frozen=True)
class Level:
    code: str
    explicit_consent_expected: bool


def check_level_of_need(
    errors: Errors, setting: Setting, *, level_of_need: Any, recommendation: Recommendation | None
) -> Level:
    """The child's level of need (App. 2 Early Help, Safeguarding): from the aid, or given
    with it; at a level that needs it, explicit consent is expected."""
    pack = setting.pack
    level_from_aid = recommendation.level_of_need if recommendation else None
    if level_from_aid and pack.item("levels_of_need", level_from_aid) is not None:
        if level_of_need and level_of_need != level_from_aid:
            add_error(
                errors,
                "level_of_need",
                "The level of need must match your answer in the decision aid.",
                "level_mismatch",
            )
        level_of_need = level_from_aid
    elif level_of_need or not setting.anonymised:
        if not level_of_need:
            add_error(errors, "level_of_need", "Choose the child's level of need.", "required")
        else:
            level_of_need = _catalogue_code(
                errors,
                "level_of_need",
                pack,
                "levels_of_need",
                level_of_need,
                as_at=setting.as_at,
            )
    level = pack.item("levels_of_need", level_of_need) if level_of_need else None
    return Level(
        code=level_of_need or "",
        explicit_consent_expected=bool(level and level.explicit_consent_required),
    )


@dataclass(frozen=True)
class DutyToShare:
    applies: bool
    reasoning: str


def check_duty_to_share(
    errors: Errors,
    setting: Setting,
    *,
    outcome: Any,
    more_detrimental_to_child: bool | None,
    more_detrimental_reasoning: Any,
) -> DutyToShare:
    """The duty to share (Children Act 2004 s16LA): not sharing records the "more
    detrimental to the child" test and its reasoning; otherwise neither is recorded."""
    duty = setting.pack.duty_to_share_in_force(setting.as_at)
    reasoning = _text(
        errors,
        "more_detrimental_reasoning",
        more_detrimental_reasoning,
        "why sharing would be more detrimental to the child",
        required=False,
    )
    if duty and outcome == DecisionOutcome.NOT_SHARE and not setting.anonymised:
        if more_detrimental_to_child is None:
            add_error(
                errors,
                "more_detrimental_to_child",
                "Under the duty to share, say whether sharing would be more detrimental to the "
                "child than not sharing (Children Act 2004 s16LA).",
                "required",
            )
        elif more_detrimental_to_child is False:
            add_error(
                errors,
                "outcome",
                "The duty to share applies unless sharing would be more detrimental to the "
                "child (Children Act 2004 s16LA).",
                "duty_to_share",
            )
        if not reasoning:
            add_error(
                errors,
                "more_detrimental_reasoning",
                "Explain why sharing would be more detrimental to the child.",
                "required",
            )
    elif more_detrimental_to_child is not None or reasoning:
        add_error(
            errors,
            "more_detrimental_to_child",
            'The "more detrimental" test is recorded only for a decision not to share under '
            "the duty to share.",
            "duty_not_applicable",
        )
    return DutyToShare(applies=duty, reasoning=reasoning)


@dataclass(frozen=True)
class Advice:
    requests: list[AdviceRequest]
    answered: bool


def check_advice(
    errors: Errors,
    *,
    actor: User,
    subject: Person | None,
    advice_requests: Iterable[AdviceRequest],
) -> Advice:
    """Advice sought (issue #4 item 7; Protocol 5.4): the asker's own, about the same
    child; whether any was answered."""
    advice = list({a.pk: a for a in advice_requests}.values())
    for item in advice:
        if item.asked_by_id != actor.pk or item.subject_id != (subject.pk if subject else None):
            add_error(
                errors,
                "advice_requests",
                "Attach advice you asked about this child.",
                "advice_not_yours",
            )
            break
    answered = bool(advice and AdviceResponse.objects.filter(request__in=advice).exists())
    return Advice(requests=advice, answered=answered)


def check_not_superseded(errors: Errors, *, supersedes: Decision | None) -> None:
    """A correction supersedes the latest decision only, once (Protocol 5.2 "Record");
    the row is locked so two corrections cannot both succeed."""
    if supersedes is None:
        return
    if Decision.objects.select_for_update().correcting(supersedes).exists():
        add_error(
            errors,
            "decision",
            "This decision has already been corrected; correct the latest one.",
            "already_superseded",
        )

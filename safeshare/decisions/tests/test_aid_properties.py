"""Properties of the decision aid over generated answers (hostile input, issue #6).

test_aid.py walks every path and checks that any partial answers give one
outcome or name the next question. These add what it does not: totality over
complete answer sets, outcomes from the pack's own list, the named question
being the next one on the path, order independence, and arbitrary string maps
(anything a client might post) never raising anything but the two documented
errors.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from safeshare.decisions.aid import (
    ALWAYS_REQUIRED,
    IncompleteAnswers,
    Recommendation,
    next_question,
    questions_answered,
    recommend,
)
from safeshare.decisions.packs import all_packs
from safeshare.decisions.tests.test_aid import CURRENT_DUTY

PACKS = [*all_packs().values(), CURRENT_DUTY]
DATES_END = datetime.date(2032, 12, 31)
DATES = st.dates(datetime.date(2020, 1, 1), DATES_END)
AGENCY_TYPES = st.sampled_from(["school", "police", "health", "commissioned_service", "charity"])
TEXT = st.text(max_size=30)


def pack_id(pack) -> str:
    return f"{pack.id}{'-duty' if pack.duty_to_share_in_force(DATES_END) else ''}"


def complete_answers(pack):
    """An answer the pack offers for every question it asks."""
    return st.fixed_dictionaries(
        {qid: st.sampled_from([o.code for o in q.options]) for qid, q in pack.questions.items()}
    )


def hostile_answers(pack):
    """Any string map, mixing real question ids and codes with arbitrary text."""
    question_ids = st.sampled_from(sorted(pack.questions)) | TEXT
    codes = st.sampled_from(sorted({o.code for q in pack.questions.values() for o in q.options}))
    return st.dictionaries(question_ids, codes | TEXT, max_size=12)


@pytest.mark.parametrize("pack", PACKS, ids=pack_id)
def test_every_complete_answer_set_gets_a_recommendation_from_the_pack(pack):
    @settings(max_examples=60, deadline=None)
    @given(answers=complete_answers(pack), as_at=DATES, agency_type=AGENCY_TYPES)
    def run(answers, as_at, agency_type):
        result = recommend(pack, answers, as_at=as_at, agency_type=agency_type)

        assert result.outcome in pack.outcomes
        assert result.pack_id == pack.id
        assert set(ALWAYS_REQUIRED) <= set(result.required_fields)
        assert next_question(pack, answers, as_at=as_at) is None
        assert [s.question for s in result.path] == [
            q.id for q in questions_answered(pack, answers, as_at=as_at)
        ]
        reordered = dict(reversed(list(answers.items())))
        assert recommend(pack, reordered, as_at=as_at, agency_type=agency_type) == result

    run()


@pytest.mark.parametrize("pack", PACKS, ids=pack_id)
def test_incomplete_answers_name_the_next_unanswered_question_on_the_path(pack):
    @settings(max_examples=60, deadline=None)
    @given(answers=complete_answers(pack), data=st.data(), as_at=DATES)
    def run(answers, data, as_at):
        # Drop one question the full path asks: the aid must stop there or before.
        full_path = [q.id for q in questions_answered(pack, answers, as_at=as_at)]
        dropped = data.draw(st.sampled_from(full_path))
        partial = {k: v for k, v in answers.items() if k != dropped}

        with pytest.raises(IncompleteAnswers) as incomplete:
            recommend(pack, partial, as_at=as_at, agency_type="school")

        asked = incomplete.value.question
        assert asked.id == dropped
        assert asked.id in pack.questions and asked.id not in partial
        assert next_question(pack, partial, as_at=as_at) == asked
        assert [q.id for q in questions_answered(pack, partial, as_at=as_at)] == full_path[
            : full_path.index(dropped)
        ]

    run()


@pytest.mark.parametrize("pack", PACKS, ids=pack_id)
def test_arbitrary_string_maps_give_a_recommendation_or_a_named_refusal(pack):
    @settings(max_examples=150, deadline=None)
    @given(answers=hostile_answers(pack), as_at=DATES, agency_type=TEXT)
    def run(answers, as_at, agency_type):
        try:
            result = recommend(pack, answers, as_at=as_at, agency_type=agency_type)
        except IncompleteAnswers as incomplete:
            assert incomplete.question.id in pack.questions
            assert incomplete.question.id not in answers
            assert next_question(pack, answers, as_at=as_at) == incomplete.question
        except ValidationError as error:
            fields = set(error.message_dict)
            assert fields == {"answers"} or (
                len(fields) == 1 and fields.pop().removeprefix("answers.") in answers
            ), error.message_dict
        else:
            assert isinstance(result, Recommendation)
            assert result.outcome in pack.outcomes
            assert set(result.answers.items()) <= set(answers.items())
        # The page helper walks the same answers without raising at all.
        path = questions_answered(pack, answers, as_at=as_at)
        assert all(q.id in answers for q in path)

    run()

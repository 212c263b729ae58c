"""The decision aid walks every path of the rebuilt flowchart, for both packs."""

import dataclasses
import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from safeshare.decisions.aid import (
    IncompleteAnswers,
    asked_only_if,
    first_question,
    next_question,
    question_graph,
    recommend,
)
from safeshare.decisions.packs import OUTCOMES, Pack, Provision, get_pack

AS_AT = datetime.date(2026, 11, 25)
SEED = get_pack("scsp-2022")
CURRENT = get_pack("current-law-2026")


def with_duty_in_force(pack: Pack, on: datetime.date = datetime.date(2026, 9, 1)) -> Pack:
    """The current-law pack as it will be once s16LA is commenced."""
    provisions = dict(pack.provisions)
    provisions["children_act_2004_s16la"] = dataclasses.replace(
        provisions["children_act_2004_s16la"], applies_from=on
    )
    return dataclasses.replace(pack, provisions=provisions)


CURRENT_DUTY = with_duty_in_force(CURRENT)
IDENTIFYING = {
    "purpose": "yes",
    "anonymised_suffices": "no",
    "identifies": "yes",
    "legal_requirement": "no",
}
REASON = "*"  # expanded to every reason consent must not be sought

# (answers, outcome) for every path; the same table runs under each pack,
# with the s16LA question added where the duty is in force.
PATHS = [
    ({"purpose": "no"}, "do_not_share"),
    ({"purpose": "unsure"}, "seek_advice"),
    ({"purpose": "yes", "anonymised_suffices": "yes"}, "anonymise"),
    ({"purpose": "yes", "anonymised_suffices": "no", "identifies": "no"}, "share"),
    ({**IDENTIFYING, "legal_requirement": "yes"}, "share_without_consent"),
    ({**IDENTIFYING, "level_of_need": "unsure"}, "seek_advice"),
]
for level in ("early_help_1", "early_help_2", "early_help_3"):
    base = {**IDENTIFYING, "level_of_need": level}
    PATHS += [
        ({**base, "consent_early_help": "given"}, "share"),
        ({**base, "consent_early_help": "not_sought"}, "seek_consent"),
    ]
    for consent in ("refused", "should_not_seek"):
        extra = {"consent_not_sought_reason": REASON} if consent == "should_not_seek" else {}
        b = {**base, "consent_early_help": consent, **extra}
        PATHS += [
            ({**b, "public_interest": "yes"}, "share_without_consent"),
            ({**b, "public_interest": "no"}, "do_not_share"),
            ({**b, "public_interest": "unsure"}, "seek_advice"),
        ]
SH = {**IDENTIFYING, "level_of_need": "significant_harm"}
PATHS += [
    ({**SH, "confidential": "no"}, "share"),
    ({**SH, "confidential": "yes", "consent_safeguarding": "given"}, "share"),
    ({**SH, "confidential": "yes", "consent_safeguarding": "not_sought"}, "seek_consent"),
]
for consent in ("refused", "should_not_seek"):
    extra = {"consent_not_sought_reason": REASON} if consent == "should_not_seek" else {}
    b = {**SH, "confidential": "yes", "consent_safeguarding": consent, **extra}
    PATHS += [
        ({**b, "public_interest": "yes"}, "share_without_consent"),
        ({**b, "public_interest": "no"}, "do_not_share"),
        ({**b, "public_interest": "unsure"}, "seek_advice"),
    ]

# Under the duty to share, "no public interest" asks whether sharing would be
# more detrimental to the child (Children Act 2004 s16LA).
DUTY_PATHS = []
for answers, outcome in PATHS:
    if answers.get("public_interest") == "no":
        DUTY_PATHS += [
            ({**answers, "more_detrimental": "yes"}, "do_not_share"),
            ({**answers, "more_detrimental": "no"}, "share_without_consent"),
            ({**answers, "more_detrimental": "unsure"}, "seek_advice"),
        ]
    else:
        DUTY_PATHS.append((answers, outcome))


def expand(table, pack):
    reasons = [i.code for i in pack.catalogue("consent_not_sought_reasons")]
    for answers, outcome in table:
        if answers.get("consent_not_sought_reason") == REASON:
            for reason in reasons:
                yield {**answers, "consent_not_sought_reason": reason}, outcome
        else:
            yield answers, outcome


CASES = [
    pytest.param(pack, answers, outcome, id=f"{pack.id}{'+duty' if duty else ''}-{n}")
    for pack, table, duty in (
        (SEED, PATHS, False),
        (CURRENT, PATHS, False),
        (CURRENT_DUTY, DUTY_PATHS, True),
    )
    for n, (answers, outcome) in enumerate(expand(table, pack))
]


@pytest.mark.parametrize(("pack", "answers", "outcome"), CASES)
def test_every_path_of_the_flowchart_reaches_its_outcome(pack, answers, outcome):
    recommendation = recommend(pack, answers, as_at=AS_AT, agency_type="school")
    assert recommendation.outcome == outcome
    assert recommendation.answers == answers  # every answer on the path was used
    assert recommendation.pack_id == pack.id
    assert recommendation.pack_version == pack.version
    # The explanation cites a paragraph for every step and the outcome.
    assert recommendation.explanation.count("(") >= len(answers) + 1
    assert pack.outcomes[outcome].label in recommendation.explanation


def all_paths(pack: Pack, as_at: datetime.date):
    """Every path through the pack's graph, generated from the pack itself."""

    def walk(qid, answers):
        q = pack.questions[qid]
        if q.requires_provision and not pack.provision_in_force(q.requires_provision, as_at):
            targets = [(answers, q.when_not_in_force)]
        else:
            targets = [({**answers, qid: o.code}, o.then) for o in q.options]
        for a, t in targets:
            if t.outcome:
                yield a, t.outcome
            else:
                yield from walk(t.next, a)

    return list(walk(pack.start, {}))


@pytest.mark.parametrize(
    ("pack", "table"), [(SEED, PATHS), (CURRENT, PATHS), (CURRENT_DUTY, DUTY_PATHS)]
)
def test_the_table_covers_every_path_of_the_pack(pack, table):
    expected = sorted((sorted(a.items()), o) for a, o in expand(table, pack))
    actual = sorted((sorted(a.items()), o) for a, o in all_paths(pack, AS_AT))
    assert actual == expected


def test_the_duty_question_is_passed_by_before_commencement():
    answers = dict(PATHS[-2][0])  # safeguarding, should not seek, no public interest
    answers["consent_not_sought_reason"] = "increased_risk_of_significant_harm"
    before = recommend(
        CURRENT_DUTY, answers, as_at=datetime.date(2026, 8, 31), agency_type="police"
    )
    assert before.outcome == "do_not_share" and not before.duty_to_share_in_force
    assert "more_detrimental_reasoning" not in before.required_fields
    with pytest.raises(IncompleteAnswers) as incomplete:
        recommend(CURRENT_DUTY, answers, as_at=datetime.date(2026, 9, 1), agency_type="police")
    assert incomplete.value.question.id == "more_detrimental"
    after = recommend(
        CURRENT_DUTY,
        {**answers, "more_detrimental": "yes"},
        as_at=datetime.date(2026, 9, 1),
        agency_type="police",
    )
    assert after.outcome == "do_not_share" and after.duty_to_share_in_force
    assert {"more_detrimental_to_child", "more_detrimental_reasoning"} <= set(after.required_fields)
    assert "s16LA" in after.explanation


def test_s16la_is_not_in_force_in_the_shipped_pack():
    assert CURRENT.provisions["children_act_2004_s16la"].applies_from is None
    assert not CURRENT.duty_to_share_in_force(datetime.date(2030, 1, 1))
    assert not SEED.duty_to_share_in_force(AS_AT)


def test_share_requires_a_lawful_basis_and_recipients_in_the_record():
    rec = recommend(SEED, {**SH, "confidential": "no"}, as_at=AS_AT, agency_type="school")
    assert {"lawful_basis", "recipient_agencies", "consent_state"} <= set(rec.required_fields)
    rec = recommend(
        SEED,
        {**SH, "confidential": "yes", "consent_safeguarding": "refused", "public_interest": "yes"},
        as_at=AS_AT,
        agency_type="school",
    )
    assert "safeguarding_reason" in rec.required_fields


def test_recognised_legitimate_interest_is_named_as_refused_to_public_authorities():
    answers = {**SH, "confidential": "no"}
    police = recommend(CURRENT, answers, as_at=AS_AT, agency_type="police")
    charity = recommend(CURRENT, answers, as_at=AS_AT, agency_type="commissioned_service")
    assert "cannot rely on: Recognised legitimate interest" in police.explanation
    assert "Recognised legitimate interest" not in charity.explanation
    before = recommend(CURRENT, answers, as_at=datetime.date(2026, 2, 4), agency_type="police")
    assert "Recognised legitimate interest" not in before.explanation


def test_missing_answer_names_the_next_question():
    with pytest.raises(IncompleteAnswers) as incomplete:
        recommend(SEED, {"purpose": "yes"}, as_at=AS_AT, agency_type="school")
    assert incomplete.value.question.id == "anonymised_suffices"
    assert next_question(SEED, {"purpose": "yes"}, as_at=AS_AT).id == "anonymised_suffices"
    assert next_question(SEED, {"purpose": "no"}, as_at=AS_AT) is None


def test_an_answer_the_pack_does_not_offer_is_refused_naming_the_question():
    with pytest.raises(ValidationError) as error:
        recommend(SEED, {"purpose": "maybe"}, as_at=AS_AT, agency_type="school")
    assert "answers.purpose" in error.value.message_dict


def test_a_question_the_pack_does_not_ask_is_refused():
    with pytest.raises(ValidationError) as error:
        recommend(SEED, {"purpose": "no", "favourite": "x"}, as_at=AS_AT, agency_type="school")
    assert "answers" in error.value.message_dict


def _answer_strategy(pack: Pack):
    return st.fixed_dictionaries(
        {},
        optional={
            qid: st.sampled_from([o.code for o in q.options]) for qid, q in pack.questions.items()
        },
    )


@pytest.mark.parametrize("pack", [SEED, CURRENT, CURRENT_DUTY], ids=lambda p: p.id)
def test_any_answers_give_one_outcome_or_name_the_next_question(pack):
    @settings(max_examples=300, deadline=None)
    @given(
        answers=_answer_strategy(pack),
        as_at=st.dates(datetime.date(2022, 1, 1), datetime.date(2030, 12, 31)),
        agency_type=st.sampled_from(["school", "police", "commissioned_service"]),
    )
    def run(answers, as_at, agency_type):
        try:
            first = recommend(pack, answers, as_at=as_at, agency_type=agency_type)
        except IncompleteAnswers as incomplete:
            assert incomplete.question.id not in answers
            return
        again = recommend(pack, answers, as_at=as_at, agency_type=agency_type)
        assert first == again  # deterministic
        assert first.outcome in OUTCOMES
        assert set(first.answers.items()) <= set(answers.items())

    run()


def test_provision_dates_decide_what_is_in_force():
    rli = CURRENT.provisions["recognised_legitimate_interest"]
    assert isinstance(rli, Provision)
    assert not rli.in_force(datetime.date(2026, 2, 4))
    assert rli.in_force(datetime.date(2026, 2, 5))
    codes = {i.code for i in CURRENT.available("lawful_bases", as_at=AS_AT, agency_type="police")}
    assert "recognised_legitimate_interest" not in codes and "public_task" in codes
    codes = {
        i.code
        for i in CURRENT.available("lawful_bases", as_at=AS_AT, agency_type="commissioned_service")
    }
    assert "recognised_legitimate_interest" in codes


@pytest.mark.parametrize("pack", [SEED, CURRENT, CURRENT_DUTY], ids=lambda p: p.id)
def test_the_question_graph_is_the_walk_the_aid_takes(pack):
    """Following the graph from the first question with any answers asks exactly the
    questions `next_question` asks, so the one-page form and the walk agree."""
    graph = question_graph(pack, as_at=AS_AT)
    assert list(graph) == [q for q in pack.questions if q in graph]  # the pack's order
    for answers, _ in PATHS:
        given: dict[str, str] = {}
        qid = first_question(pack, as_at=AS_AT)
        while qid is not None:
            assert next_question(pack, given, as_at=AS_AT).id == qid
            code = answers.get(qid, REASON)
            if code == REASON:
                code = pack.questions[qid].options[0].code
            given[qid] = code
            qid = graph[qid][code]
        assert next_question(pack, given, as_at=AS_AT) is None


def test_the_duty_question_is_on_the_graph_only_once_in_force():
    assert "more_detrimental" not in question_graph(CURRENT, as_at=AS_AT)
    assert question_graph(CURRENT, as_at=AS_AT)["public_interest"]["no"] is None
    duty = question_graph(CURRENT_DUTY, as_at=AS_AT)
    assert duty["public_interest"]["no"] == "more_detrimental"
    said = asked_only_if(CURRENT_DUTY, as_at=AS_AT)["more_detrimental"]
    assert said == (
        "Answer if you answered 'No' to 'Is there a sufficient public interest to share "
        "the information without consent?'."
    )


def test_hints_name_every_answer_that_leads_to_a_question():
    said = asked_only_if(CURRENT, as_at=AS_AT)
    assert "purpose" not in said  # the first question is always asked
    assert said["public_interest"] == (
        "Answer if you answered 'Consent was refused' to 'Has consent to share been given?'"
        " or 'Why should consent not be sought?'."
    )
    assert said["consent_safeguarding"] == (
        "Answer if you answered 'Yes' to 'Is the information confidential?'."
    )

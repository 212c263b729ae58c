"""Protocol packs load, carry what the protocol says, and bad packs fail loudly."""

import copy
import datetime

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from safeshare.decisions import checks
from safeshare.decisions.packs import PACK_DIR, PackError, all_packs, get_pack, parse_pack


def raw(pack_id: str) -> dict:
    return yaml.safe_load((PACK_DIR / f"{pack_id}.yaml").read_text())


def test_both_packs_ship_and_validate():
    assert set(all_packs()) == {"scsp-2022", "current-law-2026"}


def test_seed_pack_is_the_protocol_as_approved_in_may_2022():
    seed = get_pack("scsp-2022")
    assert seed.version == "1"
    assert seed.approved_on == datetime.date(2022, 5, 1)
    assert seed.review_due == datetime.date(2023, 11, 30)
    assert seed.review_overdue(datetime.date(2026, 11, 25))
    assert "REBUILT" in seed.notes
    assert len(seed.catalogue("golden_rules")) == 7
    assert [i.paragraph for i in seed.catalogue("golden_rules")][2] == "App. 3 rule 3"
    assert {i.paragraph for i in seed.catalogue("principles")} == {"5.2"}
    reasons = {i.code: i.paragraph for i in seed.catalogue("consent_not_sought_reasons")}
    assert reasons["statutory_duty_or_court_order"] == "6.7"
    assert reasons["imbalance_of_power"] == "6.3"
    levels = {i.code: i.explicit_consent_required for i in seed.catalogue("levels_of_need")}
    assert levels == {
        "early_help_1": True,
        "early_help_2": True,
        "early_help_3": True,
        "significant_harm": False,
    }
    gateways = {i.code for i in seed.catalogue("statutory_gateways")}
    assert {
        "children_act_1989_s47",
        "children_act_2004_s14b",
        "crime_and_disorder_act_1998_s115",
    } <= gateways
    # Every catalogue item names the paragraph it comes from.
    for name, items in seed.catalogues.items():
        assert all(i.paragraph for i in items), name


def test_current_law_pack_dates_its_provisions():
    current = get_pack("current-law-2026")
    assert current.provisions["recognised_legitimate_interest"].applies_from == datetime.date(
        2026, 2, 5
    )
    assert current.provisions["children_act_2004_s16la"].applies_from is None
    assert current.provisions["children_act_2004_s16lb"].applies_from is None
    assert current.is_public_authority("police") and current.is_public_authority("school")
    assert not current.is_public_authority("commissioned_service")
    assert not current.review_overdue(datetime.date(2026, 11, 25))


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("review_due"), "missing keys: review_due"),
        (lambda d: d.update(colour="blue"), "unknown keys: colour"),
        (lambda d: d.update(review_due=datetime.date(2020, 1, 1)), "review_due: must come after"),
        (lambda d: d.update(approved_on="May 2022"), "approved_on: expected a date"),
        (
            lambda d: d["questions"][0]["options"][0].update(then={"next": "nowhere"}),
            "unknown question 'nowhere'",
        ),
        (
            lambda d: d["questions"][0]["options"][0].update(then={"outcome": "shrug"}),
            "unknown outcome 'shrug'",
        ),
        (lambda d: d["questions"][0]["options"][0].update(code=True), "expected text, got True"),
        (
            lambda d: d["golden_rules"][0].pop("paragraph"),
            "golden_rules[0].paragraph: expected text",
        ),
        (
            lambda d: d["lawful_bases"].append(dict(d["lawful_bases"][0])),
            "duplicate code 'legal_obligation'",
        ),
        (lambda d: d["outcomes"].pop("anonymise"), "outcomes: expected exactly"),
        (
            lambda d: d["questions"][1]["options"][1].update(then={"next": "purpose"}),
            "loop: purpose -> anonymised_suffices -> purpose",
        ),
        (
            lambda d: d["questions"].append({**d["questions"][-1], "id": "orphan"}),
            "unreachable: orphan",
        ),
        (lambda d: d["lawful_bases"][0].update(provision="s999"), "unknown provision 's999'"),
        (lambda d: d.pop("recording"), "missing keys: recording"),
        (lambda d: d["recording"].pop("reason_after_minutes"), "recording: expected exactly"),
        (
            lambda d: d["recording"].update(backdating_limit_days=0),
            "recording.backdating_limit_days: expected a whole number from 1 to 366",
        ),
        (
            lambda d: d["recording"].update(backdating_limit_days="30"),
            "recording.backdating_limit_days: expected a whole number",
        ),
        (
            lambda d: d["recording"].update(backdating_limit_days=True),
            "recording.backdating_limit_days: expected a whole number",
        ),
        (
            lambda d: d["recording"].update(reason_after_minutes=-1),
            "recording.reason_after_minutes: expected a whole number from 0 to 1440",
        ),
        (
            lambda d: d["recording"].update(backdating_reasons=[]),
            "recording.backdating_reasons: expected a non-empty list",
        ),
        (
            lambda d: d["recording"]["backdating_reasons"].append(
                dict(d["recording"]["backdating_reasons"][0])
            ),
            "duplicate code 'away_from_system'",
        ),
        (
            lambda d: d["recording"]["backdating_reasons"][0].update(explanation_required="yes"),
            "backdating_reasons[0].explanation_required: expected true or false",
        ),
        (
            lambda d: d["recording"]["backdating_reasons"][0].update(paragraph="5.2"),
            "backdating_reasons[0]: expected code, label",
        ),
    ],
)
def test_a_malformed_pack_is_refused_with_the_place_named(mutate, message):
    data = copy.deepcopy(raw("scsp-2022"))
    mutate(data)
    with pytest.raises(PackError) as error:
        parse_pack(data)
    assert message in str(error.value)
    assert "scsp-2022" in str(error.value)


@pytest.mark.parametrize("pack_id", ["scsp-2022", "current-law-2026"])
def test_each_pack_bounds_how_far_back_a_client_may_date_an_event(pack_id):
    recording = get_pack(pack_id).recording
    assert recording.limit_days == 30
    assert recording.reason_after == datetime.timedelta(minutes=15)
    assert [r.code for r in recording.reasons] == [
        "away_from_system",
        "system_unavailable",
        "recorded_from_notes",
        "other",
    ]
    assert [r.code for r in recording.reasons if r.explanation_required] == ["other"]


def test_start_up_check_reports_a_bad_pack(monkeypatch, tmp_path):
    (tmp_path / "broken.yaml").write_text("id: broken\nversion: 1\n")
    monkeypatch.setattr("safeshare.decisions.packs.PACK_DIR", tmp_path)
    all_packs.cache_clear()
    try:
        errors = checks.check_protocol_packs(None)
        assert [e.id for e in errors] == ["decisions.E001"]
        assert "broken" in errors[0].msg and "missing keys" in errors[0].msg
        with pytest.raises(SystemCheckError):
            call_command("check")
    finally:
        monkeypatch.undo()
        all_packs.cache_clear()
    assert checks.check_protocol_packs(None) == []


def test_start_up_check_refuses_an_unknown_default_pack(settings):
    settings.SAFESHARE_DEFAULT_PACK = "no-such-pack"
    assert [e.id for e in checks.check_protocol_packs(None)] == ["decisions.E003"]


def test_pack_outcomes_and_model_choices_agree():
    from safeshare.decisions.models import AidOutcome
    from safeshare.decisions.packs import OUTCOMES

    assert set(OUTCOMES) == set(AidOutcome.values)

"""The consent API (issue #5): each operation's happy path, and bad input to every
operation that takes any — a problem document naming the field and the rule, and
nothing written (no row, no ledger entry). Who may call what is in test_api_matrix.py.
"""

import datetime
import uuid

import pytest
from fhir.resources.R4B.consent import Consent as FhirConsent

from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import AgencyType, Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.api.tests.helpers import assert_problem, two_factor_client
from safeshare.consent.models import (
    CapacityAssessment,
    Consent,
    ConsentConflict,
    ConsentConflictGuidance,
    ConsentWithdrawal,
    PrivacyNotice,
)
from safeshare.consent.services.capacity import capacity_assess
from safeshare.consent.services.notices import notice_record
from safeshare.consent.services.withdrawals import consent_withdraw
from safeshare.consent.tests.helpers import consent_fields, parent_of, record_consent
from safeshare.consent.tests.test_services import decide_with_consent, share_under
from safeshare.core import clock
from safeshare.exchange.models import ContinuedUse
from safeshare.ledger.models import Entry
from safeshare.people.identity import read_identity
from safeshare.people.models import PersonKind

pytestmark = pytest.mark.django_db

BASE = "/api/v1/consents"


@pytest.fixture
def w():
    """Two agencies; at home a practitioner, a safeguarding lead, a child and their mother
    (with parental responsibility), and the mother's consent covering everything."""
    home = AgencyFactory(name="Northfield Primary", agency_type=AgencyType.SCHOOL)
    trust = AgencyFactory(name="Family Support Trust", agency_type=AgencyType.CHILDRENS_TRUST)
    author = staff(Role.PRACTITIONER, agency=home)
    lead = staff(Role.SAFEGUARDING_LEAD, agency=home)
    child = person_for(author)
    mother = parent_of(author, child)
    return {
        "home": home,
        "trust": trust,
        "author": author,
        "lead": lead,
        "child": child,
        "mother": mother,
        "consent": record_consent(author, child, mother),
        "client": two_factor_client(author),
        "lead_client": two_factor_client(lead),
    }


def post(client, path, body):
    return client.post(path, body, content_type="application/json")


def consent_body(child, given_by, **overrides) -> dict:
    body = {"child_id": str(child.pk), "given_by_id": str(given_by.pk), **consent_fields()}
    body.update(overrides)
    return body


def conflict_in(w) -> ConsentConflict:
    """A second person with parental responsibility refuses what the mother agreed to."""
    other_parent = parent_of(w["author"], w["child"])
    record_consent(w["author"], w["child"], other_parent, decision="refused", review_on=None)
    return ConsentConflict.objects.get(child=w["child"])


def withdrawn_share(w, *, withdraw=True):
    """A share from home to the trust relying on the mother's consent, then withdrawn."""
    decision = decide_with_consent(w["author"], w["child"], w["consent"], [w["trust"]])
    share = share_under(w["author"], decision, w["trust"])
    if withdraw:
        consent_withdraw(
            actor=w["author"], consent=w["consent"], withdrawn_at=clock.now(), method="verbal"
        )
    return share


def last_entry() -> Entry:
    return Entry.objects.order_by("-seq").first()


COUNTED = (
    Consent,
    CapacityAssessment,
    ConsentWithdrawal,
    ConsentConflict,
    ConsentConflictGuidance,
    ContinuedUse,
    PrivacyNotice,
    Entry,
)


def counts() -> list[int]:
    """Rows of every kind a consent write makes; a refusal's own entry is not one."""
    written = [model.objects.count() for model in COUNTED if model is not Entry]
    return [*written, Entry.objects.exclude(kind="access.refused").count()]


def rules(response, status: int, field: str) -> list[str]:
    body = assert_problem(response, status, field)
    return [error["rule"] for error in body["errors"] if error["field"] == field]


# ---------------------------------------------------------------------------
# Happy paths
# ---------------------------------------------------------------------------


def test_record_a_consent_returns_it_with_its_evidence_and_ledgers_it(w):
    before = Consent.objects.count()
    body = consent_body(
        w["child"],
        w["mother"],
        categories=["education"],
        purposes=["receive_service"],
        recipient_agencies=[str(w["trust"].pk)],
        recipient_agency_types=[],
        recipient_purposes=["provide_support"],
        evidence="Signed form on file",
    )
    response = post(w["client"], BASE, body)
    assert response.status_code == 201, response.content
    out = response.json()
    assert Consent.objects.count() == before + 1
    assert out["decision"] == "given" and out["given_by_id"] == str(w["mother"].pk)
    assert out["recipient_agencies"] == [str(w["trust"].pk)]
    assert out["categories"] == ["education"] and out["evidence"] == "Signed form on file"
    assert out["in_force"] is True and out["withdrawal"] is None
    entry = last_entry()
    assert entry.kind == "consent.recorded" and entry.payload["consent"] == out["id"]
    assert "Signed" not in entry.canonical.decode()


def test_record_a_refusal_with_reasons(w):
    father = parent_of(w["author"], w["child"])
    body = consent_body(
        w["child"], father, decision="refused", review_on=None, reasons="Wants to talk first"
    )
    response = post(w["client"], BASE, body)
    assert response.status_code == 201, response.content
    assert response.json()["decision"] == "refused"
    assert response.json()["reasons"] == "Wants to talk first"
    assert last_entry().kind == "consent_conflict.detected"  # it disagrees with the mother


def test_a_childs_own_consent_relies_on_a_capacity_assessment_recorded_through_the_api(w):
    child = w["child"]
    response = post(
        w["client"],
        f"{BASE}/capacity-assessments",
        {
            "child_id": str(child.pk),
            "person_id": str(child.pk),
            "assessed_at": (clock.now() - datetime.timedelta(days=2)).isoformat(),
            "conclusion": "has_capacity",
            "notes": "Understood who would see it and why",
        },
    )
    assert response.status_code == 201, response.content
    assessment = response.json()
    assert assessment["notes"] == "Understood who would see it and why"
    assert last_entry().kind == "capacity.assessed"
    response = post(
        w["client"],
        BASE,
        consent_body(child, child, giver_role="child", capacity_assessment_id=assessment["id"]),
    )
    assert response.status_code == 201, response.content
    assert response.json()["capacity_assessment_id"] == assessment["id"]
    assert response.json()["giver_age"] < 16
    listed = w["client"].get(f"{BASE}/children/{child.pk}/capacity-assessments").json()
    assert [a["id"] for a in listed] == [assessment["id"]]


def test_list_and_read_consents_about_a_child(w):
    father = parent_of(w["author"], w["child"])
    refusal = record_consent(
        w["author"], w["child"], father, decision="refused", review_on=None, reasons="No"
    )
    listed = w["client"].get(f"{BASE}/children/{w['child'].pk}")
    assert listed.status_code == 200
    assert {c["id"] for c in listed.json()} == {str(w["consent"].pk), str(refusal.pk)}
    one = w["client"].get(f"{BASE}/{refusal.pk}")
    assert one.status_code == 200 and one.json()["reasons"] == "No"
    assert one.json()["decision"] == "refused"


def test_a_later_record_by_the_same_person_replaces_the_earlier_one(w):
    later = record_consent(
        w["author"],
        w["child"],
        w["mother"],
        decision="refused",
        review_on=None,
        given_at=clock.now() - datetime.timedelta(hours=1),
    )
    listed = {
        c["id"]: c["in_force"] for c in w["client"].get(f"{BASE}/children/{w['child'].pk}").json()
    }
    assert listed == {str(later.pk): True, str(w["consent"].pk): False}
    assert w["client"].get(f"{BASE}/{w['consent'].pk}").json()["in_force"] is False


def test_withdraw_a_consent(w):
    when = clock.now() - datetime.timedelta(minutes=5)
    response = post(
        w["client"],
        f"{BASE}/{w['consent'].pk}/withdrawal",
        {"withdrawn_at": when.isoformat(), "method": "verbal", "reasons": "Changed her mind"},
    )
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["in_force"] is False
    assert out["withdrawal"]["reasons"] == "Changed her mind"
    assert out["withdrawal"]["method"] == "verbal"
    entry = last_entry()
    assert entry.kind == "consent.withdrawn" and entry.payload["consent"] == str(w["consent"].pk)
    fhir = w["client"].get(f"{BASE}/{w['consent'].pk}/fhir").json()
    assert fhir["status"] == "inactive"


def test_export_a_consent_as_a_valid_fhir_resource_naming_nobody(w):
    response = w["client"].get(f"{BASE}/{w['consent'].pk}/fhir")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    resource = FhirConsent.model_validate_json(response.content)
    assert resource.status == "active" and resource.id == str(w["consent"].pk)
    assert resource.patient.identifier.value == w["child"].reference
    identity = read_identity(w["child"])
    text = response.content.decode()
    for value in (identity.given_name, identity.family_name, identity.date_of_birth.isoformat()):
        assert value not in text
    assert "Signed consent form" not in text  # the sealed evidence stays out


def test_conflicts_are_listed_read_and_guided_by_the_safeguarding_lead(w):
    conflict = conflict_in(w)
    lead = w["lead_client"]
    listed = lead.get(f"{BASE}/conflicts").json()["items"]
    assert [c["id"] for c in listed] == [str(conflict.pk)]
    assert listed[0]["consent_id"] == str(w["consent"].pk) and listed[0]["guidance"] is None
    response = post(
        lead,
        f"{BASE}/conflicts/{conflict.pk}/guidance",
        {"guidance": "Talk to both parents together first", "outcome": "refusal_stands"},
    )
    assert response.status_code == 201, response.content
    guidance = response.json()["guidance"]
    assert guidance["outcome"] == "refusal_stands"
    assert guidance["guidance"] == "Talk to both parents together first"
    entry = last_entry()
    assert entry.kind == "consent_conflict.guided" and entry.payload["conflict"] == str(conflict.pk)
    assert lead.get(f"{BASE}/conflicts").json() == {"items": [], "count": 0}
    read = w["client"].get(f"{BASE}/conflicts/{conflict.pk}").json()
    assert read["guidance"]["guidance"] == "Talk to both parents together first"


def test_a_recipient_records_its_decision_on_continued_use(w):
    share = withdrawn_share(w)
    recipient = two_factor_client(staff(Role.PRACTITIONER, agency=w["trust"]))
    response = post(
        recipient,
        f"{BASE}/continued-uses",
        {
            "share_id": str(share.pk),
            "decision": "continue_other_basis",
            "reasons": "Needed for a section 47 enquiry",
        },
    )
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["share_id"] == str(share.pk) and out["recipient_agency_id"] == str(w["trust"].pk)
    assert out["reasons"] == "Needed for a section 47 enquiry"
    entry = last_entry()
    assert entry.kind == "consent.continued_use_decided" and entry.payload["share"] == str(share.pk)
    assert ContinuedUse.objects.filter(pk=out["id"]).exists()


def test_notices_at_first_contact(w):
    missing = w["client"].get(f"{BASE}/notices/missing").json()["items"]
    assert {p["id"] for p in missing} == {str(w["child"].pk), str(w["mother"].pk)}
    response = post(
        w["client"],
        f"{BASE}/notices",
        {
            "person_id": str(w["child"].pk),
            "told_on": clock.today().isoformat(),
            "method": "in_person",
            "told_to_id": str(w["mother"].pk),
        },
    )
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["told_to_id"] == str(w["mother"].pk) and out["agency_id"] == str(w["home"].pk)
    entry = last_entry()
    assert entry.kind == "notice.recorded" and entry.payload["notice"] == out["id"]
    missing = w["client"].get(f"{BASE}/notices/missing").json()["items"]
    assert [p["id"] for p in missing] == [str(w["mother"].pk)]
    assert [p["kind"] for p in missing] == [PersonKind.PARENT_CARER]
    listed = w["client"].get(f"{BASE}/people/{w['child'].pk}/notices").json()
    assert [n["id"] for n in listed] == [out["id"]]


def test_a_recipient_agency_never_sees_the_senders_consents(w):
    withdrawn_share(w, withdraw=False)
    recipient = two_factor_client(staff(Role.SAFEGUARDING_LEAD, agency=w["trust"]))
    listed = recipient.get(f"{BASE}/children/{w['child'].pk}")
    assert listed.status_code == 200 and listed.json() == []
    hidden = recipient.get(f"{BASE}/{w['consent'].pk}")
    missing = recipient.get(f"{BASE}/{uuid.uuid4()}")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    assert recipient.get(f"{BASE}/{w['consent'].pk}/fhir").status_code == 404


# ---------------------------------------------------------------------------
# Bad input: the field and rule named, nothing written
# ---------------------------------------------------------------------------


def _value(value, w):
    return value(w) if callable(value) else value


def _path(path: str, w) -> str:
    return BASE + path.format(**{k: getattr(v, "pk", v) for k, v in w.items()})


def _post(path: str, client: str = "client", **body):
    """POST `body` (values may be functions of the world) to `path` as `client`."""
    return lambda w: post(w[client], _path(path, w), {k: _value(v, w) for k, v in body.items()})


def _get(path: str):
    return lambda w: w["client"].get(_path(path, w))


def _record(**overrides):
    def call(w):
        body = consent_body(w["child"], w["mother"])
        body.update({k: _value(v, w) for k, v in overrides.items()})
        return post(w["client"], BASE, body)

    return call


def _withdraw(consent="consent", **overrides):
    body = {"withdrawn_at": lambda w: clock.now().isoformat(), "method": "verbal", **overrides}
    return _post(f"/{{{consent}}}/withdrawal", **body)


def _assess(**overrides):
    body = {
        "child_id": lambda w: str(w["child"].pk),
        "person_id": lambda w: str(w["mother"].pk),
        "assessed_at": lambda w: clock.now().isoformat(),
        "conclusion": "has_capacity",
        **overrides,
    }
    return _post("/capacity-assessments", **body)


def _guide(**overrides):
    body = {"guidance": "Talk to both", "outcome": "refusal_stands", **overrides}
    return _post("/conflicts/{conflict}/guidance", "lead_client", **body)


def _continued_use(**overrides):
    body = {
        "share_id": lambda w: str(w["share"].pk),
        "decision": "stop_using",
        "reasons": "No other basis",
        **overrides,
    }
    return _post("/continued-uses", "recipient_client", **body)


def _notice(**overrides):
    body = {
        "person_id": lambda w: str(w["child"].pk),
        "told_on": lambda w: clock.today().isoformat(),
        "method": "written",
        **overrides,
    }
    return _post("/notices", **body)


def _id(key: str):
    return lambda w: str(w[key].pk)


# Setups run before the counts are taken; each adds to the world.
def _no_parental_responsibility(w):
    w["giver"] = parent_of(w["author"], w["child"], parental_responsibility=False)


def _stranger(w):
    w["stranger"] = person_for(w["author"], kind=PersonKind.THIRD_PARTY)


def _other_agencys_child(w):
    w["other_child"] = person_for(staff(Role.PRACTITIONER, agency=w["trust"]))


def _withdrawn(w):
    _withdraw()(w)


def _refusal(w):
    father = parent_of(w["author"], w["child"])
    w["refusal"] = record_consent(
        w["author"], w["child"], father, decision="refused", review_on=None
    )


def _conflict(w):
    w["conflict"] = conflict_in(w)


def _guided(w):
    _conflict(w)
    _guide()(w)


def _share(*, withdraw: bool):
    def setup(w):
        w["share"] = withdrawn_share(w, withdraw=withdraw)
        w["recipient_client"] = two_factor_client(staff(Role.PRACTITIONER, agency=w["trust"]))

    return setup


TOMORROW = (clock.now() + datetime.timedelta(days=1)).isoformat()
UNKNOWN = str(uuid.uuid4())

# (operation, setup, call(w), status, field, rule); a 404 names no field.
BAD = [
    ("consent_record", None, _record(given_by_id=UNKNOWN), 422, "given_by_id", "unknown_person"),
    ("consent_record", None, _record(child_id=UNKNOWN), 422, "child_id", "unknown_person"),
    (
        "consent_record",
        _other_agencys_child,
        _record(child_id=_id("other_child")),
        422,
        "child_id",
        "unknown_person",
    ),
    (
        "consent_record",
        None,
        _record(recipient_agencies=[UNKNOWN]),
        422,
        "recipient_agencies",
        "unknown_agency",
    ),
    (
        "consent_record",
        None,
        _record(capacity_assessment_id=UNKNOWN),
        422,
        "capacity_assessment_id",
        "unknown_assessment",
    ),
    (
        "consent_record",
        _no_parental_responsibility,
        _record(given_by_id=_id("giver")),
        422,
        "given_by_id",
        "no_parental_responsibility",
    ),
    (
        "consent_record",
        None,
        _record(given_by_id=_id("child"), giver_role="child"),
        422,
        "capacity_assessment_id",
        "capacity_assessment_required",
    ),
    ("consent_record", None, _record(given_at=TOMORROW), 422, "given_at", "future"),
    (
        "consent_record",
        None,
        _record(given_at="2025-01-01T10:00:00"),
        422,
        "given_at",
        "timezone_required",
    ),
    ("consent_record", None, _record(categories=["secrets"]), 422, "categories.0", "enum"),
    ("consent_record", None, _record(purposes=[]), 422, "purposes", "required"),
    (
        "consent_record",
        None,
        _record(explained_recipient_purposes=False),
        422,
        "explained_recipient_purposes",
        "not_explained",
    ),
    ("consent_record", None, _record(freely_given=False), 422, "freely_given", "not_affirmed"),
    ("consent_record", None, _record(review_on=None), 422, "review_on", "required"),
    ("consent_record", None, _record(evidence="x" * 5001), 422, "evidence", "too_long"),
    ("consent_record", None, _record(decision="maybe"), 422, "decision", "enum"),
    (
        "consent_withdraw",
        None,
        _withdraw(withdrawn_at="2000-01-01T00:00:00Z"),
        422,
        "withdrawn_at",
        "before_consent",
    ),
    ("consent_withdraw", None, _withdraw(withdrawn_at=TOMORROW), 422, "withdrawn_at", "future"),
    ("consent_withdraw", None, _withdraw(method="pigeon"), 422, "method", "enum"),
    ("consent_withdraw", None, _withdraw(reasons="x" * 5001), 422, "reasons", "too_long"),
    ("consent_withdraw", _withdrawn, _withdraw(), 422, "consent_id", "already_withdrawn"),
    ("consent_withdraw", _refusal, _withdraw("refusal"), 422, "consent_id", "consent_refused"),
    ("consent_withdraw", None, _withdraw("UNKNOWN"), 404, None, None),
    (
        "consent_capacity_assess",
        _stranger,
        _assess(person_id=_id("stranger")),
        422,
        "person_id",
        "not_related",
    ),
    (
        "consent_capacity_assess",
        None,
        _assess(person_id=UNKNOWN),
        422,
        "person_id",
        "unknown_person",
    ),
    ("consent_capacity_assess", None, _assess(child_id=UNKNOWN), 422, "child_id", "unknown_person"),
    ("consent_capacity_assess", None, _assess(assessed_at=TOMORROW), 422, "assessed_at", "future"),
    ("consent_capacity_assess", None, _assess(conclusion="perhaps"), 422, "conclusion", "enum"),
    (
        "consent_capacity_list",
        None,
        _get("/children/{UNKNOWN}/capacity-assessments"),
        404,
        None,
        None,
    ),
    ("consent_list", None, _get("/children/not-a-uuid"), 404, None, None),
    ("consent_list", None, _get("/children/{consent}"), 404, None, None),  # not a person
    ("consent_get", None, _get("/12345"), 404, None, None),
    ("consent_get", None, _get("/{child}"), 404, None, None),  # not a consent
    ("consent_fhir", None, _get("/{UNKNOWN}/fhir"), 404, None, None),
    ("consent_conflict_get", None, _get("/conflicts/{consent}"), 404, None, None),
    ("consent_conflict_guide", _conflict, _guide(guidance=" "), 422, "guidance", "required"),
    ("consent_conflict_guide", _conflict, _guide(outcome="whatever"), 422, "outcome", "enum"),
    ("consent_conflict_guide", _guided, _guide(), 422, "conflict_id", "already_guided"),
    ("consent_conflict_guide", _conflict, _guide(guidance="x" * 5001), 422, "guidance", "too_long"),
    (
        "consent_conflict_guide",
        None,
        _post(
            "/conflicts/{UNKNOWN}/guidance", "lead_client", guidance="x", outcome="refusal_stands"
        ),
        404,
        None,
        None,
    ),
    (
        "consent_continued_use_record",
        _share(withdraw=True),
        _continued_use(share_id=UNKNOWN),
        422,
        "share_id",
        "unknown_share",
    ),
    (
        "consent_continued_use_record",
        _share(withdraw=False),
        _continued_use(),
        422,
        "share_id",
        "not_withdrawn",
    ),
    (
        "consent_continued_use_record",
        _share(withdraw=True),
        _continued_use(reasons=""),
        422,
        "reasons",
        "required",
    ),
    (
        "consent_continued_use_record",
        _share(withdraw=True),
        _continued_use(decision="shrug"),
        422,
        "decision",
        "enum",
    ),
    ("consent_notice_record", None, _notice(told_on="2999-01-01"), 422, "told_on", "future"),
    (
        "consent_notice_record",
        None,
        _notice(told_on="2025-02-30"),
        422,
        "told_on",
        "date_from_datetime_parsing",
    ),
    ("consent_notice_record", None, _notice(method="semaphore"), 422, "method", "enum"),
    (
        "consent_notice_record",
        _stranger,
        _notice(told_to_id=_id("stranger")),
        422,
        "told_to_id",
        "not_related",
    ),
    (
        "consent_notice_record",
        None,
        _notice(told_to_id=UNKNOWN),
        422,
        "told_to_id",
        "unknown_person",
    ),
    ("consent_notice_record", None, _notice(person_id=UNKNOWN), 422, "person_id", "unknown_person"),
    ("consent_notices_list", None, _get("/people/{UNKNOWN}/notices"), 404, None, None),
]
# Operations that take no input at all.
NO_INPUT = {"consent_conflicts_open", "consent_notices_missing"}


def test_every_operation_has_a_bad_input_test_or_takes_no_input():
    from safeshare.consent.tests.test_api_matrix import MATRIX_OPERATIONS

    assert {case[0] for case in BAD} | NO_INPUT == MATRIX_OPERATIONS


@pytest.mark.parametrize(
    ("operation", "setup", "call", "status", "field", "rule"),
    BAD,
    ids=[f"{case[0]}-{case[4] or 'address'}-{case[5] or 'not_found'}" for case in BAD],
)
def test_bad_input_names_the_field_and_rule_and_changes_nothing(
    operation, setup, call, status, field, rule, w
):
    w["UNKNOWN"] = UNKNOWN
    if setup is not None:
        setup(w)
    before = counts()
    response = call(w)
    if field is None:
        assert_problem(response, status)
    else:
        assert rule in rules(response, status, field)
    assert counts() == before


def test_a_visible_child_outside_the_agency_is_forbidden_not_a_field_error(w):
    """A recipient sees the child but may not record consent about them: 403, not 422."""
    withdrawn_share(w, withdraw=False)
    recipient = staff(Role.PRACTITIONER, agency=w["trust"])
    before = counts()
    response = post(two_factor_client(recipient), BASE, consent_body(w["child"], w["mother"]))
    assert_problem(response, 403)
    assert counts() == before


# ---------------------------------------------------------------------------
# Lists use a constant number of queries whatever their length
# ---------------------------------------------------------------------------


def _add_consent(w):
    parent = parent_of(w["author"], w["child"])
    record_consent(w["author"], w["child"], parent)


def _add_assessment(w):
    capacity_assess(
        actor=w["author"],
        child=w["child"],
        person=w["mother"],
        assessed_at=clock.now(),
        conclusion="has_capacity",
        notes="Fine",
    )


def _add_conflict(w):
    parent = parent_of(w["author"], w["child"])
    record_consent(w["author"], w["child"], parent, decision="refused", review_on=None)


def _add_person(w):
    person_for(w["author"])


def _add_notice(w):
    notice_record(actor=w["author"], person=w["child"], told_on=clock.today(), method="written")


LISTS = {
    "consent_list": ("/children/{child}", _add_consent, 1),
    "consent_capacity_list": ("/children/{child}/capacity-assessments", _add_assessment, 0),
    "consent_conflicts_open": ("/conflicts", _add_conflict, 0),
    "consent_notices_missing": ("/notices/missing", _add_person, 2),
    "consent_notices_list": ("/people/{child}/notices", _add_notice, 0),
}


# Lists that grow with the agency's work are paged ({"items": [...], "count": n}).
PAGED = {"consent_conflicts_open", "consent_notices_missing"}


@pytest.mark.parametrize("operation", sorted(LISTS))
def test_lists_use_a_constant_number_of_queries(operation, w, django_assert_max_num_queries):
    suffix, add, already = LISTS[operation]
    url = BASE + suffix.format(child=w["child"].pk)

    def rows(response) -> list:
        return response.json()["items"] if operation in PAGED else response.json()

    add(w)
    with django_assert_max_num_queries(40) as few:
        response = w["client"].get(url)
    assert response.status_code == 200 and len(rows(response)) == already + 1
    for _ in range(4):
        add(w)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = w["client"].get(url)
    assert len(rows(response)) == already + 5

"""Consent API: consents and refusals, and a consent as a FHIR R4 Consent resource
(issue #5). Capacity, conflicts and notices have their own modules; the withdrawal is
casework's. Its router is mounted after theirs: `/{consent_id}` would otherwise swallow
their paths.

Adapters only (STYLE §2): resolve ids through `access`, call one service, shape
the reply. An id in the body that names nothing the user may see is a 422 on
that field (the same for missing and out of scope); an id in the address is a
404. Sealed text (evidence, reasons, notes, guidance) is opened only for the
agency's own staff who may read the record, and never travels in a URL.
"""

from django.http import HttpResponse
from ninja import Router, Status

from safeshare.access.actions import Action
from safeshare.access.fetch.consent import get_consent_for
from safeshare.access.fetch.people import get_person_for
from safeshare.access.policy import require
from safeshare.access.rules.consent import ConsentTarget
from safeshare.consent import fhir, selectors
from safeshare.consent.api.schemas import (
    ConsentIn,
    ConsentOut,
)
from safeshare.consent.api.shaping import (
    body_agencies,
    body_one,
    body_person,
    consent_out,
    in_force_ids,
)
from safeshare.consent.services import consents
from safeshare.core.errors import Errors, raise_if

router = Router(tags=["consent"])


@router.post("", response={201: ConsentOut}, operation_id="consent_record")
def consent_record(request, payload: ConsentIn):
    """Record a consent or a refusal about a child, equally fully (Protocol App. 2 Q4)."""
    user = request.auth
    errors: Errors = {}
    child = body_person(user, errors, "child_id", payload.child_id)
    if child is not None:  # a child the user sees but may not record about: 403
        require(user, Action.CONSENT_RECORD, ConsentTarget(child=child))
    given_by = body_person(user, errors, "given_by_id", payload.given_by_id)
    assessment = body_one(
        errors,
        "capacity_assessment_id",
        selectors.capacity_assessments_visible(user),
        payload.capacity_assessment_id,
        "Choose an assessment your agency recorded.",
        "unknown_assessment",
    )
    agencies = body_agencies(errors, payload.recipient_agencies)
    raise_if(errors)
    fields = payload.dict(
        exclude={"child_id", "given_by_id", "capacity_assessment_id", "recipient_agencies"}
    )
    consent = consents.consent_record(
        actor=user,
        child=child,
        given_by=given_by,
        capacity_assessment=assessment,
        recipient_agencies=agencies,
        **fields,
    )
    return Status(
        201,
        consent_out(
            get_consent_for(user, consent.pk, action=Action.CONSENT_VIEW),
            child,
            in_force_ids(child, consent.agency),
        ),
    )


@router.get("/children/{child_id}", response=list[ConsentOut], operation_id="consent_list")
def consent_list(request, child_id: str):
    """Every consent and refusal about a child your agency recorded, newest first."""
    child = get_person_for(request.auth, child_id, action=Action.PERSON_VIEW)
    consents = list(selectors.consents_for_child(request.auth, child))
    in_force = in_force_ids(child, consents[0].agency) if consents else set()
    return [consent_out(c, child, in_force) for c in consents]


@router.get("/{consent_id}", response=ConsentOut, operation_id="consent_get")
def consent_get(request, consent_id: str):
    """A consent or refusal your agency recorded, with any withdrawal."""
    consent = get_consent_for(request.auth, consent_id, action=Action.CONSENT_VIEW)
    return consent_out(consent, consent.child, in_force_ids(consent.child, consent.agency))


@router.get(
    "/{consent_id}/fhir",
    operation_id="consent_fhir",
    openapi_extra={
        "responses": {
            200: {
                "description": "A FHIR R4 Consent resource (validated with fhir.resources.R4B).",
                "content": {fhir.FHIR_JSON: {"schema": {"type": "object"}}},
            }
        }
    },
)
def consent_fhir(request, consent_id: str):
    """A consent or refusal as a FHIR R4 Consent resource, for health partners. People are
    named only by pseudonymous reference; no sealed text is included."""
    consent = get_consent_for(request.auth, consent_id, action=Action.CONSENT_VIEW)
    return HttpResponse(fhir.consent_fhir_json(consent), content_type=fhir.FHIR_JSON)

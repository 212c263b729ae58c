"""The REST API: django-ninja under /api/v1, OpenAPI at /api/openapi.json, docs at /api/docs.

Every error is a problem document (problems.py); no input can produce a 500.
"""

from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError
from ninja.openapi.schema import OpenAPISchema

from safeshare.agencies.api import router as agencies_router
from safeshare.api import idempotency
from safeshare.api.auth import API_AUTH
from safeshare.api.body import BodyRefused, JsonBodyParser, refuse_undeclared_query
from safeshare.api.tokens import router as tokens_router
from safeshare.audit.api import router as ledger_router
from safeshare.casework.api import router as casework_router
from safeshare.casework.continued_use.api import router as continued_use_router
from safeshare.consent.api.capacity import router as consent_capacity_router
from safeshare.consent.api.conflicts import router as consent_conflicts_router
from safeshare.consent.api.consents import router as consent_router
from safeshare.consent.api.notices import router as consent_notices_router
from safeshare.core.errors import NotFound, PreconditionRequired, VersionConflict
from safeshare.decisions.api.advice import advice_router
from safeshare.decisions.api.decisions import router as decisions_router
from safeshare.decisions.api.packs import packs_router
from safeshare.exchange.api.referrals import router as referrals_router
from safeshare.exchange.api.requests import router as requests_router
from safeshare.exchange.api.shares import router as shares_router
from safeshare.informing.api import router as subject_notifications_router
from safeshare.people.api import router as people_router
from safeshare.ui.problems import (
    PROBLEM_CONTENT_TYPE,
    TITLES,
    FieldError,
    Problem,
    field_errors_from_django,
    field_errors_from_schema,
    problem_response,
    unexpected_problem,
)
from safeshare.web.refusals import refusal_note

# Errors any operation can answer with, besides those it declares itself
# (400: a body or query that cannot be parsed at all).
DOCUMENTED_ERRORS = (400, 401, 403, 404, 422)
# And those of an operation that takes a body (api/body.py, web/body_limit.py).
DOCUMENTED_BODY_ERRORS = (413, 415)
_PROBLEM_REF = "#/components/schemas/Problem"
# A write the database or the ledger could not take is rolled back and answered
# 503 with Retry-After (database-unavailable, ledger-unavailable).
WRITING_METHODS = {"post", "put", "patch", "delete"}
UNAVAILABLE_DESCRIPTION = (
    "The database or the audit ledger could not take the change just now; nothing was "
    "saved. Send it again after Retry-After seconds."
)


class SafeshareAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document states every error as a problem document.

    Each operation lists the errors of DOCUMENTED_ERRORS, and every response
    typed ``Problem`` is declared as ``application/problem+json``, the type the
    exception handlers below send, so a client (or schemathesis) can check an
    error against the document as it checks a success.
    """

    def get_openapi_schema(self, **kwargs) -> OpenAPISchema:
        schema = super().get_openapi_schema(**kwargs)
        problem = {"schema": {"$ref": _PROBLEM_REF}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation["responses"]
                for response in responses.values():
                    content = response.get("content", {})
                    if content.get("application/json") == problem:
                        response["content"] = {PROBLEM_CONTENT_TYPE: problem}
                body_errors = DOCUMENTED_BODY_ERRORS if "requestBody" in operation else ()
                for status in (*DOCUMENTED_ERRORS, *body_errors):
                    responses.setdefault(
                        status,
                        {"description": TITLES[status], "content": {PROBLEM_CONTENT_TYPE: problem}},
                    )
            for method in WRITING_METHODS & set(operations):
                operations[method]["responses"].setdefault(
                    503,
                    {
                        "description": UNAVAILABLE_DESCRIPTION,
                        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                        "content": {PROBLEM_CONTENT_TYPE: problem},
                    },
                )
        idempotency.document(schema)
        self._add_problem_schemas(schema)
        return schema

    @staticmethod
    def _add_problem_schemas(schema: OpenAPISchema) -> None:
        schemas = schema["components"]["schemas"]
        for model in (FieldError, Problem):
            definition = model.model_json_schema(ref_template="#/components/schemas/{model}")
            definition.pop("$defs", None)
            schemas.setdefault(model.__name__, definition)


api = SafeshareAPI(
    title="safeshare",
    version="1",
    description=(
        "Information sharing for a children's safeguarding partnership. Authenticate with "
        "a two-factor session (and CSRF token) or a personal bearer token."
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=API_AUTH,
    parser=JsonBodyParser(),
)
# Registered first: it needs each operation's own `run` (see idempotency.idempotent).
api.add_decorator(idempotency.idempotent, mode="view")
# Before authentication: a malformed request is refused alike for everyone.
api.add_decorator(refuse_undeclared_query, mode="view")

api.add_router("/v1/agencies", agencies_router)
api.add_router("/v1/ledger", ledger_router)
api.add_router("/v1/people", people_router)
api.add_router("/v1/tokens", tokens_router)
api.add_router("/v1/requests", requests_router)
api.add_router("/v1/shares", shares_router)
api.add_router("/v1/referrals", referrals_router)
api.add_router("/v1/decisions", decisions_router)
api.add_router("/v1/advice", advice_router)
api.add_router("/v1/packs", packs_router)
api.add_router("/v1/subject-notifications", subject_notifications_router)
# The specific paths before the consent router's /{consent_id}; the withdrawal after it.
api.add_router("/v1/consents", continued_use_router)
api.add_router("/v1/consents", consent_capacity_router)
api.add_router("/v1/consents", consent_conflicts_router)
api.add_router("/v1/consents", consent_notices_router)
api.add_router("/v1/consents", consent_router)
api.add_router("/v1/consents", casework_router)


@api.exception_handler(SchemaValidationError)
def _schema_invalid(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
    errors = field_errors_from_schema(exc.errors)
    return problem_response(422, "Check the fields listed in errors.", errors)


@api.exception_handler(DjangoValidationError)
def _domain_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return problem_response(
        422, "Check the fields listed in errors.", field_errors_from_django(exc)
    )


@api.exception_handler(NotFound)
def _not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    refusal_note(request, exc, 404)
    return problem_response(404, f"No {exc.noun} was found at this address.")


@api.exception_handler(VersionConflict)
def _version_conflict(request: HttpRequest, exc: VersionConflict) -> HttpResponse:
    """412 naming the fields changed since the client's version (names, never values)."""
    errors = [
        {
            "field": field,
            "rule": "changed_since_read",
            "message": "This was changed by someone else after you read the record",
        }
        for field in exc.changed
    ] or [
        {
            "field": "If-Match",
            "rule": "not_current_version",
            "message": "This is not a version of the record; read it again",
        }
    ]
    response = problem_response(
        412,
        "The record changed after you read it, so your edit was not saved. The fields "
        "listed in errors changed. Read the record again (its ETag is in this answer), "
        "check the changes and send your edit with the new ETag in If-Match.",
        errors,
        kind="edit-conflict",
    )
    response.headers["ETag"] = exc.etag
    return response


@api.exception_handler(PreconditionRequired)
def _precondition_required(request: HttpRequest, exc: PreconditionRequired) -> HttpResponse:
    return problem_response(
        428,
        f"Send the record's ETag (from reading it) in the {exc.header} header, so an edit "
        "made by someone else meanwhile is not overwritten.",
        [
            {
                "field": exc.header,
                "rule": "required",
                "message": "Send the ETag you read the record with",
            }
        ],
        kind="precondition-required",
    )


@api.exception_handler(Http404)
def _http404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(404, "Nothing was found at this address.")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    refusal_note(request, exc, 403)
    return problem_response(403, "Your role does not allow this action on this record.")


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem_response(
        401, "Sign in with two-factor authentication, or send a valid bearer token."
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, BodyRefused):  # ninja wraps the parser's refusals
        return exc.__cause__.response()
    return problem_response(exc.status_code, str(exc))


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    # Django's own limit, behind web.body_limit's.
    return problem_response(413, "The request body is too large.", kind="body-too-large")


@api.exception_handler(TooManyFieldsSent)
def _too_many_fields(request: HttpRequest, exc: TooManyFieldsSent) -> HttpResponse:
    return problem_response(400, "The request has too many fields.")


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    return unexpected_problem(request, exc)

"""How the API reads a request: a JSON body checked before any schema sees it,
and only the query parameters an operation declares.

`JsonBodyParser` is the API's parser (django-ninja calls it for every operation
that takes a body). In order, it refuses:

- a Content-Type other than JSON (``application/json`` or ``application/*+json``,
  UTF-8 if a charset is named), or none: 415;
- bytes that are not UTF-8: 400 (a body is never guessed to be UTF-16 or Latin-1);
- text that is not JSON, or nested deeper than ``JSON_MAX_DEPTH``: 400;
- control characters in any string or key, at any depth: 422 naming the field
  (the text rule of `core.cleaning`); invisible formatting characters are
  removed from every string and key before the schema validates the document.

The size of a body is limited before it is read (`web.body_limit`).
`refuse_undeclared_query` refuses query parameters an operation does not
declare (400 naming each) and control characters in those it does (422).
"""

import functools
import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from ninja.operation import Operation
from ninja.params.models import QueryModel
from ninja.parser import Parser

from safeshare.core.cleaning import CONTROL_CHARACTER, has_control_characters, without_invisible
from safeshare.ui.problems import problem_response

JSON_MAX_DEPTH = 32
CONTROL_MESSAGE = (
    "Text must not contain control characters, such as a null byte. Only tabs and "
    "new lines are allowed."
)
QUERY_CONTROL_MESSAGE = "A query value must not contain control characters, such as a null byte."
KEY_CONTROL_MESSAGE = "A field name must not contain control characters."


class BodyRefused(Exception):
    """A request refused before its schema is checked; `response()` is its problem."""

    def __init__(
        self, status: int, detail: str, errors: list[dict[str, str]] | None = None, kind: str = ""
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or []
        self.kind = kind

    def response(self) -> HttpResponse:
        return problem_response(self.status, self.detail, self.errors, self.kind)


def is_json_media_type(request: HttpRequest) -> bool:
    """``application/json`` or a JSON-based ``application/<x>+json``, in UTF-8 if a charset
    is named (JSON is UTF-8: RFC 8259)."""
    media_type = (request.content_type or "").strip().lower()
    kind, _, subtype = media_type.partition("/")
    if kind != "application" or not (subtype == "json" or subtype.endswith("+json")):
        return False
    charset = request.content_params.get("charset", "utf-8").strip().lower()
    return charset in {"utf-8", "utf8"}


def _path(parts: tuple[str, ...]) -> str:
    return ".".join(parts)


def clean_document(document: Any) -> Any:
    """The parsed JSON with invisible formatting removed from every string and key.

    Walks iteratively (no recursion, whatever the nesting); raises `BodyRefused`
    (400) past ``JSON_MAX_DEPTH`` levels and (422) naming each field whose text or
    key holds a control character.
    """
    errors: list[dict[str, str]] = []

    def clean_string(text: str, parts: tuple[str, ...], *, key: bool = False) -> str:
        if has_control_characters(text, multiline=not key):
            errors.append(
                {
                    "field": _path(parts),
                    "rule": CONTROL_CHARACTER,
                    "message": KEY_CONTROL_MESSAGE if key else CONTROL_MESSAGE,
                }
            )
        return without_invisible(text)

    def container(value: Any) -> Any:
        return {} if isinstance(value, dict) else []

    if isinstance(document, str):
        return clean_string(document, ())
    if not isinstance(document, dict | list):
        return document
    root = container(document)
    # Each entry: the source container, its copy, its path and its depth.
    stack = [(document, root, (), 1)]
    while stack:
        source, copy, parts, depth = stack.pop()
        if depth > JSON_MAX_DEPTH:
            raise BodyRefused(
                400,
                f"The request body is nested more than {JSON_MAX_DEPTH} levels deep.",
                [
                    {
                        "field": _path(parts),
                        "rule": "json_too_deep",
                        "message": f"JSON may be nested at most {JSON_MAX_DEPTH} levels deep.",
                    }
                ],
                kind="json-too-deep",
            )
        items = source.items() if isinstance(source, dict) else enumerate(source)
        for key, value in items:
            here = (*parts, str(key))
            if isinstance(source, dict):
                key = clean_string(key, here, key=True)
            if isinstance(value, str):
                value = clean_string(value, here)
            elif isinstance(value, dict | list):
                child = container(value)
                stack.append((value, child, here, depth + 1))
                value = child
            if isinstance(copy, dict):
                copy[key] = value
            else:
                copy.append(value)
    if errors:
        raise BodyRefused(422, "Check the fields listed in errors.", errors)
    return root


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")  # NaN and Infinity are not JSON


def read_json_body(request: HttpRequest) -> Any:
    """The request's JSON document, checked and cleaned (see the module docstring)."""
    if not is_json_media_type(request):
        raise BodyRefused(
            415,
            "Send the request body as JSON, with the header Content-Type: application/json.",
            [
                {
                    "field": "Content-Type",
                    "rule": "media_type_unsupported",
                    "message": "This operation accepts only application/json.",
                }
            ],
            kind="unsupported-media-type",
        )
    try:
        text = request.body.decode("utf-8")
    except UnicodeDecodeError:
        raise BodyRefused(
            400,
            "The request body is not valid UTF-8.",
            [{"field": "", "rule": "utf8_invalid", "message": "Encode the body as UTF-8."}],
        ) from None
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise BodyRefused(
            400,
            f"The request body is nested more than {JSON_MAX_DEPTH} levels deep.",
            [
                {
                    "field": "",
                    "rule": "json_too_deep",
                    "message": f"JSON may be nested at most {JSON_MAX_DEPTH} levels deep.",
                }
            ],
            kind="json-too-deep",
        ) from None
    except ValueError:
        raise BodyRefused(
            400,
            "The request body is not valid JSON.",
            [
                {
                    "field": "",
                    "rule": "json_invalid",
                    "message": "The request body is not valid JSON",
                }
            ],
        ) from None
    return clean_document(document)


class JsonBodyParser(Parser):
    """django-ninja's parser with the checks above. ninja turns any error here into a
    400 whose cause is the `BodyRefused`; the API's handler answers with the cause."""

    def parse_body(self, request: HttpRequest) -> Any:
        return read_json_body(request)


def declared_query_names(operation: Operation) -> frozenset[str]:
    """The query parameters an operation declares (what its OpenAPI entry lists)."""
    names: set[str] = set()
    for model in operation.models:
        if not issubclass(model, QueryModel):
            continue
        flattened = getattr(model, "__ninja_flatten_map__", None)
        if flattened:
            names.update(flattened)
        else:
            names.update(field.alias or name for name, field in model.model_fields.items())
    return frozenset(names)


def operation_of(run: Callable[..., Any]) -> Operation | None:
    """The operation whose bound ``run`` this is, through other view decorators'
    ``functools.wraps`` (each keeps what it wraps as ``__wrapped__``)."""
    while run is not None:
        operation = getattr(run, "__self__", None)
        if isinstance(operation, Operation):
            return operation
        run = getattr(run, "__wrapped__", None)
    return None


def refuse_undeclared_query(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A view-mode decorator for every operation (``api.add_decorator``): a query
    parameter the operation does not declare is a 400 naming it, never ignored; a
    declared one holding a control character is a 422 naming it."""
    operation = operation_of(run)
    if operation is None:
        raise ImproperlyConfigured("refuse_undeclared_query must wrap an operation's run.")
    declared = declared_query_names(operation)

    @functools.wraps(run)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        unknown = sorted(name for name in request.GET if name not in declared)
        if unknown:
            return problem_response(
                400,
                "Remove the query parameters listed in errors: this operation does not "
                "accept them.",
                [
                    {
                        "field": name[:100],
                        "rule": "query_unknown",
                        "message": "This operation does not accept this query parameter.",
                    }
                    for name in unknown
                ],
            )
        bad = sorted(
            name
            for name, values in request.GET.lists()
            if any(has_control_characters(value, multiline=False) for value in values)
        )
        if bad:
            return problem_response(
                422,
                "Check the fields listed in errors.",
                [
                    {"field": name, "rule": CONTROL_CHARACTER, "message": QUERY_CONTROL_MESSAGE}
                    for name in bad
                ],
            )
        return run(request, *args, **kwargs)

    return checked

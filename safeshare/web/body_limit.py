"""Refuse a request body over the limit before anything reads it (issue #11 item 11).

`BodyLimitMiddleware` answers 413 (a problem document under ``/api/``, a page
otherwise) when the body is larger than ``SAFESHARE_REQUEST_BODY_MAX_BYTES``
(1 MiB: far above any form or JSON document the application takes; the one file
a page accepts, a ledger checkpoint, is at most 64 KB). It decides from the
Content-Length header, reading nothing. A chunked body comes without one: then
at most the limit and one byte are read, and a body within the limit is handed
on as if it had come with its length (Django would otherwise read none of it).
Django's ``DATA_UPLOAD_MAX_*`` settings are a second line behind it.

Place it high in MIDDLEWARE: before the session, CSRF and authentication
middleware, which may read the body.
"""

import io
from collections.abc import Callable

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from safeshare.ui.problems import problem_response

API_PREFIX = "/api/"
TOO_LARGE_TEMPLATE = "web/errors/413.html"


def body_limit() -> int:
    return settings.SAFESHARE_REQUEST_BODY_MAX_BYTES


def _refuse(request: HttpRequest, status: int, detail: str) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        kind = "body-too-large" if status == 413 else ""
        return problem_response(status, detail, kind=kind)
    heading = "What you sent is too large" if status == 413 else "What you sent could not be read"
    context = {"plain": True, "heading": heading, "detail": detail}
    return render(request, TOO_LARGE_TEMPLATE, context, status=status)


def _is_chunked(request: HttpRequest) -> bool:
    return "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()


class BodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = body_limit()
        too_large = f"The request body must be {limit // 1024:,} KB or smaller."
        declared = request.META.get("CONTENT_LENGTH", "")
        if declared:
            if not declared.isdigit():
                return _refuse(request, 400, "The Content-Length header is not a whole number.")
            if int(declared) > limit:
                return _refuse(request, 413, too_large)
        elif _is_chunked(request):
            body = request.META["wsgi.input"].read(limit + 1)
            if len(body) > limit:
                return _refuse(request, 413, too_large)
            request.META["CONTENT_LENGTH"] = str(len(body))
            request._stream = LimitedStream(io.BytesIO(body), len(body))  # type: ignore[attr-defined]
        return self.get_response(request)

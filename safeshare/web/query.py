"""Which query parameters a page takes (issue #11 item 3).

The rule: a page takes no query parameters unless its view declares them with
``@accepts_query(...)``; any other parameter is refused with a 400 page naming
it, never silently ignored. Lists declare their page parameters (``page``, or
one per list, like ``in_page``); the few pages that read more say so beside the
view (the sign-in page's ``next``, which Django's redirect to sign-in adds; the
decision aid's ``person``; the ledger's filters). Two parts of the site keep
their own rules and are left alone: the API (``api.body.refuse_undeclared_query``
applies the same rule to each operation from its declared parameters) and the
Django admin, whose changelists and login take Django's own parameters.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

BAD_QUERY_TEMPLATE = "web/errors/bad_query.html"
# URL namespaces that check their own query parameters.
OWN_RULES_NAMESPACES = frozenset({"api", "admin"})
# Parameter names are shown on the error page; a hostile one is cut short.
NAME_SHOWN_MAX = 40

View = TypeVar("View", bound=Callable[..., Any])


def accepts_query(*names: str) -> Callable[[View], View]:
    """Declare the query parameters a page view reads (none unless declared).

    Kept as an attribute of the view; Django's decorators (``require_GET`` and
    the like) copy it outwards, so the order of decorators does not matter.
    """

    def declare(view: View) -> View:
        view.accepted_query = frozenset(names)  # type: ignore[attr-defined]
        return view

    return declare


def accepted_query(view: Callable[..., Any]) -> frozenset[str]:
    return getattr(view, "accepted_query", frozenset())


class QueryParametersMiddleware:
    """Refuse a page request carrying a query parameter its view does not declare.

    Runs once the URL is resolved (``process_view``), after the sign-in check:
    someone not signed in is sent to sign in first, with the address kept.
    The parameters a page accepts are kept on the request (``accepted_query``)
    so ``core.paging.paginate`` can check its own parameter is among them.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is not None and OWN_RULES_NAMESPACES.intersection(match.namespaces):
            return None
        accepted = accepted_query(view)
        request.accepted_query = accepted  # type: ignore[attr-defined]
        unknown = sorted(name for name in request.GET if name not in accepted)
        if not unknown:
            return None
        shown = [name[:NAME_SHOWN_MAX] for name in unknown]
        return render(
            request,
            BAD_QUERY_TEMPLATE,
            {
                "error_list": [
                    {"text": f"This page does not take the parameter {name} in its web address"}
                    for name in shown
                ],
                "accepted": sorted(accepted),
                "path": request.path,
            },
            status=400,
        )

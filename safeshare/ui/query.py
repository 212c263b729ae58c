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
``web.middleware.QueryParametersMiddleware`` applies the rule to pages.
"""

from collections.abc import Callable
from typing import Any, TypeVar

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

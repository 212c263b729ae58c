"""One page of a long list at a time, so a page's cost does not grow with the data.

An agency works with thousands of people (issue #6 item 2): a list page shows
``PAGE_SIZE`` rows and decrypts only those. Django's ``Paginator`` counts and
slices; this module adds what every list page needs around it:

- the page number is read strictly from the query string: a whole number and
  nothing else, so the parameter stays opaque (no personal data in URLs);
- a bad number (not a whole number, below 1, beyond the last page) is refused
  with ``BadPage``, naming the parameter and the rule, never silently answered
  with another page; ``answers_bad_page`` renders it as a 400 page;
- the list must be in a total order (``id`` last), so moving between pages
  never skips or repeats a row;
- what the GOV.UK Pagination component needs ("Previous", "Next", page
  numbers) and the "Showing 51 to 100 of 3,301" text.

API lists are bounded the django-ninja way: ``@paginate(LimitOffset)`` takes
``limit`` (1 to 100, 50 unless given) and ``offset``, documented in the OpenAPI
schema, and answers ``{"items": [...], "count": n}``. An operation returns
``Rows(queryset, each)`` so ``each`` (which may open sealed text) runs on the
page's rows only.
"""

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import InvalidPage, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from ninja import Field
from ninja.pagination import LimitOffsetPagination

PAGE_SIZE = 50
API_MAX_LIMIT = 100
# Far beyond any list, and small enough for every database's OFFSET.
API_MAX_OFFSET = 1_000_000_000

BAD_PAGE_TEMPLATE = "web/errors/bad_page.html"

# Nine digits at most: a longer number is beyond any last page, and refusing it
# early keeps Python's integer parsing out of the way of hostile input.
_WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")
_TIE_BREAKS = frozenset({"id", "-id", "pk", "-pk"})


class BadPage(Exception):
    """The page number asked for is not a whole number from 1 to the last page."""

    def __init__(self, *, param: str, last: int, first_href: str) -> None:
        self.param = param
        self.last = last
        self.first_href = first_href
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return f"The page number ({self.param}) must be a whole number from 1 to {self.last:,}."


@dataclass(frozen=True)
class Paged:
    """One page of a list: its rows, where it sits in the list, and links to the others."""

    rows: list[Any]
    number: int
    last: int
    count: int
    first_row: int
    last_row: int
    param: str
    path: str
    query: QueryDict
    anchor: str = ""

    def href(self, number: int) -> str:
        """This page's address showing page ``number`` (other lists' pages kept)."""
        return _href(self.path, self.query, self.param, number, self.anchor)

    def summary(self, singular: str = "", plural: str = "") -> str:
        """ "Showing 51 to 100 of 3,301 people"; empty for an empty list."""
        if not self.count:
            return ""
        noun = (singular if self.count == 1 else plural) if plural else singular
        text = f"Showing {self.first_row:,} to {self.last_row:,} of {self.count:,}"
        return f"{text} {noun}" if noun else text

    def numbers(self) -> list[int | None]:
        """The page numbers to link: first, last and the current one with its
        neighbours; None where the GOV.UK pattern shows an ellipsis."""
        wanted = sorted(
            {1, self.last, *(n for n in range(self.number - 1, self.number + 2))}
            & set(range(1, self.last + 1))
        )
        shown: list[int | None] = []
        for number in wanted:
            if shown and number - (shown[-1] or 0) > 1:
                shown.append(None)
            shown.append(number)
        return shown

    def govuk(self, label: str = "") -> dict[str, Any]:
        """Parameters for ``govukPagination``; ``label`` tells several lists' navs apart."""
        params: dict[str, Any] = {
            "items": [
                {"ellipsis": True}
                if number is None
                else {
                    "number": number,
                    "href": self.href(number),
                    "current": number == self.number,
                    **({"visuallyHiddenText": f"{label}, page {number}"} if label else {}),
                }
                for number in self.numbers()
            ],
            "landmarkLabel": f"Pages of {label}" if label else "Pages",
        }
        if self.number > 1:
            params["previous"] = {"href": self.href(self.number - 1)}
        if self.number < self.last:
            params["next"] = {"href": self.href(self.number + 1)}
        return params


def _href(path: str, query: QueryDict, param: str, number: int, anchor: str) -> str:
    """``path`` with the other parameters kept and ``param`` set (left out for page 1)."""
    query = query.copy()
    if number > 1:
        query[param] = str(number)
    encoded = query.urlencode()
    return f"{path}{'?' if encoded else ''}{encoded}{'#' if anchor else ''}{anchor}"


def _require_total_order(queryset: QuerySet[Any]) -> None:
    if queryset.query.is_empty():  # `.none()`: nothing to order
        return
    ordering = list(queryset.query.order_by)
    if not ordering and queryset.query.default_ordering:
        ordering = list(queryset.model._meta.ordering)
    if not ordering or not isinstance(ordering[-1], str) or ordering[-1] not in _TIE_BREAKS:
        raise ImproperlyConfigured(
            f"A paged list of {queryset.model.__name__} must be ordered with id last, "
            "so paging never skips or repeats a row."
        )


def _require_declared(request: HttpRequest, param: str) -> None:
    # Pages refuse query parameters their view does not declare (ui/query.py);
    # a list whose page parameter is not declared would refuse its own page 2.
    accepted = getattr(request, "accepted_query", None)
    if accepted is not None and param not in accepted:
        raise ImproperlyConfigured(
            f"This view pages a list with ?{param}= but does not declare it: "
            f'decorate the view with @accepts_query("{param}").'
        )


def paginate(
    request: HttpRequest,
    queryset: QuerySet[Any],
    *,
    param: str = "page",
    anchor: str = "",
    per_page: int | None = None,
) -> Paged:
    """The page of ``queryset`` that ``request.GET[param]`` asks for (page 1 without it).

    Only that page's rows are fetched (and so only they are decrypted). Raises
    ``BadPage`` unless the parameter is given at most once as a whole number
    from 1 to the last page; an empty list has one empty page.
    """
    _require_total_order(queryset)
    _require_declared(request, param)
    paginator = Paginator(queryset, per_page or PAGE_SIZE)
    values = request.GET.getlist(param)
    query = request.GET.copy()
    query.pop(param, None)
    try:
        if len(values) > 1 or (values and not _WHOLE_NUMBER.fullmatch(values[0])):
            raise InvalidPage
        page = paginator.page(int(values[0]) if values else 1)
    except InvalidPage:
        first = _href(request.path, query, param, 1, anchor)
        raise BadPage(param=param, last=paginator.num_pages, first_href=first) from None
    rows = list(page.object_list)
    return Paged(
        rows=rows,
        number=page.number,
        last=paginator.num_pages,
        count=paginator.count,
        first_row=page.start_index() if rows else 0,
        last_row=page.end_index() if rows else 0,
        param=param,
        path=request.path,
        query=query,
        anchor=anchor,
    )


def answers_bad_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap a list view so a ``BadPage`` it raises is a 400 page naming the parameter
    and the rule, with a link to the first page (never a 500, never another page)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except BadPage as error:
            return render(request, BAD_PAGE_TEMPLATE, {"error": error}, status=400)

    return wrapped


@dataclass(frozen=True)
class Rows:
    """An API list: the rows in a total order, and how to show one of them."""

    queryset: QuerySet[Any]
    each: Callable[[Any], Any]


class PageIn(LimitOffsetPagination.Input):
    """Which part of an API list to return (the query parameters of every paged list)."""

    limit: int = Field(
        PAGE_SIZE,
        ge=1,
        le=API_MAX_LIMIT,
        description=f"How many items to return: 1 to {API_MAX_LIMIT}, {PAGE_SIZE} if not set.",
    )
    offset: int = Field(
        0,
        ge=0,
        le=API_MAX_OFFSET,
        description="How many items of the list to skip before the first one returned.",
    )


class LimitOffset(LimitOffsetPagination):
    """django-ninja's limit/offset paging with safeshare's bounds: ``limit`` 1 to
    ``API_MAX_LIMIT`` (a larger one is refused as a 422 naming ``limit``, not cut
    silently), ``PAGE_SIZE`` unless given; the list's order must end with id."""

    Input = PageIn

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=API_MAX_LIMIT, **kwargs)

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        rows = queryset if isinstance(queryset, Rows) else Rows(queryset, lambda row: row)
        _require_total_order(rows.queryset)
        page = super().paginate_queryset(rows.queryset, pagination, request, **params)
        page[self.items_attribute] = [rows.each(row) for row in page[self.items_attribute]]
        return page

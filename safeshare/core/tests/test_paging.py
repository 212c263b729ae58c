"""The paging helper: strict page numbers, a total order, links that keep the other lists'
pages, the GOV.UK component's parameters and the "Showing ... of ..." text."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.http import QueryDict
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from safeshare.agencies.models import Agency
from safeshare.agencies.tests.factories import AgencyFactory
from safeshare.core.paging import BadPage, Paged, paginate
from safeshare.core.tests.paging import BAD_NUMBERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def agencies():
    """Five agencies, in the order the list shows them."""
    made = [AgencyFactory(name=f"Agency {n}") for n in range(5)]
    return [str(a.pk) for a in sorted(made, key=lambda a: (a.name, a.pk))]


def _get(query: str = ""):
    return RequestFactory().get(f"/things/?{query}")


def _ordered():
    return Agency.objects.order_by("name", "id")


def test_each_page_holds_its_rows_and_only_they_are_fetched(agencies):
    first = paginate(_get(), _ordered(), per_page=2)
    with CaptureQueriesContext(connection) as queries:
        second = paginate(_get("page=2"), _ordered(), per_page=2)
    last = paginate(_get("page=3"), _ordered(), per_page=2)

    assert [str(a.pk) for a in first.rows] == agencies[:2]
    assert [str(a.pk) for a in second.rows] == agencies[2:4]
    assert [str(a.pk) for a in last.rows] == agencies[4:]
    assert (second.number, second.last, second.count) == (2, 3, 5)
    assert (second.first_row, second.last_row) == (3, 4)
    assert (last.first_row, last.last_row) == (5, 5)
    assert len(queries) == 2  # the count, and this page's rows
    assert "LIMIT 2" in queries[1]["sql"]


@pytest.mark.parametrize("raw", [*BAD_NUMBERS, "4", "1000000000"])
def test_a_bad_page_number_is_refused_naming_the_parameter_and_the_rule(agencies, raw):
    request = RequestFactory().get("/things/", {"in_page": raw, "out_page": "2"})
    with pytest.raises(BadPage) as caught:
        paginate(request, _ordered(), param="in_page", anchor="in", per_page=2)
    assert caught.value.message == "The page number (in_page) must be a whole number from 1 to 3."
    assert caught.value.first_href == "/things/?out_page=2#in"  # the other list's page kept


def test_a_page_number_given_twice_is_refused(agencies):
    with pytest.raises(BadPage):
        paginate(_get("page=1&page=2"), _ordered(), per_page=2)


def test_an_empty_list_has_one_empty_page_and_no_second(db):
    empty = paginate(_get(), Agency.objects.none().order_by("id"))
    assert (empty.rows, empty.count, empty.last) == ([], 0, 1)
    assert empty.summary("agency", "agencies") == ""
    with pytest.raises(BadPage, match=r"from 1 to 1\."):
        paginate(_get("page=2"), Agency.objects.filter(name="none").order_by("id"))


@pytest.mark.parametrize(
    "queryset",
    [
        lambda: Agency.objects.order_by("name"),  # ties between equal names
        lambda: Agency.objects.order_by("id", "name"),  # id not last
        lambda: Agency.objects.all().order_by(),  # no order at all
    ],
)
def test_a_list_without_id_last_in_its_order_cannot_be_paged(queryset):
    with pytest.raises(ImproperlyConfigured, match="ordered with id last"):
        paginate(_get(), queryset())


def _paged(number: int, last: int, **kwargs) -> Paged:
    values = {
        "rows": [],
        "number": number,
        "last": last,
        "count": last * 50,
        "first_row": (number - 1) * 50 + 1,
        "last_row": number * 50,
        "param": "page",
        "path": "/people/",
        "query": QueryDict("other=3"),
        **kwargs,
    }
    return Paged(**values)


@pytest.mark.parametrize(
    ("number", "last", "shown"),
    [
        (1, 1, [1]),
        (1, 10, [1, 2, None, 10]),
        (5, 10, [1, None, 4, 5, 6, None, 10]),
        (10, 10, [1, None, 9, 10]),
        (3, 5, [1, 2, 3, 4, 5]),
    ],
)
def test_page_numbers_follow_the_govuk_pattern(number, last, shown):
    assert _paged(number, last).numbers() == shown


def test_links_keep_other_parameters_and_drop_the_number_for_page_one():
    paged = _paged(2, 3, anchor="people")
    assert paged.href(1) == "/people/?other=3#people"
    assert paged.href(3) == "/people/?other=3&page=3#people"
    assert _paged(1, 2, query=QueryDict()).href(1) == "/people/"


def test_govuk_parameters_link_previous_next_and_mark_the_current_page():
    middle = _paged(2, 3).govuk("people")
    assert middle["previous"] == {"href": "/people/?other=3"}
    assert middle["next"] == {"href": "/people/?other=3&page=3"}
    assert middle["landmarkLabel"] == "Pages of people"
    assert [i["current"] for i in middle["items"]] == [False, True, False]
    assert middle["items"][2]["visuallyHiddenText"] == "people, page 3"
    first, last = _paged(1, 3).govuk(), _paged(3, 3).govuk()
    assert "previous" not in first and "next" in first
    assert "next" not in last and "previous" in last
    assert "visuallyHiddenText" not in first["items"][0]  # the component's own "Page 1"


def test_summary_counts_with_thousands_separators():
    paged = _paged(2, 67, count=3_301)
    assert paged.summary("person", "people") == "Showing 51 to 100 of 3,301 people"
    assert paged.summary() == "Showing 51 to 100 of 3,301"
    one = _paged(1, 1, count=1, first_row=1, last_row=1)
    assert one.summary("person", "people") == "Showing 1 to 1 of 1 person"

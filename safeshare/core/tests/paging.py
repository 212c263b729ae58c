"""Checks every paged list page shares (`safeshare.core.paging`): which rows each page
holds, the "Showing ... of ..." text, and the refusal of a bad page number."""

from urllib.parse import quote

import pytest

from safeshare.core import paging

# A page number must be a whole number from 1 to the last page, given once; each of these
# breaks that rule (the last page number is added by `assert_bad_pages_refused`).
BAD_NUMBERS = ["abc", "", "0", "-1", "+1", "1.0", "1e1", " 1", "１", "9" * 40]


@pytest.fixture
def page_size_2(monkeypatch):
    """Two rows a page, so a test needs five rows, not fifty-one, to reach page 3."""
    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    return 2


def rows_on(content: str, ids) -> list[str]:
    """The ids (as strings) that appear in ``content``, in the order they appear."""
    found = [(content.index(str(i)), str(i)) for i in ids if str(i) in content]
    return [i for _, i in sorted(found)]


def pages(client, path: str, ids, *, param: str = "page", last: int) -> list[list[str]]:
    """The rows of each page 1..last of the list at ``path`` (each page answers 200)."""
    found = []
    for number in range(1, last + 1):
        response = client.get(path, {param: number} if number > 1 else {})
        assert response.status_code == 200, (path, number, response.status_code)
        found.append(rows_on(response.content.decode(), ids))
    return found


def assert_bad_pages_refused(client, path: str, *, param: str = "page", last: int) -> None:
    """Every bad page number is a 400 page naming the parameter and the rule."""
    rule = f"The page number ({param}) must be a whole number from 1 to {last:,}."
    queries = [f"{param}={quote(raw)}" for raw in [*BAD_NUMBERS, str(last + 1)]]
    queries.append(f"{param}=1&{param}=2")  # twice: which one is meant?
    for query in queries:
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400, (query, response.status_code)
        content = response.content.decode()
        assert rule in content, query
        assert "Go to the first page" in content

"""Every page has a row in an access-matrix test.

Pages of case content are asserted role × relation in their app's
`tests/test_page_matrix.py`, which lists the URL names it covers in
`MATRIX_PAGES`. This test fails when a page is added without such a row.
"""

from django.urls import URLPattern, URLResolver, get_resolver

from safeshare.access.tests.coverage import covered

# Pages with no case content: sign-in steps, sign-out, the health check and the
# role home page (covered by web/tests/test_pages.py and test_sign_in.py).
WEB_PAGES = {
    "web:home",
    "web:sign_in",
    "web:sign_in_code",
    "web:sign_in_set_up",
    "web:sign_out",
    "web:signed_out",
    "web:healthz",
}


def _url_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in {"admin", "api"}:
                continue  # the admin has its own tests; API operations have theirs
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_page_has_a_matrix_row():
    names = _url_names(get_resolver())
    assert WEB_PAGES <= names  # the walk found the pages we know of
    assert names - WEB_PAGES - covered("test_page_matrix", "MATRIX_PAGES") == set()

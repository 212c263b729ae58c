from django.contrib import admin
from django.urls import include, path

from safeshare.api.api import api
from safeshare.casework import urls as casework_urls
from safeshare.consent import urls as consent_urls
from safeshare.decisions import urls as decisions_urls
from safeshare.exchange import urls_consent

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("ledger/", include("safeshare.ledger.urls")),
    # The decision aid's pages, and its record step whose code is casework's (it may
    # answer the request the aid was started from).
    path(
        "decisions/",
        include((casework_urls.decisions_urlpatterns + decisions_urls.urlpatterns, "decisions")),
    ),
    path("exchange/", include("safeshare.exchange.urls")),
    path("people/", include("safeshare.people.urls")),
    # The consent pages, and the recipient's continued-use page whose code is exchange's.
    path("consent/", include((urls_consent.urlpatterns + consent_urls.urlpatterns, "consent"))),
    path("", include("safeshare.web.urls")),
]

# Error pages in the GOV.UK layout; a 404 never says whether the record exists.
handler403 = "safeshare.web.views.error_403"
handler404 = "safeshare.web.views.error_404"
handler500 = "safeshare.web.views.error_500"

from django.contrib import admin
from django.urls import include, path

from safeshare.api.api import api
from safeshare.casework import urls as casework_urls
from safeshare.casework.continued_use import urls as continued_use_urls
from safeshare.consent import urls as consent_urls
from safeshare.decisions import urls as decisions_urls
from safeshare.exchange import urls as exchange_urls
from safeshare.informing import urls as informing_urls
from safeshare.people import urls as people_urls

# The exchange pages, and the informing pages that keep their exchange names.
exchange_pages = exchange_urls.urlpatterns + informing_urls.urlpatterns
# The consent namespace, in the order its pages have always been matched: the recipient's
# continued-use page, consent's own pages, then the withdrawal page (casework's both).
consent_pages = (
    continued_use_urls.urlpatterns + consent_urls.urlpatterns + casework_urls.consent_pages
)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("ledger/", include("safeshare.audit.urls")),
    # The decision aid's pages, after its record step whose code is casework's (it may
    # answer the request the aid was started from).
    path(
        "decisions/",
        include((casework_urls.decisions_pages + decisions_urls.urlpatterns, "decisions")),
    ),
    path("exchange/", include((exchange_pages, "exchange"))),
    # The people pages, then the person page whose code is casework's (after find/ and add/).
    path("people/", include((people_urls.urlpatterns + casework_urls.people_pages, "people"))),
    path("consent/", include((consent_pages, "consent"))),
    path("", include("safeshare.web.urls")),
]

# Error pages in the GOV.UK layout; a 404 never says whether the record exists.
handler403 = "safeshare.web.views.error_403"
handler404 = "safeshare.web.views.error_404"
handler500 = "safeshare.web.views.error_500"

from django.contrib import admin
from django.urls import include, path

from safeshare.api.api import api
from safeshare.casework import urls as casework_urls
from safeshare.casework.continued_use import urls as continued_use_urls
from safeshare.consent import urls as consent_urls

# The consent namespace, in the order its pages have always been matched: the recipient's
# continued-use page, consent's own pages, then the withdrawal page (casework's both).
CONSENT_PAGES = (
    continued_use_urls.urlpatterns + consent_urls.urlpatterns + casework_urls.urlpatterns
)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("ledger/", include("safeshare.ledger.urls")),
    path("decisions/", include("safeshare.decisions.urls")),
    path("exchange/", include("safeshare.exchange.urls")),
    path("people/", include("safeshare.people.urls")),
    path("consent/", include((CONSENT_PAGES, "consent"))),
    path("", include("safeshare.web.urls")),
]

# Error pages in the GOV.UK layout; a 404 never says whether the record exists.
handler403 = "safeshare.web.views.error_403"
handler404 = "safeshare.web.views.error_404"
handler500 = "safeshare.web.views.error_500"

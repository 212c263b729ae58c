"""The recipient's decision on continued use, served among the consent pages
(`/consent/share/<id>/continued-use/`, name `consent:continued_use`): `config/urls.py`
adds these patterns to the consent namespace, as `api/api.py` mounts the continued-use
operation beside the consent API."""

from django.urls import path

from safeshare.casework.continued_use import views

urlpatterns = [
    path(
        "share/<str:share_id>/continued-use/",
        views.continued_use,
        name="continued_use",
    ),
]

from django.urls import path

from safeshare.casework import views

# Spliced into the `people` namespace after people's own pages (config/urls.py), so the
# person page keeps its address and its name, `people:detail`.
urlpatterns = [
    path("<str:person_id>/", views.person_detail, name="detail"),
]

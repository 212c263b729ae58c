from django.urls import path

from safeshare.consent import views

app_name = "consent"

urlpatterns = [
    path("conflicts/", views.conflicts, name="conflicts"),
]

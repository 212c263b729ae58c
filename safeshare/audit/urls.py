from django.urls import path

from . import views

app_name = "ledger"

urlpatterns = [
    path("", views.index, name="index"),
    path("verify/", views.verify, name="verify"),
    path("checkpoints/", views.checkpoints, name="checkpoints"),
    path("checkpoints/<int:checkpoint_id>/", views.checkpoint, name="checkpoint"),
    path(
        "checkpoints/<int:checkpoint_id>/export/",
        views.checkpoint_download,
        name="checkpoint_export",
    ),
]

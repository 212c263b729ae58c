from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("find/", views.find, name="find"),
    path("add/", views.add, name="add"),
]

from django.urls import path

from .views import decisions as views

app_name = "decisions"

urlpatterns = [
    path("", views.decision_list, name="list"),
    path("aid/", views.aid_start, name="aid_start"),
    path("aid/answers/", views.aid_answers, name="aid_answers"),
    path("aid/question/", views.aid_question, name="aid_question"),
    path("aid/question/<str:question_id>/", views.aid_question, name="aid_change"),
    path("departures/", views.departures, name="departures"),
    path("advice/", views.advice_list, name="advice_list"),
    path("advice/ask/", views.advice_ask, name="advice_ask"),
    path("advice/<str:advice_id>/", views.advice_detail, name="advice_detail"),
    path("packs/", views.packs, name="packs"),
    path("people/<str:person_id>/", views.decision_list_for_person, name="for_person"),
    path("<str:decision_id>/", views.decision_detail, name="detail"),
    path("<str:decision_id>/correct/", views.decision_supersede, name="supersede"),
    path("<str:decision_id>/review/", views.decision_review, name="review"),
]

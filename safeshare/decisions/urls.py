from django.urls import path

from .views import advice, aid, decisions, packs

app_name = "decisions"

urlpatterns = [
    path("", decisions.decision_list, name="list"),
    path("aid/", aid.aid_start, name="aid_start"),
    path("aid/answers/", aid.aid_answers, name="aid_answers"),
    path("aid/question/", aid.aid_question, name="aid_question"),
    path("aid/question/<str:question_id>/", aid.aid_question, name="aid_change"),
    path("departures/", decisions.departures, name="departures"),
    path("advice/", advice.advice_list, name="advice_list"),
    path("advice/ask/", advice.advice_ask, name="advice_ask"),
    path("advice/<str:advice_id>/", advice.advice_detail, name="advice_detail"),
    path("packs/", packs.packs, name="packs"),
    path("people/<str:person_id>/", decisions.decision_list_for_person, name="for_person"),
    path("<str:decision_id>/", decisions.decision_detail, name="detail"),
    path("<str:decision_id>/correct/", decisions.decision_supersede, name="supersede"),
    path("<str:decision_id>/review/", decisions.decision_review, name="review"),
]

from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("requests/", views.requests, name="requests"),
    path("requests/new/<str:person_id>/", views.request_new, name="request_new"),
    path("requests/<str:request_id>/", views.request_detail, name="request_detail"),
    path("requests/<str:request_id>/answer/", views.request_answer, name="request_answer"),
    path("requests/<str:request_id>/accept/", views.request_accept, name="request_accept"),
    path("requests/<str:request_id>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("shares/", views.shares, name="shares"),
    path("shares/new/<str:decision_id>/", views.share_new, name="share_new"),
    path("shares/new/<str:decision_id>/item/", views.share_item_add, name="share_item_add"),
    path(
        "shares/new/<str:decision_id>/item/<int:position>/remove/",
        views.share_item_remove,
        name="share_item_remove",
    ),
    path("shares/<str:share_id>/", views.share_detail, name="share_detail"),
    path("shares/<str:share_id>/acknowledge/", views.share_acknowledge, name="share_acknowledge"),
    path("shares/<str:share_id>/revoke/", views.share_revoke, name="share_revoke"),
    path("shares/<str:share_id>/onward/", views.onward_new, name="onward_new"),
    path("onward/<str:onward_id>/", views.onward_detail, name="onward_detail"),
    path("referrals/new/<str:person_id>/", views.referral_new, name="referral_new"),
]

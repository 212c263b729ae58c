from django.urls import path

from .views import onward, referrals, requests, shares

app_name = "exchange"

urlpatterns = [
    path("requests/", requests.requests, name="requests"),
    path("requests/new/<str:person_id>/", requests.request_new, name="request_new"),
    path("requests/<str:request_id>/", requests.request_detail, name="request_detail"),
    path("requests/<str:request_id>/answer/", requests.request_answer, name="request_answer"),
    path("requests/<str:request_id>/accept/", requests.request_accept, name="request_accept"),
    path("requests/<str:request_id>/withdraw/", requests.request_withdraw, name="request_withdraw"),
    path("shares/", shares.shares, name="shares"),
    path("shares/new/<str:decision_id>/", shares.share_new, name="share_new"),
    path("shares/new/<str:decision_id>/item/", shares.share_item_add, name="share_item_add"),
    path(
        "shares/new/<str:decision_id>/item/<int:position>/remove/",
        shares.share_item_remove,
        name="share_item_remove",
    ),
    path("shares/<str:share_id>/", shares.share_detail, name="share_detail"),
    path("shares/<str:share_id>/acknowledge/", shares.share_acknowledge, name="share_acknowledge"),
    path("shares/<str:share_id>/revoke/", shares.share_revoke, name="share_revoke"),
    path("shares/<str:share_id>/onward/", onward.onward_new, name="onward_new"),
    path("onward/<str:onward_id>/", onward.onward_detail, name="onward_detail"),
    path("referrals/new/<str:person_id>/", referrals.referral_new, name="referral_new"),
]

from django.urls import path

from messages_app.api import views

urlpatterns = [
    path("confessions", views.ConfessionSendApi.as_view(), name="confessions"),
    path("confessions/inbox", views.ConfessionInboxApi.as_view(), name="confessions-inbox"),
    path("confessions/sent", views.ConfessionSentApi.as_view(), name="confessions-sent"),
    path(
        "confessions/<int:confession_id>",
        views.ConfessionDetailApi.as_view(),
        name="confession-detail",
    ),
    path(
        "confessions/<int:confession_id>/read",
        views.ConfessionReadApi.as_view(),
        name="confession-read",
    ),
    path(
        "confessions/<int:confession_id>/replies",
        views.ConfessionRepliesApi.as_view(),
        name="confession-replies",
    ),
    path(
        "confessions/<int:confession_id>/block-sender",
        views.ConfessionBlockSenderApi.as_view(),
        name="confession-block-sender",
    ),
    path(
        "confessions/<int:confession_id>/hints",
        views.ConfessionHintsApi.as_view(),
        name="confession-hints",
    ),
    path(
        "confessions/<int:confession_id>/reveal",
        views.ConfessionRevealApi.as_view(),
        name="confession-reveal",
    ),
    path(
        "confessions/<int:confession_id>/report",
        views.ConfessionReportApi.as_view(),
        name="confession-report",
    ),
    path(
        "confessions/<int:confession_id>/share-code",
        views.ShareCodeApi.as_view(),
        name="confession-share-code",
    ),
    path(
        "confessions/by-scene/<str:scene>",
        views.ShareSceneApi.as_view(),
        name="confession-by-scene",
    ),
    path(
        "confessions/shared/<str:token>",
        views.SharedConfessionApi.as_view(),
        name="confession-shared",
    ),
    path("me/counts", views.MeCountsApi.as_view(), name="me-counts"),
    path("matches", views.MatchListApi.as_view(), name="matches"),
    path("crushes", views.CrushListApi.as_view(), name="crushes"),
    path("me/inbox-link", views.MeInboxLinkApi.as_view(), name="me-inbox-link"),
    path("inbox-links/<str:handle>", views.InboxLinkCardApi.as_view(), name="inbox-link"),
    path(
        "inbox-links/<str:handle>/messages",
        views.InboxLinkMessagesApi.as_view(),
        name="inbox-link-messages",
    ),
    path("crushes/<str:username>", views.CrushDetailApi.as_view(), name="crush-detail"),
    path(
        "confessions/shared/<str:token>/claim",
        views.SharedConfessionClaimApi.as_view(),
        name="confession-shared-claim",
    ),
]

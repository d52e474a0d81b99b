from django.urls import path

from walls.api import views

urlpatterns = [
    path("walls", views.WallListApi.as_view(), name="walls"),
    path("me/mutes", views.MutesApi.as_view(), name="me-mutes"),
    path("walls/<slug:slug>/join", views.WallJoinApi.as_view(), name="wall-join"),
    path("walls/<slug:slug>/verify", views.WallVerifyApi.as_view(), name="wall-verify"),
    path(
        "walls/<slug:slug>/verify/confirm",
        views.WallVerifyConfirmApi.as_view(),
        name="wall-verify-confirm",
    ),
    path("walls/<slug:slug>/posts", views.WallPostsApi.as_view(), name="wall-posts"),
    path("posts/<int:post_id>", views.PostDetailApi.as_view(), name="post-detail"),
    path("posts/<int:post_id>/like", views.PostLikeApi.as_view(), name="post-like"),
    path("posts/<int:post_id>/follow", views.PostFollowApi.as_view(), name="post-follow"),
    path("posts/<int:post_id>/comments", views.PostCommentsApi.as_view(), name="post-comments"),
    path("posts/<int:post_id>/report", views.PostReportApi.as_view(), name="post-report"),
    path("comments/<int:comment_id>", views.CommentDetailApi.as_view(), name="comment-detail"),
    path(
        "comments/<int:comment_id>/report", views.CommentReportApi.as_view(), name="comment-report"
    ),
]

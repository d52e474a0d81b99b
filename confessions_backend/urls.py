"""Root URLs: the versioned API, probes, OpenAPI and AsyncAPI documents, admin, the web client."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core import health, metrics
from media_app.api.views import media_file
from moderation.desk_views import desk_view
from realtime.asyncapi import asyncapi_view
from wechat.views import wechat_push

# The most read first (URLs are tried in order; the apps' paths never overlap).
api_v1 = [
    path("", include("messages_app.api.urls")),
    path("", include("walls.api.urls")),
    path("", include("accounts.api.urls")),
    path("", include("realtime.api.urls")),
    path("", include("media_app.api.urls")),
    path("", include("wechat.api.urls")),
    path("", include("moderation.api.urls")),
    path("", include("exports.api.urls")),
]

urlpatterns = [
    path("api/v1/", include((api_v1, "api"), namespace="v1")),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("api/schema", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    # The notifications socket's frames, events and close codes (realtime.asyncapi).
    path("api/asyncapi.json", asyncapi_view, name="asyncapi"),
    # The moderators' desk: one screen to see, decide and move on (moderation.desk_views).
    path("admin/desk/", admin.site.admin_view(desk_view), name="moderation-desk"),
    path("admin/", admin.site.urls),
    # Signed, expiring file URLs when media live on the filesystem (no S3 configured).
    path("media/file/<str:token>", media_file, name="media-file"),
    # Where WeChat pushes events (message push): signed by WeChat, not a user's token.
    path("wechat/push", wechat_push, name="wechat-push"),
    # The web client: its pages (/app/, share links at /s/<token>); its scripts are static.
    path("", include("webclient.urls")),
]

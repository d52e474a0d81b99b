"""WebSocket routes, mounted by `confessions_backend.asgi` behind the origin check and the
token middleware."""

from __future__ import annotations

from django.urls import path

from realtime.consumers import NotificationConsumer

websocket_urlpatterns = [
    path("ws/notifications/", NotificationConsumer.as_asgi()),
]

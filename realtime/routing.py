"""WebSocket routes, mounted by `confessions_backend.asgi` behind the origin check."""

from __future__ import annotations

from django.urls import URLPattern

websocket_urlpatterns: list[URLPattern] = []

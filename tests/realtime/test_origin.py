"""The socket's origin rule (DESIGN.md §3): no Origin (a native client) is welcome; a browser
Origin must match ALLOWED_HOSTS."""

from __future__ import annotations

import pytest
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.testing import WebsocketCommunicator

from confessions_backend.asgi import application
from realtime.origin import TokenSocketOriginValidator


class AcceptAll(AsyncWebsocketConsumer):
    async def connect(self):
        await self.accept()


async def handshake(app, origin: bytes | None) -> bool:
    headers = [(b"origin", origin)] if origin is not None else []
    communicator = WebsocketCommunicator(app, "/ws/anything/", headers=headers)
    connected, _ = await communicator.connect()
    await communicator.disconnect()
    return connected


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("origin", "accepted"),
    [
        (None, True),
        (b"http://localhost:8000", True),
        (b"https://127.0.0.1", True),
        (b"https://evil.example", False),
        (b"http://localhost.evil.example", False),
        (b"null", False),
        (b"", False),
    ],
)
async def test_origin_rule(settings, origin, accepted):
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
    app = TokenSocketOriginValidator(AcceptAll.as_asgi())
    assert await handshake(app, origin) is accepted


@pytest.mark.asyncio
async def test_allowed_hosts_with_subdomain_pattern(settings):
    settings.ALLOWED_HOSTS = [".example.com"]
    app = TokenSocketOriginValidator(AcceptAll.as_asgi())
    assert await handshake(app, b"https://app.example.com") is True
    assert await handshake(app, b"https://example.com.evil.net") is False


@pytest.mark.asyncio
async def test_project_asgi_app_refuses_foreign_origin():
    communicator = WebsocketCommunicator(
        application, "/ws/notifications/", headers=[(b"origin", b"https://evil.example")]
    )
    connected, _ = await communicator.connect()
    assert connected is False

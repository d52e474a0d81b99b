from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from confessions_backend.asgi import application
from realtime import services


async def open_socket(
    token: str | None = None,
    *,
    query: str = "",
    via: str = "header",
    origin: bytes | None = None,
    language: str | None = None,
) -> WebsocketCommunicator:
    headers = []
    if language is not None:
        headers.append((b"accept-language", language.encode()))
    if token and via == "header":
        headers.append((b"authorization", f"Bearer {token}".encode()))
    if token and via == "query":
        query = f"token={token}" + (f"&{query}" if query else "")
    if origin is not None:
        headers.append((b"origin", origin))
    path = "/ws/notifications/" + (f"?{query}" if query else "")
    communicator = WebsocketCommunicator(application, path, headers=headers)
    communicator.connected, _ = await communicator.connect(timeout=5)
    return communicator


notify = database_sync_to_async(services.notify)


@pytest.fixture
def dead_channel_layer(dead_port):
    return {
        "default": {
            "BACKEND": "realtime.layers.PubSubChannelLayer",
            "CONFIG": {"hosts": [f"redis://127.0.0.1:{dead_port}/0"]},
        }
    }

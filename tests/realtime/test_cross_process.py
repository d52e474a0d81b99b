"""Across processes, for real: a uvicorn server process and this test process share PostgreSQL
(or the SQLite file) and Redis; a `websockets` client talks to the server."""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets
from channels.db import database_sync_to_async

from accounts import services as account_services
from tests.realtime.conftest import notify
from tests.servers import AsgiServer

pytestmark = [
    pytest.mark.service("redis"),
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def server(tmp_path, settings):
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "realtime.layers.PubSubChannelLayer"
    server = AsgiServer(tmp_path)
    yield server
    server.stop()


async def test_notification_from_this_process_reaches_a_socket_on_the_server(
    server, alice, alice_token
):
    async with websockets.connect(
        f"{server.ws_url}/ws/notifications/",
        additional_headers={"Authorization": f"Bearer {alice_token}"},
    ) as socket:
        await socket.send(json.dumps({"type": "ping"}))  # the server has joined the group
        assert json.loads(await asyncio.wait_for(socket.recv(), 5)) == {"type": "pong"}
        notification = await notify(user=alice, type="confession.received", data={"c": 1})
        frame = json.loads(await asyncio.wait_for(socket.recv(), 5))
        assert (frame["id"], frame["data"]) == (notification.pk, {"c": 1})


async def test_the_server_does_not_negotiate_compression(server, alice_token):
    # The client offers permessage-deflate (websockets does by default); the server declines:
    # per-socket zlib state would double an idle socket's memory (bench/RESULTS.md).
    async with websockets.connect(
        f"{server.ws_url}/ws/notifications/",
        additional_headers={"Authorization": f"Bearer {alice_token}"},
    ) as socket:
        assert "Sec-WebSocket-Extensions" not in socket.response.headers
        assert "permessage-deflate" in socket.request.headers["Sec-WebSocket-Extensions"]


async def test_query_token_and_replay_on_the_server(server, alice, alice_token):
    missed = await notify(user=alice, type="confession.read", data={"c": 2})
    async with websockets.connect(
        f"{server.ws_url}/ws/notifications/?token={alice_token}&after=0"
    ) as socket:
        frame = json.loads(await asyncio.wait_for(socket.recv(), 5))
        assert frame["id"] == missed.pk


async def test_ban_in_this_process_closes_the_socket_on_the_server(server, alice, alice_token):
    async with websockets.connect(
        f"{server.ws_url}/ws/notifications/",
        additional_headers={"Authorization": f"Bearer {alice_token}"},
    ) as socket:
        await socket.send(json.dumps({"type": "ping"}))
        await asyncio.wait_for(socket.recv(), 5)
        await database_sync_to_async(account_services.user_ban)(user=alice)
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(socket.recv(), 5)
        assert closed.value.rcvd.code == 4403


async def test_foreign_origin_is_refused_by_the_server(server, alice_token):
    with pytest.raises(websockets.InvalidStatus) as refused:
        async with websockets.connect(
            f"{server.ws_url}/ws/notifications/?token={alice_token}",
            origin="https://evil.example",
        ):
            pass
    assert refused.value.response.status_code == 403

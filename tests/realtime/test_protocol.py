"""realtime.protocol: uvicorn's WebSocket protocol keeping nothing of the handshake once a
socket is open, and still a WebSocket in every way a client sees: a real uvicorn server in
this test's loop, a real client, a small ASGI application."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
import uvicorn
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from websockets.http11 import Request

from realtime.inbox import Inbox
from realtime.protocol import DOTTED_PATH, WebSocketProtocol

pytestmark = pytest.mark.asyncio

HEADERS = {"Authorization": "Bearer a-token-the-server-should-not-keep", "X-Padding": "x" * 500}


class Echo:
    """Accepts (or refuses `/no`), echoes text, and records what it received."""

    def __init__(self) -> None:
        self.received: list[dict] = []

    async def __call__(self, scope, receive, send) -> None:
        assert scope["type"] == "websocket"
        message = await receive()
        self.received.append(message)
        if scope["path"] == "/no":
            await send({"type": "websocket.close", "code": 4403})
            return
        await send({"type": "websocket.accept"})
        while True:
            message = await receive()
            self.received.append(message)
            if message["type"] == "websocket.disconnect":
                return
            await send({"type": "websocket.send", "text": "echo: " + message["text"]})


@contextlib.asynccontextmanager
async def serving(app, **options):
    config = uvicorn.Config(app, host="127.0.0.1", port=0, ws=DOTTED_PATH, lifespan="off",
                            ws_per_message_deflate=False, log_level="warning",
                            **options)  # fmt: skip
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            assert not task.done(), task
            await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield server, f"ws://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


def sockets_of(server) -> list[WebSocketProtocol]:
    return [each for each in server.server_state.connections if isinstance(each, WebSocketProtocol)]


async def test_an_open_socket_keeps_nothing_of_its_handshake():
    app = Echo()
    async with serving(app) as (server, url):
        async with connect(url + "/ws/", additional_headers=HEADERS) as client:
            await client.send("hello")
            assert await asyncio.wait_for(client.recv(), 5) == "echo: hello"
            [protocol] = sockets_of(server)
            assert protocol.request is None
            assert protocol.response is None
            assert isinstance(protocol.queue, Inbox)
            # websockets' parser keeps the request as a local of its generator: emptied.
            kept = [value for value in protocol.conn.parser.gi_frame.f_locals.values()
                    if isinstance(value, Request)]  # fmt: skip
            assert kept
            assert all(not request.headers for request in kept)
            # The application's scope still has every header it was given.
            assert (b"x-padding", b"x" * 500) in protocol.scope["headers"]


async def test_it_echoes_pings_and_closes_as_uvicorns_own_does():
    app = Echo()
    async with serving(app, ws_ping_interval=0.05, ws_ping_timeout=5) as (server, url):
        async with connect(url + "/ws/", additional_headers=HEADERS) as client:
            for text in ("one", "two", "three"):
                await client.send(text)
            answers = [await asyncio.wait_for(client.recv(), 5) for _ in range(3)]
            assert answers == ["echo: one", "echo: two", "echo: three"]
            await asyncio.sleep(0.3)  # several of the server's pings answered meanwhile
            [protocol] = sockets_of(server)
            assert protocol.last_ping_rtt > 0
            await client.send("still here")
            assert await asyncio.wait_for(client.recv(), 5) == "echo: still here"
        for _ in range(100):
            if app.received[-1]["type"] == "websocket.disconnect":
                break
            await asyncio.sleep(0.02)
        assert app.received[-1] == {"type": "websocket.disconnect", "code": 1000, "reason": ""}
        assert [m["type"] for m in app.received[:2]] == ["websocket.connect", "websocket.receive"]


async def test_a_socket_refused_before_its_accept_gets_403():
    async with serving(Echo()) as (server, url):
        with pytest.raises(InvalidStatus) as refused:
            async with connect(url + "/no", additional_headers=HEADERS):
                pass
        assert refused.value.response.status_code == 403

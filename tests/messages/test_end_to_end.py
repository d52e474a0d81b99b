"""End to end over a real ASGI server process: HTTP in, WebSocket frames out, through Redis."""

from __future__ import annotations

import asyncio
import json

import pytest
import requests
import websockets
from asgiref.sync import sync_to_async

from tests.servers import AsgiServer

pytestmark = [
    pytest.mark.service("redis"),
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def server(tmp_path):
    server = AsgiServer(tmp_path)
    yield server
    server.stop()


async def frame_of_type(socket, wanted: str) -> dict:
    while True:
        frame = json.loads(await asyncio.wait_for(socket.recv(), 5))
        if frame.get("type") == wanted:
            return frame


async def open_socket(server, token: str):
    socket = await websockets.connect(
        f"{server.ws_url}/ws/notifications/",
        additional_headers={"Authorization": f"Bearer {token}"},
    )
    await socket.send(json.dumps({"type": "ping"}))
    assert json.loads(await asyncio.wait_for(socket.recv(), 5)) == {"type": "pong"}
    return socket


async def test_send_read_reply_arrive_live(server, alice, bob, alice_token, bob_token):
    def post(token: str, path: str, body: dict | None = None) -> requests.Response:
        return requests.post(
            f"{server.http_url}/api/v1{path}",
            json=body or {},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )

    alice_socket = await open_socket(server, alice_token)
    bob_socket = await open_socket(server, bob_token)
    try:
        sent = await sync_to_async(post)(
            alice_token,
            "/confessions",
            {"recipient": "bob", "body": "I like you", "anonymous": True},
        )
        assert sent.status_code == 201, sent.text
        confession_id = sent.json()["id"]

        received = await frame_of_type(bob_socket, "confession.received")
        assert received["data"]["confession_id"] == confession_id
        assert received["data"]["sender"] is None
        assert received["preview"] == "I like you"  # the text it delivers, never who

        read = await sync_to_async(post)(bob_token, f"/confessions/{confession_id}/read")
        assert read.status_code == 200
        assert (await frame_of_type(alice_socket, "confession.read"))["data"] == {
            "confession_id": confession_id
        }

        reply = await sync_to_async(post)(
            bob_token, f"/confessions/{confession_id}/replies", {"body": "who is this?"}
        )
        assert reply.status_code == 201
        replied = await frame_of_type(alice_socket, "confession.replied")
        assert replied["data"]["reply_id"] == reply.json()["id"]
        assert replied["data"]["author"] == {"username": "bob", "display_name": ""}
        assert replied["preview"] == "who is this?"
    finally:
        await alice_socket.close()
        await bob_socket.close()

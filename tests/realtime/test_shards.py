"""The channel layer over two Redis servers (CHANNEL_REDIS_URLS): each user's group lives on
one shard, pushes reach users on both, and a lost shard costs only its users' live pushes
while it is away: what was stored in the meantime replays, exactly, once it is back."""

from __future__ import annotations

import json
import subprocess
import time

import pytest
import redis
from channels.db import database_sync_to_async
from channels_redis.utils import _consistent_hash

from tests.conftest import access_token_for
from tests.realtime.conftest import notify, open_socket
from tests.servers import free_port

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.service("redis"),
]

RECEIVED = "confession.received"


def start_redis(port: int) -> subprocess.Popen:
    process = subprocess.Popen(  # noqa: S603 - Debian's redis-server, fixed arguments
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],  # fmt: skip
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            client.ping()
            return process
        except redis.ConnectionError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("redis-server did not start")


@pytest.fixture
def second_redis():
    port = free_port()
    holder = {"port": port, "process": start_redis(port)}
    yield holder
    holder["process"].terminate()
    holder["process"].wait()


def shard_of(user_id: int) -> int:
    return _consistent_hash(f"asgi__group__user.{user_id}", 2)


async def frames_until(socket, wanted: set[int], timeout: float = 8) -> set[int]:
    seen: set[int] = set()
    deadline = time.monotonic() + timeout
    while not wanted <= seen and time.monotonic() < deadline:
        try:
            message = await socket.receive_output(timeout=max(deadline - time.monotonic(), 0.1))
        except TimeoutError:
            break
        if message["type"] == "websocket.close":
            break
        if "text" in message and '"id"' in message["text"]:
            frame = json.loads(message["text"])
            if "id" in frame:
                seen.add(frame["id"])
    return seen


async def test_two_shards_and_a_lost_one(settings, second_redis, django_user_model):
    settings.CHANNEL_LAYERS = {"default": {
        "BACKEND": "realtime.layers.PubSubChannelLayer",
        "CONFIG": {"hosts": [settings.REDIS_URL, f"redis://127.0.0.1:{second_redis['port']}/0"]},
    }}  # fmt: skip
    make = database_sync_to_async(django_user_model.objects.create_user)
    # Eight users, and more while they all fall on one shard: which shard takes a user
    # follows from their id, and ids depend on what the run made before (all eight on one
    # shard is one run in 128).
    users = [await make(username=f"shard{n}") for n in range(8)]
    while len({shard_of(u.pk) for u in users}) < 2 and len(users) < 64:
        users.append(await make(username=f"shard{len(users)}"))
    on = {shard: [u for u in users if shard_of(u.pk) == shard] for shard in (0, 1)}
    assert on[0], "the users fall on both shards"
    assert on[1], "the users fall on both shards"
    tokens = {u.pk: await database_sync_to_async(access_token_for)(u) for u in users}
    sockets = {}
    for user in users:
        socket = await open_socket(tokens[user.pk])
        await socket.send_json_to({"type": "ping"})
        assert (await socket.receive_json_from(timeout=3))["type"] == "pong"
        sockets[user.pk] = socket

    # Both shards carry pushes.
    for user in users:
        sent = await notify(user=user, type=RECEIVED, data={"confession": 1})
        assert await frames_until(sockets[user.pk], {sent.pk}) == {sent.pk}
    second = redis.Redis(port=second_redis["port"])
    assert second.pubsub_channels()  # the second shard holds some users' groups

    # The second shard goes away: its users' pushes are lost, the others' still arrive.
    second_redis["process"].terminate()
    second_redis["process"].wait()
    missed = {}
    for user in users:
        missed[user.pk] = (await notify(user=user, type=RECEIVED, data={"confession": 2})).pk
    for user in on[0]:
        assert await frames_until(sockets[user.pk], {missed[user.pk]}) == {missed[user.pk]}

    # Back: the stored ones arrive, exactly, with the next push (a gap replays) or on a
    # reconnect from the last frame seen.
    second_redis["process"] = start_redis(second_redis["port"])
    for user in on[1]:
        later = (await notify(user=user, type=RECEIVED, data={"confession": 3})).pk
        seen = await frames_until(sockets[user.pk], {missed[user.pk], later}, timeout=4)
        if not {missed[user.pk], later} <= seen:
            socket = await open_socket(tokens[user.pk], query=f"after={missed[user.pk] - 1}")
            seen |= await frames_until(socket, {missed[user.pk], later})
            sockets[user.pk] = socket
        assert {missed[user.pk], later} <= seen
    for socket in sockets.values():
        await socket.disconnect()

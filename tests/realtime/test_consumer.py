"""The notifications socket, through the project's real ASGI stack (origin check, token
middleware, routing), with Channels' WebsocketCommunicator."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from accounts import services as account_services
from realtime.models import Notification
from tests.conftest import access_token_for, database_unreachable
from tests.realtime.conftest import notify, open_socket

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

RECEIVED = "confession.received"


async def expect_close(communicator, code: int, timeout: float = 3) -> None:
    message = await communicator.receive_output(timeout=timeout)
    assert message == {"type": "websocket.close", "code": code}


@pytest.mark.parametrize("via", ["header", "query"])
async def test_live_push_arrives(alice, alice_token, via):
    socket = await open_socket(alice_token, via=via)
    assert socket.connected
    notification = await notify(user=alice, type=RECEIVED, data={"confession": 7})
    frame = await socket.receive_json_from(timeout=3)
    assert frame == {
        "id": notification.pk,
        "type": RECEIVED,
        "created_at": frame["created_at"],
        "data": {"confession": 7},
        "preview": None,
    }
    assert frame["created_at"].endswith("Z")
    await socket.disconnect()


def claiming(user, user_id) -> str:
    token = AccessToken.for_user(user)
    token["user_id"] = user_id
    return str(token)


def expired_access(user) -> str:
    token = AccessToken.for_user(user)
    token.set_exp(lifetime=-timedelta(seconds=5))
    return str(token)


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda user: None, id="missing"),
        pytest.param(lambda user: "not.a.token", id="garbage"),
        pytest.param(expired_access, id="expired"),
        pytest.param(lambda user: str(RefreshToken.for_user(user)), id="refresh-token"),
        pytest.param(lambda user: access_token_for(user)[:-3] + "abc", id="bad-signature"),
        pytest.param(lambda user: claiming(user, "abc"), id="user_id-not-an-id"),
        pytest.param(lambda user: claiming(user, [user.pk]), id="user_id-a-list"),
    ],
)
async def test_bad_tokens_close_4401(alice, make_token):
    token = await database_sync_to_async(make_token)(alice)
    socket = await open_socket(token)
    await expect_close(socket, 4401)


async def test_banned_users_token_closes_4401(alice, alice_token):
    await database_sync_to_async(account_services.user_ban)(user=alice)
    await expect_close(await open_socket(alice_token), 4401)


async def test_foreign_browser_origin_is_refused(alice_token):
    socket = await open_socket(alice_token, origin=b"https://evil.example")
    assert not socket.connected


async def test_no_origin_native_client_is_accepted_and_allowed_origin_too(alice_token):
    native = await open_socket(alice_token)
    browser = await open_socket(alice_token, origin=b"http://localhost:8000")
    for socket in (native, browser):
        assert socket.connected
        await socket.send_json_to({"type": "ping"})
        assert await socket.receive_json_from(timeout=3) == {"type": "pong"}
        await socket.disconnect()


async def test_replay_after_a_gap_delivers_exactly_the_missed_ones(alice, alice_token):
    seen = await notify(user=alice, type=RECEIVED, data={"n": 0})
    missed = [await notify(user=alice, type=RECEIVED, data={"n": n}) for n in (1, 2, 3)]
    socket = await open_socket(alice_token, query=f"after={seen.pk}")
    frames = [await socket.receive_json_from(timeout=3) for _ in missed]
    assert [frame["id"] for frame in frames] == [n.pk for n in missed]
    assert await socket.receive_nothing(timeout=0.3)
    live = await notify(user=alice, type=RECEIVED, data={"n": 4})
    assert (await socket.receive_json_from(timeout=3))["id"] == live.pk
    await socket.disconnect()


async def test_without_after_only_new_ones_arrive(alice, alice_token):
    await notify(user=alice, type=RECEIVED, data={"old": True})
    socket = await open_socket(alice_token)
    assert await socket.receive_nothing(timeout=0.3)
    new = await notify(user=alice, type=RECEIVED, data={"old": False})
    assert (await socket.receive_json_from(timeout=3))["id"] == new.pk
    await socket.disconnect()


async def test_replay_racing_new_notifications_has_no_gap_or_duplicate(alice, alice_token):
    @database_sync_to_async
    def many(count: int) -> list[int]:
        return [
            account_notify(user=alice, type=RECEIVED, data={"n": index}).pk
            for index in range(count)
        ]

    from realtime.services import notify as account_notify

    before = await many(250)  # more than one replay batch
    connecting = asyncio.ensure_future(open_socket(alice_token, query="after=0"))
    during = await many(20)
    socket = await connecting
    after = await many(5)
    received: list[int] = []
    while not await socket.receive_nothing(timeout=1):
        received.append((await socket.receive_json_from(timeout=1))["id"])
    assert received == sorted(before + during + after)
    await socket.disconnect()


async def test_ack_marks_read(alice, alice_token):
    first = await notify(user=alice, type=RECEIVED, data={})
    second = await notify(user=alice, type=RECEIVED, data={})
    socket = await open_socket(alice_token)
    await socket.send_json_to({"type": "ack", "up_to": first.pk})
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from(timeout=3) == {"type": "pong"}

    @database_sync_to_async
    def read_states() -> list[bool]:
        return [Notification.objects.get(pk=pk).read_at is not None for pk in (first.pk, second.pk)]

    assert await read_states() == [True, False]
    await socket.disconnect()


@pytest.mark.parametrize(
    "frame",
    ['{"type": "dance"}', "not json", "[1, 2]", '{"type": "ack", "up_to": "x"}', '{"type": "ack"}',
     "[" * 2000 + "]" * 2000, '{"type": "ack", "up_to": ' + "[" * 1900 + "]" * 1900 + "}"],
)  # fmt: skip
async def test_bad_client_frames_get_an_error_and_the_socket_stays(alice_token, frame):
    socket = await open_socket(alice_token)
    await socket.send_to(text_data=frame)
    reply = await socket.receive_json_from(timeout=3)
    assert reply["type"] == "error"
    assert set(reply["error"]) == {"code", "message"}
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from(timeout=3) == {"type": "pong"}
    await socket.disconnect()


async def test_error_frames_speak_the_sockets_language(alice, alice_token):
    """Every error frame was English, even for a user whose language is Chinese: the
    handshake's Accept-Language decides, else the user's own language."""
    socket = await open_socket(alice_token, language="zh-CN,zh;q=0.9")
    await socket.send_to(text_data="not json")
    chinese = (await socket.receive_json_from(timeout=3))["error"]["message"]
    await socket.disconnect()
    socket = await open_socket(alice_token, language="en-US")
    await socket.send_to(text_data="not json")
    english = (await socket.receive_json_from(timeout=3))["error"]["message"]
    await socket.disconnect()
    assert english == "Frames are JSON objects."
    assert chinese != english
    assert any("\u4e00" <= character <= "\u9fff" for character in chinese)
    alice.language = "zh-hans"
    await database_sync_to_async(alice.save)(update_fields=["language"])
    socket = await open_socket(alice_token)  # no Accept-Language: hers
    await socket.send_json_to({"type": "dance"})
    message = (await socket.receive_json_from(timeout=3))["error"]["message"]
    await socket.disconnect()
    assert any("\u4e00" <= character <= "\u9fff" for character in message)


async def test_binary_frame_is_an_error(alice_token):
    socket = await open_socket(alice_token)
    await socket.send_to(bytes_data=b"\x00\x01")
    assert (await socket.receive_json_from(timeout=3))["error"]["code"] == "bad_frame"
    await socket.disconnect()


async def test_oversize_frame_closes_4413(alice_token):
    socket = await open_socket(alice_token)
    await socket.send_to(text_data='{"type": "ping", "pad": "' + "x" * 5000 + '"}')
    await expect_close(socket, 4413)


async def test_flood_closes_4429(alice_token):
    socket = await open_socket(alice_token)
    for _ in range(40):
        await socket.send_json_to({"type": "ping"})
    pongs = 0
    while True:
        message = await socket.receive_output(timeout=3)
        if message["type"] == "websocket.close":
            assert message["code"] == 4429
            break
        pongs += 1
    assert 20 <= pongs < 40
    # The rest of the burst is dropped: one close, never a second one after it (a server
    # logs that as an ASGI error), nor a pong after the close.
    assert await socket.receive_nothing(timeout=0.5)


async def test_socket_closes_when_the_access_token_expires(alice):
    token = AccessToken.for_user(alice)
    token.set_exp(lifetime=timedelta(seconds=1))
    socket = await open_socket(str(token))
    assert socket.connected
    await expect_close(socket, 4401, timeout=4)


async def test_ban_closes_open_sockets_4403(alice, alice_token, bob_token):
    alices = [await open_socket(alice_token), await open_socket(alice_token, via="query")]
    bobs = await open_socket(bob_token)
    await database_sync_to_async(account_services.user_ban)(user=alice)
    for socket in alices:
        await expect_close(socket, 4403)
    assert await bobs.receive_nothing(timeout=0.3)
    await bobs.disconnect()


async def test_deleting_the_account_closes_its_sockets_4401(alice, alice_token):
    socket = await open_socket(alice_token)
    await database_sync_to_async(account_services.user_delete)(user=alice)
    await expect_close(socket, 4401)


async def test_a_user_never_receives_another_users_notification(alice, bob, alice_token, bob_token):
    alices, bobs = await open_socket(alice_token), await open_socket(bob_token)
    for_bob = await notify(user=bob, type=RECEIVED, data={"secret": "for bob"})
    assert (await bobs.receive_json_from(timeout=3))["id"] == for_bob.pk
    assert await alices.receive_nothing(timeout=0.5)
    # Nor through replay.
    replaying = await open_socket(alice_token, query="after=0")
    assert await replaying.receive_nothing(timeout=0.5)
    for socket in (alices, bobs, replaying):
        await socket.disconnect()


async def test_an_up_to_date_socket_sends_the_pushed_frame_without_the_database(alice, alice_token):
    # A frame that exists only in the push (nothing stored under its id) reaches the client
    # when it follows the last one sent: it was sent straight from the push.
    from channels.layers import get_channel_layer

    from realtime.groups import user_group

    socket = await open_socket(alice_token)
    first = await notify(user=alice, type=RECEIVED, data={"n": 1})
    assert (await socket.receive_json_from(timeout=3))["id"] == first.pk
    pushed = {"id": first.pk + 1000, "type": RECEIVED, "created_at": "x", "data": {"only": "push"}}
    import json

    await get_channel_layer().group_send(user_group(alice.pk), {
        "type": "notification.push", "id": pushed["id"], "previous": first.pk,
        "text": json.dumps(pushed),
    })  # fmt: skip
    assert await socket.receive_json_from(timeout=3) == pushed
    await socket.disconnect()


async def test_a_push_after_a_gap_replays_from_the_database(alice, alice_token):
    from channels.layers import get_channel_layer

    from realtime.groups import user_group

    socket = await open_socket(alice_token)
    missed = await notify(user=alice, type=RECEIVED, data={"n": 1})
    assert (await socket.receive_json_from(timeout=3))["id"] == missed.pk
    stored = await notify(user=alice, type=RECEIVED, data={"n": 2})
    assert (await socket.receive_json_from(timeout=3))["id"] == stored.pk
    # A push claiming to follow an id this socket never sent: the socket does not trust it,
    # it asks the database, which has nothing newer, so nothing fabricated goes out.
    await get_channel_layer().group_send(user_group(alice.pk), {
        "type": "notification.push", "id": stored.pk + 5, "previous": stored.pk + 4,
        "text": '{"fabricated": true}',
    })  # fmt: skip
    assert await socket.receive_nothing(timeout=0.5)
    await socket.disconnect()


async def test_an_error_handling_a_push_ends_the_connection_as_an_error(alice, alice_token):
    # Not swallowed in a background task, leaving a socket that no longer hears pushes.
    from channels.layers import get_channel_layer

    from realtime.groups import user_group

    socket = await open_socket(alice_token)
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from(timeout=3) == {"type": "pong"}  # connected and joined
    await get_channel_layer().group_send(user_group(alice.pk), {"type": "no.such.handler"})
    with pytest.raises(ValueError, match="No handler for message type no.such.handler"):
        await socket.receive_output(timeout=3)


def _members(layer) -> set[str]:
    return set().union(*layer.groups.values()) if layer.groups else set()


async def test_a_closed_socket_leaves_nothing_in_the_channel_layer(alice, alice_token):
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    before = set(layer.channels)
    socket = await open_socket(alice_token)
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from(timeout=3) == {"type": "pong"}  # connected and joined
    mine = set(layer.channels) - before
    assert len(mine) == 1
    assert mine <= _members(layer)
    await socket.disconnect()
    await asyncio.sleep(0.05)
    assert not mine & set(layer.channels)
    assert not mine & _members(layer)


async def test_a_socket_refused_at_the_handshake_leaves_nothing_in_the_channel_layer(alice):
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    before = set(layer.channels)
    socket = await open_socket("not.a.token")
    await expect_close(socket, 4401)
    await socket.disconnect()
    await asyncio.sleep(0.05)
    assert set(layer.channels) <= before


async def test_a_handshake_while_the_database_is_down_closes_1013(
    alice_token, unreachable_database
):
    # Not a 500 for the handshake, and not 4401: the token is fine, the client should come
    # back later with it, not sign in again.
    socket = await open_socket(alice_token)
    await expect_close(socket, 1013)


async def test_a_handshake_while_redis_is_down_closes_1013(
    alice_token, settings, dead_channel_layer
):
    settings.CHANNEL_LAYERS = dead_channel_layer
    socket = await open_socket(alice_token)
    await expect_close(socket, 1013)


async def test_a_replay_while_the_database_is_down_closes_1013(alice, alice_token, dead_port):
    from channels.layers import get_channel_layer

    from realtime.groups import user_group

    socket = await open_socket(alice_token)
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from(timeout=3) == {"type": "pong"}
    outage = database_unreachable(dead_port)
    await database_sync_to_async(outage.__enter__)()
    try:
        # A push after a gap sends the socket to the database, which is away.
        await get_channel_layer().group_send(user_group(alice.pk), {
            "type": "notification.push", "id": 50, "previous": 49, "text": "{}",
        })  # fmt: skip
        await expect_close(socket, 1013, timeout=10)
    finally:
        await database_sync_to_async(outage.__exit__)(None, None, None)


def short_lived(user, seconds: float) -> str:
    token = AccessToken.for_user(user)
    token.set_exp(lifetime=timedelta(seconds=seconds))
    return str(token)


async def is_open(socket) -> bool:
    await socket.send_json_to({"type": "ping"})
    return await socket.receive_json_from(timeout=3) == {"type": "pong"}


async def test_a_socket_past_the_cap_closes_the_users_oldest_4409(
    alice, alice_token, bob_token, settings
):
    settings.SOCKETS_PER_USER = 2
    first = await open_socket(alice_token)
    assert await is_open(first)  # its start is handled before the next one opens
    second = await open_socket(alice_token, via="query")
    assert await is_open(second)
    bobs = await open_socket(bob_token)
    third = await open_socket(alice_token)
    await expect_close(first, 4409)
    for socket in (second, third, bobs):  # the newer two stay, and nobody else's is touched
        assert await is_open(socket)
    fourth = await open_socket(alice_token)
    await expect_close(second, 4409)
    assert await is_open(third)
    assert await is_open(fourth)
    for socket in (third, fourth, bobs):
        await socket.disconnect()


async def test_a_closed_socket_frees_its_place_under_the_cap(alice, alice_token, settings):
    settings.SOCKETS_PER_USER = 2
    first, second = await open_socket(alice_token), await open_socket(alice_token)
    assert await is_open(first)
    assert await is_open(second)
    await first.disconnect()
    third = await open_socket(alice_token)
    assert await is_open(second)
    assert await is_open(third)
    await second.disconnect()
    await third.disconnect()


async def test_renewing_the_token_on_an_open_socket_keeps_it_past_the_old_expiry(alice):
    socket = await open_socket(short_lived(alice, 2))
    fresh = await database_sync_to_async(short_lived)(alice, 600)
    await socket.send_json_to({"type": "auth", "token": fresh})
    answer = await socket.receive_json_from(timeout=3)
    assert answer["type"] == "auth"
    assert answer["expires_at"].endswith("Z")
    await asyncio.sleep(2.5)
    assert await is_open(socket)
    await socket.disconnect()


@pytest.mark.parametrize(
    ("make_token", "code"),
    [
        pytest.param(lambda alice, bob: short_lived(bob, 600), "not_authenticated", id="bobs"),
        pytest.param(lambda alice, bob: "not.a.token", "not_authenticated", id="garbage"),
        pytest.param(lambda alice, bob: expired_access(alice), "token_expired", id="expired"),
        pytest.param(
            lambda alice, bob: str(RefreshToken.for_user(alice)), "not_authenticated", id="refresh"
        ),
    ],
)
async def test_a_bad_renewal_is_an_error_and_the_old_expiry_still_closes_4401(
    alice, bob, make_token, code
):
    socket = await open_socket(await database_sync_to_async(short_lived)(alice, 2))
    await socket.send_json_to(
        {"type": "auth", "token": await database_sync_to_async(make_token)(alice, bob)}
    )
    frame = await socket.receive_json_from(timeout=3)
    assert frame["type"] == "error"
    assert frame["error"]["code"] == code
    await expect_close(socket, 4401, timeout=4)


@pytest.mark.parametrize("token", [None, "", 5, ["x"]])
async def test_an_auth_frame_without_a_token_string_is_a_bad_frame(alice_token, token):
    socket = await open_socket(alice_token)
    await socket.send_json_to({"type": "auth", "token": token})
    frame = await socket.receive_json_from(timeout=3)
    assert frame["error"]["code"] == "bad_frame"
    assert await is_open(socket)
    await socket.disconnect()

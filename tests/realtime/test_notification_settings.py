"""Notification settings (`/me/notification-settings`, realtime.preferences): per event type,
the socket and the subscribe message on or off. Off on the socket: stored and listed, never
pushed, and left out of the socket's catch-up; an open socket learns of a change at once."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from realtime import events
from realtime.models import Notification
from tests.conftest import access_token_for
from tests.factories import client_of
from tests.realtime.conftest import notify, open_socket

pytestmark = pytest.mark.django_db(transaction=True)

SETTINGS = "/api/v1/me/notification-settings"


def put(client, changes):
    return client.put(SETTINGS, {"settings": changes}, format="json")


def test_every_type_is_on_both_ways_until_turned_off_and_on(alice):
    client = client_of(alice)
    everything = client.get(SETTINGS).json()["settings"]
    assert set(everything) == {event.name for event in events.registered()}
    assert all(ways == {"socket": True, "subscribe": True} for ways in everything.values())
    turned = put(client, {"wall.liked": {"socket": False}, "confession.read": {"subscribe": False}})
    assert turned.status_code == 200, turned.content
    assert turned.json()["settings"]["wall.liked"] == {"socket": False, "subscribe": True}
    assert turned.json()["settings"]["confession.read"] == {"socket": True, "subscribe": False}
    assert client.get(SETTINGS).json() == turned.json()
    # What is left out stays; on again, nothing is kept for it.
    back = put(client, {"wall.liked": {"socket": True}})
    assert back.json()["settings"]["wall.liked"] == {"socket": True, "subscribe": True}
    alice.refresh_from_db()
    assert alice.notification_settings == {"confession.read": {"subscribe": False}}


@pytest.mark.parametrize(
    "changes",
    [
        {"no.such.type": {"socket": False}},
        {"wall.liked": {"email": False}},
        {"wall.liked": {"socket": "no"}},
        {"wall.liked": {}},
        {"wall.liked": False},
        ["wall.liked"],
    ],
)
def test_bad_settings_are_refused_and_change_nothing(alice, changes):
    client = client_of(alice)
    put(client, {"confession.read": {"socket": False}})
    refused = put(client, changes)
    assert refused.status_code == 400, refused.content
    assert refused.json()["error"]["code"] == "validation_error"
    alice.refresh_from_db()
    assert alice.notification_settings == {"confession.read": {"socket": False}}


def test_settings_are_signed_in(client):
    assert client.get(SETTINGS).status_code == 401
    assert client.put(SETTINGS, {"settings": {}}, format="json").status_code == 401


async def next_ids(socket, count: int) -> list[int]:
    """The ids of the next `count` notification frames, then nothing more for a while."""
    got = []
    while len(got) < count:
        frame = await socket.receive_json_from(timeout=5)
        if "id" in frame:
            got.append(frame["id"])
    assert await socket.receive_nothing(timeout=0.5)
    return got


@pytest.mark.asyncio
async def test_a_type_off_on_the_socket_is_stored_but_never_pushed_nor_replayed(alice):
    client = await sync_to_async(client_of)(alice)
    await sync_to_async(put)(client, {"wall.liked": {"socket": False}})
    await sync_to_async(alice.refresh_from_db)()
    token = await sync_to_async(access_token_for)(alice)
    socket = await open_socket(token)
    await notify(user=alice, type="wall.liked", data={"post_id": 1, "new": 1, "total": 1})
    kept = await notify(user=alice, type="confession.read", data={"confession_id": 7})
    assert await next_ids(socket, 1) == [kept.pk]
    await socket.disconnect()
    # Reconnecting from the start: the catch-up leaves it out too.
    again = await open_socket(token, query="after=0")
    assert await next_ids(again, 1) == [kept.pk]
    await again.disconnect()
    # It is stored, and listed.
    listed = await sync_to_async(lambda: client.get("/api/v1/notifications").json())()
    assert [n["type"] for n in listed["results"]] == ["wall.liked", "confession.read"]
    assert await Notification.objects.filter(recipient=alice).acount() == 2


@pytest.mark.asyncio
async def test_an_open_socket_learns_a_change_at_once(alice):
    client = await sync_to_async(client_of)(alice)
    token = await sync_to_async(access_token_for)(alice)
    socket = await open_socket(token)
    first = await notify(user=alice, type="wall.liked", data={"post_id": 1, "new": 1, "total": 1})
    assert await next_ids(socket, 1) == [first.pk]
    await sync_to_async(put)(client, {"wall.liked": {"socket": False}})
    assert await socket.receive_nothing(timeout=0.3)  # the change reaches the socket
    await sync_to_async(alice.refresh_from_db)()
    await notify(user=alice, type="wall.liked", data={"post_id": 1, "new": 1, "total": 2})
    read = await notify(user=alice, type="confession.read", data={"confession_id": 7})
    # The silenced one was not pushed; the next one comes after a gap, caught up without it.
    assert await next_ids(socket, 1) == [read.pk]
    await socket.disconnect()

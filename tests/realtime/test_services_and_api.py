"""`notify`, the notifications REST API, and what happens when the channel layer is away."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time

import pytest
from django.db import transaction

from realtime import services
from realtime.models import Notification
from tests.realtime.conftest import notify as notify_async
from tests.realtime.conftest import open_socket

RECEIVED = "confession.received"


@pytest.mark.django_db
def test_notify_pushes_only_after_commit(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        notification = services.notify(user=alice, type=RECEIVED, data={"x": 1})
        assert Notification.objects.filter(pk=notification.pk).exists()
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_a_rolled_back_notify_leaves_nothing_and_pushes_nothing(
    alice, django_capture_on_commit_callbacks
):
    def failing_write() -> None:
        with transaction.atomic():
            services.notify(user=alice, type=RECEIVED, data={})
            raise RuntimeError("the caller's write failed")

    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(RuntimeError):
            failing_write()
    assert callbacks == []
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_unknown_type_is_refused(alice):
    with pytest.raises(ValueError, match="unknown notification type"):
        services.notify(user=alice, type="confession.exploded", data={})


@pytest.mark.django_db
def test_list_after_oldest_first_paginated(alice, bob, alice_client):
    mine = [services.notify(user=alice, type=RECEIVED, data={"n": n}) for n in range(25)]
    services.notify(user=bob, type=RECEIVED, data={"for": "bob"})
    first = alice_client.get("/api/v1/notifications").json()
    assert [item["id"] for item in first["results"]] == [n.pk for n in mine[:20]]
    assert set(first["results"][0]) == {"id", "type", "created_at", "data", "preview", "read_at"}
    second = alice_client.get(first["next"]).json()
    assert [item["id"] for item in second["results"]] == [n.pk for n in mine[20:]]
    assert second["next"] is None
    after = alice_client.get(f"/api/v1/notifications?after={mine[22].pk}").json()
    assert [item["id"] for item in after["results"]] == [mine[23].pk, mine[24].pk]


@pytest.mark.django_db
def test_list_rejects_a_bad_after(alice_client):
    response = alice_client.get("/api/v1/notifications?after=soon")
    assert response.status_code == 400
    assert "after" in response.json()["error"]["fields"]


@pytest.mark.django_db
def test_mark_read_up_to(alice, bob, alice_client):
    mine = [services.notify(user=alice, type=RECEIVED, data={}) for _ in range(3)]
    bobs = services.notify(user=bob, type=RECEIVED, data={})
    response = alice_client.post("/api/v1/notifications/read", {"up_to": bobs.pk})
    assert response.json() == {"marked": 3}
    assert Notification.objects.get(pk=bobs.pk).read_at is None
    assert alice_client.post("/api/v1/notifications/read", {"up_to": mine[0].pk}).json() == {
        "marked": 0
    }
    assert alice_client.post("/api/v1/notifications/read", {}).status_code == 400


def test_notifications_need_a_token(api_client):
    assert api_client.get("/api/v1/notifications").status_code == 401


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_channel_layer_down_notify_commits_and_replays_later(
    alice, alice_token, settings, caplog, dead_channel_layer
):
    working_layer = settings.CHANNEL_LAYERS
    settings.CHANNEL_LAYERS = dead_channel_layer
    with caplog.at_level(logging.WARNING, logger="realtime.services"):
        notification = await notify_async(user=alice, type=RECEIVED, data={"kept": True})
        # The push fails on the pusher's thread (realtime.pusher), after notify returned.
        for _ in range(100):
            if "waits for replay" in caplog.text:
                break
            await asyncio.sleep(0.05)
    assert "waits for replay" in caplog.text
    assert await Notification.objects.filter(pk=notification.pk).aexists()

    settings.CHANNEL_LAYERS = working_layer  # Redis is back; the client reconnects.
    socket = await open_socket(alice_token, query="after=0")
    frame = await socket.receive_json_from(timeout=3)
    assert (frame["id"], frame["data"]) == (notification.pk, {"kept": True})
    await socket.disconnect()


@pytest.fixture
def hanging_redis():
    """A loopback port that accepts connections and never answers: a frozen Redis."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    server.close()


@pytest.mark.django_db(transaction=True)
def test_a_frozen_redis_does_not_hold_a_write(alice, bob, settings, hanging_redis):
    # Measured before the pusher: every send waited the whole push timeout (2 s).
    settings.CHANNEL_LAYERS = {"default": {
        "BACKEND": "realtime.layers.PubSubChannelLayer",
        "CONFIG": {"hosts": [f"redis://127.0.0.1:{hanging_redis}/0"]},
    }}  # fmt: skip
    from messages_app import services as messages

    started = time.monotonic()
    for index in range(3):
        messages.confession_send(sender=alice, recipient_username=bob.username,
                                 body=f"#{index}", media_ids=[])  # fmt: skip
    assert time.monotonic() - started < services.PUSH_TIMEOUT_SECONDS
    assert Notification.objects.filter(recipient=bob).count() == 3


@pytest.mark.django_db
def test_prune_deletes_only_old_read_notifications(alice):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    old, old_unread, recent = (
        services.notify(user=alice, type=RECEIVED, data={}) for _ in range(3)
    )
    long_ago = timezone.now() - timedelta(days=100)
    Notification.objects.filter(pk__in=[old.pk, old_unread.pk]).update(created_at=long_ago)
    Notification.objects.filter(pk__in=[old.pk, recent.pk]).update(read_at=timezone.now())
    call_command("notifications_prune", "--days", "90", stdout=None)
    assert set(Notification.objects.values_list("pk", flat=True)) == {old_unread.pk, recent.pk}


def _b64(text: str) -> str:
    import base64

    return base64.urlsafe_b64encode(text.encode()).decode()


@pytest.mark.parametrize("cursor", [
    _b64("p=abc"), _b64("p=2026-13-45"), _b64("p=1\x002"), _b64("o=x"), "%%%", _b64("r=1&p="),
    _b64("p=1") + "&cursor=" + _b64("p=2"),
])  # fmt: skip
def test_notifications_answer_a_bad_cursor_400(alice_client, cursor):
    response = alice_client.get(f"/api/v1/notifications?cursor={cursor}")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "invalid_cursor"


@pytest.mark.parametrize("limit", ["0", "-1", "1.5", "abc", "", "１", "101", "2&limit=3"])
def test_notifications_and_blocks_answer_a_bad_limit_400(alice_client, limit):
    for path in ("/api/v1/notifications", "/api/v1/blocks"):
        response = alice_client.get(f"{path}?limit={limit}")
        assert response.status_code == 400, (path, response.content)
        assert response.json()["error"]["code"] == "invalid_limit"


def test_a_good_cursor_still_pages(alice, alice_client):
    for index in range(3):
        services.notify(user=alice, type=RECEIVED, data={"n": index})
    first = alice_client.get("/api/v1/notifications?limit=2").json()
    assert len(first["results"]) == 2
    rest = alice_client.get(first["next"]).json()
    assert [item["data"]["n"] for item in rest["results"]] == [2]


@pytest.mark.django_db
def test_a_listened_save_signal_still_hears_each_notification(alice):
    """notify writes around save() only while a save runs nothing else (core.compiled's
    plain_save): a listener of Notification's save signal hears each one."""
    from django.db.models.signals import post_save

    heard = []

    def listener(sender, instance, created, **kwargs):
        heard.append((instance.pk, created))

    post_save.connect(listener, sender=Notification)
    try:
        first = services.notify(user=alice, type="confession.read", data={})
        second = services.notify(user=alice, type="confession.read", data={})
    finally:
        post_save.disconnect(listener, sender=Notification)
    assert heard == [(first.pk, True), (second.pk, True)]

"""Notifications carry a short preview of what they are about, decided when read: only where
the viewer may still see it, and never anyone's identity."""

from __future__ import annotations

import pytest

from accounts import services as account_services
from messages_app import services
from realtime.models import Notification
from realtime.previews import PREVIEW_CHARS, frames_of
from tests.factories import client_of

pytestmark = pytest.mark.django_db


def listed(client, **query) -> list[dict]:
    response = client.get("/api/v1/notifications", query)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def by_type(items: list[dict], wanted: str) -> list[dict]:
    return [item for item in items if item["type"] == wanted]


def test_received_and_replied_carry_their_text(alice, bob):
    confession = services.confession_send(
        sender=alice, recipient_username="bob", body="I like\n  you", anonymous=True
    )
    services.reply_create(user=alice, confession_id=confession.pk, body="it's me")
    items = listed(client_of(bob))
    [received] = by_type(items, "confession.received")
    [replied] = by_type(items, "confession.replied")
    assert received["preview"] == "I like you"  # on one line
    assert replied["preview"] == "it's me"
    assert received["data"]["sender"] is None
    for item in items:
        assert "alice" not in str(item)


def test_a_long_text_is_cut(alice, bob):
    services.confession_send(sender=alice, recipient_username="bob", body="爱" * 500)
    [item] = listed(client_of(bob))
    assert item["preview"] == "爱" * (PREVIEW_CHARS - 1) + "…"


def test_a_retracted_confession_previews_as_null(alice, bob):
    confession = services.confession_send(sender=alice, recipient_username="bob", body="oops")
    services.reply_create(user=alice, confession_id=confession.pk, body="forget it")
    client_of(alice).delete(f"/api/v1/confessions/{confession.pk}")
    items = listed(client_of(bob))
    assert [item["type"] for item in items][-1] == "confession.retracted"
    assert [item["preview"] for item in items] == [None, None, None]


def test_a_named_block_hides_the_blocked_persons_texts(alice, bob):
    confession = services.confession_send(sender=alice, recipient_username="bob", body="hi bob")
    services.reply_create(user=alice, confession_id=confession.pk, body="hello?")
    account_services.block_create(blocker=bob, username="alice")
    assert [item["preview"] for item in listed(client_of(bob))] == [None, None]


def test_the_sender_is_told_of_a_read_with_their_own_text(alice, bob):
    confession = services.confession_send(sender=alice, recipient_username="bob", body="mine")
    client_of(bob).post(f"/api/v1/confessions/{confession.pk}/read")
    [read] = by_type(listed(client_of(alice)), "confession.read")
    assert read["preview"] == "mine"


def test_socket_replay_frames_carry_the_same_previews(alice, bob):
    confession = services.confession_send(sender=alice, recipient_username="bob", body="hey")
    services.reply_create(user=alice, confession_id=confession.pk, body="there")
    stored = list(Notification.objects.filter(recipient=bob).order_by("id"))
    frames = frames_of(bob.pk, stored)
    assert [frame["preview"] for frame in frames] == [
        item["preview"] for item in listed(client_of(bob))
    ]


def test_newest_first_with_before(alice, bob):
    for number in range(5):
        services.confession_send(sender=alice, recipient_username="bob", body=f"#{number}")
    bobs = client_of(bob)
    oldest_first = [item["id"] for item in listed(bobs)]
    newest = listed(bobs, order="desc", limit=2)
    assert [item["id"] for item in newest] == oldest_first[::-1][:2]
    page = bobs.get("/api/v1/notifications", {"order": "desc", "limit": 2}).json()
    following = bobs.get(page["next"]).json()["results"]
    assert [item["id"] for item in following] == oldest_first[::-1][2:4]
    before = listed(bobs, order="desc", before=oldest_first[2])
    assert [item["id"] for item in before] == oldest_first[:2][::-1]
    assert [item["preview"] for item in before] == ["#1", "#0"]


@pytest.mark.parametrize("query", [{"order": "sideways"}, {"before": "0"}, {"before": "x"}])
def test_bad_list_parameters_are_400(alice, query):
    response = client_of(alice).get("/api/v1/notifications", query)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"

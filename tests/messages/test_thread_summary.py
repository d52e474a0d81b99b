"""What a list item says of its thread: `unread`, `reply_count`, `last_activity_at`, the same
for the inbox, sent and a confession's own page, and always what the thread itself shows."""

from __future__ import annotations

import pytest

from accounts import services as account_services
from messages_app import services
from moderation.models import BannedPhrase
from tests.factories import client_of

pytestmark = pytest.mark.django_db


def iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def minute(moment):
    """What the recipient is shown of when it went out (core.times)."""
    return moment.replace(second=0, microsecond=0)


def item(client, box: str, confession_id: int) -> dict:
    [found] = [c for c in client.get(f"/api/v1/confessions/{box}").json()["results"]
               if c["id"] == confession_id]  # fmt: skip
    detail = client.get(f"/api/v1/confessions/{confession_id}").json()
    for key in ("unread", "reply_count", "last_activity_at"):
        assert detail[key] == found[key], key  # one rule for the list and the page
    thread = client.get(f"/api/v1/confessions/{confession_id}/replies").json()["results"]
    assert found["reply_count"] == len(thread)
    return found


def test_unread_follows_the_other_sides_replies(alice, bob):
    alices, bobs = client_of(alice), client_of(bob)
    confession = services.confession_send(sender=alice, recipient_username="bob", body="hi")
    received = item(bobs, "inbox", confession.pk)
    assert received["unread"] is True
    assert received["reply_count"] == 0
    assert received["last_activity_at"] == iso(minute(confession.delivered_at))  # went out
    assert item(alices, "sent", confession.pk)["unread"] is False

    bobs.post(f"/api/v1/confessions/{confession.pk}/read")
    assert item(bobs, "inbox", confession.pk)["unread"] is False

    _, reply = services.reply_create(user=alice, confession_id=confession.pk, body="me")
    received = item(bobs, "inbox", confession.pk)
    assert received["unread"] is True
    assert received["reply_count"] == 1
    assert received["last_activity_at"] == iso(reply.created_at)
    assert item(alices, "sent", confession.pk)["unread"] is False  # her own reply

    bobs.post(f"/api/v1/confessions/{confession.pk}/replies", {"body": "oh!"})
    assert item(bobs, "inbox", confession.pk)["unread"] is False  # replying is reading
    sent = item(alices, "sent", confession.pk)
    assert sent["unread"] is True
    assert sent["reply_count"] == 2
    alices.post(f"/api/v1/confessions/{confession.pk}/read")
    assert item(alices, "sent", confession.pk)["unread"] is False


def test_a_reply_held_for_review_counts_for_its_author_only(alice, bob):
    BannedPhrase.objects.create(phrase="meet me", action="review")
    confession = services.confession_send(sender=alice, recipient_username="bob", body="hi")
    services.reply_create(user=alice, confession_id=confession.pk, body="meet me tonight")
    assert item(client_of(alice), "sent", confession.pk)["reply_count"] == 1
    received = item(client_of(bob), "inbox", confession.pk)
    assert received["reply_count"] == 0
    assert received["last_activity_at"] == iso(minute(confession.delivered_at))


def test_counts_never_tell_a_recipient_that_an_anonymous_sender_is_someone_they_blocked(alice, bob):
    confession = services.confession_send(
        sender=alice, recipient_username="bob", body="guess", anonymous=True
    )
    services.reply_create(user=alice, confession_id=confession.pk, body="it's me")
    account_services.block_create(blocker=bob, username="alice")  # by name, not knowing
    # The same count as for anyone else's anonymous confession: the thread shows the reply.
    assert item(client_of(bob), "inbox", confession.pk)["reply_count"] == 1


def test_a_sender_who_blocked_the_recipient_by_name_counts_none_of_their_replies(alice, bob):
    confession = services.confession_send(sender=alice, recipient_username="bob", body="hi")
    services.reply_create(user=bob, confession_id=confession.pk, body="hello")
    assert item(client_of(alice), "sent", confession.pk)["reply_count"] == 1
    account_services.block_create(blocker=alice, username="bob")
    sent = item(client_of(alice), "sent", confession.pk)
    assert sent["reply_count"] == 0
    assert sent["unread"] is False


def test_a_share_link_is_not_unread_to_its_sender(alice):
    confession = services.confession_send(sender=alice, body="for whoever")
    [sent] = client_of(alice).get("/api/v1/confessions/sent").json()["results"]
    assert sent["id"] == confession.pk
    assert sent["unread"] is False
    assert sent["reply_count"] == 0

"""GET /me/counts (badges in one request) and GET /matches (who, and on which confessions)."""

from __future__ import annotations

import pytest

from accounts import services as account_services
from messages_app import services
from tests.factories import client_of

pytestmark = pytest.mark.django_db


def counts(user) -> dict:
    response = client_of(user).get("/api/v1/me/counts")
    assert response.status_code == 200, response.content
    return response.json()


def test_counts_follow_what_the_lists_say(alice, bob):
    assert counts(bob) == {"inbox_unread": 0, "sent_unread": 0, "notifications_unread": 0}
    first = services.confession_send(sender=alice, recipient_username="bob", body="one")
    services.confession_send(sender=alice, recipient_username="bob", body="two")
    assert counts(bob) == {"inbox_unread": 2, "sent_unread": 0, "notifications_unread": 2}
    client_of(bob).post(f"/api/v1/confessions/{first.pk}/read")
    client_of(bob).post(f"/api/v1/confessions/{first.pk}/replies", {"body": "hi"})
    assert counts(bob)["inbox_unread"] == 1
    assert counts(alice)["sent_unread"] == 1
    inbox = client_of(bob).get("/api/v1/confessions/inbox").json()["results"]
    assert counts(bob)["inbox_unread"] == sum(item["unread"] for item in inbox)


def test_counts_need_a_token(api_client):
    assert api_client.get("/api/v1/me/counts").status_code == 401
    assert api_client.get("/api/v1/matches").status_code == 401


def test_matches_name_the_person_and_the_confessions_between(alice, bob, carol):
    to_bob = services.confession_send(
        sender=alice, recipient_username="bob", body="you?", anonymous=True
    )
    assert client_of(alice).get("/api/v1/matches").json()["results"] == []
    assert client_of(bob).get("/api/v1/matches").json()["results"] == []  # no reveal yet
    to_alice = services.confession_send(sender=bob, recipient_username="alice", body="you!")
    services.confession_send(sender=carol, recipient_username="alice", body="me too")
    [match] = client_of(alice).get("/api/v1/matches").json()["results"]
    assert match["with"]["username"] == "bob"
    assert match["sent"] == [to_bob.pk]
    assert match["received"] == [to_alice.pk]
    assert match["matched_at"]
    [theirs] = client_of(bob).get("/api/v1/matches").json()["results"]
    assert theirs["with"]["username"] == "alice"
    assert (theirs["sent"], theirs["received"]) == ([to_alice.pk], [to_bob.pk])
    assert client_of(carol).get("/api/v1/matches").json()["results"] == []


def test_a_retracted_confession_and_a_blocked_person_leave_the_list(alice, bob):
    to_bob = services.confession_send(sender=alice, recipient_username="bob", body="a")
    services.confession_send(sender=alice, recipient_username="bob", body="b")
    services.confession_send(sender=bob, recipient_username="alice", body="c")
    client_of(alice).delete(f"/api/v1/confessions/{to_bob.pk}")
    [match] = client_of(alice).get("/api/v1/matches").json()["results"]
    assert to_bob.pk not in match["sent"]
    assert len(match["sent"]) == 1
    account_services.block_create(blocker=alice, username="bob")
    assert client_of(alice).get("/api/v1/matches").json()["results"] == []

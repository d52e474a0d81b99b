"""Blocks: the API, the delivery rule `can_reach`, and anonymous blocks that never reveal who."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts import selectors, services
from accounts.models import Block

pytestmark = pytest.mark.django_db


def test_block_and_unblock_by_username(alice_client, alice, bob):
    response = alice_client.post("/api/v1/blocks", {"username": "BOB"})
    assert response.status_code == 201
    body = response.json()
    assert (body["username"], body["anonymous"]) == ("bob", False)
    assert not selectors.can_reach(author=bob, recipient=alice)
    # Either way: alice's own messages do not reach the person she blocks either.
    assert not selectors.can_reach(author=alice, recipient=bob)

    again = alice_client.post("/api/v1/blocks", {"username": "bob"})
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    assert Block.objects.count() == 1

    listing = alice_client.get("/api/v1/blocks").json()
    assert [block["username"] for block in listing["results"]] == ["bob"]
    assert listing["next"] is None

    assert alice_client.delete(f"/api/v1/blocks/{body['id']}").status_code == 204
    assert selectors.can_reach(author=bob, recipient=alice)


def test_block_errors(alice_client):
    unknown = alice_client.post("/api/v1/blocks", {"username": "nobody"})
    assert unknown.status_code == 400
    assert "username" in unknown.json()["error"]["fields"]
    self_block = alice_client.post("/api/v1/blocks", {"username": "alice"})
    assert self_block.status_code == 400
    assert not Block.objects.exists()


def test_someone_elses_block_is_404_and_untouched(alice_client, bob, django_user_model):
    carol = django_user_model.objects.create_user(username="carol", password="x-pass-2026!")
    block, _ = services.block_create(blocker=bob, username="carol")
    response = alice_client.delete(f"/api/v1/blocks/{block.pk}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert Block.objects.filter(pk=block.pk).exists()
    assert alice_client.get("/api/v1/blocks").json()["results"] == []
    assert not selectors.can_reach(author=carol, recipient=bob)


def test_anonymous_block_never_shows_who(alice_client, alice, bob):
    services.block_create_anonymous(blocker=alice, blocked=bob)
    assert not selectors.can_reach(author=bob, recipient=alice)
    [listed] = alice_client.get("/api/v1/blocks").json()["results"]
    assert listed["anonymous"] is True
    assert listed["username"] is None
    assert listed["display_name"] is None
    assert "bob" not in str(listed)


def test_named_block_beside_an_anonymous_one_reveals_nothing(alice_client, alice, bob):
    anonymous = services.block_create_anonymous(blocker=alice, blocked=bob)
    # Blocking bob by name is a new, separate row: the anonymous one does not turn into "bob".
    named = alice_client.post("/api/v1/blocks", {"username": "bob"})
    assert named.status_code == 201
    assert named.json()["id"] != anonymous.pk
    assert alice_client.delete(f"/api/v1/blocks/{named.json()['id']}").status_code == 204
    # Unblocking by name leaves the anonymous block (and so the blocking) in place.
    assert not selectors.can_reach(author=bob, recipient=alice)
    [listed] = alice_client.get("/api/v1/blocks").json()["results"]
    assert listed["anonymous"] is True


def test_each_anonymous_block_is_its_own_row(alice, bob):
    # One per confession it was made from: reusing a row would show the blocker, in the
    # length of the list, that two anonymous confessions came from one person.
    first = services.block_create_anonymous(blocker=alice, blocked=bob)
    second = services.block_create_anonymous(blocker=alice, blocked=bob)
    assert first.pk != second.pk


def test_a_banned_or_inactive_account_reaches_nobody_and_is_reached_by_nobody(alice, bob):
    assert selectors.can_reach(author=alice, recipient=bob)
    services.user_ban(user=bob)
    assert not selectors.can_reach(author=alice, recipient=bob)
    assert not selectors.can_reach(author=bob, recipient=alice)


def test_anonymous_self_block_is_refused(alice):
    with pytest.raises(ValidationError):
        services.block_create_anonymous(blocker=alice, blocked=alice)


def test_blocks_list_is_paginated(alice_client, alice, django_user_model):
    for index in range(25):
        django_user_model.objects.create_user(username=f"user{index}")
        services.block_create(blocker=alice, username=f"user{index}")
    first = alice_client.get("/api/v1/blocks").json()
    assert len(first["results"]) == 20
    assert [b["username"] for b in first["results"][:2]] == ["user24", "user23"]
    second = alice_client.get(first["next"]).json()
    assert len(second["results"]) == 5
    assert second["next"] is None

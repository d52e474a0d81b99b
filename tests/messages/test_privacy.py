"""The privacy holes of issue 10, each tried the way a curious recipient or a moderator would.

1. A block must not act as an oracle: blocking candidates one by one (or blocking from an
   anonymous confession) must not change what the recipient sees of a confession whose sender
   they cannot see.
2. A moderator must not be able to narrow any admin list to one person's confessions.
3. Whether something reaches its recipient is decided at the moment of delivery, not earlier.
"""

from __future__ import annotations

import json

import pytest

from accounts import services as account_services
from accounts.models import Block
from messages_app import services
from messages_app.models import Confession, Reply
from realtime.models import Notification
from tests.factories import client_of, make_media, without_urls
from tests.messages.reads import inbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(django_user_model):
    """alice (the secret sender), bob (the curious recipient) and two other candidates."""
    return {
        name: django_user_model.objects.create_user(username=name, display_name=name.title())
        for name in ("alice", "bob", "carol", "dave")
    }


def what_bob_sees(bob_client, confession_ids) -> str:
    """Everything bob can read about these confessions, minus fields that are fresh on every
    request (signed URLs)."""
    views = {
        "inbox": bob_client.get("/api/v1/confessions/inbox").json(),
        **{
            f"detail {pk}": bob_client.get(f"/api/v1/confessions/{pk}").json()
            for pk in confession_ids
        },
        **{
            f"replies {pk}": bob_client.get(f"/api/v1/confessions/{pk}/replies").json()
            for pk in confession_ids
        },
    }
    return json.dumps(without_urls(views), sort_keys=True, default=str)


# --- 1. the block oracle -----------------------------------------------------------------------


def test_blocking_candidates_one_by_one_changes_nothing_bob_sees(people):
    alice, bob = people["alice"], people["bob"]
    bob_client = client_of(bob)
    secret = services.confession_send(
        sender=alice, recipient_username="bob", body="guess who", anonymous=True,
        media_ids=[make_media(alice).pk],
    )  # fmt: skip
    services.reply_create(user=alice, confession_id=secret.pk, body="a hint")
    services.reply_create(user=bob, confession_id=secret.pk, body="who are you?")
    before = what_bob_sees(bob_client, [secret.pk])
    assert "guess who" in before
    assert "a hint" in before

    for name in ("carol", "dave", "alice"):
        created = bob_client.post("/api/v1/blocks", {"username": name})
        assert created.status_code == 201
        assert what_bob_sees(bob_client, [secret.pk]) == before, f"blocking {name} showed"
    for block in Block.objects.filter(blocker=bob):
        assert bob_client.delete(f"/api/v1/blocks/{block.pk}").status_code == 204
        assert what_bob_sees(bob_client, [secret.pk]) == before


def test_blocking_from_an_anonymous_confession_hides_only_that_one(people):
    alice, bob = people["alice"], people["bob"]
    bob_client = client_of(bob)
    named = services.confession_send(sender=alice, recipient_username="bob", body="it's me")
    secret = services.confession_send(
        sender=alice, recipient_username="bob", body="guess", anonymous=True
    )
    services.reply_create(user=alice, confession_id=named.pk, body="named reply")

    response = bob_client.post(f"/api/v1/confessions/{secret.pk}/block-sender")
    assert response.status_code == 204

    inbox = [item["id"] for item in bob_client.get("/api/v1/confessions/inbox").json()["results"]]
    assert inbox == [named.pk]  # the named one stays: nothing links the two
    assert bob_client.get(f"/api/v1/confessions/{secret.pk}").status_code == 404
    replies = bob_client.get(f"/api/v1/confessions/{named.pk}/replies").json()["results"]
    assert [reply["body"] for reply in replies] == ["named reply"]


def test_anonymous_blocks_do_not_tell_whether_two_confessions_share_a_sender(people):
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    bob_client = client_of(bob)
    first = services.confession_send(sender=alice, recipient_username="bob", body="1",
                                     anonymous=True)  # fmt: skip
    same = services.confession_send(sender=alice, recipient_username="bob", body="2",
                                    anonymous=True)  # fmt: skip
    other = services.confession_send(sender=carol, recipient_username="bob", body="3",
                                     anonymous=True)  # fmt: skip

    counts = []
    for confession in (first, same, other):
        assert (
            bob_client.post(f"/api/v1/confessions/{confession.pk}/block-sender").status_code == 204
        )
        counts.append(len(bob_client.get("/api/v1/blocks").json()["results"]))
    # One more listed block per confession blocked, whoever sent it.
    assert counts == [1, 2, 3]
    assert all(
        item["username"] is None for item in bob_client.get("/api/v1/blocks").json()["results"]
    )
    # Blocking from the same confession twice is harmless.
    assert bob_client.post(f"/api/v1/confessions/{first.pk}/block-sender").status_code == 204
    assert len(bob_client.get("/api/v1/blocks").json()["results"]) == 3


def test_unblocking_an_anonymous_block_brings_its_confession_back(people):
    alice, bob = people["alice"], people["bob"]
    bob_client = client_of(bob)
    secret = services.confession_send(sender=alice, recipient_username="bob", body="guess",
                                      anonymous=True)  # fmt: skip
    bob_client.post(f"/api/v1/confessions/{secret.pk}/block-sender")
    [block] = bob_client.get("/api/v1/blocks").json()["results"]
    assert bob_client.delete(f"/api/v1/blocks/{block['id']}").status_code == 204
    assert bob_client.get(f"/api/v1/confessions/{secret.pk}").status_code == 200


def test_a_named_block_still_hides_named_and_matched_senders(people):
    alice, bob = people["alice"], people["bob"]
    bob_client = client_of(bob)
    named = services.confession_send(sender=alice, recipient_username="bob", body="it's me")
    secret = services.confession_send(sender=alice, recipient_username="bob", body="guess",
                                      anonymous=True)  # fmt: skip
    services.confession_send(sender=bob, recipient_username="alice", body="me too")  # a match
    assert (
        bob_client.get(f"/api/v1/confessions/{secret.pk}").json()["sender"]["username"] == "alice"
    )

    bob_client.post("/api/v1/blocks", {"username": "alice"})
    assert bob_client.get("/api/v1/confessions/inbox").json()["results"] == []
    for confession in (named, secret):
        assert bob_client.get(f"/api/v1/confessions/{confession.pk}").status_code == 404


def test_claiming_an_anonymous_link_does_not_depend_on_the_claimers_blocks(people):
    alice, bob = people["alice"], people["bob"]
    bob_client = client_of(bob)
    bob_client.post("/api/v1/blocks", {"username": "alice"})
    link = services.confession_send(sender=alice, body="open me", anonymous=True)

    claimed = bob_client.post(f"/api/v1/confessions/shared/{link.share_token}/claim")
    assert claimed.status_code == 200, claimed.content
    assert claimed.json()["sender"] is None
    assert bob_client.get(f"/api/v1/confessions/{link.pk}").status_code == 200


def test_a_named_link_from_someone_i_block_by_name_stays_closed(people):
    alice, bob = people["alice"], people["bob"]
    bob_client = client_of(bob)
    bob_client.post("/api/v1/blocks", {"username": "alice"})
    link = services.confession_send(sender=alice, body="open me")
    assert (
        bob_client.post(f"/api/v1/confessions/shared/{link.share_token}/claim").status_code == 404
    )


def test_blocks_stop_future_deliveries_silently(people):
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    bob_client = client_of(bob)
    secret = services.confession_send(sender=alice, recipient_username="bob", body="guess",
                                      anonymous=True)  # fmt: skip
    bob_client.post(f"/api/v1/confessions/{secret.pk}/block-sender")  # anonymous block
    bob_client.post("/api/v1/blocks", {"username": "carol"})  # named block
    seen = Notification.objects.filter(recipient=bob).count()

    later = [
        services.confession_send(sender=alice, recipient_username="bob", body="named now"),
        services.confession_send(sender=carol, recipient_username="bob", body="anon",
                                 anonymous=True),
    ]  # fmt: skip
    assert bob_client.get("/api/v1/confessions/inbox").json()["results"] == []
    assert Notification.objects.filter(recipient=bob).count() == seen
    for confession in later:  # the senders see an ordinary send
        sent = client_of(confession.sender).get(f"/api/v1/confessions/{confession.pk}").json()
        assert sent["status"] == "approved"


def test_replies_after_a_block_reach_nobody_but_earlier_ones_stay(people):
    alice, bob = people["alice"], people["bob"]
    bob_client = client_of(bob)
    secret = services.confession_send(sender=alice, recipient_username="bob", body="guess",
                                      anonymous=True)  # fmt: skip
    services.reply_create(user=alice, confession_id=secret.pk, body="before")
    bob_client.post("/api/v1/blocks", {"username": "alice"})
    seen = Notification.objects.filter(recipient=bob).count()
    services.reply_create(user=alice, confession_id=secret.pk, body="after")

    bodies = [r["body"] for r in bob_client.get(f"/api/v1/confessions/{secret.pk}/replies")
              .json()["results"]]  # fmt: skip
    assert bodies == ["before"]
    assert Notification.objects.filter(recipient=bob).count() == seen
    # Alice sees her own reply as sent.
    mine = client_of(alice).get(f"/api/v1/confessions/{secret.pk}/replies").json()["results"]
    assert [r["body"] for r in mine] == ["before", "after"]


def test_a_sender_who_blocks_the_recipient_stops_seeing_their_replies(people):
    alice, bob = people["alice"], people["bob"]
    confession = services.confession_send(sender=alice, recipient_username="bob", body="hi",
                                          anonymous=True)  # fmt: skip
    services.reply_create(user=bob, confession_id=confession.pk, body="hello")
    account_services.block_create(blocker=alice, username="bob")
    replies = client_of(alice).get(f"/api/v1/confessions/{confession.pk}/replies").json()
    assert replies["results"] == []


# --- 3. delivery decided at the moment of delivery -------------------------------------------


@pytest.fixture
def review_everything(settings):
    settings.MODERATION_CHECKERS = ["tests.messages.checkers.ReviewEverything"]


def test_a_block_made_while_a_confession_waits_for_review_holds_at_approval(
    people, review_everything, moderator, settings
):
    alice, bob = people["alice"], people["bob"]
    held = services.confession_send(sender=alice, recipient_username="bob", body="named")
    assert held.status == Confession.Status.PENDING
    account_services.block_create(blocker=bob, username="alice")
    settings.MODERATION_CHECKERS = []

    services.confession_approve(moderator=moderator, confession_id=held.pk)

    assert not Notification.objects.filter(recipient=bob).exists()
    assert client_of(bob).get("/api/v1/confessions/inbox").json()["results"] == []
    held.refresh_from_db()
    assert held.suppressed
    assert held.delivered_at is None
    assert client_of(alice).get(f"/api/v1/confessions/{held.pk}").json()["status"] == "approved"


def test_an_anonymous_block_made_while_one_waits_holds_for_the_next_too(
    people, moderator, settings
):
    alice, bob = people["alice"], people["bob"]
    secret = services.confession_send(sender=alice, recipient_username="bob", body="guess",
                                      anonymous=True)  # fmt: skip
    settings.MODERATION_CHECKERS = ["tests.messages.checkers.ReviewEverything"]
    held = services.confession_send(sender=alice, recipient_username="bob", body="named")
    services.confession_block_sender(user=bob, confession_id=secret.pk)
    services.confession_approve(moderator=moderator, confession_id=held.pk)
    assert not Notification.objects.filter(recipient=bob, data__confession_id=held.pk).exists()


def test_a_sender_banned_while_waiting_is_not_delivered(people, review_everything, moderator):
    alice, bob = people["alice"], people["bob"]
    held = services.confession_send(sender=alice, recipient_username="bob", body="hello")
    account_services.user_ban(user=alice)
    services.confession_approve(moderator=moderator, confession_id=held.pk)
    assert not Notification.objects.filter(recipient=bob).exists()


def test_a_reply_held_for_review_then_blocked_reaches_nobody(people, moderator, settings):
    alice, bob = people["alice"], people["bob"]
    confession = services.confession_send(sender=alice, recipient_username="bob", body="named")
    settings.MODERATION_CHECKERS = ["tests.messages.checkers.ReviewEverything"]
    _, reply = services.reply_create(user=alice, confession_id=confession.pk, body="held")
    account_services.block_create(blocker=bob, username="alice")
    seen = Notification.objects.filter(recipient=bob).count()

    services.reply_approve(moderator=moderator, reply_id=reply.pk)

    assert Notification.objects.filter(recipient=bob).count() == seen
    reply.refresh_from_db()
    assert reply.status == Reply.Status.APPROVED
    assert reply.suppressed


# --- the rule and its query form agree --------------------------------------------------------


@pytest.mark.parametrize("anonymous", [False, True])
@pytest.mark.parametrize("matched", [False, True])
@pytest.mark.parametrize("block", [None, "named", "anonymous-elsewhere"])
def test_a_block_hides_a_delivered_confession_exactly_when_its_sender_is_visible(
    people, anonymous, matched, block
):
    from messages_app import selectors

    alice, bob = people["alice"], people["bob"]
    if matched:
        services.confession_send(sender=bob, recipient_username="alice", body="first")
    confession = services.confession_send(sender=alice, recipient_username="bob", body="x",
                                          anonymous=anonymous)  # fmt: skip
    visible = selectors.viewing_of(confession, viewer=bob).sender_visible
    assert visible == (not anonymous or matched)
    if block == "named":
        account_services.block_create(blocker=bob, username="alice")
    elif block == "anonymous-elsewhere":
        # An anonymous block on alice made from some other confession hides only that one.
        account_services.block_create_anonymous(blocker=bob, blocked=alice)

    shown = [pk for pk in inbox(bob) if pk == confession.pk]
    hidden = block == "named" and visible
    assert shown == ([] if hidden else [confession.pk])

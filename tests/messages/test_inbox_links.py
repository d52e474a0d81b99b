"""Personal inbox links (messages_app.services.inbox_links): a link anyone may write through,
signed in or out; the message arrives as an anonymous confession marked as from the link, its
writer unknown to the owner in every payload; filter words drop a message silently; the owner
replies (reaching a signed-in writer only) and blocks without learning who."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.models import User
from messages_app.models import Confession, LinkSender
from realtime.models import Notification
from tests.factories import client_of

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()


@pytest.fixture
def link(alice) -> str:
    answer = client_of(alice).put(
        "/api/v1/me/inbox-link",
        {"enabled": True, "prompt": "Ask me anything", "filter_words": ["spoiler"]},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    return answer.json()["handle"]


def write(handle: str, body: str, *, client=None, address: str = ADDRESS):
    client = client or APIClient()
    return client.post(
        f"/api/v1/inbox-links/{handle}/messages", {"body": body}, format="json",
        REMOTE_ADDR=address,
    )  # fmt: skip


def inbox(user) -> list[dict]:
    return client_of(user).get("/api/v1/confessions/inbox").json()["results"]


def test_the_owner_makes_a_link_with_a_handle_that_stays(alice):
    owner = client_of(alice)
    before = owner.get("/api/v1/me/inbox-link").json()
    assert (before["enabled"], before["handle"], before["url"]) == (False, None, None)
    made = owner.put("/api/v1/me/inbox-link", {"enabled": True}, format="json").json()
    assert made["url"].endswith(f"/u/{made['handle']}")
    again = owner.put("/api/v1/me/inbox-link", {"prompt": "hi"}, format="json").json()
    assert (again["handle"], again["enabled"], again["prompt"]) == (made["handle"], True, "hi")


def test_the_card_is_public_while_the_link_is_on(alice, link):
    card = APIClient().get(f"/api/v1/inbox-links/{link}")
    assert card.status_code == 200
    assert card.json() == {"handle": link, "display_name": "alice", "avatar_url": None,
                           "prompt": "Ask me anything", "paused": False}  # fmt: skip
    client_of(alice).put("/api/v1/me/inbox-link", {"enabled": False}, format="json")
    for handle in (link, "nosuchlinkhere"):
        gone = APIClient().get(f"/api/v1/inbox-links/{handle}")
        assert (gone.status_code, gone.json()["error"]["code"]) == (404, "not_found")
        assert write(handle, "hello?").status_code == 404


def test_a_signed_out_message_arrives_with_no_writer_anywhere(alice, link):
    answer = write(link, "You were great in the play")
    assert (answer.status_code, answer.json()) == (201, {"sent": True})
    [received] = inbox(alice)
    assert received["body"] == "You were great in the play"
    assert (received["anonymous"], received["from_link"], received["sender"]) == (True, True, None)
    told = client_of(alice).get("/api/v1/notifications").json()["results"]
    assert [n["type"] for n in told] == ["confession.received"]
    assert told[0]["data"]["sender"] is None
    stand_in = Confession.objects.get().sender
    text = repr(received) + repr(told)
    for needle in (stand_in.username, ADDRESS, "203.0.113"):
        assert needle not in text
    # What is kept: a keyed hash of the address, never the address.
    kept = LinkSender.objects.get()
    assert kept.address_hash != ADDRESS
    assert ADDRESS not in repr(list(LinkSender.objects.values()))


def test_the_same_address_writes_as_one_stand_in_and_nobody_may_name_it(alice, bob, link):
    write(link, "one")
    write(link, "two")
    write(link, "from elsewhere", address="198.51.100.9")
    assert LinkSender.objects.count() == 2
    stand_in = Confession.objects.filter(body="one").get().sender
    assert Confession.objects.filter(sender=stand_in).count() == 2
    refused = client_of(bob).post(
        "/api/v1/confessions", {"recipient": stand_in.username, "body": "hi"}
    )
    assert refused.status_code == 400
    assert not stand_in.has_usable_password()


def test_a_filtered_message_is_dropped_without_a_word(alice, link):
    answer = write(link, "SPOILER: the ending")
    assert (answer.status_code, answer.json()) == (201, {"sent": True})
    assert Confession.objects.count() == 0
    assert Notification.objects.count() == 0


def test_a_signed_in_writer_stays_unknown_and_gets_the_reply(alice, bob, link):
    assert write(link, "It's me, guess", client=client_of(bob)).status_code == 201
    [received] = inbox(alice)
    assert received["sender"] is None
    assert "bob" not in repr(received)
    replied = client_of(alice).post(
        f"/api/v1/confessions/{received['id']}/replies", {"body": "who?"}
    )
    assert replied.status_code == 201
    assert Notification.objects.filter(recipient=bob, type="confession.replied").count() == 1


def test_the_owner_blocks_whoever_sent_it_without_learning_who(alice, link):
    write(link, "first")
    [received] = inbox(alice)
    owner = client_of(alice)
    assert owner.post(f"/api/v1/confessions/{received['id']}/block-sender").status_code == 204
    assert write(link, "again, same address").status_code == 201  # told nothing
    assert write(link, "someone else", address="198.51.100.9").status_code == 201
    assert [c["body"] for c in inbox(alice)] == ["someone else"]


def test_a_paused_link_shows_its_card_but_takes_nothing(alice, link):
    client_of(alice).put("/api/v1/me/inbox-link", {"paused": True}, format="json")
    assert APIClient().get(f"/api/v1/inbox-links/{link}").json()["paused"] is True
    refused = write(link, "hello")
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "link_paused")


def test_the_owner_cannot_write_to_their_own_link(alice, link):
    refused = write(link, "me to me", client=client_of(alice))
    assert (refused.status_code, refused.json()["error"]["code"]) == (400, "validation_error")


@pytest.mark.parametrize("body", [{"body": ""}, {"body": "x" * 1001}, {}, {"body": 5}], ids=str)
def test_bad_messages_are_refused_and_change_nothing(link, body):
    answer = APIClient().post(
        f"/api/v1/inbox-links/{link}/messages", body, format="json", REMOTE_ADDR=ADDRESS
    )
    assert (answer.status_code, answer.json()["error"]["code"]) == (400, "validation_error")
    assert Confession.objects.count() == 0
    assert User.objects.filter(username__startswith="~").count() == 0


def test_messages_are_throttled_per_writer(link, settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "inbox_link_writer": "2/hour"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    assert write(link, "1").status_code == 201
    assert write(link, "2").status_code == 201
    third = write(link, "3")
    assert (third.status_code, third.json()["error"]["code"]) == (429, "throttled")
    assert int(third["Retry-After"]) > 0
    assert write(link, "another writer", address="198.51.100.9").status_code == 201


def test_bad_link_settings_are_refused_and_change_nothing(alice, link):
    owner = client_of(alice)
    for body in ({"prompt": "x" * 101}, {"filter_words": ["!!!"]}, {"enabled": "perhaps"},
                 {"filter_words": [f"w{i}" for i in range(51)]}):  # fmt: skip
        answer = owner.put("/api/v1/me/inbox-link", body, format="json")
        assert answer.status_code == 400, body
    kept = owner.get("/api/v1/me/inbox-link").json()
    assert (kept["prompt"], kept["filter_words"]) == ("Ask me anything", ["spoiler"])


def test_the_owners_door_is_signed_in(client):
    assert client.get("/api/v1/me/inbox-link").status_code == 401
    assert client.put("/api/v1/me/inbox-link", {}, format="json").status_code == 401

"""Hints and reveal (messages_app.services.hints): the sender of an anonymous confession gives
up to three hints and may choose, for good, to be known. Nobody else may; the recipient is told
only where the confession reaches them; an unclaimed share link takes neither."""

from __future__ import annotations

import pytest

from accounts import services as account_services
from messages_app import services
from messages_app.models import Hint
from messages_app.services import hints as hint_rules
from moderation.models import BannedPhrase
from realtime.models import Notification
from tests.factories import client_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def confession(alice, bob):
    return services.confession_send(
        sender=alice, recipient_username="bob", body="I like you", anonymous=True
    )


def hint(client, confession_id: int, text: str):
    return client.post(f"/api/v1/confessions/{confession_id}/hints", {"text": text})


def told(user, type: str) -> list[dict]:
    return [n.data for n in Notification.objects.filter(recipient=user, type=type)]


def test_up_to_three_hints_reach_the_recipient_without_a_name(alice, bob, confession):
    alices, bobs = client_of(alice), client_of(bob)
    for text in ("same class", "I sit behind you", "red bike"):
        answer = hint(alices, confession.pk, text)
        assert answer.status_code == 201, answer.content
    fourth = hint(alices, confession.pk, "one more")
    assert fourth.status_code == 409
    assert fourth.json()["error"]["code"] == "hints_used"
    assert [h["text"] for h in told(bob, "confession.hinted")] == [
        "same class", "I sit behind you", "red bike",
    ]  # fmt: skip
    listed = bobs.get(f"/api/v1/confessions/{confession.pk}/hints").json()["results"]
    assert [h["text"] for h in listed] == ["same class", "I sit behind you", "red bike"]
    pushed = bobs.get("/api/v1/notifications").json()["results"]
    text = repr(pushed) + repr(listed)
    assert "alice" not in text
    assert all(n["data"].get("sender") is None for n in pushed)
    assert pushed[-1]["preview"] == "red bike"
    # Still anonymous to him.
    assert bobs.get(f"/api/v1/confessions/{confession.pk}").json()["sender"] is None


def test_only_the_anonymous_sender_hints_or_reveals(alice, bob, django_user_model, confession):
    stranger = client_of(django_user_model.objects.create_user(username="stranger"))
    for client, status in ((stranger, 404), (client_of(bob), 403)):
        assert hint(client, confession.pk, "me?").status_code == status
        assert client.post(f"/api/v1/confessions/{confession.pk}/reveal").status_code == status
    assert stranger.get(f"/api/v1/confessions/{confession.pk}/hints").status_code == 404
    named = services.confession_send(sender=alice, recipient_username="bob", body="hi")
    refused = hint(client_of(alice), named.pk, "it is me")
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "not_anonymous")
    assert not Hint.objects.exists()


def test_an_unclaimed_share_link_takes_neither(alice):
    link = services.confession_send(sender=alice, body="to whoever opens this", anonymous=True)
    alices = client_of(alice)
    for answer in (hint(alices, link.pk, "a hint"),
                   alices.post(f"/api/v1/confessions/{link.pk}/reveal")):  # fmt: skip
        assert (answer.status_code, answer.json()["error"]["code"]) == (409, "not_claimed")


def test_a_hint_goes_through_the_checker_chain(alice, confession):
    BannedPhrase.objects.create(phrase="badword", action="block")
    BannedPhrase.objects.create(phrase="maybe", action="review")
    for text in ("Ｂ.a-d word", "maybe me"):
        answer = hint(client_of(alice), confession.pk, text)
        assert answer.status_code == 400
        assert answer.json()["error"]["code"] == "content_rejected"
    assert not Hint.objects.exists()
    bad = hint(client_of(alice), confession.pk, "x" * 101)
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "validation_error")


def test_where_the_confession_does_not_reach_the_recipient_nothing_tells_them(alice, bob):
    account_services.block_create(blocker=bob, username="alice")
    suppressed = services.confession_send(
        sender=alice, recipient_username="bob", body="psst", anonymous=True
    )
    alices = client_of(alice)
    assert hint(alices, suppressed.pk, "you know me").status_code == 201  # as any other
    assert alices.post(f"/api/v1/confessions/{suppressed.pk}/reveal").status_code == 200
    assert Notification.objects.filter(recipient=bob).count() == 0


def test_hints_are_limited_per_hour(alice, confession, monkeypatch):
    monkeypatch.setattr(hint_rules, "HINTS_PER_HOUR", 2)
    alices = client_of(alice)
    assert hint(alices, confession.pk, "one").status_code == 201
    assert hint(alices, confession.pk, "two").status_code == 201
    third = hint(alices, confession.pk, "three")
    assert (third.status_code, third.json()["error"]["code"]) == (429, "throttled")
    assert int(third["Retry-After"]) > 0


def test_a_reveal_names_the_sender_to_the_recipient_for_good(alice, bob, confession):
    alices, bobs = client_of(alice), client_of(bob)
    revealed = alices.post(f"/api/v1/confessions/{confession.pk}/reveal")
    assert revealed.status_code == 200, revealed.content
    assert revealed.json()["anonymous"] is False
    [event] = told(bob, "confession.revealed")
    assert event == {"confession_id": confession.pk, "sender": {"username": "alice",
                                                               "display_name": ""}}  # fmt: skip
    seen = bobs.get(f"/api/v1/confessions/{confession.pk}").json()
    assert seen["sender"]["username"] == "alice"
    inbox = bobs.get("/api/v1/confessions/inbox").json()["results"]
    assert inbox[0]["sender"]["username"] == "alice"
    again = alices.post(f"/api/v1/confessions/{confession.pk}/reveal")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "not_anonymous")
    after = hint(alices, confession.pk, "too late")
    assert after.status_code == 409

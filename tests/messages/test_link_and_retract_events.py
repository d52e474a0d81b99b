"""confession.retracted tells an open inbox; confession.claimed tells a link's sender who
claimed it; a link that is gone says why (410), not "no such link"."""

from __future__ import annotations

import pytest

from accounts import services as account_services
from messages_app import services
from realtime.models import Notification
from tests.factories import client_of

pytestmark = pytest.mark.django_db


def told(user, event_type: str) -> list[dict]:
    return list(
        Notification.objects.filter(recipient=user, type=event_type).values_list("data", flat=True)
    )


def test_retracting_tells_the_recipient_whose_inbox_holds_it(alice, bob):
    confession = services.confession_send(
        sender=alice, recipient_username="bob", body="oops", anonymous=True
    )
    assert client_of(alice).delete(f"/api/v1/confessions/{confession.pk}").status_code == 204
    assert told(bob, "confession.retracted") == [{"confession_id": confession.pk}]
    assert client_of(bob).get(f"/api/v1/confessions/{confession.pk}").status_code == 404


def test_a_recipient_who_never_saw_it_is_told_nothing(alice, bob):
    removed = services.confession_send(sender=alice, recipient_username="bob", body="one")
    client_of(bob).delete(f"/api/v1/confessions/{removed.pk}")  # gone from bob's inbox
    client_of(alice).delete(f"/api/v1/confessions/{removed.pk}")
    account_services.block_create(blocker=bob, username="alice")
    blocked = services.confession_send(sender=alice, recipient_username="bob", body="two")
    client_of(alice).delete(f"/api/v1/confessions/{blocked.pk}")  # never delivered
    link = services.confession_send(sender=alice, body="three")
    client_of(alice).delete(f"/api/v1/confessions/{link.pk}")  # nobody to tell
    assert told(bob, "confession.retracted") == []


def test_removing_from_ones_own_inbox_tells_nobody(alice, bob):
    confession = services.confession_send(sender=alice, recipient_username="bob", body="hi")
    client_of(bob).delete(f"/api/v1/confessions/{confession.pk}")
    assert told(alice, "confession.retracted") == []
    assert told(bob, "confession.retracted") == []


def test_claiming_a_link_tells_its_sender_who(alice, bob):
    link = services.confession_send(sender=alice, body="for you", anonymous=True)
    client_of(bob).post(f"/api/v1/confessions/shared/{link.share_token}/claim")
    assert told(alice, "confession.claimed") == [
        {"confession_id": link.pk, "by": {"username": "bob", "display_name": ""}}
    ]
    # The claimer is not told anything about the sender by it.
    assert told(bob, "confession.claimed") == []
    # Claiming again (the winner) tells nobody twice.
    client_of(bob).post(f"/api/v1/confessions/shared/{link.share_token}/claim")
    assert len(told(alice, "confession.claimed")) == 1


def test_a_retracted_link_is_410_retracted_for_everyone(alice, bob, carol):
    link = services.confession_send(sender=alice, body="gone soon")
    client_of(bob).post(f"/api/v1/confessions/shared/{link.share_token}/claim")
    client_of(alice).delete(f"/api/v1/confessions/{link.pk}")
    for client in (client_of(bob), client_of(carol)):
        for response in (
            client.get(f"/api/v1/confessions/shared/{link.share_token}"),
            client.post(f"/api/v1/confessions/shared/{link.share_token}/claim"),
        ):
            assert response.status_code == 410
            assert response.json()["error"]["code"] == "retracted"


def test_an_unknown_or_unapproved_link_stays_404(alice, carol):
    from moderation.models import BannedPhrase

    BannedPhrase.objects.create(phrase="meet me", action="review")
    held = services.confession_send(sender=alice, body="meet me at noon")
    for token in ("no-such-token", held.share_token):
        response = client_of(carol).get(f"/api/v1/confessions/shared/{token}")
        assert response.status_code == 404

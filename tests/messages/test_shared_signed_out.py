"""A share link's card for someone signed out (the web client's `/s/<token>` landing page):
the same card any stranger holding the link sees, never its anonymous sender, and nothing
but the card; claiming still takes an account."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from messages_app import services
from tests.factories import client_of, make_media, without_urls

pytestmark = pytest.mark.django_db


@pytest.fixture
def sender(django_user_model):
    # A pk no counter in these tests reaches: a number equal to it can only be the sender's.
    return django_user_model.objects.create_user(
        pk=876_543, username="secret_sender", display_name="Hidden Name"
    )


def test_signed_out_sees_an_anonymous_link_without_its_sender(sender, alice):
    photo = make_media(sender)
    link = services.confession_send(sender=sender, body="guess who", anonymous=True,
                                    media_ids=[photo.pk])  # fmt: skip
    response = APIClient().get(f"/api/v1/confessions/shared/{link.share_token}")
    assert response.status_code == 200, response.content
    card = response.json()
    assert card["body"] == "guess who"
    assert card["anonymous"] is True
    assert card["sender"] is None
    assert len(card["media"]) == 1
    text = json.dumps(card)
    for secret in ("secret_sender", "Hidden Name", "876543"):
        assert secret not in text
    # ...exactly what a signed-in stranger sees of it.
    signed_in = client_of(alice).get(f"/api/v1/confessions/shared/{link.share_token}")
    assert without_urls(signed_in.json()) == without_urls(card)


def test_a_signed_link_shows_whom_its_sender_chose_to_show(sender):
    link = services.confession_send(sender=sender, body="it's me", anonymous=False)
    card = APIClient().get(f"/api/v1/confessions/shared/{link.share_token}").json()
    assert card["sender"]["username"] == "secret_sender"


def test_what_a_signed_out_visitor_is_told_of_a_link_that_does_not_open(sender, alice):
    claimed = services.confession_send(sender=sender, body="claimed", anonymous=True)
    services.confession_claim(user=alice, token=claimed.share_token)
    retracted = services.confession_send(sender=sender, body="taken back", anonymous=True)
    services.confession_delete(user=sender, confession_id=retracted.pk)
    client = APIClient()
    for token, status, code in [
        (claimed.share_token, 410, "already_claimed"),
        (retracted.share_token, 410, "retracted"),
        ("no-such-token", 404, "not_found"),
    ]:
        response = client.get(f"/api/v1/confessions/shared/{token}")
        assert (response.status_code, response.json()["error"]["code"]) == (status, code)
        assert "secret_sender" not in response.content.decode()


def test_claiming_still_takes_an_account(sender):
    link = services.confession_send(sender=sender, body="x", anonymous=True)
    response = APIClient().post(f"/api/v1/confessions/shared/{link.share_token}/claim")
    assert response.status_code == 401
    link.refresh_from_db()
    assert link.recipient_id is None


def test_signed_out_opening_is_throttled_per_address(sender, alice, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                                   "auth_ip": "2/min"},
    }  # fmt: skip
    link = services.confession_send(sender=sender, body="x", anonymous=True)
    path = f"/api/v1/confessions/shared/{link.share_token}"
    client = APIClient()
    assert [client.get(path).status_code for _ in range(3)] == [200, 200, 429]
    # A signed-in user is not counted.
    assert client_of(alice).get(path).status_code == 200


def test_signed_out_opening_is_limited_per_link_first(sender, settings):
    """A campus behind one address opens many links signed out (the default per-address rate
    is far above that); one link opened without end is limited, from any address."""
    links = [services.confession_send(sender=sender, body=f"x{i}").share_token for i in range(3)]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "shared_link": "40/min",
        },
    }
    client = APIClient()
    opened = [
        client.get(f"/api/v1/confessions/shared/{links[i % 3]}", REMOTE_ADDR="10.4.4.4").status_code
        for i in range(90)
    ]
    assert opened == [200] * 90
    one = [
        client.get(f"/api/v1/confessions/shared/{links[0]}", REMOTE_ADDR=f"10.5.5.{i}").status_code
        for i in range(11)
    ]
    assert one[:10] == [200] * 10
    assert one[10] == 429

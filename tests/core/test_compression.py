"""JSON over 1 KB is gzipped for clients that accept it; nothing else is."""

from __future__ import annotations

import gzip
import json

import pytest

from messages_app import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def big_inbox(alice, bob, settings):
    settings.CONFESSIONS_PER_HOUR = 100
    for index in range(10):
        services.confession_send(sender=alice, recipient_username="bob", body=f"{index} " * 100)


def test_a_large_json_page_is_gzipped_when_accepted(big_inbox, bob):
    from tests.factories import client_of

    client = client_of(bob)
    plain = client.get("/api/v1/confessions/inbox")
    assert "Content-Encoding" not in plain
    zipped = client.get("/api/v1/confessions/inbox", HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"]
    assert json.loads(gzip.decompress(zipped.content)) == plain.json()
    assert len(zipped.content) < len(plain.content) / 3


def test_small_answers_and_errors_stay_plain(alice_client):
    small = alice_client.get("/api/v1/me", HTTP_ACCEPT_ENCODING="gzip")
    assert small.status_code == 200
    assert "Content-Encoding" not in small
    missing = alice_client.get("/api/v1/confessions/999", HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in missing
    assert missing.json()["error"]["code"] == "not_found"

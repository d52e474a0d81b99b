"""Against probing: anonymous confessions open to at most ANONYMOUS_RECIPIENTS_LIMIT people at
once; a retracted one frees its place only after the cool-down."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.errors import ApplicationError
from messages_app import services
from messages_app.models import Confession
from tests.factories import client_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowd(django_user_model):
    return [django_user_model.objects.create_user(username=f"person{i}") for i in range(5)]


def confess(client, to: str, anonymous: bool = True):
    return client.post(
        "/api/v1/confessions", {"recipient": to, "body": "guess", "anonymous": anonymous}
    )


def test_the_fourth_person_is_refused_and_says_how_many(alice, crowd):
    alices = client_of(alice)
    for person in crowd[:3]:
        assert confess(alices, person.username).status_code == 201
    before = Confession.objects.count()
    refused = confess(alices, crowd[3].username)
    assert refused.status_code == 429
    error = refused.json()["error"]
    assert error["code"] == "anonymous_limit"
    assert "3 people" in error["message"]
    assert "7 days" in error["message"]
    assert Confession.objects.count() == before
    # More to someone already holding a place, and a signed one to anybody, still go; the
    # first at the cost of any anonymous send (the place it holds is read with the pair's
    # state), the places read in full only to say why one is refused.
    with CaptureQueriesContext(connection) as again:
        assert confess(alices, crowd[0].username).status_code == 201
    with CaptureQueriesContext(connection) as signed:
        assert confess(alices, crowd[3].username, anonymous=False).status_code == 201
    assert len(again) == len(signed)


def test_a_retracted_place_frees_after_the_cool_down(alice, crowd):
    alices = client_of(alice)
    sent = [confess(alices, person.username).json()["id"] for person in crowd[:3]]
    alices.delete(f"/api/v1/confessions/{sent[0]}")
    refused = confess(alices, crowd[3].username)
    assert refused.status_code == 429
    assert "A place frees at" in refused.json()["error"]["message"]
    assert 6 * 86400 < int(refused["Retry-After"]) <= 7 * 86400
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        assert confess(client_of(alice), crowd[3].username).status_code == 201  # a fresh token


def test_a_rejected_confession_holds_no_place(alice, crowd):
    alices = client_of(alice)
    sent = [confess(alices, person.username).json()["id"] for person in crowd[:3]]
    Confession.objects.filter(pk=sent[1]).update(status=Confession.Status.REJECTED)
    assert confess(alices, crowd[3].username).status_code == 201


def test_a_claimed_anonymous_link_holds_a_place(alice, crowd, settings):
    settings.ANONYMOUS_RECIPIENTS_LIMIT = 1
    link = services.confession_send(sender=alice, body="whoever", anonymous=True)
    services.confession_claim(user=crowd[0], token=link.share_token)
    with pytest.raises(ApplicationError) as refused:
        services.confession_send(
            sender=alice, recipient_username=crowd[1].username, body="hi", anonymous=True
        )
    assert refused.value.code == "anonymous_limit"
    assert "1 people" in refused.value.message or "(1)" in refused.value.message


def test_the_limit_is_per_sender(alice, bob, crowd, settings):
    settings.ANONYMOUS_RECIPIENTS_LIMIT = 1
    assert confess(client_of(alice), crowd[0].username).status_code == 201
    assert confess(client_of(bob), crowd[1].username).status_code == 201


def link(client, anonymous: bool = True):
    return client.post("/api/v1/confessions", {"body": "whoever", "anonymous": anonymous})


def test_an_open_anonymous_link_holds_a_place_until_claimed_or_retracted(alice, crowd):
    """A link is open to whoever claims it: three anonymous confessions open and a fourth sent
    as a link and claimed made four people. Each unclaimed link now holds a place of its own."""
    alices = client_of(alice)
    for person in crowd[:2]:
        assert confess(alices, person.username).status_code == 201
    token = link(alices).json()["share_token"]
    before = Confession.objects.count()
    refused = link(alices)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "anonymous_limit"
    assert "share link" in refused.json()["error"]["message"]
    assert confess(alices, crowd[3].username).status_code == 429
    assert Confession.objects.count() == before
    # Signed links and anonymous ones to people already holding a place still go.
    assert link(alices, anonymous=False).status_code == 201
    assert confess(alices, crowd[0].username).status_code == 201
    # Claimed by someone who holds a place already, the link's place is free again.
    services.confession_claim(user=crowd[0], token=token)
    assert link(alices).status_code == 201


def test_the_limit_holds_however_links_are_claimed(alice, crowd):
    """Whatever mix of links and addressed confessions, at most the limit of people ever
    receive one of a sender's anonymous confessions at once."""
    alices = client_of(alice)
    tokens = [link(alices).json()["share_token"] for _ in range(3)]
    assert link(alices).status_code == 429
    assert confess(alices, crowd[4].username).status_code == 429
    for person, token in zip(crowd, tokens, strict=False):
        services.confession_claim(user=person, token=token)
    assert confess(alices, crowd[3].username).status_code == 429
    reached = set(
        Confession.objects.filter(
            sender=alice, anonymous=True, recipient__isnull=False
        ).values_list("recipient_id", flat=True)
    )
    assert len(reached) == 3


def test_a_retracted_unclaimed_link_frees_its_place_at_once(alice, crowd):
    """It reached nobody, so there is nothing to cool down from."""
    alices = client_of(alice)
    for person in crowd[:2]:
        assert confess(alices, person.username).status_code == 201
    sent = link(alices).json()["id"]
    assert link(alices).status_code == 429
    assert alices.delete(f"/api/v1/confessions/{sent}").status_code == 204
    assert link(alices).status_code == 201

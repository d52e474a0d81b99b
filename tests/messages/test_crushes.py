"""Secret crushes (messages_app.services.crushes): a private list; the target told only that
someone has one; both told who when it is mutual; a removed one holds its place for the
cool-down; blocks are silent; bad input changes nothing."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connections
from django.utils import timezone

from accounts import services as account_services
from messages_app import services
from messages_app.models import Crush
from realtime.models import Notification
from tests.factories import client_of

pytestmark = pytest.mark.django_db


def add(client, username: str):
    return client.post("/api/v1/crushes", {"username": username})


def told(user, type: str) -> list[dict]:
    return [n.data for n in Notification.objects.filter(recipient=user, type=type)]


def test_the_target_learns_only_that_someone_has_a_crush(alice, bob):
    alices, bobs = client_of(alice), client_of(bob)
    answer = add(alices, "bob")
    assert answer.status_code == 201, answer.content
    listed = answer.json()
    assert [(c["username"], c["matched"]) for c in listed["results"]] == [("bob", False)]
    assert (listed["free"], listed["max"]) == (8, 9)
    assert told(bob, "crush.received") == [{}]
    pushed = bobs.get("/api/v1/notifications").json()["results"]
    assert "alice" not in repr(pushed)
    # Bob's list is his own: nothing of Alice's is on it.
    assert bobs.get("/api/v1/crushes").json()["results"] == []


def test_a_mutual_crush_tells_both_who(alice, bob):
    alices, bobs = client_of(alice), client_of(bob)
    add(alices, "bob")
    answer = add(bobs, "alice")
    assert answer.json()["results"][0]["matched"] is True
    assert [d["with"]["username"] for d in told(alice, "crush.matched")] == ["bob"]
    assert [d["with"]["username"] for d in told(bob, "crush.matched")] == ["alice"]
    assert told(alice, "crush.received") == []  # mutual at once: matched, not "someone"
    assert alices.get("/api/v1/crushes").json()["results"][0]["matched"] is True


def test_a_removed_crush_holds_its_place_for_the_cool_down(alice, django_user_model, settings):
    settings.CRUSHES_MAX = 3
    alices = client_of(alice)
    for name in ("p1", "p2", "p3", "p4"):
        django_user_model.objects.create_user(username=name)
    for name in ("p1", "p2", "p3"):
        assert add(alices, name).status_code == 201
    full = add(alices, "p4")
    assert (full.status_code, full.json()["error"]["code"]) == (409, "crushes_full")
    assert alices.delete("/api/v1/crushes/p1").status_code == 204
    still = add(alices, "p4")
    assert (still.status_code, still.json()["error"]["code"]) == (409, "crushes_full")
    assert still.json()["error"]["frees_at"]
    assert 6 * 86400 < int(still["Retry-After"]) <= 7 * 86400
    state = alices.get("/api/v1/crushes").json()
    assert [c["username"] for c in state["cooling"]] == ["p1"]
    assert state["free"] == 0
    # The one removed may come back at once (it held its place); a new one waits.
    assert add(alices, "p1").status_code == 201
    alices.delete("/api/v1/crushes/p1")
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        assert add(client_of(alice), "p4").status_code == 201  # a token of that day


def test_blocks_are_silent(alice, bob, carol):
    account_services.block_create(blocker=bob, username="alice")
    assert add(client_of(alice), "bob").status_code == 201  # as any other
    assert add(client_of(bob), "alice").status_code == 201
    assert Notification.objects.filter(type__startswith="crush.").count() == 0
    assert not Crush.objects.filter(matched_at__isnull=False).exists()


def test_the_target_may_be_left_untold(alice, bob, settings):
    settings.CRUSH_TELL_TARGET = False
    add(client_of(alice), "bob")
    assert told(bob, "crush.received") == []


@pytest.mark.parametrize(
    ("username", "status", "code"),
    [("nobody_here", 400, "validation_error"), ("alice", 400, "validation_error"),
     ("bob", 409, "already_listed")],
)  # fmt: skip
def test_bad_crushes_are_refused_and_change_nothing(alice, bob, username, status, code):
    alices = client_of(alice)
    add(alices, "bob")
    answer = add(alices, username)
    assert (answer.status_code, answer.json()["error"]["code"]) == (status, code)
    assert Crush.objects.count() == 1


def test_crushes_are_signed_in(client):
    assert client.get("/api/v1/crushes").status_code == 401
    assert client.post("/api/v1/crushes", {"username": "x"}).status_code == 401
    assert client.delete("/api/v1/crushes/x").status_code == 401


@pytest.fixture
def carol(django_user_model):
    return django_user_model.objects.create_user(username="carol")


@pytest.mark.service("postgres")
@pytest.mark.django_db(transaction=True)
def test_two_crushes_on_each_other_at_once_match_once(alice, bob):
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def crush(owner, target) -> None:
        try:
            barrier.wait()
            services.crush_add(user=owner, username=target)
        except BaseException as exc:  # the test inspects it
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=crush, args=(alice, "bob")),
               threading.Thread(target=crush, args=(bob, "alice"))]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(told(alice, "crush.matched")) == 1
    assert len(told(bob, "crush.matched")) == 1
    assert Crush.objects.filter(matched_at__isnull=False).count() == 2

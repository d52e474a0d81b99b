"""Muted words (walls.mutes, `/me/mutes`): posts, comments and their notifications holding one
never reach the reader who mutes it, matched as the word filter matches; their own work always
does; bad input is refused in the envelope and changes nothing."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from realtime.models import Notification
from tests.factories import client_of
from walls.mutes import MUTED_WORDS_MAX

pytestmark = pytest.mark.django_db


def joined(user):
    client = client_of(user)
    assert client.post("/api/v1/walls/town/join").status_code == 200
    return client


def posted(client, body: str, **fields) -> int:
    answer = client.post("/api/v1/walls/town/posts", {"body": body, **fields}, format="json")
    assert answer.status_code == 201, answer.content
    return answer.json()["id"]


def mute(client, *words: str):
    return client.put("/api/v1/me/mutes", {"words": list(words)}, format="json")


def feed_ids(client, **query) -> list[int]:
    return [p["id"] for p in client.get("/api/v1/walls/town/posts", query).json()["results"]]


@pytest.fixture
def readers(alice, bob, carol, town):
    return joined(alice), joined(bob), joined(carol)


def test_a_mute_is_kept_and_shown_back_trimmed_and_once(readers):
    alices, _, _ = readers
    assert alices.get("/api/v1/me/mutes").json() == {"words": []}
    answer = mute(alices, " exam ", "EXAM", "前任")
    assert answer.status_code == 200, answer.content
    assert answer.json() == {"words": ["exam", "前任"]}
    assert alices.get("/api/v1/me/mutes").json() == {"words": ["exam", "前任"]}
    assert mute(alices).json() == {"words": []}


@pytest.mark.parametrize(
    ("words", "field"),
    [
        (["ok", "!!!"], "words"),  # nothing left to match
        ([f"w{i}" for i in range(MUTED_WORDS_MAX + 1)], "words"),
        (["x" * 41], "words[0]"),
        ("exam", "words"),
        ([3], "words[0]"),
    ],
)
def test_bad_mutes_are_refused_and_change_nothing(readers, words, field):
    alices, _, _ = readers
    mute(alices, "kept")
    answer = alices.put("/api/v1/me/mutes", {"words": words}, format="json")
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "validation_error"
    assert field in answer.json()["error"]["fields"]
    assert alices.get("/api/v1/me/mutes").json() == {"words": ["kept"]}


def test_a_muted_post_reaches_the_reader_nowhere(readers):
    alices, bobs, carols = readers
    muted = posted(bobs, "The E.X.A.M results are out")
    muted_to = posted(bobs, "hello", to="my ｅｘａｍ partner")
    kept = posted(bobs, "see you at the library")
    mute(alices, "exam")
    assert feed_ids(alices) == [kept]
    assert feed_ids(alices, sort="hot") == [kept]
    for post in (muted, muted_to):
        assert alices.get(f"/api/v1/posts/{post}").status_code == 404
        assert alices.get(f"/api/v1/posts/{post}/comments").status_code == 404
    # Nobody else is affected.
    assert feed_ids(carols) == [kept, muted_to, muted]


def test_the_readers_own_posts_and_comments_always_reach_them(readers):
    alices, _, _ = readers
    mine = posted(alices, "my exam went fine")
    mute(alices, "exam")
    assert feed_ids(alices) == [mine]
    alices.post(f"/api/v1/posts/{mine}/comments", {"body": "the exam, again"})
    assert len(alices.get(f"/api/v1/posts/{mine}/comments").json()["results"]) == 1


def test_a_muted_comment_and_its_notification_never_reach_the_reader(alice, readers):
    alices, bobs, carols = readers
    mine = posted(alices, "who was at the concert?")
    mute(alices, "ex")
    bobs.post(f"/api/v1/posts/{mine}/comments", {"body": "my E X was there", "anonymous": True})
    carols.post(f"/api/v1/posts/{mine}/comments", {"body": "me!"})
    shown = alices.get(f"/api/v1/posts/{mine}/comments").json()["results"]
    assert [c["body"] for c in shown] == ["me!"]
    told = Notification.objects.filter(recipient=alice, type="wall.commented")
    assert [n.data["alias"] for n in told] == ["B"]  # carol's; bob's was never stored
    # The others read the whole thread.
    assert len(bobs.get(f"/api/v1/posts/{mine}/comments").json()["results"]) == 2


def test_a_muted_reply_sends_no_notification_either(bob, readers):
    alices, bobs, carols = readers
    post = posted(alices, "a post")
    mute(bobs, "spoiler")
    first = bobs.post(f"/api/v1/posts/{post}/comments", {"body": "first"}).json()
    spoiler = {"body": "SPOILER: it ends", "parent": first["id"]}
    assert carols.post(f"/api/v1/posts/{post}/comments", spoiler).status_code == 201
    assert not Notification.objects.filter(recipient=bob, type="wall.commented").exists()


def test_changing_mutes_is_limited_per_hour(readers):
    alices, _, _ = readers
    cache.clear()
    from accounts.throttles import SettingsWriteThrottle

    limit = int(SettingsWriteThrottle.rate.split("/")[0])
    for _ in range(limit):
        assert mute(alices, "a").status_code == 200
    refused = mute(alices, "b")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled"
    assert int(refused["Retry-After"]) > 0
    assert alices.get("/api/v1/me/mutes").json() == {"words": ["a"]}  # reads are not counted


def test_mutes_are_a_signed_in_door(client):
    assert client.get("/api/v1/me/mutes").status_code == 401
    assert client.put("/api/v1/me/mutes", {"words": []}, format="json").status_code == 401

"""Following a post (`/posts/{id}/follow`): followers are told of its new comments, as the
post's author is (what they can see, never a muted word, the anonymous never named); it is
known to the follower alone; strangers get 404."""

from __future__ import annotations

import pytest

from realtime.models import Notification
from tests.conftest import run_worker
from tests.factories import client_of
from walls.models import Follow, Wall

pytestmark = pytest.mark.django_db


def joined(user, slug: str = "town", code: str = ""):
    client = client_of(user)
    assert (
        client.post(f"/api/v1/walls/{slug}/join", {"code": code} if code else {}).status_code == 200
    )
    return client


def posted(client, body: str = "the one with the red scarf", **fields) -> int:
    answer = client.post("/api/v1/walls/town/posts", {"body": body, **fields}, format="json")
    assert answer.status_code == 201, answer.content
    return answer.json()["id"]


def told(user) -> list[dict]:
    return [n.data for n in Notification.objects.filter(recipient=user, type="wall.commented")]


@pytest.fixture
def members(alice, bob, carol, town):
    return joined(alice), joined(bob), joined(carol)


def test_a_follower_is_told_of_new_comments_until_they_stop(alice, bob, carol, members):
    alices, bobs, carols = members
    post = posted(alices, anonymous=True)
    assert carols.get(f"/api/v1/posts/{post}/follow").json() == {"following": False}
    assert carols.post(f"/api/v1/posts/{post}/follow").json() == {"following": True}
    assert carols.post(f"/api/v1/posts/{post}/follow").json() == {"following": True}  # once
    assert Follow.objects.filter(user=carol).count() == 1
    bobs.post(f"/api/v1/posts/{post}/comments", {"body": "me too", "anonymous": True})
    alices.post(f"/api/v1/posts/{post}/comments", {"body": "OP here"})
    run_worker()
    to_carol = told(carol)
    assert [(n["following"], n["alias"], n["author"]) for n in to_carol] == [
        (True, "A", None),
        (True, "OP", None),  # the anonymous poster is never named to a follower
    ]
    assert [n["following"] for n in told(alice)] == [False]  # the author, as ever
    assert carols.delete(f"/api/v1/posts/{post}/follow").json() == {"following": False}
    bobs.post(f"/api/v1/posts/{post}/comments", {"body": "again"})
    run_worker()
    assert len(told(carol)) == 2


def test_a_follower_is_not_told_of_their_own_comment_nor_twice(alice, bob, members):
    alices, bobs, _ = members
    post = posted(alices)
    alices.post(f"/api/v1/posts/{post}/follow")  # the author following: told once, as author
    bobs.post(f"/api/v1/posts/{post}/follow")
    bobs.post(f"/api/v1/posts/{post}/comments", {"body": "mine"})
    run_worker()
    assert told(bob) == []
    assert len(told(alice)) == 1


def test_a_follower_muting_a_word_or_blocking_is_not_told(alice, bob, carol, members):
    alices, bobs, carols = members
    post = posted(alices, anonymous=False)
    for client in (bobs, carols):
        client.post(f"/api/v1/posts/{post}/follow")
    bobs.put("/api/v1/me/mutes", {"words": ["exam"]}, format="json")
    # Carol blocks the signed commenter by name: his signed work no longer reaches her. (On an
    # anonymous post his comments would reach her: hiding them would say who wrote them.)
    carols.post("/api/v1/blocks", {"username": "alice"})
    alices.post(f"/api/v1/posts/{post}/comments", {"body": "The EXAM is on Friday"})
    run_worker()
    assert told(bob) == []
    assert told(carol) == []


def test_strangers_get_404_and_a_post_under_review_cannot_be_followed(
    alice, bob, django_user_model, members
):
    alices, bobs, _ = members
    Wall.objects.create(name="Club", slug="club", verification="code", invite_code="k" * 10,
                        moderation=Wall.Moderation.POST)  # fmt: skip
    inside = joined(alice, "club", "k" * 10)
    secret = inside.post("/api/v1/walls/club/posts", {"body": "members only"}).json()["id"]
    stranger = client_of(django_user_model.objects.create_user(username="stranger"))
    for client in (stranger, bobs):
        for method in ("get", "post", "delete"):
            answer = getattr(client, method)(f"/api/v1/posts/{secret}/follow")
            assert answer.status_code == 404, (method, answer.content)
            assert answer.json()["error"]["code"] == "not_found"
    assert client_of(bob).post("/api/v1/posts/999999/follow").status_code == 404
    Wall.objects.filter(slug="town").update(moderation=Wall.Moderation.PRE)
    waiting = posted(alices)
    assert alices.post(f"/api/v1/posts/{waiting}/follow").status_code == 409


def test_following_is_signed_in(client):
    assert client.post("/api/v1/posts/1/follow").status_code == 401

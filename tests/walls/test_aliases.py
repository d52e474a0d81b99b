"""Thread aliases (walls.aliases): in one post's comments each person has one stable alias, the
poster "OP" (洞主), the others A, B, C, ... by first comment; a person's anonymous and signed
comments have different aliases; aliases say nothing across posts."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor

from realtime.models import Notification
from tests.factories import client_of
from walls import services
from walls.models import Comment, Post, ThreadAlias

pytestmark = pytest.mark.django_db


def joined(user, slug: str = "town"):
    client = client_of(user)
    assert client.post(f"/api/v1/walls/{slug}/join").status_code == 200
    return client


def commented(client, post_id: int, body: str = "hm", **fields) -> dict:
    answer = client.post(f"/api/v1/posts/{post_id}/comments", {"body": body, **fields})
    assert answer.status_code == 201, answer.content
    return answer.json()


def thread(client, post_id: int, **headers) -> list[dict]:
    answer = client.get(f"/api/v1/posts/{post_id}/comments", **headers)
    assert answer.status_code == 200, answer.content
    return answer.json()["results"]


@pytest.fixture
def people(alice, bob, carol, town):
    return joined(alice), joined(bob), joined(carol)


def posted(client, anonymous: bool = True) -> int:
    answer = client.post(
        "/api/v1/walls/town/posts", {"body": "the one by the window", "anonymous": anonymous}
    )
    assert answer.status_code == 201, answer.content
    return answer.json()["id"]


def test_two_anonymous_commenters_get_two_aliases_and_keep_them(people):
    alices, bobs, carols = people
    post = posted(alices)
    commented(bobs, post, "first", anonymous=True)
    commented(carols, post, "second", anonymous=True)
    commented(bobs, post, "bob again", anonymous=True)
    commented(carols, post, "carol again", anonymous=True)
    shown = thread(alices, post)
    assert [(c["body"], c["alias"]) for c in shown] == [
        ("first", "A"), ("second", "B"), ("bob again", "A"), ("carol again", "B"),
    ]  # fmt: skip
    assert all(c["author"] is None for c in shown)
    # Everyone reads the same aliases, their own comments included.
    assert [c["alias"] for c in thread(bobs, post)] == ["A", "B", "A", "B"]


def test_the_anonymous_poster_is_op_in_their_own_thread_in_each_language(people):
    alices, bobs, carols = people
    post = posted(alices)
    commented(bobs, post, "who?", anonymous=True)
    commented(alices, post, "me")
    commented(alices, post, "me, masked", anonymous=True)
    english = thread(carols, post, HTTP_ACCEPT_LANGUAGE="en")
    assert [c["alias"] for c in english] == ["A", "OP", "OP"]
    assert [c["author"] for c in english] == [None, None, None]
    chinese = thread(carols, post, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert [c["alias"] for c in chinese] == ["A", "洞主", "洞主"]


def test_signed_comments_keep_their_author_and_get_an_alias_of_their_own(people):
    """A signed comment shows who wrote it: sharing an alias with the same person's anonymous
    comments would name those too."""
    alices, bobs, carols = people
    post = posted(alices)
    signed = commented(bobs, post, "it is me, bob")
    hidden = commented(bobs, post, "guess who", anonymous=True)
    commented(bobs, post, "bob, signed again")
    shown = {c["id"]: c for c in thread(carols, post)}
    assert shown[signed["id"]]["author"]["username"] == "bob"
    assert shown[signed["id"]]["alias"] == "A"
    assert shown[hidden["id"]]["author"] is None
    assert shown[hidden["id"]]["alias"] == "B"
    assert [c["alias"] for c in thread(carols, post)] == ["A", "B", "A"]


def test_a_signed_posts_author_is_op_signed_and_a_letter_masked(people):
    alices, bobs, carols = people
    post = posted(alices, anonymous=False)
    commented(bobs, post, "nice")
    own = commented(alices, post, "thanks")
    masked = commented(alices, post, "psst", anonymous=True)
    shown = {c["id"]: c for c in thread(carols, post)}
    assert (shown[own["id"]]["alias"], shown[own["id"]]["post_author"]) == ("OP", True)
    # Her anonymous comment on her own signed post is just anonymous: not OP, not "the author".
    assert (shown[masked["id"]]["alias"], shown[masked["id"]]["post_author"]) == ("B", False)


def test_aliases_say_nothing_across_posts(people):
    alices, bobs, carols = people
    first, second = posted(alices), posted(alices)
    commented(bobs, first, anonymous=True)
    commented(carols, first, anonymous=True)
    commented(carols, second, anonymous=True)
    commented(bobs, second, anonymous=True)
    assert [c["alias"] for c in thread(alices, first)] == ["A", "B"]
    assert [c["alias"] for c in thread(alices, second)] == ["A", "B"]
    # Bob is A on the first post and B on the second: the alias is no person's mark.
    by_bob = Comment.objects.filter(author__username="bob").order_by("post_id")
    assert {c.post_id: c.alias for c in by_bob} == {first: 1, second: 2}


def test_the_commented_event_carries_the_alias_in_the_receivers_language(
    alice, bob, people, django_user_model
):
    alices, bobs, _ = people
    alice.language = "zh-hans"
    alice.save(update_fields=["language"])
    post = posted(alices)
    commented(bobs, post, "hello", anonymous=True)
    reply_to = commented(bobs, post, "again", anonymous=True)
    commented(alices, post, "hi", parent=reply_to["id"])
    to_alice = Notification.objects.filter(recipient=alice, type="wall.commented").first()
    assert (to_alice.data["alias"], to_alice.data["author"]) == ("A", None)
    [to_bob] = Notification.objects.filter(recipient=bob, type="wall.commented")
    assert (to_bob.data["alias"], to_bob.data["author"]) == ("OP", None)
    pushed = client_of(bob).get("/api/v1/notifications").json()["results"]
    assert [n["data"]["alias"] for n in pushed] == ["OP"]


def test_many_letters():
    from walls.aliases import alias_label

    assert [alias_label(n) for n in (1, 2, 26, 27, 28, 52, 53, 702, 703)] == [
        "A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA",
    ]  # fmt: skip


@pytest.mark.service("postgres")
@pytest.mark.django_db(transaction=True)
def test_first_comments_at_once_take_different_aliases(alice, django_user_model, town):
    post = posted(joined(alice))
    commenters = [django_user_model.objects.create_user(username=f"c{i}") for i in range(6)]
    for user in commenters:
        joined(user)
    barrier = threading.Barrier(len(commenters))
    failures: list[BaseException] = []

    def comment(user) -> None:
        try:
            barrier.wait()
            services.comment_create(user=user, post_id=post, body="me first", anonymous=True)
        except BaseException as exc:  # the test inspects it
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=comment, args=(user,)) for user in commenters]
    for worker in threads:
        worker.start()
    for worker in threads:
        worker.join()
    assert failures == []
    numbers = sorted(Comment.objects.filter(post_id=post).values_list("alias", flat=True))
    assert numbers == [1, 2, 3, 4, 5, 6]


@pytest.mark.django_db(transaction=True)
def test_comments_written_before_aliases_get_them_in_order(django_user_model):
    before, after = [("walls", "0013_fold_and_lock")], [("walls", "0014_thread_aliases")]
    poster, one, two = (
        django_user_model.objects.create_user(username=name) for name in ("p", "one", "two")
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)  # the walls' tables only: the accounts' stay as they are
    old = executor.loader.project_state(before).apps
    Wall = old.get_model("walls", "Wall")
    OldPost, OldComment = old.get_model("walls", "Post"), old.get_model("walls", "Comment")
    wall = Wall.objects.create(name="Old", slug="old")
    post = OldPost.objects.create(wall=wall, author_id=poster.pk, body="old", anonymous=True,
                                  status="approved")  # fmt: skip
    for author, anonymous in ((one, True), (poster, False), (two, False), (one, True), (two, True)):
        OldComment.objects.create(post=post, author_id=author.pk, body="x", anonymous=anonymous,
                                  status="approved")  # fmt: skip
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    comments = Comment.objects.filter(post_id=post.pk).order_by("created_at", "id")
    assert [c.alias for c in comments] == [1, 0, 2, 1, 3]
    assert ThreadAlias.objects.filter(post_id=post.pk).count() == 3
    assert Post.objects.filter(pk=post.pk).exists()

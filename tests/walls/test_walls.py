"""The confession walls: joining, posting under each moderation mode, the feed, likes,
comments, blocks, reports, and the anonymity walk over all of it."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts import services as account_services
from core.moderated import Status
from core.pagination import BY_OFFSET, Keyset
from moderation.models import BannedPhrase
from realtime.models import Notification
from tests.conftest import run_worker
from tests.factories import client_of, make_media
from walls.models import Comment, Membership, Post, Wall

pytestmark = pytest.mark.django_db


@pytest.fixture
def club():
    return Wall.objects.create(name="Club", slug="club", verification="code", invite_code="secret",
                               moderation=Wall.Moderation.POST)  # fmt: skip


def joined(user, slug: str = "town", code: str = ""):
    client = client_of(user)
    response = client.post(f"/api/v1/walls/{slug}/join", {"code": code} if code else {})
    assert response.status_code == 200, response.content
    return client


def posted(client, slug: str = "town", **fields) -> dict:
    body = {"body": "to the one in the white coat", **fields}
    response = client.post(f"/api/v1/walls/{slug}/posts", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def feed(client, slug: str = "town", **query) -> list[dict]:
    response = client.get(f"/api/v1/walls/{slug}/posts", query)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_the_default_wall_exists_and_is_pre_moderated(alice):
    walls = client_of(alice).get("/api/v1/walls").json()["results"]
    [campus] = [wall for wall in walls if wall["slug"] == "campus"]
    assert campus["moderation"] == "pre"
    assert campus["joined"] is False


def test_an_invite_only_wall_needs_its_code_and_is_hidden_from_strangers(alice, bob, club):
    assert "club" not in [w["slug"] for w in client_of(bob).get("/api/v1/walls").json()["results"]]
    assert client_of(bob).get("/api/v1/walls/club/posts").status_code == 404
    wrong = client_of(bob).post("/api/v1/walls/club/join", {"code": "guess"})
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (403, "invalid_invite_code")
    client = joined(bob, "club", code="secret")
    listed = [w for w in client.get("/api/v1/walls").json()["results"] if w["slug"] == "club"]
    assert listed[0]["joined"] is True


def test_the_new_feeds_one_statement_refuses_strangers_as_the_wall_read_did(
    alice, bob, club, town, django_assert_num_queries
):
    """The `new` page finds its wall inside its own statement: a stranger gets the same 404
    with posts there to find, whatever the cursor or limit, before any 400 of theirs."""
    members = joined(alice, "club", code="secret")
    written = posted(members, "club")
    stranger = client_of(bob)
    for query in ({}, {"cursor": "not-a-cursor"}, {"limit": "0"}, {"sort": "new"}):
        refused = stranger.get("/api/v1/walls/club/posts", query)
        assert refused.status_code == 404, (query, refused.content)
    assert stranger.get("/api/v1/walls/nowhere/posts").status_code == 404
    bad = members.get("/api/v1/walls/club/posts", {"cursor": "not-a-cursor"})
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "invalid_cursor")
    with django_assert_num_queries(1):
        assert [p["id"] for p in feed(members, "club")] == [written["id"]]
    # A wall with nothing to show: its page is empty, not a 404.
    assert feed(joined(bob)) == []


def test_hot_in_one_statement_refuses_strangers_alike_whether_a_ranking_is_kept_or_not(
    alice, bob, carol, club, django_assert_num_queries
):
    """`hot` reads its wall in the page's own statement while the process keeps the wall's
    ranking. A stranger's 404 costs the same three statements (the page's, the wall's, the
    account's that every 404 of the feed asks) for a wall nobody has read, for one whose
    ranking a member's read made the process keep, and for a slug that names no wall; and no
    stranger makes the process rank a wall (which takes far longer)."""
    members = joined(alice, "club", code="secret")
    written = posted(members, "club", body="hello club")
    other = posted(members, "club", body="see you at the library")
    stranger = client_of(bob)

    def refused(slug: str, **query: str) -> None:
        with django_assert_num_queries(3):
            answer = stranger.get(f"/api/v1/walls/{slug}/posts", {"sort": "hot", **query})
        assert answer.status_code == 404, answer.content

    refused("club")
    refused("nowhere")
    # The stranger ranked nothing: the member's first read does (the same first statement,
    # the wall, the ranking, the page); the next reads are one statement.
    everything = [other["id"], written["id"]]
    with django_assert_num_queries(4):
        assert [p["id"] for p in feed(members, "club", sort="hot")] == everything
    with django_assert_num_queries(1):
        assert [p["id"] for p in feed(members, "club", sort="hot")] == everything
    refused("club")
    refused("nowhere")
    for query in ({"cursor": "not-a-cursor"}, {"limit": "0"}):
        assert stranger.get("/api/v1/walls/club/posts", {"sort": "hot", **query}).status_code == 404
    # What a reader mutes is read in that one statement too.
    carols = joined(carol, "club", code="secret")
    assert carols.put("/api/v1/me/mutes", {"words": ["HELLO"]}, format="json").status_code == 200
    with django_assert_num_queries(1):
        assert [p["id"] for p in feed(carols, "club", sort="hot")] == [other["id"]]
    # Past the ranking's end: an empty page, and no more.
    past = Keyset(limit=2, offset=2, by=BY_OFFSET).cursor()
    page = members.get("/api/v1/walls/club/posts", {"sort": "hot", "cursor": past}).json()
    assert (page["results"], page["next"]) == ([], None)


def test_invite_codes_cannot_be_guessed(alice, bob, carol, club, settings):
    """A four-digit code fell in half a second to an untiring client: wrong codes are counted
    per account and per address, and past the limit even the right code waits."""
    settings.WALL_INVITE_GUESSES_PER_HOUR = 3
    bobs = client_of(bob)
    for guess in ("0000", "0001", "0002"):
        assert bobs.post("/api/v1/walls/club/join", {"code": guess}).status_code == 403
    refused = bobs.post("/api/v1/walls/club/join", {"code": "secret"})
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled"
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert not Membership.objects.filter(user=bob).exists()
    # Another account from the same address still may: the address allows ten times more...
    assert client_of(alice).post("/api/v1/walls/club/join", {"code": "secret"}).status_code == 200
    # ...but not without end: many accounts from one address share its count.
    carols = client_of(carol)
    for guess in range(27):
        carols.post("/api/v1/walls/club/join", {"code": str(guess)})
    assert carols.post("/api/v1/walls/club/join", {"code": "secret"}).status_code == 429
    # Joining an open wall, and a member joining again, are never counted.
    assert client_of(alice).post("/api/v1/walls/club/join", {"code": "x"}).status_code == 200


def test_a_new_wall_gets_a_long_code_and_the_admin_refuses_a_short_one():
    from django.core.exceptions import ValidationError

    wall = Wall.objects.create(name="Dorm", slug="dorm", verification="code")
    assert len(wall.invite_code) >= 10
    assert Wall.objects.create(name="B", slug="b").invite_code != wall.invite_code
    wall.invite_code = "1234"
    with pytest.raises(ValidationError) as refused:
        wall.full_clean()
    assert "invite_code" in refused.value.message_dict


def test_posting_needs_membership(alice, town):
    response = client_of(alice).post("/api/v1/walls/town/posts", {"body": "hi"})
    assert (response.status_code, response.json()["error"]["code"]) == (403, "not_a_member")
    assert not Post.objects.exists()


def test_a_pre_moderated_wall_shows_nothing_until_approved(alice, bob):
    alices, bobs = joined(alice, "campus"), joined(bob, "campus")
    post = posted(alices, "campus")
    assert post["status"] == "pending"
    assert [p["id"] for p in feed(alices, "campus")] == [post["id"]]  # its author sees it
    assert feed(bobs, "campus") == []
    assert bobs.get(f"/api/v1/posts/{post['id']}").status_code == 404
    Post.objects.filter(pk=post["id"]).update(status=Status.APPROVED)
    assert [p["id"] for p in feed(bobs, "campus")] == [post["id"]]


def test_a_post_moderated_wall_shows_at_once_unless_the_chain_holds_it(alice, bob, town):
    BannedPhrase.objects.create(phrase="meet me", action="review")
    BannedPhrase.objects.create(phrase="bad word", action="block")
    alices, bobs = joined(alice), joined(bob)
    public = posted(alices)
    held = posted(alices, body="meet me at the gate")
    assert (public["status"], held["status"]) == ("approved", "pending")
    assert [p["id"] for p in feed(bobs)] == [public["id"]]
    refused = alices.post("/api/v1/walls/town/posts", {"body": "a bad word"})
    assert (refused.status_code, refused.json()["error"]["code"]) == (400, "content_rejected")
    assert Post.objects.count() == 2


def test_to_line_and_images(alice, bob, town):
    alices = joined(alice)
    photos = [make_media(alice).pk for _ in range(2)]
    post = posted(alices, to="the girl on the 3rd floor", media=photos)
    assert post["to"] == "the girl on the 3rd floor"
    assert [m["id"] for m in post["media"]] == photos
    too_long = alices.post("/api/v1/walls/town/posts", {"body": "x", "to": "y" * 51},
                           format="json")  # fmt: skip
    assert too_long.status_code == 400
    ten = alices.post("/api/v1/walls/town/posts", {"body": "x", "media": list(range(1, 11))},
                      format="json")  # fmt: skip
    assert ten.status_code == 400


def test_an_anonymous_author_is_shown_to_nobody_else(alice, bob, town):
    alices, bobs = joined(alice), joined(bob)
    post = posted(alices, anonymous=True)
    assert post["author"]["username"] == "alice"  # to herself
    seen = bobs.get(f"/api/v1/posts/{post['id']}").json()
    assert seen["author"] is None
    assert seen["mine"] is False


def test_likes_are_idempotent_counted_and_told_in_one_digest(alice, bob, carol, town, settings):
    settings.WALL_LIKE_DIGEST_SECONDS = 60
    alices = joined(alice)
    post = posted(alices)
    for user in (bob, carol):
        client = joined(user)
        assert client.post(f"/api/v1/posts/{post['id']}/like").json()["liked"] is True
        client.post(f"/api/v1/posts/{post['id']}/like")  # again: nothing changes
    assert alices.get(f"/api/v1/posts/{post['id']}").json()["like_count"] == 2
    unliked = client_of(carol).delete(f"/api/v1/posts/{post['id']}/like").json()
    assert (unliked["liked"], unliked["like_count"]) == (False, 1)
    client_of(carol).post(f"/api/v1/posts/{post['id']}/like")
    assert not Notification.objects.filter(recipient=alice, type="wall.liked").exists()
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        run_worker()
    [told] = Notification.objects.filter(recipient=alice, type="wall.liked")
    assert told.data == {"post_id": post["id"], "new": 2, "total": 2}


def test_comments_replies_and_the_anonymous_posts_author(alice, bob, carol, town):
    alices, bobs, carols = joined(alice), joined(bob), joined(carol)
    post = posted(alices, anonymous=True)
    first = bobs.post(f"/api/v1/posts/{post['id']}/comments", {"body": "who?"}).json()
    answer = alices.post(f"/api/v1/posts/{post['id']}/comments",
                         {"body": "you know", "parent": first["id"]}).json()  # fmt: skip
    assert answer["parent_id"] == first["id"]
    shown = carols.get(f"/api/v1/posts/{post['id']}/comments").json()["results"]
    by_author = [c for c in shown if c["id"] == answer["id"]][0]
    assert (by_author["author"], by_author["post_author"]) == (None, True)
    assert [c for c in shown if c["id"] == first["id"]][0]["author"]["username"] == "bob"
    # Alice is told of Bob's comment; Bob of Alice's answer, without learning who she is.
    [to_alice] = Notification.objects.filter(recipient=alice, type="wall.commented")
    assert to_alice.data["author"]["username"] == "bob"
    [to_bob] = Notification.objects.filter(recipient=bob, type="wall.commented")
    assert (to_bob.data["reply"], to_bob.data["author"]) == (True, None)
    # A reply to a reply is refused: one level.
    deeper = carols.post(f"/api/v1/posts/{post['id']}/comments",
                         {"body": "and?", "parent": answer["id"]})  # fmt: skip
    assert deeper.status_code == 400


def test_blocks_hide_signed_work_and_stop_comments_reaching_the_author(alice, bob, town):
    alices, bobs = joined(alice), joined(bob)
    signed = posted(bobs, anonymous=False)
    anonymous = posted(bobs, anonymous=True)
    mine = posted(alices)
    alices.post("/api/v1/blocks", {"username": "bob"})
    ids = [p["id"] for p in feed(alices)]
    assert signed["id"] not in ids
    assert anonymous["id"] in ids  # hiding it would tell her who wrote it
    bobs.post(f"/api/v1/posts/{mine['id']}/comments", {"body": "hello"})
    assert not Notification.objects.filter(recipient=alice, type="wall.commented").exists()
    assert alices.get(f"/api/v1/posts/{mine['id']}/comments").json()["results"] == []


def test_a_block_never_tells_who_wrote_an_anonymous_comment(alice, bob, carol, town):
    """The post's author is told of every comment they can see, whoever wrote it: told of
    anonymous comments from everyone but those she blocks, the comment she can read but was not
    told of would name its author (the rule confessions keep: a block is no oracle)."""
    alices, bobs, carols = joined(alice), joined(bob), joined(carol)
    mine = posted(alices)
    alices.post("/api/v1/blocks", {"username": "bob"})  # she blocks bob by name
    account_services.block_create(blocker=carol, username="alice")  # carol blocks her
    for client in (bobs, carols):
        response = client.post(
            f"/api/v1/posts/{mine['id']}/comments", {"body": "guess who", "anonymous": True}
        )
        assert response.status_code == 201
    seen = alices.get(f"/api/v1/posts/{mine['id']}/comments").json()["results"]
    told = Notification.objects.filter(recipient=alice, type="wall.commented")
    assert len(seen) == 2
    assert sorted(n.data["comment_id"] for n in told) == sorted(c["id"] for c in seen)
    assert {repr(sorted(n.data)) for n in told} == {repr(sorted(told[0].data))}
    assert all(n.data["author"] is None for n in told)


def test_an_anonymous_block_is_no_oracle_on_a_signed_comment(alice, bob, town):
    """Blocking "whoever sent this" from a confession must not tell her later that a signed
    commenter was that sender: she sees the comment, so she is told of it."""
    from messages_app import services as confessions

    alices, bobs = joined(alice), joined(bob)
    mine = posted(alices)
    sent = confessions.confession_send(
        sender=bob, recipient_username="alice", body="psst", anonymous=True
    )
    assert alices.post(f"/api/v1/confessions/{sent.pk}/block-sender").status_code in (200, 204)
    bobs.post(f"/api/v1/posts/{mine['id']}/comments", {"body": "signed"})
    assert len(alices.get(f"/api/v1/posts/{mine['id']}/comments").json()["results"]) == 1
    assert Notification.objects.filter(recipient=alice, type="wall.commented").count() == 1


def test_reports_hide_at_the_threshold(alice, bob, carol, town, settings):
    settings.REPORTS_TO_HIDE = 2
    alices = joined(alice)
    post = posted(alices)
    for user in (bob, carol):
        response = joined(user).post(f"/api/v1/posts/{post['id']}/report", {"category": "spam"})
        assert response.status_code == 201, response.content
    assert Post.objects.get(pk=post["id"]).status == Status.HIDDEN
    assert feed(joined(bob)) == []
    comment = client_of(bob).post(f"/api/v1/posts/{posted(alices)['id']}/comments",
                                  {"body": "rude"}).json()  # fmt: skip
    for user in (alice, carol):
        client_of(user).post(f"/api/v1/comments/{comment['id']}/report",
                             {"category": "harassment"})  # fmt: skip
    assert Comment.objects.get(pk=comment["id"]).status == Status.HIDDEN


def test_authors_delete_and_strangers_get_404(alice, bob, carol, club):
    alices = joined(alice, "club", code="secret")
    joined(bob, "club", code="secret")
    post = posted(alices, "club")
    comment = client_of(bob).post(f"/api/v1/posts/{post['id']}/comments", {"body": "hi"}).json()
    carols = client_of(carol)  # not a member of the invite-only wall
    for method, path in [
        ("get", f"/api/v1/posts/{post['id']}"),
        ("delete", f"/api/v1/posts/{post['id']}"),
        ("post", f"/api/v1/posts/{post['id']}/like"),
        ("get", f"/api/v1/posts/{post['id']}/comments"),
        ("post", f"/api/v1/posts/{post['id']}/report"),
        ("delete", f"/api/v1/comments/{comment['id']}"),
        ("post", f"/api/v1/comments/{comment['id']}/report"),
        ("get", "/api/v1/walls/club/posts"),
    ]:
        response = getattr(carols, method)(path, {"category": "spam"} if method == "post" else None)
        assert response.status_code == 404, (method, path, response.content)
    assert client_of(bob).delete(f"/api/v1/posts/{post['id']}").status_code == 404  # not his
    assert alices.delete(f"/api/v1/comments/{comment['id']}").status_code == 204  # her post's
    assert alices.delete(f"/api/v1/posts/{post['id']}").status_code == 204
    assert feed(client_of(bob), "club") == []


def test_hot_ranks_liked_posts_first(alice, bob, carol, town):
    alices = joined(alice)
    with time_machine.travel(timezone.now() - timedelta(hours=3)):
        older = posted(alices, body="older but loved")
    newer = posted(alices, body="newer, unloved")
    for user in (bob, carol):
        joined(user).post(f"/api/v1/posts/{older['id']}/like")
    assert [p["id"] for p in feed(alices, sort="new")] == [newer["id"], older["id"]]
    assert [p["id"] for p in feed(alices, sort="hot")] == [older["id"], newer["id"]]
    page = alices.get("/api/v1/walls/town/posts", {"sort": "hot", "limit": 1}).json()
    assert [p["id"] for p in page["results"]] == [older["id"]]
    assert [p["id"] for p in alices.get(page["next"]).json()["results"]] == [newer["id"]]


def test_hot_decays_with_time_and_pages_without_more_queries(
    alice, bob, carol, town, django_assert_num_queries, settings
):
    settings.WALL_HOT_REFRESH_SECONDS = 0  # ranked again at every read
    alices = joined(alice)
    with time_machine.travel(timezone.now() - timedelta(days=2)):
        old = posted(alices, body="loved two days ago")
    for user in (bob, carol):
        joined(user).post(f"/api/v1/posts/{old['id']}/like")
    fresh = posted(alices, body="one like, just now")
    joined(bob).post(f"/api/v1/posts/{fresh['id']}/like")
    # 2 / 50^1.5 < 1 / 2^1.5: a like now outweighs two from two days ago.
    assert [p["id"] for p in feed(alices, sort="hot")] == [fresh["id"], old["id"]]
    for _ in range(3):
        posted(alices, media=[make_media(alice).pk])
    url = "/api/v1/walls/town/posts?sort=hot&limit=2"
    # No ranking kept: the page's statement asked of no post (a stranger's 404 costs the same
    # whether or not one is kept), the wall (the account checked in it), the ranking, the
    # page (its media a column): the same four for any page.
    with django_assert_num_queries(4):
        first = alices.get(url).json()
    with django_assert_num_queries(4):
        second = alices.get(first["next"]).json()
    seen = [p["id"] for p in first["results"] + second["results"]]
    assert len(seen) == len(set(seen)) == 4
    too_deep = Keyset(limit=2, offset=10001, by=BY_OFFSET).cursor()
    too_deep = alices.get(f"{url}&cursor={too_deep}")
    assert too_deep.status_code == 400
    assert too_deep.json()["error"]["code"] == "invalid_cursor"


def test_the_first_page_looks_for_pinned_posts_only_on_a_wall_that_has_one(
    alice, bob, town, django_assert_num_queries
):
    """The page's statement says whether any of the wall's posts is pinned; the look for
    the pinned posts the viewer may see runs only then, and stays the rule of what is
    shown."""
    alices, bobs = joined(alice), joined(bob)
    plain = posted(alices)
    hidden = posted(alices)
    # One statement: the wall and the account checked in the page's (its media a column).
    with django_assert_num_queries(1):
        assert [p["id"] for p in feed(bobs)] == [hidden["id"], plain["id"]]
    # Pinned but hidden by moderators: looked for (one more statement), not shown.
    Post.objects.filter(pk=hidden["id"]).update(pinned=True, status=Status.HIDDEN)
    with django_assert_num_queries(2):
        assert [p["id"] for p in feed(bobs)] == [plain["id"]]
    Post.objects.filter(pk=plain["id"]).update(pinned=True)
    shown = feed(bobs)
    assert [(p["id"], p["pinned"]) for p in shown] == [(plain["id"], True)]
    # A later page never looks for them.
    for _ in range(2):
        posted(alices)
    first = bobs.get("/api/v1/walls/town/posts?limit=1").json()
    with django_assert_num_queries(1):
        assert bobs.get(first["next"]).status_code == 200


def test_posts_are_limited_per_hour(alice, town, settings):
    settings.WALL_POSTS_PER_HOUR = 2
    alices = joined(alice)
    posted(alices)
    posted(alices)
    response = alices.post("/api/v1/walls/town/posts", {"body": "third"})
    assert response.status_code == 429
    assert response["Retry-After"]


def test_the_anonymity_walk(django_user_model, town):
    secret = django_user_model.objects.create_user(
        pk=987_650, username="walker_secret", display_name="Hidden Walker"
    )
    reader = django_user_model.objects.create_user(username="reader")
    secrets_client, readers = joined(secret), joined(reader)
    post = posted(secrets_client, anonymous=True, media=[make_media(secret).pk])
    readers.post(f"/api/v1/posts/{post['id']}/comments", {"body": "who?"})
    secrets_client.post(f"/api/v1/posts/{post['id']}/comments", {"body": "me, the author"})
    readers.post(f"/api/v1/posts/{post['id']}/comments", {"body": "anon", "anonymous": True})
    payloads = [
        readers.get("/api/v1/walls/town/posts").json(),
        readers.get("/api/v1/walls/town/posts?sort=hot").json(),
        readers.get(f"/api/v1/posts/{post['id']}").json(),
        readers.post(f"/api/v1/posts/{post['id']}/like").json(),
        readers.get(f"/api/v1/posts/{post['id']}/comments").json(),
        readers.get("/api/v1/notifications").json(),
    ]
    text = repr(payloads)
    for needle in ("walker_secret", "Hidden Walker", "987650", "987_650"):
        assert needle not in text, needle
    for media in payloads[2]["media"]:
        assert "walker" not in media["url"]
    account_services.block_create(blocker=reader, username="walker_secret")
    # Blocking the anonymous author by name changes nothing the reader can see.
    assert [p["id"] for p in feed(readers)] == [post["id"]]
    assert len(readers.get(f"/api/v1/posts/{post['id']}/comments").json()["results"]) == 3


def test_the_feed_costs_the_same_queries_whatever_its_size(alice, bob, town):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    alices, bobs = joined(alice), joined(bob)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert bobs.get("/api/v1/walls/town/posts").status_code == 200
        return len(captured)

    posted(alices, media=[make_media(alice).pk])
    few = queries()
    for _ in range(4):
        post = posted(alices, media=[make_media(alice).pk, make_media(alice).pk], anonymous=False)
        bobs.post(f"/api/v1/posts/{post['id']}/like")
        bobs.post(f"/api/v1/posts/{post['id']}/comments", {"body": "nice"})
    assert queries() == few


def test_an_image_wechat_sent_to_review_holds_the_post_as_it_holds_a_confession(alice, town):
    from media_app.models import Media

    alices = joined(alice)
    photo = make_media(alice)
    # As WeChat's "review" leaves it (media_app.checks): for moderators, pending.
    Media.objects.filter(pk=photo.pk).update(check_status=Media.Check.REVIEW, status=Status.PENDING)
    post = posted(alices, media=[photo.pk])
    assert post["status"] == "pending"


def test_a_posts_media_come_in_the_order_given_in_every_feed(alice, bob, town):
    """The feed reads its posts' media apart from its rows (media_app.selectors.Attachments),
    in the order the author gave, for the pinned posts, `new` and `hot`."""
    alices, bobs = joined(alice), joined(bob)
    made = [make_media(alice).pk for _ in range(3)]
    order = [made[1], made[2], made[0]]
    post = posted(alices, media=order)
    pinned = posted(alices, media=[made_one := make_media(alice).pk])
    Post.objects.filter(pk=pinned["id"]).update(pinned=True)
    posted(alices)
    for sort in ("new", "hot"):
        items = {item["id"]: item for item in feed(bobs, sort=sort)}
        assert [media["id"] for media in items[post["id"]]["media"]] == order, sort
        assert [media["id"] for media in items[pinned["id"]]["media"]] == [made_one], sort
        assert [item["media"] for item in items.values()].count([]) == 1, sort


def test_the_default_wall_speaks_the_language_of_its_name(alice):
    """It was the one English text on a Chinese wall, whatever the reader's language."""
    import re

    [campus] = [
        w for w in client_of(alice).get("/api/v1/walls").json()["results"] if w["slug"] == "campus"
    ]
    assert re.search(r"[\u4e00-\u9fff]", campus["description"])
    assert not re.search(r"[A-Za-z]", campus["description"])


@pytest.mark.parametrize("query", ["", "?sort=hot", "?q=hello", "?sort=new&limit=1"])
@pytest.mark.parametrize("gone", ["banned", "deleted"])
def test_the_feed_checks_the_account_in_its_wall_statement_and_still_refuses_a_ban(
    alice, bob, town, query, gone
):
    """The feed reads the reader's account (and muted words) in the wall's statement, not
    before it: a ban or a deletion between two requests answers the next one 401, as every
    other door does, and not a 404 for the wall."""
    alices, bobs = joined(alice), joined(bob)
    posted(alices, body="hello town")
    path = f"/api/v1/walls/town/posts{query}"
    assert bobs.get(path).status_code == 200
    if gone == "banned":
        account_services.user_ban(user=bob)
    else:
        type(bob).objects.filter(pk=bob.pk).delete()
    refused = bobs.get(path)
    assert refused.status_code == 401, refused.content
    assert refused.json()["error"]["code"] == "not_authenticated"
    # The wall of someone else is no 404 for them either: the account answers first.
    assert bobs.get("/api/v1/walls/nowhere/posts").status_code == 401
    # A reader still active reads on.
    assert alices.get(path).status_code == 200

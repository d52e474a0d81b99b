"""The moderators' desk for walls, driven as a member of `Moderators` (and a superuser)."""

from __future__ import annotations

import pytest

from core.moderated import Status
from moderation.models import Decision
from realtime.models import Notification
from walls import services
from walls.models import Comment, Post, Wall

pytestmark = pytest.mark.django_db

POSTS = "/admin/walls/post/"
COMMENTS = "/admin/walls/comment/"


@pytest.fixture
def work(alice, bob):
    """A pending anonymous post on the pre-moderated campus wall, and a pending comment of
    its author on it."""
    for user in (alice, bob):
        services.wall_join(user=user, slug="campus")
    post = services.post_create(user=alice, slug="campus", body="POST-BODY", anonymous=True)
    Post.objects.filter(pk=post.pk).update(status=Status.APPROVED)
    comment = services.comment_create(user=alice, post_id=post.pk, body="COMMENT-BODY")
    Post.objects.filter(pk=post.pk).update(status=Status.PENDING)
    return post, comment


def act(client, url: str, action: str, pk: int, **form):
    ask = client.post(url, {"action": action, "_selected_action": [pk]})
    assert ask.status_code == 200, ask.content[:300]  # the intermediate form
    assert b'name="reason"' in ask.content
    return client.post(url, {"action": action, "_selected_action": [pk], "apply": "1", **form},
                       follow=True)  # fmt: skip


def test_moderators_approve_and_pin_a_post_from_the_desk(moderator_client, work):
    post, _ = work
    act(moderator_client, POSTS, "approve", post.pk, note="looks fine")
    act(moderator_client, POSTS, "pin", post.pk)
    post.refresh_from_db()
    assert (post.status, post.pinned) == (Status.APPROVED, True)
    assert list(Decision.objects.filter(post=post).values_list("action", flat=True)) == [
        "pin", "approve",
    ]  # fmt: skip


def test_the_comments_list_shows_the_newest_first(moderator_client, work, bob):
    post, older = work
    Post.objects.filter(pk=post.pk).update(status=Status.APPROVED)
    newer = services.comment_create(user=bob, post_id=post.pk, body="NEWER")
    listed = moderator_client.get(COMMENTS).context["cl"].result_list
    assert [comment.pk for comment in listed] == [newer.pk, older.pk]


def test_hiding_a_comment_needs_a_reason_and_tells_its_author(moderator_client, work, alice):
    _, comment = work
    refused = act(moderator_client, COMMENTS, "hide", comment.pk)
    assert b"Choose the reason" in refused.content
    assert Comment.objects.get(pk=comment.pk).status == Status.PENDING
    act(moderator_client, COMMENTS, "hide", comment.pk, reason="spam")
    assert Comment.objects.get(pk=comment.pk).status == Status.HIDDEN
    assert Notification.objects.filter(recipient=alice, type="wall.moderated").exists()


def test_moderators_do_not_see_an_anonymous_author_a_superuser_does(
    moderator_client, superuser_client, work
):
    post, comment = work
    for url in (POSTS, f"{POSTS}{post.pk}/change/", COMMENTS, f"{COMMENTS}{comment.pk}/change/"):
        page = moderator_client.get(url)
        assert page.status_code == 200, url
        assert "alice" not in page.content.decode(), url
        assert "(anonymous)" in page.content.decode(), url
        assert "alice" in superuser_client.get(url).content.decode(), url
    found = moderator_client.get(POSTS, {"q": "alice"})
    assert list(found.context["cl"].result_list) == []


def test_moderators_cannot_edit_text_or_walls(moderator_client, work):
    post, _ = work
    response = moderator_client.post(f"{POSTS}{post.pk}/change/", {"body": "edited"})
    assert response.status_code == 403
    assert moderator_client.post("/admin/walls/wall/add/", {"name": "x"}).status_code == 403
    assert Wall.objects.count() == 1


def test_a_posts_page_shows_its_reports_and_decisions(moderator_client, work, bob, alice):
    post, comment = work
    act(moderator_client, POSTS, "approve", post.pk, note="NOTE-FOR-THE-LOG")
    services.report_create(user=bob, post_id=post.pk, category="self_harm", text="REPORT-TEXT")
    page = moderator_client.get(f"{POSTS}{post.pk}/change/").content.decode()
    assert "REPORT-TEXT" in page
    assert "Self-harm" in page
    assert "NOTE-FOR-THE-LOG" in page
    # A comment's page has its own log, not the post's.
    other = moderator_client.get(f"{COMMENTS}{comment.pk}/change/").content.decode()
    assert "NOTE-FOR-THE-LOG" not in other
    assert "REPORT-TEXT" not in other

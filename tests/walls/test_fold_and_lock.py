"""Moderators fold a post (shown collapsed, with its reason) and lock its comments."""

from __future__ import annotations

import pytest

from moderation.models import Decision
from tests.walls.test_walls import feed, joined, posted
from walls import services

pytestmark = pytest.mark.django_db


def test_a_folded_post_shows_its_reason_and_a_locked_one_takes_no_comments(
    alice, bob, town, moderator
):
    alices, bobs = joined(alice), joined(bob)
    post = posted(alices, body="a loud post")
    assert (post["folded"], post["comments_locked"]) == (None, False)

    with pytest.raises(Exception, match="reason"):
        services.post_decide(moderator=moderator, post_id=post["id"], action="fold")
    services.post_decide(moderator=moderator, post_id=post["id"], action="fold", reason="spam")
    services.post_decide(moderator=moderator, post_id=post["id"], action="lock")
    [shown] = feed(bobs)
    assert (shown["folded"], shown["comments_locked"]) == ("spam", True)
    assert bobs.get(f"/api/v1/posts/{post['id']}").json()["folded"] == "spam"
    refused = bobs.post(f"/api/v1/posts/{post['id']}/comments", {"body": "hi"}, format="json")
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "comments_locked")

    services.post_decide(moderator=moderator, post_id=post["id"], action="unfold")
    services.post_decide(moderator=moderator, post_id=post["id"], action="unlock")
    [shown] = feed(bobs)
    assert (shown["folded"], shown["comments_locked"]) == (None, False)
    answer = bobs.post(f"/api/v1/posts/{post['id']}/comments", {"body": "hi"}, format="json")
    assert answer.status_code == 201
    actions = list(Decision.objects.filter(post__pk=post["id"]).values_list("action", flat=True))
    assert sorted(actions) == ["fold", "lock", "unfold", "unlock"]


def test_moderators_fold_and_lock_from_the_desk(moderator_client, alice, town):
    post = posted(joined(alice), body="see")
    moderator_client.post("/admin/walls/post/", {
        "action": "fold", "_selected_action": [post["id"]], "apply": "1", "reason": "hate",
    })  # fmt: skip
    moderator_client.post("/admin/walls/post/", {
        "action": "lock", "_selected_action": [post["id"]], "apply": "1",
    })  # fmt: skip
    from walls.models import Post

    assert Post.objects.values_list("folded_reason", "comments_locked").get() == ("hate", True)

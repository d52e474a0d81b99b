"""A wall post with an image under WeChat's check waits for the verdict, like a confession."""

from __future__ import annotations

import pytest

from moderation.models import Decision
from realtime.models import Notification
from tests.factories import client_of
from tests.media.image_checks import checked_upload, verdict
from walls.models import Post

pytestmark = [pytest.mark.django_db, pytest.mark.service("s3")]


@pytest.fixture(autouse=True)
def _checked(wechat_image_checks):
    """WeChat configured, media on S3, pushes accepted (tests.media.image_checks)."""


def post_with(alice_client, media_id: int) -> Post:
    alice_client.post("/api/v1/walls/town/join")
    response = alice_client.post("/api/v1/walls/town/posts",
                                 {"body": "look", "media": [media_id]}, format="json")  # fmt: skip
    assert response.status_code == 201, response.content
    return Post.objects.get(pk=response.json()["id"])


def test_a_post_waits_for_the_verdict_then_goes_public(alice_client, alice_on_wechat, bob, town):
    media = checked_upload(alice_client)
    post = post_with(alice_client, media.pk)
    assert post.status == "pending"
    client_of(bob).post("/api/v1/walls/town/join")
    assert client_of(bob).get("/api/v1/walls/town/posts").json()["results"] == []
    verdict(media, "pass")
    post.refresh_from_db()
    assert post.status == "approved"
    # The audit log says the system decided, and why.
    [decision] = Decision.objects.filter(post=post)
    assert (decision.moderator, decision.action, decision.note) == (
        None, "approve", "image check: passed")  # fmt: skip
    assert [p["id"] for p in client_of(bob).get("/api/v1/walls/town/posts").json()["results"]] == [
        post.pk
    ]


def test_a_risky_image_rejects_the_post_and_tells_its_author(alice_client, alice_on_wechat, town):
    media = checked_upload(alice_client)
    post = post_with(alice_client, media.pk)
    verdict(media, "risky", label="20002")
    post.refresh_from_db()
    assert post.status == "rejected"
    [decision] = Decision.objects.filter(post=post)
    assert (decision.moderator, decision.action, decision.reason) == (None, "reject", "sexual")
    [told] = Notification.objects.filter(recipient=post.author, type="wall.moderated")
    assert told.data == {"post_id": post.pk, "status": "rejected", "reason": "sexual"}


def test_review_leaves_it_to_moderators(alice_client, alice_on_wechat, town):
    media = checked_upload(alice_client)
    post = post_with(alice_client, media.pk)
    verdict(media, "review")
    post.refresh_from_db()
    assert post.status == "pending"
    assert "for moderators" in post.moderation_note


def test_a_post_its_author_deleted_while_waiting_does_not_break_the_verdict(
    alice_client, alice_on_wechat, town
):
    media = checked_upload(alice_client)
    post = post_with(alice_client, media.pk)
    assert alice_client.delete(f"/api/v1/posts/{post.pk}").status_code == 204
    verdict(media, "risky", label="20002")
    media.refresh_from_db()
    assert media.check_status == "rejected"  # the verdict stands
    assert not Decision.objects.filter(post=post).exists()

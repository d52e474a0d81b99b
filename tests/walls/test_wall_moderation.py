"""Moderators' decisions on wall posts and comments: approve, reject, hide (with a reason the
author is told), pin; each audited, each resolving the open reports."""

from __future__ import annotations

import pytest

from core.errors import ApplicationError
from core.moderated import Status
from moderation.models import Decision, Report
from realtime.models import Notification
from tests.factories import client_of
from walls import services
from walls.models import Comment, Post, Wall

pytestmark = pytest.mark.django_db


@pytest.fixture
def campus_members(alice, bob):
    for user in (alice, bob):
        services.wall_join(user=user, slug="campus")
    return alice, bob


def test_approving_a_pre_moderated_post_makes_it_public_and_is_audited(campus_members, admin_user):
    alice, bob = campus_members
    post = services.post_create(user=alice, slug="campus", body="hello")
    assert post.status == Status.PENDING
    services.post_decide(moderator=admin_user, post_id=post.pk, action="approve", note="fine")
    feed = client_of(bob).get("/api/v1/walls/campus/posts").json()["results"]
    assert [p["id"] for p in feed] == [post.pk]
    decision = Decision.objects.get(post=post)
    assert (decision.moderator, decision.action, decision.from_status, decision.to_status,
            decision.note) == (admin_user, "approve", "pending", "approved", "fine")  # fmt: skip


def test_rejecting_needs_a_reason_and_tells_the_author(campus_members, admin_user):
    alice, _ = campus_members
    post = services.post_create(user=alice, slug="campus", body="hello")
    with pytest.raises(ApplicationError):
        services.post_decide(moderator=admin_user, post_id=post.pk, action="reject")
    services.post_decide(moderator=admin_user, post_id=post.pk, action="reject", reason="spam")
    [told] = Notification.objects.filter(recipient=alice, type="wall.moderated")
    assert told.data == {"post_id": post.pk, "status": "rejected", "reason": "spam"}


def test_hiding_a_reported_post_resolves_its_reports(campus_members, admin_user, settings):
    alice, bob = campus_members
    post = services.post_create(user=alice, slug="campus", body="hello")
    services.post_decide(moderator=admin_user, post_id=post.pk, action="approve")
    services.report_create(user=bob, post_id=post.pk, category="harassment")
    services.post_decide(moderator=admin_user, post_id=post.pk, action="hide",
                         reason="harassment")  # fmt: skip
    assert Post.objects.get(pk=post.pk).status == Status.HIDDEN
    assert not Report.objects.filter(resolved_at__isnull=True).exists()


def test_a_pinned_post_leads_the_first_page(campus_members, admin_user):
    alice, bob = campus_members
    first = services.post_create(user=alice, slug="campus", body="first")
    second = services.post_create(user=alice, slug="campus", body="second")
    for post in (first, second):
        services.post_decide(moderator=admin_user, post_id=post.pk, action="approve")
    services.post_decide(moderator=admin_user, post_id=first.pk, action="pin")
    page = client_of(bob).get("/api/v1/walls/campus/posts", {"limit": 1}).json()
    assert [(p["id"], p["pinned"]) for p in page["results"]] == [(first.pk, True),
                                                                 (second.pk, False)]  # fmt: skip
    assert page["next"] is None  # the pinned post is not listed again below


def test_an_approved_comment_is_announced_then(campus_members, admin_user):
    alice, bob = campus_members
    Wall.objects.filter(slug="campus").update(moderation=Wall.Moderation.POST)
    post = services.post_create(user=alice, slug="campus", body="hello")
    Wall.objects.filter(slug="campus").update(moderation=Wall.Moderation.PRE)
    comment = services.comment_create(user=bob, post_id=post.pk, body="hi")
    assert comment.status == Status.PENDING
    assert not Notification.objects.filter(recipient=alice, type="wall.commented").exists()
    services.comment_decide(moderator=admin_user, comment_id=comment.pk, action="approve")
    assert Notification.objects.filter(recipient=alice, type="wall.commented").exists()
    services.comment_decide(moderator=admin_user, comment_id=comment.pk, action="hide",
                            reason="spam")  # fmt: skip
    assert Comment.objects.get(pk=comment.pk).status == Status.HIDDEN
    [told] = Notification.objects.filter(recipient=bob, type="wall.moderated")
    assert told.data == {"post_id": post.pk, "comment_id": comment.pk, "status": "hidden",
                         "reason": "spam"}  # fmt: skip

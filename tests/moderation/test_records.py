"""The record moderation keeps for every kind of content: one report per person and target,
the automatic hiding at the threshold written in the audit log as the system's decision, and
reports and decisions that go with their target."""

from __future__ import annotations

import pytest

from messages_app import services as confessions
from moderation.models import Decision, Report
from tests.factories import client_of
from walls import services
from walls.models import Comment, Post, Wall

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(alice, bob, django_user_model):
    wall = Wall.objects.create(name="Town", slug="town", moderation=Wall.Moderation.POST)
    carol = django_user_model.objects.create_user(username="carol")
    for user in (alice, bob, carol):
        services.wall_join(user=user, slug="town")
    return wall, carol


def test_a_member_reports_a_post_once(alice, bob, town):
    post = services.post_create(user=alice, slug="town", body="hello")
    first = client_of(bob).post(f"/api/v1/posts/{post.pk}/report", {"category": "spam"})
    again = client_of(bob).post(f"/api/v1/posts/{post.pk}/report", {"category": "hate"})
    assert first.status_code == 201
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_reported"
    assert again.json()["error"]["message"] == "You already reported this post."
    assert list(Report.objects.filter(post=post).values_list("category", flat=True)) == ["spam"]


def test_the_threshold_hides_a_comment_and_the_log_says_the_system_did(alice, bob, town, settings):
    _, carol = town
    settings.REPORTS_TO_HIDE = 2
    post = services.post_create(user=alice, slug="town", body="hello")
    comment = services.comment_create(user=bob, post_id=post.pk, body="rude")
    services.report_create(user=alice, comment_id=comment.pk, category="harassment")
    assert Comment.objects.get(pk=comment.pk).status == "approved"
    services.report_create(user=carol, comment_id=comment.pk, category="harassment")
    assert Comment.objects.get(pk=comment.pk).status == "hidden"
    [decision] = Decision.objects.filter(comment=comment)
    assert (decision.moderator, decision.action, decision.from_status, decision.to_status,
            decision.reason) == (None, "auto_hide", "approved", "hidden", "harassment")  # fmt: skip


def test_reports_and_decisions_go_with_their_target(alice, bob, town, admin_user):
    post = services.post_create(user=alice, slug="town", body="hello")
    services.report_create(user=bob, post_id=post.pk, category="spam")
    services.post_decide(moderator=admin_user, post_id=post.pk, action="pin")
    confession = confessions.confession_send(sender=alice, recipient_username="bob", body="hi")
    confessions.report_create(reporter=bob, confession_id=confession.pk, category="spam")
    assert Report.objects.count() == 2
    assert Decision.objects.count() == 1
    alice.delete()  # her posts and confessions go, and what moderation kept about them
    assert not Post.objects.exists()
    assert not Report.objects.exists()
    assert not Decision.objects.exists()


def test_a_report_names_its_target_kind_in_the_admin(alice, bob, town, admin_client):
    post = services.post_create(user=alice, slug="town", body="hello")
    services.report_create(user=bob, post_id=post.pk, category="spam")
    page = admin_client.get("/admin/moderation/report/").content.decode()
    assert f"Post {post.pk} (Approved)" in page

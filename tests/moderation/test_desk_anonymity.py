"""The anonymity walk over every page of the moderators' desk: an author who wrote everything
anonymously (a confession with a photo, a reply, a post, a comment on it), was reported,
sanctioned, written to, and appealed, is never named on any page a moderator (not a
superuser) can open: not their username, display name or a link to them. Strangers are sent to the
sign-in page or refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from messages_app import services as confessions
from messages_app.models import ConfessionMedia, Reply
from moderation import appeals, notices, sanctions
from moderation.models import Appeal, Report
from tests.factories import make_media
from walls.models import Comment, Post, Wall

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(alice, bob, moderator):
    alice.display_name = "Whisper Queen"
    alice.save()
    sent = confessions.confession_send(
        sender=alice, recipient_username="bob", body="Seat by the window", anonymous=True
    )
    ConfessionMedia.objects.create(confession=sent, media=make_media(alice), position=0)
    Report.objects.create(target=sent, reporter=bob, category="harassment", text="creepy")
    reply = Reply.objects.create(confession=sent, author=alice, body="It's me", status="pending")
    wall = Wall.objects.create(name="North", slug="north")
    post = Post.objects.create(wall=wall, author=alice, body="Room 204", anonymous=True,
                               status="approved")  # fmt: skip
    Report.objects.create(target=post, reporter=bob, category="spam")
    comment = Comment.objects.create(post=post, author=alice, body="bump", anonymous=True,
                                     status="pending")  # fmt: skip
    notices.notice_authors(model=Post, target_ids=[post.pk], moderator=moderator, message="Hi")
    mute = sanctions.sanction_impose(
        moderator=moderator, user=alice, kind="mute", reason="spam", duration=timedelta(hours=1)
    )
    appeal = appeals.appeal_create(user=alice, kind="sanction", target_id=mute.pk, text="Sorry")
    return {"confession": sent, "reply": reply, "post": post, "comment": comment,
            "appeal": appeal}  # fmt: skip


def pages(trail) -> list[str]:
    items = [(kind, trail[kind]) for kind in ("confession", "reply", "post", "comment")]
    admin_paths = {"confession": "messages_app/confession", "reply": "messages_app/reply",
                   "post": "walls/post", "comment": "walls/comment"}  # fmt: skip
    return [
        "/admin/",
        "/admin/desk/",
        *[f"/admin/desk/?item={kind}:{item.pk}" for kind, item in items],
        *[f"/admin/desk/?kind={kind}" for kind, _ in items],
        "/admin/desk/?wall=north",
        *[f"/admin/{path}/" for path in admin_paths.values()],
        *[f"/admin/{admin_paths[kind]}/{item.pk}/change/" for kind, item in items],
        "/admin/messages_app/queuedconfession/",
        "/admin/moderation/report/",
        "/admin/moderation/decision/",
        "/admin/moderation/appeal/",
        f"/admin/moderation/appeal/{trail['appeal'].pk}/change/",
    ]


def test_no_page_of_the_desk_names_the_anonymous_author(moderator_client, trail, alice):
    secrets = ("alice", "Whisper Queen", f"/admin/accounts/user/{alice.pk}/")
    for path in pages(trail):
        answer = moderator_client.get(path)
        assert answer.status_code == 200, path
        html = answer.content.decode()
        for secret in secrets:
            assert secret not in html, (path, secret)
    # The sanctions by user are for superusers only.
    assert moderator_client.get("/admin/moderation/sanction/").status_code == 403
    assert Appeal.objects.count() == 1


def test_strangers_get_no_page_of_the_desk(client, django_user_model, trail, alice):
    staff = django_user_model.objects.create_user(username="staffer", is_staff=True)
    for who in (None, alice, staff):
        visitor = Client()
        if who is not None:
            visitor.force_login(who)
        for path in pages(trail):
            answer = visitor.get(path)
            if who is staff:
                # Staff who moderate nothing: the desk refuses, the admin shows no model.
                allowed = (200,) if path == "/admin/" else (403, 302)
                assert answer.status_code in allowed, path
                assert "Seat by the window" not in answer.content.decode(), path
            else:
                assert answer.status_code == 302, path
                assert answer["Location"].startswith("/admin/login/"), path

"""Graduated sanctions: a warning, a timed mute that refuses every write and ends by itself,
a timed ban; the user told, and shown their sanctions at /me/sanctions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from core.errors import ApplicationError
from moderation import sanctions
from moderation.models import Sanction
from realtime.models import Notification
from tests.conftest import run_worker
from tests.factories import client_of
from walls.models import Wall

pytestmark = pytest.mark.django_db


def as_if_its_time_came(sanction: Sanction) -> None:
    Sanction.objects.filter(pk=sanction.pk).update(until=timezone.now() - timedelta(seconds=1))


def writes(client, confession_id: int, post_id: int) -> dict[str, int]:
    """The status of one of each write a muted user may not make."""
    return {
        "comment": client.post(f"/api/v1/posts/{post_id}/comments", {"body": "hi"},
                               format="json").status_code,
        "confession": client.post("/api/v1/confessions", {"recipient": "bob", "body": "hi"},
                                  format="json").status_code,
        "reply": client.post(f"/api/v1/confessions/{confession_id}/replies", {"body": "hi"},
                             format="json").status_code,
        "post": client.post("/api/v1/walls/town/posts", {"body": "hi"},
                            format="json").status_code,
    }  # fmt: skip


def test_a_timed_mute_refuses_every_write_with_its_reason_and_end_then_ends_by_itself(
    alice, bob, moderator
):
    Wall.objects.create(name="Town", slug="town", moderation=Wall.Moderation.POST)
    alices, bobs = client_of(alice), client_of(bob)
    assert alices.post("/api/v1/walls/town/join").status_code == 200
    assert bobs.post("/api/v1/walls/town/join").status_code == 200
    post = bobs.post("/api/v1/walls/town/posts", {"body": "a post"}, format="json").json()["id"]
    to_alice = bobs.post("/api/v1/confessions", {"recipient": "alice", "body": "hello"},
                         format="json").json()["id"]  # fmt: skip
    mute = sanctions.sanction_impose(
        moderator=moderator, user=alice, kind="mute", reason="spam", duration=timedelta(hours=24)
    )
    refused = alices.post("/api/v1/confessions", {"recipient": "bob", "body": "hi"}, format="json")
    assert refused.status_code == 403
    error = refused.json()["error"]
    assert (error["code"], error["reason"]) == ("muted", "spam")
    assert error["until"] == mute.until.isoformat()
    assert writes(alices, to_alice, post) == {
        "comment": 403, "confession": 403, "reply": 403, "post": 403,
    }  # fmt: skip
    # Reading goes on.
    assert alices.get("/api/v1/confessions/inbox").status_code == 200
    # Told, with the reason and the end; and shown among their sanctions.
    [told] = Notification.objects.filter(recipient=alice, type="moderation.sanctioned")
    assert told.data == {"kind": "mute", "reason": "spam", "until": mute.until.isoformat()}
    [shown] = alices.get("/api/v1/me/sanctions").json()["results"]
    assert (shown["kind"], shown["reason"], shown["active"]) == ("mute", "spam", True)

    as_if_its_time_came(mute)
    run_worker()  # the periodic sanctions_expire
    assert writes(alices, to_alice, post) == {
        "comment": 201, "confession": 201, "reply": 201, "post": 201,
    }  # fmt: skip
    assert alices.get("/api/v1/me/sanctions").json()["results"][0]["active"] is False


def test_a_timed_ban_locks_the_account_out_then_ends_by_itself(alice, moderator):
    alices = client_of(alice)
    ban = sanctions.sanction_impose(
        moderator=moderator, user=alice, kind="ban", reason="hate", duration=timedelta(days=7)
    )
    alice.refresh_from_db()
    assert alice.is_active is False
    assert alices.get("/api/v1/me").status_code == 401
    as_if_its_time_came(ban)
    sanctions.sanctions_expire()
    alice.refresh_from_db()
    assert alice.is_active is True
    assert client_of(alice).get("/api/v1/me").status_code == 200


def test_a_warning_is_told_and_refuses_nothing(alice, bob, moderator):
    sanctions.sanction_impose(moderator=moderator, user=alice, kind="warning", reason="other")
    assert (
        Notification.objects.get(recipient=alice, type="moderation.sanctioned").data["until"]
        is None
    )
    sent = client_of(alice).post("/api/v1/confessions", {"recipient": "bob", "body": "hi"},
                                 format="json")  # fmt: skip
    assert sent.status_code == 201
    with pytest.raises(ApplicationError):
        sanctions.sanction_impose(moderator=moderator, user=alice, kind="warning",
                                  reason="other", duration=timedelta(hours=1))  # fmt: skip


def test_a_new_mute_replaces_the_one_in_force_and_lifting_an_old_one_keeps_it(alice, moderator):
    first = sanctions.sanction_impose(moderator=moderator, user=alice, kind="mute",
                                      reason="spam", duration=timedelta(hours=1))  # fmt: skip
    second = sanctions.sanction_impose(moderator=moderator, user=alice, kind="mute",
                                       reason="hate", duration=timedelta(days=3))  # fmt: skip
    first.refresh_from_db()
    assert first.ended_at is not None
    sanctions.sanction_lift(sanction=first)
    alice.refresh_from_db()
    assert (alice.muted_until, alice.mute_reason) == (second.until, "hate")


def test_sanctions_are_the_users_own(alice, bob, moderator):
    sanctions.sanction_impose(moderator=moderator, user=alice, kind="warning", reason="spam")
    assert client_of(bob).get("/api/v1/me/sanctions").json()["results"] == []


def test_a_superuser_imposes_a_timed_mute_in_the_admin_and_moderators_see_no_list(
    admin_client, alice, moderator
):
    response = admin_client.post("/admin/moderation/sanction/add/", {
        "user": alice.pk, "kind": "mute", "reason": "spam", "hours": "2", "note": "flooding",
    })  # fmt: skip
    assert response.status_code == 302, response.content
    sanction = Sanction.objects.get(user=alice)
    assert timedelta(minutes=119) < sanction.until - timezone.now() <= timedelta(hours=2)
    alice.refresh_from_db()
    assert alice.muted_until == sanction.until
    assert Notification.objects.filter(recipient=alice, type="moderation.sanctioned").exists()
    # The list names who was sanctioned and when: not a moderator's to see.
    desk = Client()
    desk.force_login(moderator)
    assert desk.get("/admin/moderation/sanction/").status_code == 403


def test_a_moderator_mutes_the_anonymous_authors_of_items_without_learning_who(
    moderator_client, alice, bob, settings
):
    from messages_app import services as confession_services

    settings.SANCTION_MUTE_HOURS = 24
    carol = User.objects.create_user(username="carol", password="carol-pass-2026!")
    sent = [
        confession_services.confession_send(
            sender=alice, recipient_username="bob", body=f"secret {n}", anonymous=True
        )
        for n in range(2)
    ] + [confession_services.confession_send(sender=carol, recipient_username="bob", body="hi")]
    form = {"action": "mute_authors", "_selected_action": [c.pk for c in sent]}
    asked = moderator_client.post("/admin/messages_app/confession/", form)
    assert b"alice" not in asked.content  # the reason form names no author
    done = moderator_client.post(
        "/admin/messages_app/confession/", {**form, "apply": "1", "reason": "spam"}, follow=True
    )
    page = done.content.decode()
    assert "2 done" in page  # two authors, each once; which ones is not said
    assert "alice" not in page
    muted = {s.user.username: s for s in Sanction.objects.select_related("user")}
    assert set(muted) == {"alice", "carol"}
    assert all(s.kind == "mute" and s.reason == "spam" for s in muted.values())
    assert timedelta(hours=23) < muted["alice"].until - timezone.now() <= timedelta(hours=24)
    assert Notification.objects.filter(recipient=alice, type="moderation.sanctioned").count() == 1


def test_a_moderator_writes_to_an_anonymous_author_without_learning_who(
    moderator_client, alice, bob
):
    from messages_app import services as confession_services
    from moderation.models import Decision

    sent = [
        confession_services.confession_send(
            sender=alice, recipient_username="bob", body=f"hush {n}", anonymous=True
        )
        for n in range(2)
    ]
    form = {"action": "notice_authors", "_selected_action": [c.pk for c in sent]}
    asked = moderator_client.post("/admin/messages_app/confession/", form)
    assert b'name="message"' in asked.content
    done = moderator_client.post(
        "/admin/messages_app/confession/",
        {**form, "apply": "1", "message": "Please keep it kind."},
        follow=True,
    )
    assert "1 done" in done.content.decode()  # one author, not named
    assert "alice" not in done.content.decode()
    [told] = Notification.objects.filter(recipient=alice, type="moderation.notice")
    assert told.data == {
        "message": "Please keep it kind.",
        "kind": "confession",
        "ids": sorted(c.pk for c in sent),
    }
    assert not Notification.objects.filter(recipient=bob, type="moderation.notice").exists()
    assert Decision.objects.filter(action="notice").count() == 2  # in the audit log


def test_sanctions_imposed_and_lifted_are_in_the_audit_log_without_whose(
    alice, moderator, moderator_client
):
    from moderation.models import Decision

    muted = sanctions.sanction_impose(
        moderator=moderator, user=alice, kind="mute", reason="spam", duration=timedelta(hours=1)
    )
    sanctions.sanction_impose(moderator=moderator, user=alice, kind="warning", reason="hate")
    sanctions.sanction_lift(sanction=Sanction.objects.get(pk=muted.pk), moderator=moderator)
    logged = Decision.objects.filter(content_type__model="sanction").order_by("id")
    assert [(d.action, d.reason, d.to_status) for d in logged] == [
        ("mute", "spam", "active"),
        ("warn", "hate", "active"),
        ("lift", "spam", "ended"),
    ]
    assert {d.moderator for d in logged} == {moderator}
    page = moderator_client.get("/admin/moderation/decision/").content.decode()
    assert f"Sanction {muted.pk}: Mute (Spam)" in page
    assert "alice" not in page
    assert f"of {alice.pk}" not in page

"""Appeals: an author appeals a take-down or a sanction once; moderators uphold or overturn
from their own queue; the user is told; an overturned take-down restores the item."""

from __future__ import annotations

from datetime import timedelta

import pytest

from messages_app import services as confessions
from messages_app.models import Confession
from moderation import appeals, sanctions
from moderation.models import Appeal, Decision
from realtime.models import Notification
from tests.factories import client_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def rejected(alice, bob, moderator) -> Confession:
    sent = confessions.confession_send(
        sender=alice, recipient_username="bob", body="I like you", anonymous=True
    )
    return confessions.confession_reject(moderator=moderator, confession_id=sent.pk, reason="spam")


def test_an_overturned_appeal_restores_the_confession_and_tells_the_author(
    alice, bob, rejected, moderator_client
):
    alices = client_of(alice)
    made = alices.post("/api/v1/appeals", {"kind": "confession", "id": rejected.pk,
                                           "text": "It was kind."}, format="json")  # fmt: skip
    assert made.status_code == 201, made.content
    appeal = made.json()
    assert (appeal["status"], appeal["kind"], appeal["target_id"]) == (
        "pending",
        "confession",
        rejected.pk,
    )
    again = alices.post("/api/v1/appeals", {"kind": "confession", "id": rejected.pk,
                                            "text": "Please."}, format="json")  # fmt: skip
    assert (again.status_code, again.json()["error"]["code"]) == (409, "already_appealed")

    # The queue shows the appeal and what it is about, never who appealed.
    queue = moderator_client.get("/admin/moderation/appeal/").content.decode()
    assert f"/admin/messages_app/confession/{rejected.pk}/change/" in queue
    assert "alice" not in queue
    moderator_client.post("/admin/moderation/appeal/", {
        "action": "overturn", "_selected_action": [appeal["id"]], "apply": "1",
        "note": "On a second look it is fine.",
    })  # fmt: skip
    rejected.refresh_from_db()
    assert rejected.status == "approved"
    assert bob in [c.recipient for c in Confession.objects.filter(delivered_at__isnull=False)]
    [told] = Notification.objects.filter(recipient=alice, type="moderation.appeal_decided")
    assert told.data == {
        "appeal_id": appeal["id"],
        "kind": "confession",
        "id": rejected.pk,
        "outcome": "overturned",
        "note": "On a second look it is fine.",
    }
    [mine] = alices.get("/api/v1/appeals").json()["results"]
    assert (mine["status"], mine["note"]) == ("overturned", "On a second look it is fine.")
    assert Decision.objects.filter(action="overturn").exists()  # in the audit log


def test_an_upheld_appeal_changes_nothing_but_is_told(alice, rejected, moderator):
    appeal = appeals.appeal_create(user=alice, kind="confession", target_id=rejected.pk,
                                   text="Please.")  # fmt: skip
    appeals.appeal_decide(moderator=moderator, appeal_id=appeal.pk, overturn=False, note="No.")
    rejected.refresh_from_db()
    assert rejected.status == "rejected"
    told = Notification.objects.get(recipient=alice, type="moderation.appeal_decided")
    assert told.data["outcome"] == "upheld"
    with pytest.raises(Exception, match="already decided"):
        appeals.appeal_decide(moderator=moderator, appeal_id=appeal.pk, overturn=True)


def test_a_sanction_appeal_overturned_ends_the_mute(alice, moderator):
    mute = sanctions.sanction_impose(moderator=moderator, user=alice, kind="mute",
                                     reason="spam", duration=timedelta(days=1))  # fmt: skip
    made = client_of(alice).post("/api/v1/appeals", {"kind": "sanction", "id": mute.pk,
                                                     "text": "Not me."}, format="json")  # fmt: skip
    assert made.status_code == 201
    appeals.appeal_decide(moderator=moderator, appeal_id=made.json()["id"], overturn=True)
    alice.refresh_from_db()
    assert alice.muted_until is None


@pytest.mark.parametrize("whose", ["someone else's", "not taken down", "no such"])
def test_what_is_not_yours_to_appeal_is_404(alice, bob, rejected, moderator, whose):
    if whose == "someone else's":
        target = rejected.pk  # alice's, appealed by bob
    elif whose == "not taken down":
        target = confessions.confession_send(sender=bob, recipient_username="alice",
                                             body="hi").pk  # fmt: skip
    else:
        target = 999
    answer = client_of(bob).post("/api/v1/appeals", {"kind": "confession", "id": target,
                                                     "text": "x"}, format="json")  # fmt: skip
    assert answer.status_code == 404
    assert not Appeal.objects.exists()


def test_a_rejected_reply_appealed_and_overturned_reaches_the_other_side(
    alice, bob, moderator, moderator_client
):
    from messages_app.models import Reply

    sent = confessions.confession_send(sender=alice, recipient_username="bob", body="hello")
    reply = Reply.objects.create(confession=sent, author=bob, body="who is this?", status="pending")
    confessions.reply_reject(moderator=moderator, reply_id=reply.pk, reason="other")
    made = client_of(bob).post(
        "/api/v1/appeals", {"kind": "reply", "id": reply.pk, "text": "Just asking."}, format="json"
    )
    assert made.status_code == 201, made.content
    # Alice's own reply is not hers to appeal: 404 as for what does not exist.
    theirs = client_of(alice).post(
        "/api/v1/appeals", {"kind": "reply", "id": reply.pk, "text": "x"}, format="json"
    )
    assert theirs.status_code == 404
    appeals.appeal_decide(moderator=moderator, appeal_id=made.json()["id"], overturn=True)
    reply.refresh_from_db()
    assert reply.status == "approved"
    assert Notification.objects.filter(recipient=alice, type="confession.replied").exists()
    assert Decision.objects.filter(object_id=reply.pk, action="approve").exists()


def test_a_banned_user_learns_why_at_sign_in_and_appeals_signed_out(alice, moderator, api_client):
    from rest_framework.test import APIClient

    alice.set_password("alice-pass-2026!")
    alice.save()
    ban = sanctions.sanction_impose(
        moderator=moderator, user=alice, kind="ban", reason="spam", duration=timedelta(hours=72)
    )
    refused = api_client.post(
        "/api/v1/auth/login", {"username": "alice", "password": "alice-pass-2026!"}, format="json"
    )
    assert refused.status_code == 403
    error = refused.json()["error"]
    assert (error["code"], error["reason"], error["sanction_id"]) == (
        "account_disabled",
        "spam",
        ban.pk,
    )
    assert error["until"] is not None
    # The wrong password learns nothing of the ban.
    wrong = api_client.post(
        "/api/v1/auth/login", {"username": "alice", "password": "nope-nope-123"}, format="json"
    )
    assert wrong.status_code == 401
    assert "appeal_token" not in wrong.json()["error"]

    signed_out = APIClient()
    appeal = {"kind": "sanction", "id": ban.pk, "text": "It was a mistake."}
    # Without the token, or with a forged one, or for something else: refused.
    assert signed_out.post("/api/v1/appeals", appeal, format="json").status_code == 401
    forged = {**appeal, "appeal_token": error["appeal_token"] + "x"}
    assert signed_out.post("/api/v1/appeals", forged, format="json").status_code == 401
    other = {**appeal, "id": ban.pk + 1, "appeal_token": error["appeal_token"]}
    assert signed_out.post("/api/v1/appeals", other, format="json").status_code == 401
    made = signed_out.post(
        "/api/v1/appeals", {**appeal, "appeal_token": error["appeal_token"]}, format="json"
    )
    assert made.status_code == 201, made.content
    assert Appeal.objects.get().appellant == alice

    appeals.appeal_decide(moderator=moderator, appeal_id=made.json()["id"], overturn=True)
    again = api_client.post(
        "/api/v1/auth/login", {"username": "alice", "password": "alice-pass-2026!"}, format="json"
    )
    assert again.status_code == 200
    assert Decision.objects.filter(action="lift", moderator=moderator).exists()


def test_a_folded_post_appealed_and_overturned_is_unfolded(alice, moderator):
    from walls import services as walls
    from walls.models import Post, Wall

    wall = Wall.objects.create(name="North", slug="north")
    post = Post.objects.create(wall=wall, author=alice, body="Room 204", status="approved")
    walls.post_decide(moderator=moderator, post_id=post.pk, action="fold", reason="spam")
    made = client_of(alice).post(
        "/api/v1/appeals", {"kind": "post", "id": post.pk, "text": "It is kind."}, format="json"
    )
    assert made.status_code == 201, made.content
    appeals.appeal_decide(moderator=moderator, appeal_id=made.json()["id"], overturn=True)
    post.refresh_from_db()
    assert (post.status, post.folded_reason) == ("approved", "")
    assert Decision.objects.filter(object_id=post.pk, action="unfold").exists()

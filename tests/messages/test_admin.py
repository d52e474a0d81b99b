"""The admin as the moderation desk, driven as a member of `Moderators` (and a superuser)."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from messages_app import services
from messages_app.models import Confession
from moderation.models import BannedPhrase, Decision, Report
from realtime.models import Notification
from tests.factories import make_media

pytestmark = pytest.mark.django_db

QUEUE = "/admin/messages_app/queuedconfession/"
CONFESSIONS = "/admin/messages_app/confession/"


@pytest.fixture
def pending(settings, alice, bob) -> Confession:
    settings.MODERATION_CHECKERS = ["tests.messages.checkers.ReviewEverything"]
    confession = services.confession_send(
        sender=alice, recipient_username="bob", body="PENDING-BODY", anonymous=True,
        media_ids=[make_media(alice).pk],
    )  # fmt: skip
    settings.MODERATION_CHECKERS = ["moderation.checkers.BannedPhraseChecker"]
    return confession


@pytest.fixture
def reported(alice, bob) -> Confession:
    confession = services.confession_send(
        sender=alice, recipient_username="bob", body="REPORTED-BODY", anonymous=True
    )
    services.report_create(reporter=bob, confession_id=confession.pk, category="harassment")
    return confession


def test_the_moderators_group_has_exactly_the_moderating_permissions():
    permissions = Group.objects.get(name="Moderators").permissions
    codenames = set(permissions.values_list("codename", flat=True))
    assert {
        "moderate_confession",
        "moderate_reply",
        "view_confession",
        "view_decision",
        "view_report",
        "change_bannedphrase",
        "moderate_post",
        "moderate_comment",
    } <= codenames
    assert not {"change_confession", "change_user", "change_decision", "delete_decision",
                "change_report", "delete_confession", "view_media", "view_user",
                "view_match"} & codenames  # fmt: skip
    # The tables that moved to the moderation app left no permission behind.
    assert not permissions.filter(codename__in=["view_moderationdecision", "view_wallreport"])


def test_queue_lists_pending_and_reported_by_report_count_then_age(
    moderator_client, pending, reported, alice, settings, django_user_model
):
    # Oldest first: pending (0 reports), reported (1); then a link two users report, a second
    # pending one, and a quiet confession that has no business in the queue.
    settings.REPORTS_TO_HIDE = 10
    twice = services.confession_send(sender=alice, body="TWICE-BODY")
    for name in ("v1", "v2"):
        viewer = django_user_model.objects.create_user(username=name)
        services.report_create(reporter=viewer, confession_id=twice.pk, category="spam",
                               share_token=twice.share_token)  # fmt: skip
    settings.MODERATION_CHECKERS = ["tests.messages.checkers.ReviewEverything"]
    later_pending = services.confession_send(sender=alice, recipient_username="bob", body="L")
    settings.MODERATION_CHECKERS = ["moderation.checkers.BannedPhraseChecker"]
    services.confession_send(sender=alice, recipient_username="bob", body="QUIET-BODY")

    response = moderator_client.get(QUEUE)
    assert response.status_code == 200
    listed = [item.pk for item in response.context["cl"].result_list]
    assert listed == [twice.pk, reported.pk, pending.pk, later_pending.pk]
    assert "QUIET-BODY" not in response.content.decode()


def test_confession_list_filters_and_search(moderator_client, pending, reported, alice, bob):
    settled = services.confession_send(sender=alice, recipient_username="bob", body="SETTLED")
    services.report_create(reporter=bob, confession_id=settled.pk, category="spam")
    Report.objects.filter(object_id=settled.pk).update(resolved_at=timezone.now())
    assert moderator_client.get(CONFESSIONS, {"status__exact": "pending"}).status_code == 200

    def listed(**query) -> dict[int, int]:
        page = moderator_client.get(CONFESSIONS, query).context["cl"].result_list
        return {confession.pk: confession.open_reports for confession in page}

    assert listed() == {settled.pk: 0, reported.pk: 1, pending.pk: 0}
    assert listed(reports="open") == {reported.pk: 1}
    assert listed(reports="any") == {settled.pk: 0, reported.pk: 1}
    assert listed(reports="none") == {pending.pk: 0}
    found = moderator_client.get(CONFESSIONS, {"q": "PENDING"})
    assert [c.pk for c in found.context["cl"].result_list] == [pending.pk]
    by_recipient = moderator_client.get(CONFESSIONS, {"q": "bob"})
    assert len(by_recipient.context["cl"].result_list) == 3
    assert moderator_client.get(CONFESSIONS, {"anonymous__exact": "1"}).status_code == 200


def test_the_replies_list_shows_the_newest_first(moderator_client, reported, alice, bob):
    _, older = services.reply_create(user=bob, confession_id=reported.pk, body="OLDER")
    _, newer = services.reply_create(user=alice, confession_id=reported.pk, body="NEWER")
    listed = moderator_client.get("/admin/messages_app/reply/").context["cl"].result_list
    assert [reply.pk for reply in listed] == [newer.pk, older.pk]


def act(client, action: str, confession: Confession, **form):
    ask = client.post(CONFESSIONS, {"action": action, "_selected_action": [confession.pk]})
    assert ask.status_code == 200  # the intermediate form
    assert b'name="reason"' in ask.content
    return client.post(
        CONFESSIONS,
        {"action": action, "_selected_action": [confession.pk], "apply": "1", **form},
        follow=True,
    )


def test_approving_delivers_notifies_and_is_audited(moderator_client, moderator, pending, bob):
    response = act(moderator_client, "approve", pending, note="looks fine")
    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.status == "approved"
    assert pending.delivered_at is not None
    assert Notification.objects.filter(recipient=bob, type="confession.received").exists()
    decision = Decision.objects.get(confession=pending)
    assert (decision.moderator, decision.action, decision.note) == (moderator, "approve",
                                                                    "looks fine")  # fmt: skip


def test_rejecting_needs_a_reason_and_notifies_the_sender(moderator_client, pending, alice):
    without = act(moderator_client, "reject", pending, reason="")
    assert b"Choose the reason" in without.content
    pending.refresh_from_db()
    assert pending.status == "pending"
    act(moderator_client, "reject", pending, reason="spam")
    pending.refresh_from_db()
    assert pending.status == "rejected"
    [told] = Notification.objects.filter(recipient=alice, type="confession.moderated")
    assert told.data == {"confession_id": pending.pk, "status": "rejected", "reason": "spam"}
    assert Decision.objects.filter(confession=pending, action="reject").exists()


def test_hide_and_dismiss_from_the_desk(moderator_client, reported, bob):
    act(moderator_client, "dismiss_reports", reported)
    assert Decision.objects.filter(confession=reported, action="dismiss").exists()
    assert Notification.objects.filter(recipient=bob, type="report.resolved").count() == 1
    act(moderator_client, "hide", reported, reason="harassment")
    reported.refresh_from_db()
    assert reported.status == "hidden"


def test_moderator_cannot_change_a_body(moderator_client, pending):
    url = f"{CONFESSIONS}{pending.pk}/change/"
    assert moderator_client.get(url).status_code == 200  # may look
    response = moderator_client.post(url, {"body": "EDITED", "status": "approved"})
    assert response.status_code == 403
    pending.refresh_from_db()
    assert (pending.body, pending.status) == ("PENDING-BODY", "pending")


def test_moderator_cannot_edit_users_or_the_audit_log(moderator_client, moderator, pending, alice):
    services.confession_approve(moderator=moderator, confession_id=pending.pk)
    decision = Decision.objects.get()
    assert moderator_client.get(f"/admin/accounts/user/{alice.pk}/change/").status_code == 403
    assert (
        moderator_client.post(
            f"/admin/moderation/decision/{decision.pk}/change/", {"note": "x"}
        ).status_code
        == 403
    )
    assert (
        moderator_client.post(
            f"/admin/moderation/decision/{decision.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert Decision.objects.filter(pk=decision.pk).exists()


def test_moderator_does_not_see_an_anonymous_sender_a_superuser_does(
    moderator_client, superuser_client, pending
):
    for url in (CONFESSIONS, QUEUE, f"{CONFESSIONS}{pending.pk}/change/"):
        page = moderator_client.get(url).content.decode()
        assert "PENDING-BODY" in page or "/change/" in url
        assert "alice" not in page, url
        assert "(anonymous)" in page
        assert "alice" in superuser_client.get(url).content.decode(), url
    # Nor can a moderator find them by searching the sender's name, or through the owners of
    # uploads, the users list or the matches.
    found = moderator_client.get(CONFESSIONS, {"q": "alice"})
    assert list(found.context["cl"].result_list) == []
    for listing in ("/admin/media_app/media/", "/admin/accounts/user/",
                    "/admin/messages_app/match/"):  # fmt: skip
        assert moderator_client.get(listing).status_code in (403, 404), listing


def test_media_thumbnails_are_shown_through_signed_urls(moderator_client, pending):
    import re

    page = moderator_client.get(f"{CONFESSIONS}{pending.pk}/change/").content.decode()
    [source] = re.findall(r'<img src="([^"]+)" alt="image"', page)
    # A presigned S3 URL, or our signed file URL: never a bare, unsigned path.
    assert "X-Amz-Signature=" in source or source.startswith("/media/file/")


def test_banned_phrases_are_editable(moderator_client):
    response = moderator_client.post(
        "/admin/moderation/bannedphrase/add/", {"phrase": "spam link", "action": "block"}
    )
    assert response.status_code == 302
    assert BannedPhrase.objects.filter(phrase="spam link", action="block").exists()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_banning_a_user_in_the_admin_closes_their_sockets(
    alice, alice_token, django_user_model
):
    from tests.realtime.conftest import open_socket

    root = await database_sync_to_async(django_user_model.objects.create_superuser)(username="root")
    socket = await open_socket(alice_token)
    assert socket.connected

    @database_sync_to_async
    def ban_in_admin() -> int:
        client = Client()
        client.force_login(root)
        return client.post(
            "/admin/accounts/user/", {"action": "ban_users", "_selected_action": [alice.pk]}
        ).status_code

    assert await ban_in_admin() == 302
    message = await socket.receive_output(timeout=3)
    assert message == {"type": "websocket.close", "code": 4403}


def test_the_lists_count_reports_for_their_page_only(moderator_client, reported):
    """The open reports of each row are counted by a subquery for the page's rows: a join of
    the reports grouped every confession of the table before the page was cut. And the list
    counts its rows once."""
    for url in (CONFESSIONS, QUEUE):
        with CaptureQueriesContext(connection) as queries:
            assert moderator_client.get(url).status_code == 200
        joined = [query["sql"] for query in queries.captured_queries
                  if 'JOIN "moderation_report"' in query["sql"]]  # fmt: skip
        assert not joined, joined
        # Counted once, not a second time for "(N total)".
        counts = [query["sql"] for query in queries.captured_queries
                  if query["sql"].startswith("SELECT COUNT(*)")]  # fmt: skip
        assert len(counts) == 1, counts

"""Confession rules, at the service level."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from accounts import selectors as account_selectors
from accounts import services as account_services
from core.errors import ApplicationError
from messages_app import selectors, services
from messages_app.models import Confession, Match, Reply
from realtime.models import Notification
from tests.factories import make_media
from tests.messages.reads import inbox, inbox_shown, sent

pytestmark = pytest.mark.django_db


def send(sender, recipient=None, body="I like you.", **kwargs) -> Confession:
    return services.confession_send(
        sender=sender,
        recipient_username=recipient.username if recipient else None,
        body=body,
        **kwargs,
    )


def notifications(user, type_: str | None = None) -> list[Notification]:
    found = Notification.objects.filter(recipient=user).order_by("id")
    return list(found.filter(type=type_) if type_ else found)


def test_send_to_a_user_delivers_and_notifies(alice, bob):
    confession = send(alice, bob)
    assert confession.status == Confession.Status.APPROVED
    assert confession.delivered_at is not None
    assert confession.share_token is None
    [received] = notifications(bob)
    assert received.type == "confession.received"
    assert received.data == {
        "confession_id": confession.pk,
        "anonymous": False,
        "sender": {"username": "alice", "display_name": ""},
        "has_media": False,
    }
    assert inbox(bob) == [confession.pk]
    assert notifications(alice) == []


def test_anonymous_notification_names_nobody(alice, bob):
    send(alice, bob, anonymous=True)
    [received] = notifications(bob)
    assert received.data["sender"] is None
    assert received.data["anonymous"] is True


def test_body_is_trimmed(alice, bob):
    assert send(alice, bob, body="  hello \n").body == "hello"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Write something first."),
        ("   \n\t ", "Write something first."),
        ("x" * 2001, "At most 2000 characters."),
        ("hi\x00there", "NUL characters are not allowed."),
    ],
)
def test_bad_bodies_are_refused(alice, bob, body, message):
    with pytest.raises(ValidationError) as raised:
        send(alice, bob, body=body)
    assert raised.value.message_dict == {"body": [message]}
    assert not Confession.objects.exists()


def test_2000_characters_is_fine(alice, bob):
    assert len(send(alice, bob, body="x" * 2000).body) == 2000


def test_refused_recipients(alice, bob, django_user_model):
    with pytest.raises(ValidationError, match="yourself"):
        send(alice, alice)
    with pytest.raises(ValidationError, match="No user"):
        services.confession_send(sender=alice, recipient_username="nobody", body="hi")
    account_services.user_update_profile(user=bob, data={"accepts_anonymous": False})
    with pytest.raises(ValidationError, match="anonymous"):
        send(alice, bob, anonymous=True)
    send(alice, bob, anonymous=False)  # a named one is fine
    banned = django_user_model.objects.create_user(username="banned")
    account_services.user_ban(user=banned)
    with pytest.raises(ValidationError, match="No user"):
        send(alice, banned)


def test_recipient_username_ignores_case(alice, bob):
    confession = services.confession_send(sender=alice, recipient_username="BOB", body="hi")
    assert confession.recipient == bob


def test_media_rules_are_media_apps(alice, bob):
    mine = make_media(alice)
    theirs = make_media(bob)
    with pytest.raises(ValidationError):
        send(alice, bob, media_ids=[theirs.pk])
    confession = send(alice, bob, media_ids=[mine.pk])
    mine.refresh_from_db()
    assert mine.attached_at is not None
    assert [a.media for a in confession.attachments.all()] == [mine]
    with pytest.raises(ValidationError):
        send(alice, bob, media_ids=[mine.pk])  # already attached
    assert Confession.objects.count() == 1


def test_rate_limit(alice, bob, settings):
    settings.CONFESSIONS_PER_HOUR = 2
    send(alice, bob)
    send(alice, bob)
    with pytest.raises(ApplicationError) as raised:
        send(alice, bob)
    assert raised.value.status_code == 429
    assert raised.value.code == "throttled"
    assert 0 < int(raised.value.headers["Retry-After"]) <= 3600


def test_sending_to_someone_who_blocked_you_looks_sent_and_reaches_nobody(alice, bob):
    account_services.block_create(blocker=bob, username="alice")
    confession = send(alice, bob)
    assert confession.suppressed
    assert notifications(bob) == []
    assert inbox(bob) == []
    with pytest.raises(Http404):
        selectors.confession_get_for_user(user=bob, confession_id=confession.pk)
    assert sent(alice) == [confession.pk]
    # ...and it never makes a match.
    send(bob, alice)
    assert not Match.objects.exists()


def test_an_anonymous_block_works_the_same(alice, bob):
    account_services.block_create_anonymous(blocker=bob, blocked=alice)
    send(alice, bob)
    assert notifications(bob) == []


def test_blocking_later_hides_what_was_received(alice, bob):
    confession = send(alice, bob)
    account_services.block_create(blocker=bob, username="alice")
    assert inbox(bob) == []
    with pytest.raises(Http404):
        selectors.confession_get_for_user(user=bob, confession_id=confession.pk)


def test_share_link_confession_and_claim(alice, bob, carol):
    confession = send(alice, None, anonymous=True)
    assert confession.recipient is None
    assert confession.share_token
    assert confession.delivered_at is None
    assert notifications(bob) == []
    shared = selectors.confession_get_shared(user=carol, token=confession.share_token)
    assert shared == confession

    claimed = services.confession_claim(user=bob, token=confession.share_token)
    assert claimed.recipient == bob
    assert claimed.delivered_at is not None
    assert [n.type for n in notifications(bob)] == ["confession.received"]
    # The token worked once: others are told it is taken.
    with pytest.raises(ApplicationError) as taken:
        services.confession_claim(user=carol, token=confession.share_token)
    assert (taken.value.code, taken.value.status_code) == ("already_claimed", 410)
    with pytest.raises(ApplicationError):
        selectors.confession_get_shared(user=carol, token=confession.share_token)
    # Claiming again as the winner is harmless.
    assert services.confession_claim(user=bob, token=confession.share_token) == claimed


def test_sender_cannot_claim_own_link(alice):
    confession = send(alice, None)
    with pytest.raises(ValidationError):
        services.confession_claim(user=alice, token=confession.share_token)


def test_unknown_token(alice):
    with pytest.raises(Http404):
        services.confession_claim(user=alice, token="nope")


def test_mark_read_is_idempotent_and_tells_the_sender_once(alice, bob):
    confession = send(alice, bob)
    services.confession_mark_read(user=bob, confession_id=confession.pk)
    services.confession_mark_read(user=bob, confession_id=confession.pk)
    [read] = notifications(alice, "confession.read")
    assert read.data == {"confession_id": confession.pk}
    services.confession_mark_read(user=alice, confession_id=confession.pk)  # her own side only
    assert len(notifications(alice, "confession.read")) == 1
    confession.refresh_from_db()
    assert confession.sender_seen_at is not None


def test_replies_notify_the_other_side_and_keep_anonymity(alice, bob):
    confession = send(alice, bob, anonymous=True)
    _, from_bob = services.reply_create(user=bob, confession_id=confession.pk, body="who?")
    [to_alice] = notifications(alice, "confession.replied")
    assert to_alice.data["author"] == {"username": "bob", "display_name": ""}
    services.reply_create(user=alice, confession_id=confession.pk, body="a secret")
    [to_bob] = notifications(bob, "confession.replied")
    assert to_bob.data["author"] is None
    assert to_bob.data["from"] == "sender"
    assert Reply.objects.count() == 2


def test_reply_needs_a_delivered_confession(alice, bob):
    confession = send(alice, None)
    with pytest.raises(ValidationError):
        services.reply_create(user=alice, confession_id=confession.pk, body="hello?")


def test_reply_body_rules(alice, bob):
    confession = send(alice, bob)
    with pytest.raises(ValidationError):
        services.reply_create(user=bob, confession_id=confession.pk, body="  ")


def test_retract_hides_it_from_both(alice, bob):
    confession = send(alice, bob)
    services.confession_delete(user=alice, confession_id=confession.pk)
    assert inbox(bob) == []
    assert sent(alice) == []
    assert Confession.objects.filter(pk=confession.pk, retracted_at__isnull=False).exists()


def test_recipient_removes_it_from_the_inbox_only(alice, bob):
    confession = send(alice, bob)
    services.confession_delete(user=bob, confession_id=confession.pk)
    assert inbox(bob) == []
    assert sent(alice) == [confession.pk]
    # Replies from the sender no longer reach bob.
    services.reply_create(user=alice, confession_id=confession.pk, body="still there?")
    assert notifications(bob, "confession.replied") == []


def test_block_sender_of_an_anonymous_confession_reveals_nothing(alice, bob):
    confession = send(alice, bob, anonymous=True)
    services.confession_block_sender(user=bob, confession_id=confession.pk)
    assert not account_selectors.can_reach(author=alice, recipient=bob)
    [block] = account_selectors.block_list(user=bob)
    assert block.anonymous is True
    send(alice, bob, body="again")
    assert len(notifications(bob, "confession.received")) == 1


def test_block_sender_of_a_named_confession_is_a_named_block(alice, bob):
    confession = send(alice, bob)
    services.confession_block_sender(user=bob, confession_id=confession.pk)
    [block] = account_selectors.block_list(user=bob)
    assert block.anonymous is False


def test_only_the_recipient_blocks_the_sender(alice, bob):
    confession = send(alice, bob)
    with pytest.raises(PermissionDenied):
        services.confession_block_sender(user=alice, confession_id=confession.pk)


@pytest.mark.parametrize("anonymous", [(True, True), (True, False), (False, False)])
def test_mutual_confessions_match_and_reveal(alice, bob, anonymous):
    first = send(alice, bob, anonymous=anonymous[0])
    assert not Match.objects.exists()
    second = send(bob, alice, anonymous=anonymous[1])
    assert Match.objects.count() == 1
    [alice_told] = notifications(alice, "confession.matched")
    [bob_told] = notifications(bob, "confession.matched")
    assert alice_told.data == {"confession_id": second.pk, "with": {"username": "bob",
                                                                   "display_name": ""}}  # fmt: skip
    assert bob_told.data == {"confession_id": first.pk, "with": {"username": "alice",
                                                                 "display_name": ""}}  # fmt: skip
    # From now on both see who, in the inbox and in detail.
    [(_, viewing)] = inbox_shown(bob)
    assert viewing.matched is True
    assert viewing.sender_visible is True
    # A third confession between them does not match again.
    send(alice, bob, body="again")
    assert len(notifications(alice, "confession.matched")) == 1


def test_no_match_with_a_retracted_or_pending_counterpart(alice, bob):
    first = send(alice, bob)
    services.confession_delete(user=alice, confession_id=first.pk)
    send(bob, alice)
    assert not Match.objects.exists()


def test_claiming_a_link_can_match(alice, bob):
    send(bob, alice, anonymous=True)
    link = send(alice, None, anonymous=True)
    services.confession_claim(user=bob, token=link.share_token)
    assert Match.objects.count() == 1
    assert len(notifications(bob, "confession.matched")) == 1


def test_no_match_across_a_block_either_way(alice, bob):
    # bob blocks whoever sent him an anonymous confession (alice, unknown to him), then himself
    # confesses to alice: a match would tell him who it was.
    anonymous = send(alice, bob, anonymous=True)
    services.confession_block_sender(user=bob, confession_id=anonymous.pk)
    send(bob, alice)
    assert not Match.objects.exists()
    assert notifications(bob, "confession.matched") == []


def test_match_points_at_a_live_counterpart(alice, bob):
    live = send(bob, alice, body="older, still there")
    retracted = send(bob, alice, body="newer, taken back")
    services.confession_delete(user=bob, confession_id=retracted.pk)
    send(alice, bob)
    [told_alice] = notifications(alice, "confession.matched")
    assert told_alice.data["confession_id"] == live.pk


def test_replies_are_rate_limited(alice, bob, settings):
    settings.REPLIES_PER_HOUR = 2
    confession = send(alice, bob)
    services.reply_create(user=bob, confession_id=confession.pk, body="one")
    services.reply_create(user=bob, confession_id=confession.pk, body="two")
    with pytest.raises(ApplicationError) as raised:
        services.reply_create(user=bob, confession_id=confession.pk, body="three")
    assert raised.value.status_code == 429
    assert Reply.objects.filter(author=bob).count() == 2
    services.reply_create(user=alice, confession_id=confession.pk, body="alice is not limited")

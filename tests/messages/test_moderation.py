"""The moderation chain, reports, and moderators' decisions (service level)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.errors import ApplicationError
from messages_app import selectors, services
from messages_app.models import Confession, Match, Reply
from moderation import checkers
from moderation.models import BannedPhrase, Decision, Report
from realtime.models import Notification
from tests.messages.reads import inbox, sent, thread

pytestmark = pytest.mark.django_db

BUILT_IN = "moderation.checkers.BannedPhraseChecker"


def told(user, type_: str) -> list[dict]:
    return [n.data for n in Notification.objects.filter(recipient=user, type=type_).order_by("id")]


@pytest.fixture
def phrases():
    BannedPhrase.objects.create(phrase="bad word", action="block")
    BannedPhrase.objects.create(phrase="meet me", action="review")
    BannedPhrase.objects.create(phrase="傻瓜", action="block")


@pytest.mark.parametrize(
    "text",
    [
        "you are a bad word",
        "BAD WORD",
        "b a d w o r d",
        "b.a.d-w_o*r!d",
        "ｂａｄ　ｗｏｒｄ",  # full-width letters and space
        "B\u200bad word",  # zero-width space
        "Bäd word".replace("ä", "a"),
        "你是傻瓜",
        "你是 傻 . 瓜",
    ],
)
def test_obfuscations_of_a_blocked_phrase_are_caught(phrases, text):
    assert checkers.check(text).kind == "block"


def test_review_phrase_holds_and_clean_text_passes(phrases):
    assert checkers.check("Meet-Me after class").kind == "review"
    assert checkers.check("I think about you every day").kind == "pass"


def test_the_strictest_answer_wins(phrases):
    verdict = checkers.check("meet me, bad word")
    assert verdict.kind == "block"
    assert "bad word" in verdict.reason


@pytest.mark.parametrize(
    "checker",
    ["tests.messages.checkers.CrashingChecker", "tests.messages.checkers.TimingOutChecker"],
)
def test_a_failing_checker_sends_to_review(settings, checker, alice, bob):
    settings.MODERATION_CHECKERS = [BUILT_IN, checker]
    verdict = checkers.check("hello")
    assert verdict.kind == "review"
    assert "failed" in verdict.reason
    # ...and through the send path: held, not delivered, no error.
    confession = services.confession_send(sender=alice, recipient_username="bob", body="hello")
    assert confession.status == Confession.Status.PENDING
    assert told(bob, "confession.received") == []


def test_a_failing_checker_never_beats_a_block(settings, phrases):
    settings.MODERATION_CHECKERS = [BUILT_IN, "tests.messages.checkers.CrashingChecker"]
    assert checkers.check("bad word").kind == "block"


def test_blocked_text_is_refused_and_nothing_stored(phrases, alice, bob):
    with pytest.raises(ApplicationError) as raised:
        services.confession_send(sender=alice, recipient_username="bob", body="b-a-d word")
    assert raised.value.code == "content_rejected"
    assert raised.value.status_code == 400
    assert not Confession.objects.exists()


def test_review_holds_a_confession_the_recipient_cannot_see(phrases, alice, bob):
    confession = services.confession_send(sender=alice, recipient_username="bob", body="meet me")
    assert confession.status == Confession.Status.PENDING
    assert confession.moderation_note == "banned phrase: meet me"
    assert inbox(bob) == []
    assert sent(alice) == [confession.pk]
    assert told(bob, "confession.received") == []


def test_replies_pass_the_same_chain(phrases, alice, bob, django_user_model):
    confession = services.confession_send(sender=alice, recipient_username="bob", body="hi")
    with pytest.raises(ApplicationError):
        services.reply_create(user=bob, confession_id=confession.pk, body="bad word")
    _, held = services.reply_create(user=bob, confession_id=confession.pk, body="meet me")
    assert held.status == Reply.Status.PENDING
    assert told(alice, "confession.replied") == []
    assert thread(alice, confession) == []
    assert thread(bob, confession) == [held.pk]
    moderator = django_user_model.objects.create_user(username="mod", is_staff=True)
    services.reply_approve(moderator=moderator, reply_id=held.pk)
    assert thread(alice, confession) == [held.pk]
    assert [data["reply_id"] for data in told(alice, "confession.replied")] == [held.pk]


# --- decisions ----------------------------------------------------------------------------------


@pytest.fixture
def moderator(django_user_model):
    return django_user_model.objects.create_user(username="mod", is_staff=True)


@pytest.fixture
def held(settings, alice, bob):
    settings.MODERATION_CHECKERS = ["tests.messages.checkers.ReviewEverything"]
    confession = services.confession_send(sender=alice, recipient_username="bob", body="hi")
    settings.MODERATION_CHECKERS = [BUILT_IN]
    return confession


def test_approve_delivers_notifies_and_is_audited(held, moderator, alice, bob):
    services.confession_approve(moderator=moderator, confession_id=held.pk, note="fine")
    held.refresh_from_db()
    assert held.status == Confession.Status.APPROVED
    assert held.delivered_at is not None
    assert [d["confession_id"] for d in told(bob, "confession.received")] == [held.pk]
    [decision] = Decision.objects.all()
    assert (decision.moderator, decision.action, decision.from_status, decision.to_status) == (
        moderator,
        "approve",
        "pending",
        "approved",
    )
    with pytest.raises(ApplicationError) as raised:
        services.confession_approve(moderator=moderator, confession_id=held.pk)
    assert raised.value.status_code == 409


def test_approving_can_fire_a_match(held, moderator, alice, bob):
    services.confession_send(sender=bob, recipient_username="alice", body="you?")
    assert not Match.objects.exists()
    services.confession_approve(moderator=moderator, confession_id=held.pk)
    assert Match.objects.count() == 1
    assert len(told(alice, "confession.matched")) == 1


def test_reject_tells_the_sender_the_category_not_the_moderator(held, moderator, alice, bob):
    services.confession_reject(moderator=moderator, confession_id=held.pk, reason="spam")
    held.refresh_from_db()
    assert held.status == Confession.Status.REJECTED
    assert told(alice, "confession.moderated") == [
        {"confession_id": held.pk, "status": "rejected", "reason": "spam"}
    ]
    assert "mod" not in str(told(alice, "confession.moderated"))
    assert told(bob, "confession.received") == []


def test_hide_removes_a_delivered_one_from_the_inbox(alice, bob, moderator):
    confession = services.confession_send(sender=alice, recipient_username="bob", body="hi")
    services.confession_hide(moderator=moderator, confession_id=confession.pk, reason="hate")
    assert inbox(bob) == []
    with pytest.raises(Http404):
        selectors.confession_get_for_user(user=bob, confession_id=confession.pk)
    assert told(alice, "confession.moderated")[0]["status"] == "hidden"


# --- reports -------------------------------------------------------------------------------------


def test_recipient_reports_once(alice, bob):
    confession = services.confession_send(sender=alice, recipient_username="bob", body="hi")
    report = services.report_create(reporter=bob, confession_id=confession.pk, category="spam")
    assert report.category == "spam"
    with pytest.raises(ApplicationError) as raised:
        services.report_create(reporter=bob, confession_id=confession.pk, category="hate")
    assert raised.value.status_code == 409
    assert raised.value.code == "already_reported"
    assert Report.objects.count() == 1


def test_who_may_report(alice, bob, django_user_model):
    carol = django_user_model.objects.create_user(username="carol")
    confession = services.confession_send(sender=alice, recipient_username="bob", body="hi")
    with pytest.raises(Http404):
        services.report_create(reporter=carol, confession_id=confession.pk, category="spam")
    link = services.confession_send(sender=alice, body="link")
    with pytest.raises(PermissionDenied):
        services.report_create(reporter=alice, confession_id=confession.pk, category="spam")
    with pytest.raises(Http404):  # a link viewer must show the link
        services.report_create(reporter=carol, confession_id=link.pk, category="spam")
    with pytest.raises(Http404):  # ...the link of that confession
        services.report_create(reporter=carol, confession_id=confession.pk, category="spam",
                               share_token=link.share_token)  # fmt: skip
    services.report_create(reporter=carol, confession_id=link.pk, category="spam",
                           share_token=link.share_token)  # fmt: skip


def test_n_distinct_reporters_hide_it_and_a_decision_resolves_them(
    settings, alice, django_user_model, moderator
):
    settings.REPORTS_TO_HIDE = 3
    link = services.confession_send(sender=alice, body="a link many saw")
    viewers = [django_user_model.objects.create_user(username=f"viewer{i}") for i in range(3)]
    for viewer in viewers[:2]:
        services.report_create(reporter=viewer, confession_id=link.pk, category="harassment",
                               share_token=link.share_token)  # fmt: skip
    link.refresh_from_db()
    assert link.status == Confession.Status.APPROVED
    services.report_create(reporter=viewers[2], confession_id=link.pk, category="harassment",
                           share_token=link.share_token)  # fmt: skip
    link.refresh_from_db()
    assert link.status == Confession.Status.HIDDEN
    auto = Decision.objects.get(action="auto_hide")
    assert auto.moderator is None

    services.reports_dismiss(moderator=moderator, confession_id=link.pk)
    link.refresh_from_db()
    assert link.status == Confession.Status.APPROVED  # the reports were unfounded: it is back
    for viewer in viewers:
        [resolved] = told(viewer, "report.resolved")
        assert resolved["outcome"] == "no_action"
    assert not Report.objects.filter(resolved_at=None).exists()


def test_hiding_resolves_reports_as_removed(alice, bob, moderator):
    confession = services.confession_send(sender=alice, recipient_username="bob", body="hi")
    report = services.report_create(reporter=bob, confession_id=confession.pk, category="hate")
    services.confession_hide(moderator=moderator, confession_id=confession.pk, reason="hate")
    report.refresh_from_db()
    assert report.outcome == "removed"
    assert told(bob, "report.resolved") == [
        {"report_id": report.pk, "confession_id": confession.pk, "outcome": "removed"}
    ]


def test_report_api(alice, bob_client, bob):
    confession = services.confession_send(sender=alice, recipient_username="bob", body="hi")
    response = bob_client.post(
        f"/api/v1/confessions/{confession.pk}/report", {"category": "spam", "text": "ads"}
    )
    assert response.status_code == 201
    again = bob_client.post(f"/api/v1/confessions/{confession.pk}/report", {"category": "spam"})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_reported"
    bad = bob_client.post(f"/api/v1/confessions/{confession.pk}/report", {"category": "rude"})
    assert bad.status_code == 400
    assert "category" in bad.json()["error"]["fields"]


def test_a_refused_decision_says_why_in_a_whole_sentence(alice, bob, settings):
    """Of a confession that reports had hidden it said "A hidden by moderators confession
    cannot be hidden"; each refusal is now a sentence of its own, translated whole."""
    from messages_app.services import decisions

    moderator = type(alice).objects.create_user(username="mod", is_staff=True)
    confession = services.confession_send(sender=alice, recipient_username="bob", body="x")
    Confession.objects.filter(pk=confession.pk).update(status=Confession.Status.HIDDEN)
    with pytest.raises(ApplicationError) as refused:
        decisions.confession_hide(moderator=moderator, confession_id=confession.pk, reason="x")
    assert refused.value.code == "invalid_transition"
    assert refused.value.message == (
        "This confession is hidden already (by reports or by a moderator)."
    )
    decisions.confession_approve(moderator=moderator, confession_id=confession.pk)
    with pytest.raises(ApplicationError) as refused:
        decisions.confession_approve(moderator=moderator, confession_id=confession.pk)
    assert refused.value.message == "This confession is approved already."

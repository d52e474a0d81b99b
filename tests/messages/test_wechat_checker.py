"""WeChat's msg_sec_check as one more checker in the chain, against the fake WeChat."""

from __future__ import annotations

import pytest

from core.errors import ApplicationError
from messages_app import services
from messages_app.models import Confession
from moderation import checkers
from realtime.models import Notification

pytestmark = pytest.mark.django_db

CHAIN = [
    "moderation.checkers.BannedPhraseChecker",
    "moderation.checkers.WeChatContentChecker",
]


@pytest.fixture
def chain(settings, wechat):
    settings.MODERATION_CHECKERS = CHAIN
    return wechat


@pytest.fixture
def wechat_alice(alice):
    alice.wechat_openid = "openid-alice"
    alice.save(update_fields=["wechat_openid"])
    return alice


def test_what_we_send_to_wechat(chain, wechat_alice):
    assert checkers.check("hello there", author=wechat_alice).kind == "pass"
    [sent] = chain.requests_to("/wxa/msg_sec_check")
    assert sent.body == {"content": "hello there", "version": 2, "scene": 4,
                         "openid": "openid-alice"}  # fmt: skip
    assert sent.query["access_token"].startswith("token-")


def test_risky_blocks_and_review_holds(chain, wechat_alice, bob):
    with pytest.raises(ApplicationError) as raised:
        services.confession_send(sender=wechat_alice, recipient_username="bob", body="RISKY")
    assert raised.value.code == "content_rejected"
    held = services.confession_send(sender=wechat_alice, recipient_username="bob", body="REVIEW")
    assert held.status == Confession.Status.PENDING
    assert held.moderation_note.startswith("wechat: review")
    assert not Notification.objects.filter(recipient=bob).exists()


def test_wechat_down_means_review_not_delivery(chain, wechat_alice, bob):
    chain.answer_garbage_next()  # the token fetch fails
    confession = services.confession_send(sender=wechat_alice, recipient_username="bob", body="hi")
    assert confession.status == Confession.Status.PENDING


def test_wechat_too_slow_means_review(chain, wechat_alice, settings):
    settings.WECHAT_TIMEOUT_SECONDS = 0.3
    chain.delay = 2
    verdict = checkers.check("hi", author=wechat_alice)
    assert verdict.kind == "review"


def test_authors_without_wechat_are_not_sent_to_wechat(chain, alice):
    assert checkers.check("RISKY", author=alice).kind == "pass"
    assert chain.requests == []


def test_without_wechat_configured_the_checker_steps_aside(settings, wechat_alice):
    settings.MODERATION_CHECKERS = CHAIN
    settings.WECHAT_APPID = ""
    assert checkers.check("RISKY", author=wechat_alice).kind == "pass"

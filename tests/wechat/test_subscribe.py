"""Subscribe messages: credits from wx.requestSubscribeMessage, and one message per credit and
event for a recipient who has not seen the notification, against the fake WeChat."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from rest_framework_simplejwt.tokens import AccessToken

from realtime import services as realtime_services
from realtime.models import Notification
from tests.conftest import run_worker
from wechat import services, templates
from wechat.models import SubscribeCredit, SubscribeMessage

pytestmark = pytest.mark.django_db

SEND = "/cgi-bin/message/subscribe/send"
TEMPLATES = {
    "confession.received": {"id": "TPL_RECEIVED",
                            "data": {"thing1": "title", "time2": "time", "thing3": "hint"}},
    "confession.replied": {"id": "TPL_REPLIED", "data": {"thing1": "title", "time2": "time"}},
    "confession.matched": {"id": "TPL_MATCHED", "data": {"phrase1": "title", "time2": "time"}},
}  # fmt: skip


@pytest.fixture(autouse=True)
def _configured(settings, wechat, monkeypatch):
    settings.WECHAT_SUBSCRIBE_TEMPLATES = TEMPLATES
    settings.WECHAT_SUBSCRIBE_DELAY_SECONDS = 60
    settings.TASK_SCHEDULE = {}
    settings.TASKS_RETRY_SECONDS = 1
    monkeypatch.setattr(AccessToken, "lifetime", timedelta(days=1))


@pytest.fixture
def bob_on_wechat(bob):
    bob.wechat_openid = "openid-bob"
    bob.save(update_fields=["wechat_openid"])
    return bob


def credits(user, template_id="TPL_RECEIVED") -> int:
    row = SubscribeCredit.objects.filter(user=user, template_id=template_id).first()
    return row.credits if row else 0


def grant(user, template_id="TPL_RECEIVED", times=1) -> None:
    for _ in range(times):
        services.subscriptions_record(user=user, answers={template_id: "accept"})


def confess(alice_client, body="I like you, Bob") -> int:
    response = alice_client.post(
        "/api/v1/confessions", {"recipient": "bob", "body": body, "anonymous": True}
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def later(seconds=61):
    return time_machine.travel(timezone.now() + timedelta(seconds=seconds), tick=True)


def test_the_client_learns_which_templates_to_ask_for(bob_client):
    state = bob_client.get("/api/v1/wechat/subscriptions").json()["templates"]
    assert {item["template_id"]: (item["credits"], item["ask"]) for item in state} == {
        "TPL_RECEIVED": (0, True), "TPL_REPLIED": (0, True), "TPL_MATCHED": (0, True),
    }  # fmt: skip


def test_each_accept_of_a_configured_template_is_one_credit(bob_client, bob):
    answer = {"TPL_RECEIVED": "accept", "TPL_REPLIED": "reject", "TPL_MATCHED": "ban",
              "SOMEONE_ELSES": "accept", "errMsg": "requestSubscribeMessage:ok"}  # fmt: skip
    response = bob_client.post("/api/v1/wechat/subscriptions", answer)
    assert response.status_code == 200, response.content
    bob_client.post("/api/v1/wechat/subscriptions", {"TPL_RECEIVED": "acceptWithAudio"})
    assert credits(bob) == 2
    assert credits(bob, "TPL_REPLIED") == 0
    assert not SubscribeCredit.objects.filter(template_id="SOMEONE_ELSES").exists()
    state = bob_client.get("/api/v1/wechat/subscriptions").json()["templates"]
    assert [item["ask"] for item in state] == [False, True, True]


@pytest.mark.parametrize("body", [["TPL_RECEIVED"], {"TPL_RECEIVED": 1}, {"x" * 65: "accept"}])
def test_a_bad_answer_is_a_400_and_changes_nothing(bob_client, bob, body):
    response = bob_client.post("/api/v1/wechat/subscriptions", body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert not SubscribeCredit.objects.exists()


def test_subscriptions_need_a_token(api_client):
    assert api_client.get("/api/v1/wechat/subscriptions").status_code == 401
    assert api_client.post("/api/v1/wechat/subscriptions", {}).status_code == 401


def test_an_offline_recipient_gets_one_message_per_credit_and_event(
    alice_client, bob_on_wechat, wechat
):
    grant(bob_on_wechat)
    first = confess(alice_client, "You make my days, Bob")
    run_worker()
    assert wechat.requests_to(SEND) == []  # not before the delay: they may see it live
    with later():
        run_worker()
        confess(alice_client, "Another one")  # no credit left for this one
    with later(130):
        run_worker()
    [sent] = wechat.requests_to(SEND)
    body = sent.body
    assert body["touser"] == "openid-bob"
    assert body["template_id"] == "TPL_RECEIVED"
    assert body["page"] == f"pages/confession/detail?id={first}"
    assert body["miniprogram_state"] == "formal"
    # In Chinese: Bob never said which language he reads.
    assert body["data"]["thing1"]["value"] == "你收到了一封新的表白"
    assert body["lang"] == "zh_CN"
    # Nothing of the anonymous sender, and no confession text, on a lock screen.
    text = str(body)
    for secret in ("alice", "Alice", "You make my days", "Bob"):
        assert secret not in text
    assert credits(bob_on_wechat) == 0
    assert SubscribeMessage.objects.get().outcome == "sent"


def test_a_notification_seen_on_a_socket_sends_nothing(alice_client, bob_on_wechat, wechat):
    grant(bob_on_wechat)
    confess(alice_client)
    notification = Notification.objects.get(recipient=bob_on_wechat)
    realtime_services.notifications_mark_read(user_id=bob_on_wechat.pk, up_to=notification.pk)
    with later():
        run_worker()
    assert wechat.requests_to(SEND) == []
    assert credits(bob_on_wechat) == 1


def test_users_without_an_openid_enqueue_nothing(alice_client, bob):
    grant(bob)
    confess(alice_client)
    assert not DBTaskResult.objects.filter(task_path__startswith="wechat.").exists()


def test_refused_by_the_user_43101_sets_the_credits_to_zero(alice_client, bob_on_wechat, wechat):
    grant(bob_on_wechat, times=3)
    confess(alice_client)
    wechat.fail_next(43101, path=SEND)
    with later():
        run_worker()
    assert credits(bob_on_wechat) == 0
    assert SubscribeMessage.objects.get().outcome == "refused"


def test_data_refused_as_invalid_47003_is_logged_and_not_retried(
    alice_client, bob_on_wechat, wechat, caplog
):
    grant(bob_on_wechat)
    confess(alice_client)
    wechat.fail_next(47003, path=SEND)
    with later():
        run_worker()
    with later(300):
        run_worker()
    assert len(wechat.requests_to(SEND)) == 1
    assert credits(bob_on_wechat) == 1
    assert SubscribeMessage.objects.get().outcome == "invalid"
    assert any("47003" in record.getMessage() and record.levelname == "ERROR"
               for record in caplog.records)  # fmt: skip


def test_wechat_down_is_retried_then_sent_once(alice_client, bob_on_wechat, wechat):
    grant(bob_on_wechat)
    confess(alice_client)
    wechat.answer_garbage_next(path=SEND)
    with later():
        run_worker()
    task = DBTaskResult.objects.get(task_path="wechat.tasks.subscribe_message_send")
    assert task.status == TaskResultStatus.READY  # waiting for its second attempt
    assert credits(bob_on_wechat) == 1
    with later(120):
        run_worker()
    assert credits(bob_on_wechat) == 0
    assert SubscribeMessage.objects.get().outcome == "sent"
    # Run again (a worker that died after sending, say): nothing more goes out.
    notification = Notification.objects.get(recipient=bob_on_wechat)
    assert services.subscribe_message_send(notification_id=notification.pk) == "already_sent"
    assert len(wechat.requests_to(SEND)) == 2  # the one answered with garbage, and one


def test_values_are_cut_to_what_each_kind_of_key_takes():
    assert len(templates.fit("thing1", "一" * 30)) == 20
    assert templates.fit("phrase3", "五个字以上的词") == "五个字以上"
    assert templates.fit("character_string2", "x" * 40) == "x" * 32
    assert templates.fit("thing1", "") == "-"
    assert templates.fit("time4", "2026年11月21日 16:50") == "2026年11月21日 16:50"


def test_a_template_for_an_unknown_event_or_field_fails_the_check(settings):
    settings.WECHAT_SUBSCRIBE_TEMPLATES = {
        "confession.dance": {"id": "X", "data": {"thing1": "title"}},
        "confession.received": {"id": "Y", "data": {"thing1": "sender_name"}},
    }
    with pytest.raises(SystemCheckError) as error:
        call_command("check")
    assert "confession.dance" in str(error.value)
    assert "sender_name" in str(error.value)


@pytest.mark.parametrize(
    ("language", "title", "time_pattern", "hint", "lang"),
    [
        ("en", "New confession", r"\d{4}-\d\d-\d\d \d\d:\d\d", "Tap to open", "en_US"),
        ("zh-hans", "你收到了一封新的表白", r"\d{4}年\d\d月\d\d日 \d\d:\d\d", "点击打开小程序查看",
         "zh_CN"),
    ],
)  # fmt: skip
def test_the_message_is_in_its_users_language(
    settings, alice_client, bob_on_wechat, wechat, language, title, time_pattern, hint, lang
):
    settings.WECHAT_SUBSCRIBE_TEMPLATES = {
        "confession.received": {
            "id": "TPL_RECEIVED",
            "data": {"thing1": "title", "time2": "time", "thing3": "hint"},
        }
    }
    bob_on_wechat.language = language
    bob_on_wechat.save(update_fields=["language"])
    grant(bob_on_wechat)
    # Alice's own language has no say in what Bob is told.
    alice_client.credentials(HTTP_ACCEPT_LANGUAGE="en" if language != "en" else "zh-CN",
                             **alice_client._credentials)  # fmt: skip
    confess(alice_client)
    with later():
        run_worker()
    [sent] = wechat.requests_to(SEND)
    data = sent.body["data"]
    assert data["thing1"]["value"] == title
    assert re.fullmatch(time_pattern, data["time2"]["value"])
    assert data["thing3"]["value"] == hint
    assert sent.body["lang"] == lang


def test_a_ban_is_told_by_subscribe_message_with_its_reason_and_end(
    settings, bob_on_wechat, wechat, moderator
):
    from moderation import sanctions

    settings.WECHAT_SUBSCRIBE_TEMPLATES = {
        "moderation.sanctioned": {
            "id": "TPL_SANCTION",
            "data": {"thing1": "title", "thing2": "reason", "time3": "until", "time4": "time"},
        }
    }
    grant(bob_on_wechat, "TPL_SANCTION", times=2)
    sanctions.sanction_impose(
        moderator=moderator, user=bob_on_wechat, kind="ban", reason="spam",
        duration=timedelta(hours=72),
    )  # fmt: skip
    with later():
        run_worker()
    # Banned (the account deactivated), told all the same: in Chinese, why and until when.
    [sent] = wechat.requests_to(SEND)
    data = sent.body["data"]
    assert data["thing1"]["value"] == "你的账号已被暂停使用"
    assert data["thing2"]["value"] == "垃圾信息"
    assert re.fullmatch(r"\d{4}年\d\d月\d\d日 \d\d:\d\d", data["time3"]["value"])
    assert "mod" not in str(sent.body)  # never who decided

    # A mute for good says so; a confession for the banned is not told at all.
    bob_on_wechat.language = "en"
    bob_on_wechat.save(update_fields=["language"])
    sanctions.sanction_impose(moderator=moderator, user=bob_on_wechat, kind="mute", reason="hate")
    with later(130):
        run_worker()
    last = wechat.requests_to(SEND)[-1].body["data"]
    assert (last["thing1"]["value"], last["time3"]["value"]) == (
        "You are muted",
        "Until further notice",
    )


def test_no_subscribe_message_for_a_type_turned_off(
    bob_client, bob_on_wechat, alice_client, wechat
):
    """`/me/notification-settings`: subscribe off for confession.received. The confession is
    stored and listed all the same; no message goes out, no credit is spent."""
    grant(bob_on_wechat)
    turned = bob_client.put(
        "/api/v1/me/notification-settings",
        {"settings": {"confession.received": {"subscribe": False}}},
        format="json",
    )
    assert turned.status_code == 200, turned.content
    confess(alice_client)
    with later():
        run_worker()
    assert wechat.requests_to(SEND) == []
    assert not DBTaskResult.objects.filter(task_path="wechat.tasks.subscribe_message_send").exists()
    assert credits(bob_on_wechat) == 1
    listed = bob_client.get("/api/v1/notifications").json()["results"]
    assert [n["type"] for n in listed] == ["confession.received"]

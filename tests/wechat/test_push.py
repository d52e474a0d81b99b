"""/wechat/push: WeChat's message push, checked with the official vectors (WECHAT.md and
WeChat's message-push documentation), stored once, processed by a task."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from accounts.models import User
from tests.conftest import run_worker
from wechat import push
from wechat.models import PushEvent, SubscribeCredit

pytestmark = pytest.mark.django_db

TOKEN = "AAAAA"
AES_KEY = "A" * 43
APPID = "wxba5fad812f8e6fb9"
# The official safe-mode example: its ciphertext, and what it decrypts to.
OFFICIAL_ENCRYPT = (
    "+qdx1OKCy+5JPCBFWw70tm0fJGb2Jmeia4FCB7kao+/Q5c/ohsOzQHi8khUOb05JCpj0JB4RvQMkUyus8TPxLKJGQqcv"
    "ZqzDpVzazhZv6JsXUnnR8XGT740XgXZUXQ7vJVnAG+tE8NUd4yFyjPy7GgiaviNrlCTj+l5kdfMuFUPpRSrfMZuMcp3F"
    "n2Pede2IuQrKEYwKSqFIZoNqJ4M8EajAsjLY2km32IIjdf8YL/P50F7mStwntrA2cPDrM1kb6mOcfBgRtWygb3VIYnSeO"
    "BrebufAlr7F9mFUPAJGj04="
)
DEBUG_DEMO = {"ToUserName": "gh_97417a04a28d", "FromUserName": "o9AgO5Kd5ggOC-bXrbNODIiE3bGY",
              "MsgType": "event", "Event": "debug_demo", "debug_str": "hello world"}  # fmt: skip


@pytest.fixture
def plain_mode(settings):
    settings.WECHAT_PUSH_TOKEN = TOKEN
    settings.WECHAT_PUSH_AES_KEY = ""
    settings.TASK_SCHEDULE = {}


@pytest.fixture
def safe_mode(plain_mode, settings):
    settings.WECHAT_PUSH_AES_KEY = AES_KEY
    settings.WECHAT_APPID = APPID


def post(query: str, body) -> object:
    raw = body if isinstance(body, str) else json.dumps(body)
    return Client().post(f"/wechat/push?{query}", raw, content_type="application/json")


def pushed(event: dict, *, timestamp="1714200000", nonce="42") -> object:
    """A push as WeChat signs it in plain mode."""
    signature = push.signature(TOKEN, timestamp, nonce)
    return post(f"signature={signature}&timestamp={timestamp}&nonce={nonce}", event)


def test_off_without_a_token(settings):
    settings.WECHAT_PUSH_TOKEN = ""
    assert Client().get("/wechat/push?echostr=1").status_code == 404
    assert Client().post("/wechat/push", {}).status_code == 404


def test_url_verification_with_the_official_vector(plain_mode):
    query = ("signature=f464b24fc39322e44b38aa78f5edd27bd1441696&echostr=4375120948345356249"
             "&timestamp=1714036504&nonce=1514711492")  # fmt: skip
    response = Client().get(f"/wechat/push?{query}")
    assert response.status_code == 200
    assert response.content == b"4375120948345356249"
    forged = Client().get(f"/wechat/push?{query.replace('f464', 'f465')}")
    assert forged.status_code == 403
    assert b"4375120948345356249" not in forged.content


def test_plain_mode_with_the_official_vector(plain_mode):
    body = DEBUG_DEMO | {"CreateTime": 1714037059}
    query = (
        "signature=899cf89e464efb63f54ddac96b0a0a235f53aa78&timestamp=1714037059&nonce=486452656"
    )
    response = post(query, body)
    assert response.status_code == 200
    assert response.content == b"success"
    event = PushEvent.objects.get()
    assert (event.event, event.openid) == ("debug_demo", "o9AgO5Kd5ggOC-bXrbNODIiE3bGY")


@pytest.mark.parametrize("query", [
    "signature=0000&timestamp=1714037059&nonce=486452656",
    "timestamp=1714037059&nonce=486452656",
    "signature=899cf89e464efb63f54ddac96b0a0a235f53aa78&timestamp=1714037060&nonce=486452656",
])  # fmt: skip
def test_a_bad_signature_is_refused_before_the_body_is_read(plain_mode, query):
    response = post(query, "{this is not even json")
    assert response.status_code == 403  # not 400: the body was never parsed
    assert not PushEvent.objects.exists()


def test_safe_mode_with_the_official_vector(safe_mode):
    query = ("signature=6c5c811b55cc85e0e1b54100749188c20beb3f5d&timestamp=1714112445"
             "&nonce=415670741&openid=o9AgO5Kd5ggOC-bXrbNODIiE3bGY&encrypt_type=aes"
             "&msg_signature=046e02f8204d34f8ba5fa3b1db94908f3df2e9b3")  # fmt: skip
    response = post(query, {"ToUserName": "gh_97417a04a28d", "Encrypt": OFFICIAL_ENCRYPT})
    assert response.status_code == 200
    assert response.content == b"success"
    event = PushEvent.objects.get()
    assert event.payload == DEBUG_DEMO | {"CreateTime": 1714112445}


def test_safe_mode_refuses_a_bad_msg_signature_or_another_appid(safe_mode, settings):
    query = "timestamp=1714112445&nonce=415670741&encrypt_type=aes&msg_signature="
    body = {"ToUserName": "gh_97417a04a28d", "Encrypt": OFFICIAL_ENCRYPT}
    assert post(query + "046e02f8204d34f8ba5fa3b1db94908f3df2e9b4", body).status_code == 403
    settings.WECHAT_APPID = "wx-another-app"
    assert post(query + "046e02f8204d34f8ba5fa3b1db94908f3df2e9b3", body).status_code == 403
    assert not PushEvent.objects.exists()


def test_safe_mode_round_trip(safe_mode):
    encrypted = push.encrypt(json.dumps({"Event": "x", "CreateTime": 1}), encoding_aes_key=AES_KEY,
                             appid=APPID)  # fmt: skip
    assert json.loads(push.decrypt(encrypted, encoding_aes_key=AES_KEY, appid=APPID)) == {
        "Event": "x", "CreateTime": 1,
    }  # fmt: skip
    with pytest.raises(push.BadPush):
        push.decrypt(encrypted[:-4] + "AAA=", encoding_aes_key=AES_KEY, appid=APPID)


def test_a_retried_push_is_stored_and_processed_once(plain_mode, bob):
    bob.wechat_openid = "openid-bob"
    bob.save()
    SubscribeCredit.objects.create(user=bob, template_id="TPL", credits=3)
    change = {"FromUserName": "openid-bob", "CreateTime": 1714200000, "MsgType": "event",
              "Event": "subscribe_msg_change_event",
              "List": {"TemplateId": "TPL", "SubscribeStatusString": "reject"}}  # fmt: skip
    for _ in range(3):  # WeChat heard no `success` in time and tried again
        assert pushed(change).content == b"success"
    assert PushEvent.objects.count() == 1
    run_worker()
    event = PushEvent.objects.get()
    assert event.processed_at is not None
    assert event.outcome == "refused 1"
    assert SubscribeCredit.objects.get().credits == 0


def test_a_closed_wechat_account_deletes_the_account(plain_mode, bob):
    bob.wechat_openid = "openid-bob"
    bob.save()
    pushed({"FromUserName": "openid-bob", "OpenID": "openid-bob", "CreateTime": 1714200001,
            "MsgType": "event", "Event": "user_authorization_cancellation"})  # fmt: skip
    run_worker()
    assert not User.objects.filter(pk=bob.pk).exists()
    assert PushEvent.objects.get().outcome == "account_deleted"


def test_a_well_signed_body_that_is_not_json_is_a_400(plain_mode):
    signature = push.signature(TOKEN, "1", "2")
    assert post(f"signature={signature}&timestamp=1&nonce=2", "{nope").status_code == 400
    assert post(f"signature={signature}&timestamp=1&nonce=2", "[1]").status_code == 400

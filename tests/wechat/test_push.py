"""/wechat/push: WeChat's message push, checked with the official vectors (WECHAT.md and
WeChat's message-push documentation), stored once, processed by a task."""

from __future__ import annotations

import itertools
import json
import time
from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

from accounts.models import User
from tests.conftest import run_worker
from tests.core.test_settings import PRODUCTION, manage
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


_nonces = itertools.count(1)


def at(timestamp: int):
    """Our clock at WeChat's timestamp: the official vectors are signed for their own time."""
    return time_machine.travel(datetime.fromtimestamp(timestamp, UTC), tick=False)


def pushed(event: dict, *, timestamp: str | None = None, nonce: str | None = None) -> object:
    """A push as WeChat signs it in plain mode: now, with a nonce of its own."""
    timestamp = str(int(time.time())) if timestamp is None else timestamp
    nonce = str(next(_nonces)) if nonce is None else nonce
    signature = push.signature(TOKEN, timestamp, nonce)
    return post(f"signature={signature}&timestamp={timestamp}&nonce={nonce}", event)


def test_off_without_a_token(settings):
    settings.WECHAT_PUSH_TOKEN = ""
    assert Client().get("/wechat/push?echostr=1").status_code == 404
    assert Client().post("/wechat/push", {}).status_code == 404


def test_url_verification_with_the_official_vector(plain_mode):
    query = ("signature=f464b24fc39322e44b38aa78f5edd27bd1441696&echostr=4375120948345356249"
             "&timestamp=1714036504&nonce=1514711492")  # fmt: skip
    with at(1714036504):
        response = Client().get(f"/wechat/push?{query}")
        forged = Client().get(f"/wechat/push?{query.replace('f464', 'f465')}")
    assert response.status_code == 200
    assert response.content == b"4375120948345356249"
    assert forged.status_code == 403
    assert b"4375120948345356249" not in forged.content


def test_plain_mode_with_the_official_vector(plain_mode):
    body = DEBUG_DEMO | {"CreateTime": 1714037059}
    query = (
        "signature=899cf89e464efb63f54ddac96b0a0a235f53aa78&timestamp=1714037059&nonce=486452656"
    )
    with at(1714037059):
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
    with at(1714037059):
        response = post(query, "{this is not even json")
    assert response.status_code == 403  # not 400: the body was never parsed
    assert not PushEvent.objects.exists()


def test_safe_mode_with_the_official_vector(safe_mode):
    query = ("signature=6c5c811b55cc85e0e1b54100749188c20beb3f5d&timestamp=1714112445"
             "&nonce=415670741&openid=o9AgO5Kd5ggOC-bXrbNODIiE3bGY&encrypt_type=aes"
             "&msg_signature=046e02f8204d34f8ba5fa3b1db94908f3df2e9b3")  # fmt: skip
    with at(1714112445):
        response = post(query, {"ToUserName": "gh_97417a04a28d", "Encrypt": OFFICIAL_ENCRYPT})
    assert response.status_code == 200
    assert response.content == b"success"
    event = PushEvent.objects.get()
    assert event.payload == DEBUG_DEMO | {"CreateTime": 1714112445}


def test_safe_mode_refuses_a_bad_msg_signature_or_another_appid(safe_mode, settings):
    query = "timestamp=1714112445&nonce=415670741&encrypt_type=aes&msg_signature="
    body = {"ToUserName": "gh_97417a04a28d", "Encrypt": OFFICIAL_ENCRYPT}
    with at(1714112445):
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


def cancellation(openid: str, **fields) -> dict:
    """user_authorization_cancellation as WeChat documents it: from its push service, about
    the closed account's OpenID, for our AppID."""
    return {
        "ToUserName": "gh_97417a04a28d",
        "FromUserName": "o-wechat-push-service",
        "CreateTime": int(time.time()),
        "MsgType": "event",
        "Event": "user_authorization_cancellation",
        "OpenID": openid,
        "AppID": APPID,
        **fields,
    }


def test_a_closed_wechat_account_deletes_the_account(safe_mode, bob):
    bob.wechat_openid = "openid-bob"
    bob.save()
    timestamp, nonce = str(int(time.time())), "7"
    encrypted = push.encrypt(
        json.dumps(cancellation("openid-bob")), encoding_aes_key=AES_KEY, appid=APPID
    )
    signature = push.signature(TOKEN, timestamp, nonce, encrypted)
    response = post(
        f"timestamp={timestamp}&nonce={nonce}&encrypt_type=aes&msg_signature={signature}",
        {"Encrypt": encrypted},
    )
    assert response.content == b"success"
    run_worker()
    assert not User.objects.filter(pk=bob.pk).exists()
    assert PushEvent.objects.get().outcome == "account_deleted"


@pytest.mark.parametrize(
    ("event", "outcome"),
    [
        # What an outsider forged: the user's openid as the sender, no OpenID, no AppID.
        (
            {
                "FromUserName": "openid-bob",
                "CreateTime": 1,
                "MsgType": "event",
                "Event": "user_authorization_cancellation",
            },
            "refused_other_appid",
        ),
        (cancellation("openid-bob", AppID="wx-another-app"), "refused_other_appid"),
        (cancellation("", FromUserName="openid-bob"), "unknown_user"),
    ],
)
def test_a_cancellation_without_wechats_fields_deletes_nothing(
    plain_mode, settings, bob, event, outcome
):
    settings.WECHAT_APPID = APPID
    bob.wechat_openid = "openid-bob"
    bob.save()
    assert pushed(event).content == b"success"
    run_worker()
    assert User.objects.filter(pk=bob.pk, is_active=True).exists()
    assert PushEvent.objects.get().outcome == outcome


def test_a_stale_timestamp_is_refused(plain_mode):
    now = int(time.time())
    for timestamp in (now - 302, now + 302, "", "soon"):
        response = pushed(DEBUG_DEMO, timestamp=str(timestamp))
        assert response.status_code == 403, timestamp
    assert pushed(DEBUG_DEMO, timestamp=str(now - 298)).content == b"success"
    assert PushEvent.objects.count() == 1


def test_a_signed_query_is_good_once(plain_mode, bob):
    """Plain mode signs the query, not the body: replayed with another body, a signed URL
    seen once (in a log, a proxy) would carry any event."""
    timestamp = str(int(time.time()))
    assert pushed(DEBUG_DEMO, timestamp=timestamp, nonce="1").content == b"success"
    forged = cancellation("openid-bob") | {"CreateTime": 2}
    assert pushed(forged, timestamp=timestamp, nonce="1").status_code == 403
    assert [e.event for e in PushEvent.objects.all()] == ["debug_demo"]


def test_production_refuses_plain_mode_unless_told(tmp_path):
    refused = manage("check", **PRODUCTION, WECHAT_PUSH_TOKEN=TOKEN)
    assert refused.returncode != 0
    assert "WECHAT_PUSH_AES_KEY" in refused.stderr
    assert "WECHAT_PUSH_PLAIN_MODE" in refused.stderr
    for accepted in ({"WECHAT_PUSH_AES_KEY": AES_KEY}, {"WECHAT_PUSH_PLAIN_MODE": "1"}):
        result = manage("check", **PRODUCTION, WECHAT_PUSH_TOKEN=TOKEN, **accepted)
        assert result.returncode == 0, result.stderr


def test_a_well_signed_body_that_is_not_json_is_a_400(plain_mode):
    timestamp = str(int(time.time()))
    for nonce, body in (("2", "{nope"), ("3", "[1]")):
        signature = push.signature(TOKEN, timestamp, nonce)
        response = post(f"signature={signature}&timestamp={timestamp}&nonce={nonce}", body)
        assert response.status_code == 400

"""WeChat login through jscode2session, against a fake WeChat on loopback (tests/fakes)."""

from __future__ import annotations

import logging
import time

import pytest
from django.core.cache import cache

from accounts.models import User
from wechat import client as wechat_client

pytestmark = pytest.mark.django_db

WECHAT_LOGIN = "/api/v1/auth/wechat"


def test_first_login_creates_then_finds_the_same_user(api_client, wechat):
    first = api_client.post(WECHAT_LOGIN, {"code": wechat.issue_code("openid-1"),
                                           "display_name": "小明"})  # fmt: skip
    assert first.status_code == 200, first.content
    body = first.json()
    assert body["created"] is True
    assert set(body) == {"user", "access", "refresh", "created"}
    assert body["user"]["display_name"] == "小明"
    user = User.objects.get(wechat_openid="openid-1")
    assert not user.has_usable_password()

    second = api_client.post(WECHAT_LOGIN, {"code": wechat.issue_code("openid-1")})
    assert second.status_code == 200
    assert second.json()["created"] is False
    assert second.json()["user"]["id"] == user.pk
    assert User.objects.count() == 1


def test_the_tokens_work(api_client, wechat):
    body = api_client.post(WECHAT_LOGIN, {"code": wechat.issue_code("openid-1")}).json()
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    assert api_client.get("/api/v1/me").json()["username"] == body["user"]["username"]


def test_unionid_is_stored_and_updated(api_client, wechat):
    api_client.post(WECHAT_LOGIN, {"code": wechat.issue_code("openid-1")})
    assert User.objects.get().wechat_unionid is None
    api_client.post(WECHAT_LOGIN, {"code": wechat.issue_code("openid-1", unionid="union-9")})
    assert User.objects.get().wechat_unionid == "union-9"


def test_what_our_client_sends(api_client, wechat):
    code = wechat.issue_code("openid-1")
    api_client.post(WECHAT_LOGIN, {"code": code})
    [sent] = wechat.requests_to("/sns/jscode2session")
    assert sent.method == "GET"
    assert sent.query == {
        "appid": wechat.appid,
        "secret": wechat.secret,
        "js_code": code,
        "grant_type": "authorization_code",
    }


def test_session_key_and_secret_never_reach_the_client_or_the_log(api_client, wechat, caplog):
    caplog.set_level(logging.DEBUG)
    response = api_client.post(WECHAT_LOGIN, {"code": wechat.issue_code("openid-1")})
    assert response.status_code == 200
    assert "session_key" not in response.content.decode()
    assert "SECRET-SESSION-KEY" not in response.content.decode()
    assert wechat.secret not in response.content.decode()
    # Failures are logged, but without the secret or any session key.
    wechat.answer_garbage_next()
    api_client.post(WECHAT_LOGIN, {"code": wechat.issue_code("openid-2")})
    logged = caplog.text
    assert "SECRET-SESSION-KEY" not in logged
    assert wechat.secret not in logged


def test_a_code_works_once(api_client, wechat):
    code = wechat.issue_code("openid-1")
    assert api_client.post(WECHAT_LOGIN, {"code": code}).status_code == 200
    reused = api_client.post(WECHAT_LOGIN, {"code": code})
    assert reused.status_code == 401
    assert reused.json()["error"]["code"] == "wechat_code_invalid"


@pytest.mark.parametrize(
    ("errcode", "status", "code"),
    [
        (40029, 401, "wechat_code_invalid"),
        (40163, 401, "wechat_code_invalid"),
        (45011, 429, "throttled"),
        (40226, 403, "wechat_user_restricted"),
        (-1, 503, "wechat_unavailable"),
        (40013, 503, "wechat_unavailable"),
        (99999, 503, "wechat_unavailable"),
    ],
)
def test_errcode_mapping(api_client, wechat, errcode, status, code):
    wechat.fail_next(errcode)
    response = api_client.post(WECHAT_LOGIN, {"code": wechat.issue_code("openid-1")})
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert not User.objects.exists()
    if status == 429:
        assert response["Retry-After"] == "60"


def test_non_json_answer_is_503(api_client, wechat):
    wechat.answer_garbage_next()
    response = api_client.post(WECHAT_LOGIN, {"code": wechat.issue_code("openid-1")})
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "wechat_unavailable"


def test_slow_wechat_is_503_within_the_timeout(api_client, wechat, settings):
    settings.WECHAT_TIMEOUT_SECONDS = 0.5
    wechat.delay = 3
    started = time.monotonic()
    response = api_client.post(WECHAT_LOGIN, {"code": wechat.issue_code("openid-1")})
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "wechat_unavailable"
    assert elapsed < 1.5


def test_unreachable_wechat_is_503(api_client, settings, dead_port):
    settings.WECHAT_APPID, settings.WECHAT_SECRET = "wx-app", "secret"
    settings.WECHAT_API_BASE = f"http://127.0.0.1:{dead_port}"
    response = api_client.post(WECHAT_LOGIN, {"code": "any"})
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "wechat_unavailable"


def test_not_configured_is_503_saying_so(api_client, settings):
    settings.WECHAT_APPID = ""
    response = api_client.post(WECHAT_LOGIN, {"code": "any"})
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "wechat_unavailable"
    assert "not configured" in response.json()["error"]["message"]


def test_banned_wechat_user_is_refused(api_client, wechat):
    api_client.post(WECHAT_LOGIN, {"code": wechat.issue_code("openid-1")})
    User.objects.update(is_active=False)
    response = api_client.post(WECHAT_LOGIN, {"code": wechat.issue_code("openid-1")})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "account_disabled"


def test_missing_code_is_400(api_client, wechat):
    response = api_client.post(WECHAT_LOGIN, {})
    assert response.status_code == 400
    assert "code" in response.json()["error"]["fields"]
    assert wechat.requests == []


# --- the access token, for the APIs that need one ------------------------------------------


def test_access_token_is_fetched_once_and_cached(wechat):
    client = wechat_client.get_client()
    first = client.access_token()
    assert client.access_token() == first
    assert wechat.token_fetches == 1
    [sent] = wechat.requests_to("/cgi-bin/stable_token")
    assert sent.body == {
        "grant_type": "client_credential",
        "appid": wechat.appid,
        "secret": wechat.secret,
        "force_refresh": False,
    }
    assert cache.get(client._token_cache_key) == first
    # Kept until five minutes before WeChat's expiry (the fake says 7200 s).
    assert 6890 <= cache_ttl(client._token_cache_key) <= 6900


def cache_ttl(key: str) -> float:
    full_key = cache.make_and_validate_key(key)
    if hasattr(cache, "_expire_info"):  # LocMemCache
        return cache._expire_info[full_key] - time.time()
    return cache._cache.get_client(full_key).ttl(full_key)  # RedisCache


@pytest.mark.parametrize("errcode", [40001, 42001])
def test_expired_token_is_refetched_once(wechat, errcode):
    client = wechat_client.get_client()
    assert client.call("wxa/msg_sec_check", {"content": "hi"})["result"]["suggest"] == "pass"
    assert wechat.token_fetches == 1
    if errcode == 40001:
        wechat.expire_tokens()
    else:
        wechat.fail_next(errcode, path="/wxa/msg_sec_check")
    assert client.call("wxa/msg_sec_check", {"content": "hi"})["result"]["suggest"] == "pass"
    assert wechat.token_fetches == 2


def test_token_refused_twice_gives_up(wechat):
    client = wechat_client.get_client()
    client.access_token()
    wechat.fail_next(40001, times=2, path="/wxa/msg_sec_check")
    with pytest.raises(wechat_client.WeChatError) as raised:
        client.call("wxa/msg_sec_check", {"content": "hi"})
    assert raised.value.errcode == 40001
    assert len(wechat.requests_to("/wxa/msg_sec_check")) == 2

"""Sign-in doors are throttled per IP and per username, with a clear 429."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def tight_rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "auth_ip": "5/min",
            "auth_username": "3/min",
            "auth_wechat_ip": "8/min",
        },  # fmt: skip
    }


def login(client, username: str, ip: str = "10.0.0.1"):
    return client.post(
        "/api/v1/auth/login", {"username": username, "password": "wrong"}, REMOTE_ADDR=ip
    )


def test_login_per_username(api_client, tight_rates):
    # Three tries at one username from three addresses; the fourth is refused wherever it
    # comes from, and in any letter case.
    for ip in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        assert login(api_client, "alice", ip).status_code == 401
    response = login(api_client, "ALICE", "10.0.0.4")
    assert response.status_code == 429
    error = response.json()["error"]
    assert error["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60
    # Another username from a fresh address is unaffected.
    assert login(api_client, "bob", "10.0.0.5").status_code == 401


def test_login_per_ip(api_client, tight_rates):
    for index in range(5):
        assert login(api_client, f"user{index}").status_code == 401
    assert login(api_client, "someone_else").status_code == 429
    assert login(api_client, "someone_else", "10.9.9.9").status_code == 401


def test_register_is_throttled(api_client, tight_rates):
    for index in range(5):
        api_client.post(
            "/api/v1/auth/register",
            {"username": f"new{index}", "password": "a-fine-password-2026"},
            REMOTE_ADDR="10.1.1.1",
        )
    response = api_client.post(
        "/api/v1/auth/register",
        {"username": "new9", "password": "a-fine-password-2026"},
        REMOTE_ADDR="10.1.1.1",
    )
    assert response.status_code == 429
    assert response["Retry-After"]


def test_wechat_is_throttled_per_ip_at_its_own_higher_rate(api_client, tight_rates, wechat):
    # Past the password doors' per-IP rate (5): a campus signs in from one address.
    for _ in range(8):
        response = api_client.post("/api/v1/auth/wechat", {"code": "bad"}, REMOTE_ADDR="10.2.2.2")
        assert response.status_code == 401
    response = api_client.post("/api/v1/auth/wechat", {"code": "bad"}, REMOTE_ADDR="10.2.2.2")
    assert response.status_code == 429
    assert len(wechat.requests) == 8


def test_the_default_wechat_rate_lets_a_campus_sign_in(settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert rates["auth_wechat_ip"] == "600/min"
    assert rates["auth_ip"] == "600/min"


def test_a_campus_behind_one_address_signs_in_with_passwords(api_client):
    """At the default rates, 150 students signing in within a minute from one NAT are not
    locked out (30/min per address was); one account guessed at is, after 10 tries."""
    for index in range(150):
        assert login(api_client, f"student{index}", "10.3.3.3").status_code == 401
    for _ in range(10):
        assert login(api_client, "victim", "10.3.3.3").status_code == 401
    assert login(api_client, "victim", "10.3.3.3").status_code == 429
    assert login(api_client, "student150", "10.3.3.3").status_code == 401


def test_cache_down_is_a_503_not_a_500(api_client, settings, dead_port):
    # Production throttles count in Redis; with Redis away the door answers 503.
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{dead_port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    response = login(api_client, "alice")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "service_unavailable"

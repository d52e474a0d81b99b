"""Sign-up, sign-in and the token life cycle (DESIGN.md §3 Accounts)."""

from __future__ import annotations

import base64
import json
import threading
import time
from datetime import timedelta

import pytest
import time_machine
from django.db import connections
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from accounts import services
from accounts.models import TokenRotation, User
from tests.conftest import access_token_for

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-9"


def register(client: APIClient, username: str = "alice", password: str = PASSWORD, **extra):
    return client.post(
        "/api/v1/auth/register", {"username": username, "password": password, **extra}
    )


def authed(access: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


def test_full_token_life_cycle(api_client):
    response = register(api_client, display_name="Alice A.")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"user", "access", "refresh"}
    assert body["user"]["username"] == "alice"
    assert body["user"]["display_name"] == "Alice A."
    assert "password" not in body["user"]

    login = api_client.post("/api/v1/auth/login", {"username": "alice", "password": PASSWORD})
    assert login.status_code == 200
    first_refresh = login.json()["refresh"]
    assert authed(login.json()["access"]).get("/api/v1/me").json()["username"] == "alice"

    rotated = api_client.post("/api/v1/auth/refresh", {"refresh": first_refresh})
    assert rotated.status_code == 200
    assert set(rotated.json()) == {"access", "refresh"}
    second_refresh = rotated.json()["refresh"]
    assert second_refresh != first_refresh

    # Within the grace period the rotated token answers the same pair (a lost answer's retry).
    retried = api_client.post("/api/v1/auth/refresh", {"refresh": first_refresh})
    assert retried.status_code == 200
    assert retried.json() == rotated.json()

    access = rotated.json()["access"]
    logout = authed(access).post("/api/v1/auth/logout", {"refresh": second_refresh})
    assert logout.status_code == 204
    after_logout = api_client.post("/api/v1/auth/refresh", {"refresh": second_refresh})
    assert after_logout.status_code == 401


def test_register_refuses_weak_password_and_stores_nothing(api_client):
    response = register(api_client, password="123")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert "password" in error["fields"]
    assert not User.objects.exists()


def test_register_password_similar_to_username_is_refused(api_client):
    response = register(api_client, username="sunflower_garden", password="sunflower_garden1")
    assert response.status_code == 400
    assert "password" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    "username",
    ["a", "a" * 31, "李" * 31, "has space", "dash-ed", "dot.ted", "semi;colon", "",
     "\u0301ab", "zero\u200bwidth", "rtl\u202eevil", "emoji😀", "tab\tbed"],
)  # fmt: skip
def test_username_rules(api_client, username):
    response = register(api_client, username=username)
    assert response.status_code == 400
    assert "username" in response.json()["error"]["fields"]
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "username",
    ["ab", "abc", "a" * 30, "Under_Score_9", "___", "李白", "王小明_2", "émile", "Ольга",
     "अनिल", "李" * 30],
)  # fmt: skip
def test_good_usernames(api_client, username):
    response = register(api_client, username=username)
    assert response.status_code == 201, response.content
    assert response.json()["user"]["username"] == username


def test_a_full_width_name_is_stored_normalized_and_is_the_same_name(api_client):
    assert register(api_client, username="ａｌｉｃｅ").json()["user"]["username"] == "alice"
    assert register(api_client, username="alice").status_code == 400
    login = api_client.post("/api/v1/auth/login", {"username": "ALICE", "password": PASSWORD})
    assert login.status_code == 200


@pytest.mark.parametrize(
    "look_alike",
    [
        pytest.param("аlice", id="cyrillic-a"),
        pytest.param("aIice", id="capital-i-for-l"),
        pytest.param("a1ice", id="digit-one-for-l"),
        pytest.param("ALICE", id="case"),
        pytest.param("Alice", id="capitalized"),
    ],
)
def test_a_look_alike_of_an_existing_name_is_refused(api_client, look_alike):
    assert register(api_client, username="alice").status_code == 201
    response = register(api_client, username=look_alike)
    assert response.status_code == 400, look_alike
    assert "username" in response.json()["error"]["fields"]
    assert User.objects.count() == 1


def test_case_folding_is_unicode_not_ascii(api_client):
    assert register(api_client, username="Straße").status_code == 201
    assert register(api_client, username="STRASSE").status_code == 400
    assert (
        api_client.post(
            "/api/v1/auth/login", {"username": "strasse", "password": PASSWORD}
        ).status_code
        == 200
    )


def test_changing_ones_own_name_to_a_variant_of_it_is_allowed(api_client):
    body = register(api_client, username="alice").json()
    response = authed(body["access"]).patch("/api/v1/me", {"username": "Alice"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["username"] == "Alice"


def test_usernames_are_unique_regardless_of_case(api_client):
    assert register(api_client, username="Alice").status_code == 201
    response = register(api_client, username="aLICE")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["username"] == ["That username is taken."]
    # Sign-in ignores case as well.
    login = api_client.post("/api/v1/auth/login", {"username": "ALICE", "password": PASSWORD})
    assert login.status_code == 200


def test_register_ignores_privileged_fields(api_client):
    response = register(api_client, is_staff=True, is_superuser=True, wechat_openid="o-x")
    assert response.status_code == 201
    user = User.objects.get(username="alice")
    assert (user.is_staff, user.is_superuser, user.wechat_openid) == (False, False, None)


def test_wrong_password_is_401(api_client, alice):
    response = api_client.post("/api/v1/auth/login", {"username": "alice", "password": "nope"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_credentials"
    unknown = api_client.post("/api/v1/auth/login", {"username": "nobody", "password": "nope"})
    assert unknown.json() == response.json()


def test_login_ignores_a_stale_authorization_header(api_client, alice):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer expired.garbage.token")
    response = api_client.post(
        "/api/v1/auth/login", {"username": "alice", "password": "alice-pass-2026!"}
    )
    assert response.status_code == 200


def test_tampered_access_token_is_401(alice, api_client):
    access = access_token_for(alice)
    header, payload, signature = access.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["user_id"] = str(int(claims["user_id"]) + 1)
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    response = authed(f"{header}.{forged}.{signature}").get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_alg_none_token_is_401(alice):
    claims = dict(AccessToken.for_user(alice).payload)

    def b64(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    unsigned = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims)}."
    assert authed(unsigned).get("/api/v1/me").status_code == 401


def test_token_signed_with_the_secret_key_is_401(alice, settings):
    # The JWT key is separate from SECRET_KEY: a token made with the latter means nothing.
    import jwt

    claims = dict(AccessToken.for_user(alice).payload)
    forged = jwt.encode(claims, settings.SECRET_KEY, algorithm="HS256")
    assert authed(forged).get("/api/v1/me").status_code == 401


def test_expired_access_token_is_401_token_expired(alice):
    token = AccessToken.for_user(alice)
    token.set_exp(lifetime=-timedelta(seconds=1))
    response = authed(str(token)).get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_expired"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_forged_expired_token_is_not_authenticated_not_expired(alice):
    # The signature is checked before the expiry: "expired" is told only of our own tokens.
    token = AccessToken.for_user(alice)
    token.set_exp(lifetime=-timedelta(seconds=1))
    forged = str(token)[:-4] + ("AAAA" if not str(token).endswith("AAAA") else "BBBB")
    response = authed(forged).get("/api/v1/me")
    assert response.json()["error"]["code"] == "not_authenticated"


def test_an_expired_refresh_token_is_token_expired(api_client, alice):
    refresh = RefreshToken.for_user(alice)
    refresh.set_exp(lifetime=-timedelta(seconds=1))
    response = api_client.post("/api/v1/auth/refresh", {"refresh": str(refresh)}, format="json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_expired"


def test_a_remembered_token_still_expires(alice):
    # A verified token is remembered by its bytes (accounts.authentication); its expiry is
    # checked on every use all the same.
    token = AccessToken.for_user(alice)
    token.set_exp(lifetime=timedelta(seconds=2))
    client = authed(str(token))
    assert client.get("/api/v1/me").status_code == 200
    time.sleep(2.1)
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_expired"


@pytest.mark.parametrize("claim", ["abc", "1.5", "", " 1", "-1", "１", 1.0, None, [1], {"id": 1},
                                   "99999999999999999999999", 2**70])  # fmt: skip
def test_a_signed_token_whose_user_id_is_no_id_is_401(alice, claim):
    token = AccessToken.for_user(alice)
    token["user_id"] = claim
    response = authed(str(token)).get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_refresh_token_used_as_access_is_401(alice):
    refresh = RefreshToken.for_user(alice)
    assert authed(str(refresh)).get("/api/v1/me").status_code == 401


def test_access_token_used_as_refresh_is_401(alice, api_client):
    response = api_client.post("/api/v1/auth/refresh", {"refresh": access_token_for(alice)})
    assert response.status_code == 401


def test_banned_user_access_and_refresh_are_401(alice, api_client):
    pair = services.token_pair_for(alice)
    assert authed(pair["access"]).get("/api/v1/me").status_code == 200
    services.user_ban(user=alice)
    refused = authed(pair["access"]).get("/api/v1/me")
    assert refused.status_code == 401
    # One sentence: simplejwt's code is the envelope's business, not a word of the message.
    assert refused.json()["error"]["code"] == "not_authenticated"
    assert "user_inactive" not in refused.json()["error"]["message"]
    assert api_client.post("/api/v1/auth/refresh", {"refresh": pair["refresh"]}).status_code == 401
    login = api_client.post(
        "/api/v1/auth/login", {"username": "alice", "password": "alice-pass-2026!"}
    )
    assert login.status_code == 403
    assert login.json()["error"]["code"] == "account_disabled"
    # ...but only someone with the password learns that the account exists and is banned.
    guess = api_client.post("/api/v1/auth/login", {"username": "alice", "password": "guess"})
    assert guess.status_code == 401


def test_refresh_refuses_an_inactive_user_even_with_unblacklisted_token(alice, api_client):
    pair = services.token_pair_for(alice)
    User.objects.filter(pk=alice.pk).update(is_active=False)  # deactivated outside the service
    assert api_client.post("/api/v1/auth/refresh", {"refresh": pair["refresh"]}).status_code == 401


def test_unbanned_user_signs_in_again_but_old_tokens_stay_dead(alice, api_client):
    pair = services.token_pair_for(alice)
    services.user_ban(user=alice)
    services.user_unban(user=alice)
    assert api_client.post("/api/v1/auth/refresh", {"refresh": pair["refresh"]}).status_code == 401
    login = api_client.post(
        "/api/v1/auth/login", {"username": "alice", "password": "alice-pass-2026!"}
    )
    assert login.status_code == 200


def test_logout_needs_authentication(alice, api_client):
    pair = services.token_pair_for(alice)
    response = api_client.post("/api/v1/auth/logout", {"refresh": pair["refresh"]})
    assert response.status_code == 401
    # Nothing was killed.
    assert api_client.post("/api/v1/auth/refresh", {"refresh": pair["refresh"]}).status_code == 200


def test_logout_cannot_kill_someone_elses_token(alice, bob, api_client):
    bobs = services.token_pair_for(bob)
    response = authed(access_token_for(alice)).post(
        "/api/v1/auth/logout", {"refresh": bobs["refresh"]}
    )
    assert response.status_code == 400
    assert "refresh" in response.json()["error"]["fields"]
    assert api_client.post("/api/v1/auth/refresh", {"refresh": bobs["refresh"]}).status_code == 200


def test_logout_with_garbage_token_is_400(alice):
    response = authed(access_token_for(alice)).post("/api/v1/auth/logout", {"refresh": "x.y.z"})
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["/api/v1/auth/refresh", "/api/v1/auth/login"])
def test_missing_fields_are_validation_errors(api_client, path):
    response = api_client.post(path, {})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


@pytest.mark.service("postgres")
@pytest.mark.django_db(transaction=True)
def test_concurrent_refreshes_of_one_token_all_get_the_same_pair(alice):
    refresh = services.token_pair_for(alice)["refresh"]
    barrier = threading.Barrier(4)
    statuses: list[int] = []
    answers: list[dict] = []
    lock = threading.Lock()

    def attempt() -> None:
        try:
            client = APIClient()
            barrier.wait()
            response = client.post("/api/v1/auth/refresh", {"refresh": refresh})
            with lock:
                statuses.append(response.status_code)
                answers.append(response.json())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Two pages refreshing at once: every one gets the same new pair, nobody is locked out.
    assert statuses == [200, 200, 200, 200]
    assert len({answer["refresh"] for answer in answers}) == 1


def refreshed(client: APIClient, token: str):
    return client.post("/api/v1/auth/refresh", {"refresh": token})


def test_a_rotated_token_past_the_grace_is_dead_and_revokes_its_sign_in(api_client, alice):
    first = services.token_pair_for(alice)["refresh"]
    second = refreshed(api_client, first).json()["refresh"]
    third = refreshed(api_client, second).json()["refresh"]  # the phone's live token
    other_sign_in = services.token_pair_for(alice)["refresh"]
    with time_machine.travel(timedelta(seconds=31)):
        stolen = refreshed(api_client, first)  # a copy of an old token comes back
        assert stolen.status_code == 401
        assert stolen.json()["error"]["code"] == "not_authenticated"
        # The whole sign-in it descends from is revoked, the live token too ...
        assert refreshed(api_client, third).status_code == 401
        assert refreshed(api_client, second).status_code == 401
        # ... and nothing else: another sign-in (another phone) keeps working.
        assert refreshed(api_client, other_sign_in).status_code == 200


def test_the_grace_period_ends(api_client, alice, settings):
    settings.JWT_REFRESH_GRACE_SECONDS = 30
    first = services.token_pair_for(alice)["refresh"]
    second = refreshed(api_client, first).json()["refresh"]
    with time_machine.travel(timedelta(seconds=29)):
        assert refreshed(api_client, first).json()["refresh"] == second
    with time_machine.travel(timedelta(seconds=31)):
        assert refreshed(api_client, first).status_code == 401


def test_no_grace_period_when_it_is_zero(api_client, alice, settings):
    settings.JWT_REFRESH_GRACE_SECONDS = 0
    first = services.token_pair_for(alice)["refresh"]
    second = refreshed(api_client, first).json()["refresh"]
    assert refreshed(api_client, first).status_code == 401
    assert refreshed(api_client, second).status_code == 401  # its family went with it


def test_a_logged_out_successor_is_not_handed_out_again(api_client, alice):
    first = services.token_pair_for(alice)["refresh"]
    pair = refreshed(api_client, first).json()
    authed(pair["access"]).post("/api/v1/auth/logout", {"refresh": pair["refresh"]})
    assert refreshed(api_client, first).status_code == 401


def test_flushing_expired_tokens_forgets_their_rotations(api_client, alice):
    first = services.token_pair_for(alice)["refresh"]
    refreshed(api_client, first)
    assert TokenRotation.objects.count() == 1
    with time_machine.travel(timedelta(days=15)):
        services.tokens_flush_expired()
    assert not TokenRotation.objects.exists()


def test_a_chinese_name_is_found_by_profile_and_by_confessions(api_client):
    body = register(api_client, username="李白").json()
    other = register(api_client, username="杜甫").json()
    from urllib.parse import quote

    profile = authed(other["access"]).get(f"/api/v1/users/{quote('李白')}")
    assert profile.status_code == 200
    assert profile.json()["username"] == "李白"
    sent = authed(other["access"]).post(
        "/api/v1/confessions", {"recipient": "李白", "body": "床前明月光"}, format="json"
    )
    assert sent.status_code == 201, sent.content
    inbox = authed(body["access"]).get("/api/v1/confessions/inbox").json()["results"]
    assert [item["body"] for item in inbox] == ["床前明月光"]

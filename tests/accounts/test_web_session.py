"""The web client's sign-in: the access token in the body (kept in the page's memory), the
refresh token only in an HttpOnly, SameSite=Strict cookie scoped to `/api/v1/auth/web/`, and
doors that refuse what another site's page could send."""

from __future__ import annotations

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.api.views import REFRESH_COOKIE
from tests.factories import client_of

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-9"
SAME_SITE = {"HTTP_X_REQUESTED_WITH": "fetch"}


def browser() -> APIClient:
    return APIClient(**SAME_SITE)


def sign_in(client: APIClient, username="alice") -> dict:
    response = client.post("/api/v1/auth/web/login", {"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user(username="alice", password=PASSWORD)


def test_sign_in_answers_the_access_token_and_sets_the_refresh_token_as_a_cookie(alice):
    client = browser()
    body = sign_in(client)
    assert set(body) == {"user", "access"}
    assert body["user"]["username"] == "alice"
    cookie = client.cookies[REFRESH_COOKIE]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == "/api/v1/auth/web/"
    assert int(cookie["max-age"]) == 14 * 24 * 3600
    assert cookie["secure"] == ""  # plain http here; set over https (below)
    # The access token works on the API like any other.
    me = APIClient(HTTP_AUTHORIZATION=f"Bearer {body['access']}").get("/api/v1/me")
    assert me.json()["username"] == "alice"


def test_over_https_the_cookie_is_secure(alice):
    client = browser()
    response = client.post("/api/v1/auth/web/login", {"username": "alice", "password": PASSWORD},
                           secure=True)  # fmt: skip
    assert response.cookies[REFRESH_COOKIE]["secure"] is True


def test_register_signs_in_the_same_way(db):
    client = browser()
    response = client.post("/api/v1/auth/web/register",
                           {"username": "newbie", "password": PASSWORD})  # fmt: skip
    assert response.status_code == 201, response.content
    assert set(response.json()) == {"user", "access"}
    assert client.cookies[REFRESH_COOKIE].value


def test_refresh_rotates_the_cookie_and_the_old_one_dies(alice):
    client = browser()
    sign_in(client)
    first = client.cookies[REFRESH_COOKIE].value
    response = client.post("/api/v1/auth/web/refresh")
    assert response.status_code == 200, response.content
    assert set(response.json()) == {"access"}
    second = client.cookies[REFRESH_COOKIE].value
    assert second != first
    # The first cookie, replayed after the grace period, is refused (and revokes the family).
    thief = browser()
    thief.cookies[REFRESH_COOKIE] = first
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=60)):
        assert thief.post("/api/v1/auth/web/refresh").status_code == 401
        assert client.post("/api/v1/auth/web/refresh").status_code == 401


def test_refresh_without_a_cookie_is_401(db):
    response = browser().post("/api/v1/auth/web/refresh")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_sign_out_kills_the_token_and_forgets_the_cookie(alice):
    client = browser()
    sign_in(client)
    token = client.cookies[REFRESH_COOKIE].value
    response = client.post("/api/v1/auth/web/logout")
    assert response.status_code == 204
    assert response.cookies[REFRESH_COOKIE].value == ""
    assert response.cookies[REFRESH_COOKIE]["max-age"] == 0
    replay = browser()
    replay.cookies[REFRESH_COOKIE] = token
    assert replay.post("/api/v1/auth/web/refresh").status_code == 401
    # Signed out already (no cookie): still 204.
    assert browser().post("/api/v1/auth/web/logout").status_code == 204


@pytest.mark.parametrize("path", ["login", "register", "refresh", "logout"])
def test_the_doors_refuse_what_another_sites_page_could_send(alice, path):
    client = browser()
    sign_in(client)
    cookie = client.cookies[REFRESH_COOKIE].value
    body = {"username": "alice", "password": PASSWORD}
    for extra in [
        {"HTTP_X_REQUESTED_WITH": None},  # a cross-site form cannot add the header
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "http://testserver.evil.example"},
    ]:
        other = APIClient()
        other.cookies[REFRESH_COOKIE] = cookie
        headers = {**SAME_SITE, **extra}
        headers = {key: value for key, value in headers.items() if value is not None}
        response = other.post(f"/api/v1/auth/web/{path}", body, **headers)
        assert response.status_code == 403, (extra, response.content)
        assert response.json()["error"]["code"] == "cross_site"
    # Our own origin passes.
    own = browser()
    own.cookies[REFRESH_COOKIE] = cookie
    response = own.post(f"/api/v1/auth/web/{path}", body, HTTP_ORIGIN="http://testserver")
    assert response.status_code != 403, response.content


def test_the_refresh_token_never_appears_in_a_body(alice):
    client = browser()
    body = sign_in(client)
    token = client.cookies[REFRESH_COOKIE].value
    assert token not in str(body)
    assert token not in client.post("/api/v1/auth/web/refresh").content.decode()
    assert token not in client_of(alice).get("/api/v1/me").content.decode()

"""A user's language, for what we tell them outside a request of theirs (WeChat subscribe
messages): what their client asked for at sign-in, or what they chose."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from tests.factories import client_of

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-9"


@pytest.fixture
def lihua(django_user_model):
    return django_user_model.objects.create_user(username="lihua", password=PASSWORD)


def language_of(username: str) -> str:
    return User.objects.get(username=username).language


def test_unknown_until_a_client_says(lihua):
    assert language_of("lihua") == ""
    response = APIClient().post("/api/v1/auth/login", {"username": "lihua", "password": PASSWORD})
    assert response.status_code == 200
    assert language_of("lihua") == ""  # no Accept-Language: nothing learned


@pytest.mark.parametrize(("header", "language"), [("zh-CN,zh;q=0.9", "zh-hans"), ("en-US", "en"),
                                                  ("fr-FR", "en")])  # fmt: skip
def test_sign_in_keeps_the_language_asked_for(lihua, header, language):
    client = APIClient(HTTP_ACCEPT_LANGUAGE=header)
    client.post("/api/v1/auth/login", {"username": "lihua", "password": PASSWORD})
    assert language_of("lihua") == language


def test_the_web_client_and_sign_up_too(db):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="zh-Hans", HTTP_X_REQUESTED_WITH="fetch")
    client.post("/api/v1/auth/web/register", {"username": "xiaoming", "password": PASSWORD})
    assert language_of("xiaoming") == "zh-hans"
    APIClient(HTTP_ACCEPT_LANGUAGE="en").post(
        "/api/v1/auth/register", {"username": "jane", "password": PASSWORD}
    )
    assert language_of("jane") == "en"


def test_a_failed_sign_in_changes_nothing(lihua):
    APIClient(HTTP_ACCEPT_LANGUAGE="zh-CN").post(
        "/api/v1/auth/login", {"username": "lihua", "password": "wrong-password-1"}
    )
    assert language_of("lihua") == ""


def test_the_user_chooses(lihua):
    client = client_of(lihua)
    response = client.patch("/api/v1/me", {"language": "zh-hans"})
    assert response.status_code == 200
    assert response.json()["language"] == "zh-hans"
    assert language_of("lihua") == "zh-hans"
    bad = client.patch("/api/v1/me", {"language": "fr"})
    assert bad.status_code == 400
    assert "language" in bad.json()["error"]["fields"]
    assert language_of("lihua") == "zh-hans"

"""The session, authentication and messages middleware run for the admin and pass by on the
versioned API (core.middleware), whose requests carry bearer tokens."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client, RequestFactory

from core import middleware

BROWSER_MIDDLEWARE = [
    middleware.SessionMiddleware,
    middleware.AuthenticationMiddleware,
    middleware.MessageMiddleware,
]


def _through(path: str):
    """The request as the view gets it, after the three middleware, in settings' order."""
    seen = []

    def view(request):
        seen.append(request)
        return HttpResponse("ok")

    handler = view
    for cls in reversed(BROWSER_MIDDLEWARE):
        handler = cls(handler)
    request = RequestFactory().get(path)
    handler(request)
    return seen[0]


def test_the_api_gets_no_session_user_or_messages():
    request = _through("/api/v1/confessions/inbox")
    for attribute in ("session", "user", "_messages"):
        assert not hasattr(request, attribute), attribute


@pytest.mark.django_db
def test_the_admin_and_the_docs_get_all_three():
    for path in ("/admin/login/", "/api/docs", "/api/v1"):
        request = _through(path)
        for attribute in ("session", "user", "_messages"):
            assert hasattr(request, attribute), (path, attribute)
        request.user.is_authenticated  # noqa: B018 -- the lazy user resolves from the session


def test_settings_use_the_api_aware_classes():
    names = {f"{cls.__module__}.{cls.__name__}" for cls in BROWSER_MIDDLEWARE}
    assert names <= set(settings.MIDDLEWARE)
    assert not any(name.startswith("django.contrib.") for name in settings.MIDDLEWARE)
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE


@pytest.mark.django_db
def test_the_admin_still_refuses_a_login_without_its_csrf_token(superuser_client):
    browser = Client(enforce_csrf_checks=True)
    form = {"username": "nobody", "password": "wrong", "next": "/admin/"}
    assert browser.post("/admin/login/", form).status_code == 403
    page = browser.get("/admin/login/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    answer = browser.post("/admin/login/", {**form, "csrfmiddlewaretoken": token})
    assert answer.status_code == 200  # the form again, with its error: CSRF passed
    # A signed-in desk keeps its session across requests.
    assert superuser_client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_an_api_answer_sets_no_cookie(client, alice_client):
    response = alice_client.get("/api/v1/confessions/inbox")
    assert response.status_code == 200
    assert not response.cookies

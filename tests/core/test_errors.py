"""Every error under /api/ answers in the one envelope (DESIGN.md §3), whatever raised it."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import access_token_for

pytestmark = [pytest.mark.urls("tests.core.urls"), pytest.mark.django_db]


def assert_envelope(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str)
    assert body["error"]["message"]
    assert set(body["error"]) <= {"code", "message", "fields"}
    return body["error"]


def test_validation_error_names_fields(alice_client):
    error = assert_envelope(
        alice_client.post("/api/v1/_test/echo", {"name": "toolong", "nested": {"a": "x"}}),
        400,
        "validation_error",
    )
    assert list(error["fields"]) == ["name", "nested.a"]
    assert error["fields"]["name"] == ["Ensure this field has no more than 5 characters."]
    assert error["fields"]["nested.a"] == ["A valid integer is required."]


def test_errors_inside_lists_and_nested_objects_are_flat_field_names(alice_client):
    body = {"name": "ann", "items": [1, "x", 3, "y"], "parts": [{"size": 1}, {"size": "big"}]}
    error = assert_envelope(alice_client.post("/api/v1/_test/echo", body), 400, "validation_error")
    integer = ["A valid integer is required."]
    assert error["fields"] == {"items[1]": integer, "items[3]": integer, "parts[1].size": integer}


def test_malformed_json_is_a_400(alice_client):
    response = alice_client.generic(
        "POST", "/api/v1/_test/echo", "{not json", content_type="application/json"
    )
    assert_envelope(response, 400, "parse_error")


def test_form_bodies_are_refused_json_only(alice_client):
    response = alice_client.post("/api/v1/_test/echo", {"name": "ann"}, format="multipart")
    assert_envelope(response, 415, "unsupported_media_type")


def test_oversize_body_is_413(alice_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = alice_client.post("/api/v1/_test/echo", {"name": "x" * 2000})
    assert_envelope(response, 413, "payload_too_large")


def test_missing_token_is_401_with_challenge(api_client):
    response = api_client.get("/api/v1/_test/echo")
    assert_envelope(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("token", ["garbage", "a.b.c", ""])
def test_bad_token_is_401(api_client, token):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert_envelope(api_client.get("/api/v1/_test/echo"), 401, "not_authenticated")


def test_valid_token_passes(alice, api_client):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {access_token_for(alice)}")
    response = api_client.get("/api/v1/_test/echo")
    assert response.status_code == 200
    assert response.json() == {"username": "alice"}


def test_method_not_allowed_is_405(alice_client):
    response = alice_client.delete("/api/v1/_test/echo")
    assert_envelope(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_unknown_api_url_is_404_json(api_client):
    assert_envelope(api_client.get("/api/v1/no/such/thing"), 404, "not_found")
    assert_envelope(api_client.get("/api/nothing-here"), 404, "not_found")


def test_non_api_404_stays_html(api_client):
    response = api_client.get("/no/such/page")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    ("kind", "status", "code"),
    [
        ("application", 400, "content_rejected"),
        ("django-validation", 400, "validation_error"),
        ("http404", 404, "not_found"),
        ("django-permission", 403, "permission_denied"),
    ],
)
def test_raised_errors_map_to_envelope(api_client, kind, status, code):
    error = assert_envelope(api_client.get(f"/api/v1/_test/raise/{kind}"), status, code)
    assert "secret" not in error["message"]


def test_django_validation_error_keeps_its_fields(api_client):
    error = assert_envelope(
        api_client.get("/api/v1/_test/raise/django-validation"), 400, "validation_error"
    )
    assert error["fields"] == {"body": ["Too long."]}
    error = assert_envelope(
        api_client.get("/api/v1/_test/raise/django-validation-plain"), 400, "validation_error"
    )
    assert error["fields"] == {"non_field_errors": ["Nope."]}


@pytest.mark.parametrize("debug", [False, True])
def test_unexpected_exception_is_500_without_traceback(settings, caplog, debug):
    settings.DEBUG = debug
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/_test/raise/unexpected")
    error = assert_envelope(response, 500, "internal_error")
    assert "secret" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    assert error["message"] == "Internal server error."
    # ...but the operator's log has it.
    assert any("secret internal detail" in (r.exc_text or "") or r.exc_info for r in caplog.records)


@pytest.mark.parametrize("debug", [False, True])
def test_plain_django_view_error_under_api_is_enveloped(settings, debug):
    settings.DEBUG = debug
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/_test/plain")
    assert_envelope(response, 500, "internal_error")
    assert "secret" not in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_database_down_is_503(unreachable_database):
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/_test/raise/database")
    assert_envelope(response, 503, "service_unavailable")


@pytest.mark.django_db(transaction=True)
def test_database_down_during_authentication_is_503(alice_token, unreachable_database):
    # The token is valid; loading its user is what meets the dead database.
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/_test/echo", HTTP_AUTHORIZATION=f"Bearer {alice_token}")
    assert_envelope(response, 503, "service_unavailable")

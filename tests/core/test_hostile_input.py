"""Input a fuzzer sends: every door answers a 4xx in the envelope and touches nothing.

Deeply nested JSON used to raise RecursionError (a 500 with a traceback), and a NUL in a path
parameter reached PostgreSQL (psycopg.DataError, a 500)."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User
from core.parsing import MAX_JSON_DEPTH
from messages_app.models import Confession

pytestmark = [pytest.mark.django_db]


def nested(depth: int, opener: str = "[") -> str:
    closer = {"[": "]", '{"a":': "}"}[opener]
    return opener * depth + "1" + closer * depth


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code
    return error


@pytest.mark.parametrize("opener", ["[", '{"a":'])
@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 950, 100_000])
def test_deeply_nested_json_is_a_400_even_before_sign_in(depth, opener):
    body = nested(depth, opener)
    response = Client().post("/api/v1/auth/login", body, content_type="application/json")
    error = assert_error(response, 400, "parse_error")
    assert "nested" in error["message"]


def test_deeply_nested_json_on_a_send_stores_nothing(alice_client, bob):
    body = '{"recipient": "bob", "body": "hi", "media": ' + nested(950) + "}"
    response = alice_client.generic(
        "POST", "/api/v1/confessions", body, content_type="application/json"
    )
    assert_error(response, 400, "parse_error")
    assert not Confession.objects.exists()


def test_nesting_up_to_the_bound_still_parses(alice_client, bob):
    # Parsed, then refused by the serializer like any other wrong type: not a parse error.
    media = nested(MAX_JSON_DEPTH - 1)
    body = '{"recipient": "bob", "body": "hi", "media": ' + media + "}"
    response = alice_client.generic(
        "POST", "/api/v1/confessions", body, content_type="application/json"
    )
    assert_error(response, 400, "validation_error")
    # Brackets inside strings are text, not nesting.
    text = "[" * 5000
    response = alice_client.post("/api/v1/confessions", {"recipient": "bob", "body": text})
    assert_error(response, 400, "validation_error")  # too long, not too deep


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/users/ab%00cd"),
        ("get", "/api/v1/confessions/shared/ab%00cd"),
        ("post", "/api/v1/confessions/shared/ab%00cd/claim"),
        ("post", "/api/v1/blocks/ab%00cd"),
        ("get", "/api/v1/notifications?after=1%00"),
        ("get", "/api/v1/confessions/inbox?cursor=%00"),
        ("get", "/api/v1/users/alice?unused=%00"),
        ("get", "/admin/login/?next=/%00"),
        ("get", "/%00"),
    ],
)
def test_a_nul_in_the_path_or_query_is_a_400(alice_client, alice, method, path):
    response = getattr(alice_client, method)(path)
    error = assert_error(response, 400, "bad_request")
    assert "NUL" in error["message"]


@pytest.mark.service("postgres")
def test_a_nul_never_reaches_postgresql(alice_client, alice, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = alice_client.get("/api/v1/users/al%00ice")
    assert response.status_code == 400
    assert User.objects.filter(username="alice").exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"bio": 1e300}, "bio"),
        ({"bio": 12}, "bio"),
        ({"bio": True}, "bio"),
        ({"display_name": ["ann"]}, "display_name"),
        ({"username": 12345}, "username"),
    ],
)
def test_text_fields_take_only_strings(alice_client, alice, payload, field):
    response = alice_client.patch("/api/v1/me", payload)
    error = assert_error(response, 400, "validation_error")
    assert error["fields"] == {field: ["Must be a string."]}
    alice.refresh_from_db()
    assert (alice.bio, alice.display_name, alice.username) == ("", "", "alice")


def test_register_takes_only_strings():
    response = Client().post(
        "/api/v1/auth/register",
        {"username": 123456, "password": 12345678901},
        content_type="application/json",
    )
    error = assert_error(response, 400, "validation_error")
    assert set(error["fields"]) == {"username", "password"}
    assert not User.objects.exists()

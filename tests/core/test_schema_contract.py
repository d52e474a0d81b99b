"""The OpenAPI document states the rules the server applies, so clients and fuzzers see the
same contract (the schemathesis run in tests/core/test_schemathesis.py holds the answers to it)."""

from __future__ import annotations

import re

import pytest
import yaml
from django.test import Client

pytestmark = [pytest.mark.django_db]


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        return yaml.safe_load(Client().get("/api/schema").content)


def component(schema: dict, name: str) -> dict:
    return schema["components"]["schemas"][name]["properties"]


def parameter(schema: dict, path: str, name: str) -> dict:
    for item in schema["paths"][path]["get"]["parameters"]:
        if item["name"] == name:
            return item["schema"]
    raise AssertionError(f"{path} has no parameter {name}")


def test_username_rules_are_stated(schema):
    for name in ("RegisterInputRequest", "PatchedProfileUpdateInputRequest"):
        username = component(schema, name)["username"]
        assert (username["minLength"], username["maxLength"]) == (2, 30)
        assert "any script" in username["description"]
        pattern = re.compile(username["pattern"])
        for good in ("Alice_2", "李白", "Ольга"):
            assert pattern.match(good)
        for bad in ("a b", "a-b", "a.b", "a@b", "a\tb"):
            assert not pattern.match(bad)


def test_password_rules_are_stated(schema):
    password = component(schema, "RegisterInputRequest")["password"]
    assert password["minLength"] == 8
    assert password["maxLength"] == 128
    assert "commonly used" in password["description"]
    assert "entirely numeric" in password["description"]


def test_body_rules_are_stated(schema):
    assert component(schema, "ConfessionSendInputRequest")["body"]["maxLength"] == 2000
    assert component(schema, "ReplyInputRequest")["body"]["maxLength"] == 2000


@pytest.mark.parametrize(
    "path",
    ["/api/v1/confessions/inbox", "/api/v1/confessions/sent", "/api/v1/notifications",
     "/api/v1/blocks", "/api/v1/confessions/{confession_id}/replies"],
)  # fmt: skip
def test_page_parameters_are_bounded(schema, path):
    assert parameter(schema, path, "limit") == {
        "type": "integer", "minimum": 1, "maximum": 100, "default": 20,
    }  # fmt: skip
    assert parameter(schema, path, "cursor") == {"type": "string"}


def test_after_is_not_negative(schema):
    assert parameter(schema, "/api/v1/notifications", "after")["minimum"] == 0


def test_a_missing_avatar_is_a_documented_null(schema):
    for name in ("UserSelfOutput", "UserPublicOutput", "PersonOutput"):
        assert component(schema, name)["avatar_url"]["nullable"] is True


def test_error_fields_are_flat_lists_of_strings(schema):
    error = schema["components"]["schemas"]["Error"]["properties"]["error"]["properties"]
    strings = {"type": "array", "items": {"type": "string"}}
    assert error["fields"]["additionalProperties"] == strings
    assert "media[0]" in error["fields"]["description"]

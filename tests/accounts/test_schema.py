"""The OpenAPI document describes every accounts endpoint with its bodies."""

from __future__ import annotations

import pytest
import yaml

ENDPOINTS = {
    ("/api/v1/auth/register", "post"): ("RegisterInput", "201", "AuthOutput"),
    ("/api/v1/auth/login", "post"): ("LoginInput", "200", "AuthOutput"),
    ("/api/v1/auth/wechat", "post"): ("WeChatLoginInput", "200", "WeChatAuthOutput"),
    ("/api/v1/auth/refresh", "post"): ("RefreshInput", "200", "TokenPairOutput"),
    ("/api/v1/auth/logout", "post"): ("RefreshInput", "204", None),
    ("/api/v1/me", "get"): (None, "200", "UserSelfOutput"),
    ("/api/v1/me", "patch"): ("ProfileUpdateInput", "200", "UserSelfOutput"),
    ("/api/v1/me", "delete"): (None, "204", None),
    ("/api/v1/users/{username}", "get"): (None, "200", "UserPublicOutput"),
    ("/api/v1/blocks", "get"): (None, "200", "PaginatedBlockOutputList"),
    ("/api/v1/blocks", "post"): ("BlockCreateInput", "201", "BlockOutput"),
    ("/api/v1/blocks/{block_id}", "delete"): (None, "204", None),
}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from django.test import Client

    return yaml.safe_load(Client().get("/api/schema").content)


@pytest.mark.parametrize(("endpoint", "expected"), ENDPOINTS.items(), ids=str)
def test_endpoint_is_documented(schema, endpoint, expected):
    path, method = endpoint
    request_name, status, response_name = expected
    operation = schema["paths"][path][method]
    if request_name:
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert request_name in ref
    assert status in operation["responses"]
    if response_name:
        content = operation["responses"][status]["content"]["application/json"]["schema"]
        assert content["$ref"].endswith(response_name)
    # Its errors are listed status by status (tests/core/test_error_contract.py).
    error = operation["responses"]["503"]["content"]["application/json"]["schema"]
    assert "service_unavailable" in error["properties"]["error"]["properties"]["code"]["enum"]


def test_jwt_security_scheme(schema):
    assert schema["components"]["securitySchemes"]["jwtAuth"]["scheme"] == "bearer"
    assert schema["paths"]["/api/v1/me"]["get"]["security"] == [{"jwtAuth": []}]
    # Sign-in doors need no token.
    assert schema["paths"]["/api/v1/auth/login"]["post"].get("security") in (None, [], [{}])

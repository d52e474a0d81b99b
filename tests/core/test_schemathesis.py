"""A short schemathesis run against the app on loopback: no answer is a 5xx, and every answer
matches the OpenAPI document: its status is one the operation lists and its body the schema of
that status (`not_a_server_error`, `status_code_conformance`, `response_schema_conformance`).

The server is a real uvicorn process with production settings (DEBUG off) on PostgreSQL, Redis,
SeaweedFS and the fake WeChat. The fuzzer signs in as a user it registers itself and tries
every operation but `DELETE /me` (deleting its own account would end the run's sign-in; that
door has its own tests). The seed is fixed so that CI is repeatable; set SCHEMATHESIS_SEED to
explore other inputs, SCHEMATHESIS_MAX_EXAMPLES for a longer run.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.servers import AsgiServer, s3_environment, wechat_environment

pytestmark = [
    pytest.mark.service("postgres"),
    pytest.mark.service("redis"),
    pytest.mark.service("s3"),
    pytest.mark.django_db(transaction=True),
]

SEED = os.environ.get("SCHEMATHESIS_SEED", "20261121")
MAX_EXAMPLES = os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "8")
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance"


@pytest.fixture
def server(tmp_path, s3_server, wechat):
    server = AsgiServer(
        tmp_path,
        env={
            "DJANGO_DEBUG": "0",
            "DJANGO_HTTPS": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
            "JWT_SIGNING_KEY": secrets.token_urlsafe(48),
            **s3_environment(s3_server),
            **wechat_environment(wechat),
            # The sign-in doors' throttles would answer most of the run 429.
            "AUTH_THROTTLE_IP_RATE": "100000/min",
            "AUTH_THROTTLE_USERNAME_RATE": "100000/min",
        },
    )
    yield server
    server.stop()


def register(server: AsgiServer, username: str) -> str:
    response = requests.post(
        f"{server.http_url}/api/v1/auth/register",
        json={"username": username, "password": secrets.token_urlsafe(16)},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return response.json()["access"]


def test_schemathesis_finds_no_server_error_and_no_schema_violation(server):
    token = register(server, "fuzzer")
    # Someone to address, and a confession in the fuzzer's inbox.
    bob = register(server, "bob")
    sent = requests.post(
        f"{server.http_url}/api/v1/confessions",
        json={"recipient": "fuzzer", "body": "hello from bob"},
        headers={"Authorization": f"Bearer {bob}"},
        timeout=10,
    )
    assert sent.status_code == 201, sent.text

    schema = requests.get(f"{server.http_url}/api/schema?format=json", timeout=10).json()
    command = [
        str(Path(sys.executable).with_name("st")), "run", f"{server.http_url}/api/schema",
        "--header", f"Authorization: Bearer {token}",
        # What the web client's sign-in doors want of a same-site request.
        "--header", "X-Requested-With: schemathesis",
        "--checks", CHECKS,
        "--max-examples", MAX_EXAMPLES,
        "--seed", SEED,
        "--exclude-operation-id", "me_delete",
        "--generation-database", "none",
        "--workers", "1",
        "--no-color",
    ]  # fmt: skip
    result = subprocess.run(  # noqa: S603 - our own command line
        command, capture_output=True, text=True, timeout=900, check=False
    )
    report = result.stdout[-30_000:] + result.stderr[-5_000:]
    assert result.returncode == 0, report
    cases = re.search(r"(\d+) generated, (\d+) passed", result.stdout)
    assert cases, report
    # A few hundred cases, not a run that silently tested nothing.
    assert int(cases[2]) == int(cases[1]) >= 300, report
    operations = sum(len(methods) for methods in schema["paths"].values())
    assert f"Selected: {operations - 1}/{operations}" in result.stdout, report  # all but one

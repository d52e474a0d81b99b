"""The socket's AsyncAPI document (realtime.asyncapi, /api/asyncapi.json): valid AsyncAPI 3
by `@asyncapi/cli validate`, and held to the code: every registered event type, every close
code, every error code the consumer sends."""

from __future__ import annotations

import ast
import json
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from realtime import asyncapi, events, services

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def document() -> dict:
    response = Client().get("/api/asyncapi.json")
    assert response.status_code == 200
    return response.json()


@pytest.mark.service("node")
def test_the_document_is_valid_asyncapi_3(document, tmp_path):
    path = tmp_path / "asyncapi.json"
    path.write_text(json.dumps(document))
    (tmp_path / "analytics.json").write_text('{"analyticsEnabled": "false", "userID": "test"}')
    result = subprocess.run(  # noqa: S603 - our own command line
        [str(ROOT / "node_modules" / ".bin" / "asyncapi"), "validate", str(path),
         "--fail-severity", "warn"],
        capture_output=True, text=True, timeout=300, check=False,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "CI": "true",
             "ASYNCAPI_METRICS_CONFIG_PATH": str(tmp_path / "analytics.json")},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "is valid" in result.stdout, result.stdout
    assert document["asyncapi"].startswith("3.")


def test_every_registered_event_type_has_its_message(document):
    messages = document["components"]["messages"]
    sent = {
        ref["$ref"].rpartition("/")[2]
        for ref in document["operations"]["sendNotifications"]["messages"]
    }
    types = {messages[name]["payload"]["properties"]["type"]["const"] for name in sent}
    assert types == {event.name for event in events.registered()}
    received = messages["confessionReceived"]["payload"]["properties"]["data"]["properties"]
    assert list(received) == ["confession_id", "anonymous", "sender", "has_media"]
    assert received["sender"]["type"] == ["object", "null"]
    assert received["confession_id"] == {"type": "integer"}


def test_every_close_code_is_listed(document):
    codes = {value for name, value in vars(services).items() if name.startswith("CLOSE_")}
    listed = document["channels"]["notifications"]["x-close-codes"]
    assert {int(code) for code in listed} == codes
    for code in codes:
        assert f"`{code}`" in document["info"]["description"]


def test_every_error_code_the_consumer_sends_is_listed(document):
    tree = ast.parse((ROOT / "realtime" / "consumers.py").read_text())
    # `self._error("code", ...)`, or `self._error(code, ...)` after `code = "a" if ... else "b"`.
    chosen = {
        target.id: [part.value for part in (node.value.body, node.value.orelse)]
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.IfExp)
        and isinstance(node.value.body, ast.Constant)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    sent: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "_error":
            first = node.args[0]
            sent |= {first.value} if isinstance(first, ast.Constant) else set(chosen[first.id])
    assert sent == set(asyncapi.ERROR_CODES)
    error = document["components"]["messages"]["error"]["payload"]["properties"]["error"]
    assert error["properties"]["code"]["enum"] == sorted(asyncapi.ERROR_CODES)


def test_a_declaration_reads_into_keys():
    event = events.EventType(
        name="x.y", to="someone", data="`a`, `kind` (`p`/`q`), `with` (who), `n` (a, b)"
    )
    assert asyncapi.data_keys(event) == {"a": "", "kind": "`p`/`q`", "with": "who", "n": "a, b"}

"""Logs: a request id on every line and in every answer (taken from X-Request-ID when sane),
carried to the tasks a request enqueues and the frames it pushes; JSON lines on demand, from
the real server's own output; expected refusals at INFO; no secret and no anonymous sender on
any line."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import requests
import time_machine
from channels.db import database_sync_to_async
from django.utils import timezone

from core import logs
from tests.conftest import access_token_for, run_worker

# Imported here, not in a test: importing the ASGI application sets up Django's logging
# again, which would take pytest's capture off the root logger in the middle of a test.
from tests.realtime.conftest import notify, open_socket
from tests.servers import GunicornServer

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def test_every_answer_carries_a_request_id(client, alice_client):
    made = client.get("/healthz")["X-Request-ID"]
    assert len(made) == 32
    assert client.get("/healthz")["X-Request-ID"] != made  # one per request
    assert client.get("/healthz", HTTP_X_REQUEST_ID="edge-7f3a.1")["X-Request-ID"] == "edge-7f3a.1"
    # Not an id: a line break, spaces, or too long, is replaced rather than logged.
    for bad in ("a b", "x" * 65, "ok\nforged line"):
        answered = client.get("/healthz", HTTP_X_REQUEST_ID=bad)["X-Request-ID"]
        assert answered != bad
        assert len(answered) == 32
    refused = client.get("/api/v1/me", HTTP_X_REQUEST_ID="req-401")
    assert (refused.status_code, refused["X-Request-ID"]) == (401, "req-401")
    assert alice_client.get("/api/v1/me", HTTP_X_REQUEST_ID="req-200")["X-Request-ID"] == "req-200"


def test_a_task_logs_with_the_id_of_the_request_that_enqueued_it(
    alice_client, bob, caplog, settings
):
    caplog.handler.addFilter(logs.RequestIdFilter())
    soon = timezone.now() + timedelta(minutes=5)
    sent = alice_client.post(
        "/api/v1/confessions",
        {"recipient": "bob", "body": "Later", "deliver_at": soon.isoformat()},
        format="json",
        HTTP_X_REQUEST_ID="req-scheduled-1",
    )
    assert sent.status_code == 201, sent.content
    with (
        caplog.at_level(logging.INFO, logger="background.worker"),
        time_machine.travel(soon + timedelta(seconds=5), tick=True),
    ):
        run_worker()
    [done] = [r for r in caplog.records if "confession_deliver" in r.getMessage()]
    assert done.request_id == "req-scheduled-1"
    assert logs.request_id.get() == "-"  # and nothing stays behind in the worker


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_frame_is_pushed_under_the_id_of_the_request_that_caused_it(alice, caplog):
    caplog.handler.addFilter(logs.RequestIdFilter())
    socket = await open_socket(await database_sync_to_async(access_token_for)(alice))
    # Its pong means the socket is all set up: the frame below comes as a push, not a replay.
    await socket.send_json_to({"type": "ping"})
    assert (await socket.receive_json_from(timeout=3))["type"] == "pong"
    token = logs.request_id.set("req-frame-9")
    try:
        with caplog.at_level(logging.DEBUG, logger="realtime.consumers"):
            await notify(user=alice, type="confession.received", data={"confession": 1})
            await socket.receive_json_from(timeout=3)
    finally:
        logs.request_id.reset(token)
    await socket.disconnect()
    pushed = [r for r in caplog.records if r.name == "realtime.consumers" and "arrived" in r.msg]
    assert [r.request_id for r in pushed] == ["req-frame-9"]


def test_no_secret_reaches_a_line():
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    for kind in (logs.RequestIdFilter, logs.Redact):
        handler.addFilter(kind())
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjo0Mn0.c2lnbmF0dXJl"
    try:
        logger.warning("Authorization: Bearer %s", "abc.def-ghi")
        logger.warning("token %s in a query", jwt)
        logger.warning('{"password": "hunter2", "phone": "+86 13812345678"}')
        logger.warning("login password=hunter2&user=x, call 13987654321 now")
        try:
            raise ValueError(f"bad refresh {jwt}")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    text = out.getvalue()
    for secret in ("abc.def-ghi", jwt, "hunter2", "13812345678", "13987654321"):
        assert secret not in text, secret
    assert "[redacted" in text
    # Ids of ours (16 digits) are not phone numbers.
    assert logs.redact("confession 4092284300292517") == "confession 4092284300292517"


@pytest.mark.django_db(transaction=True)
def test_the_servers_lines_are_json_with_the_id_and_refusals_at_info(tmp_path, django_user_model):
    from tests.browser import PASSWORD, account

    alice = account(django_user_model, "alice-json", display_name="Alice J")
    account(django_user_model, "bob-json")
    server = GunicornServer(
        tmp_path, env={"DJANGO_LOG_FORMAT": "json", "DJANGO_LOG_LEVEL": "DEBUG"}
    )
    try:
        base = server.http_url
        refused = requests.get(f"{base}/api/v1/me", headers={"X-Request-ID": "req-me"}, timeout=5)
        assert refused.status_code == 401
        signed = requests.post(
            f"{base}/api/v1/auth/login",
            json={"username": "alice-json", "password": PASSWORD},
            timeout=5,
        ).json()
        sent = requests.post(
            f"{base}/api/v1/confessions",
            json={"recipient": "bob-json", "body": "guess who", "anonymous": True},
            headers={"Authorization": f"Bearer {signed['access']}", "X-Request-ID": "req-anon"},
            timeout=5,
        )
        assert sent.status_code == 201
    finally:
        server.stop()
    lines = [line for line in server.log.read_text().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is JSON, gunicorn's too
    assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
    [unauthorized] = [
        r for r in records if r.get("request_id") == "req-me" and r["logger"] == "django.request"
    ]
    assert unauthorized["level"] == "INFO"  # a signed-out request is no warning
    assert not [r for r in records if r["level"] == "WARNING"]
    access = [r for r in records if r["logger"] == "gunicorn.access"]
    assert any("req-anon" in r["message"] for r in access)
    # gunicorn's lines carry the request id as a field, as Django's do.
    assert all("request_id" in r for r in records)
    [sent_line] = [r for r in access if r["request_id"] == "req-anon"]
    assert "POST /api/v1/confessions" in sent_line["message"]
    text = "\n".join(lines)
    for secret in ("alice-json", "Alice J", signed["access"], signed["refresh"], PASSWORD):
        assert secret not in text, secret
    assert f'"user_id": {alice.pk}' not in text


# gunicorn's own lines under DJANGO_LOG_FORMAT=json, configured as gunicorn does it: its
# settings file's logconfig_dict, applied by dictConfig. What a line of gunicorn's might carry
# (an invalid request's header, a worker's traceback) goes through the same redaction.
_GUNICORN_LINES = """
import logging, logging.config, runpy
config = runpy.run_path("gunicorn.conf.py")
logging.config.dictConfig(config["logconfig_dict"])
logging.getLogger("gunicorn.error").error("Invalid request: Authorization: Bearer abc.def-ghi")
logging.getLogger("gunicorn.error").info("password=hunter2 from 13812345678")
"""


def test_gunicorns_own_lines_are_redacted():
    done = subprocess.run(  # noqa: S603 - this Python, a fixed script
        [sys.executable, "-c", _GUNICORN_LINES], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "DJANGO_LOG_FORMAT": "json"}, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stderr.splitlines() if line.strip()]
    assert [r["level"] for r in records] == ["ERROR", "INFO"]
    assert all(r["logger"] == "gunicorn.error" and r["request_id"] == "-" for r in records)
    text = done.stderr
    for secret in ("abc.def-ghi", "hunter2", "13812345678"):
        assert secret not in text, secret
    assert "Bearer [redacted]" in text

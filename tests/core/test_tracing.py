"""Traces: with the OTEL_* variables set, the server exports its spans over OTLP/HTTP to a
collector on loopback (tests/fakes/otlp.py), and one trace runs from a POST to the frame it
causes: Django's request span, psycopg's statements within it, and the socket server's push.
Without them nothing is exported."""

from __future__ import annotations

import json

import pytest
import requests
from websockets.sync.client import connect

from tests.fakes.otlp import FakeCollector
from tests.servers import AsgiServer

pytestmark = [pytest.mark.service("postgres"), pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-9"


def register(base: str, name: str) -> str:
    made = requests.post(
        f"{base}/api/v1/auth/register", json={"username": name, "password": PASSWORD}, timeout=10
    )
    assert made.status_code == 201, made.text
    return made.json()["access"]


def test_one_trace_from_a_post_to_the_frame_it_causes(tmp_path):
    collector = FakeCollector().start()
    server = AsgiServer(tmp_path, env={
        "OTEL_EXPORTER_OTLP_ENDPOINT": collector.endpoint,
        "OTEL_SERVICE_NAME": "confessions-test",
        "OTEL_BSP_SCHEDULE_DELAY": "100",
    })  # fmt: skip
    try:
        alice, bob = register(server.http_url, "alice_t"), register(server.http_url, "bob_t")
        with connect(f"{server.ws_url}/ws/notifications/?token={bob}") as socket:
            socket.send(json.dumps({"type": "ping"}))
            assert json.loads(socket.recv(timeout=5))["type"] == "pong"
            sent = requests.post(
                f"{server.http_url}/api/v1/confessions",
                json={"recipient": "bob_t", "body": "traced", "anonymous": True},
                headers={"Authorization": f"Bearer {alice}"},
                timeout=10,
            )
            assert sent.status_code == 201, sent.text
            frame = json.loads(socket.recv(timeout=5))
            assert frame["type"] == "confession.received"
        [post] = collector.wait_for(lambda s: s.name.startswith("POST") and "confessions" in s.name)
        pushes = collector.wait_for(lambda s: s.name == "push" and s.trace_id == post.trace_id)
        assert pushes, "the push joined the POST's trace"
        in_trace = [s for s in collector.spans if s.trace_id == post.trace_id]
        assert any(s.attributes.get("db.system") == "postgresql" for s in in_trace)
        # The hot paths' prepared statements too (on a cursor psycopg's instrumentation does
        # not see): the confession's INSERT, and the read of the answer.
        statements = [s.attributes.get("db.statement", "") for s in in_trace]
        assert any(text.startswith('INSERT INTO "messages_app_confession"') for text in statements)
        assert any(text.startswith('SELECT "messages_app_confession"') for text in statements)
        assert {s.service for s in in_trace} == {"confessions-test"}
        # Nothing of who: no token, no name, no body in any span.
        text = str([(s.name, s.attributes) for s in collector.spans])
        for secret in (alice, bob, "alice_t", "traced", PASSWORD):
            assert secret not in text, secret
    finally:
        server.stop()
        collector.stop()


def test_without_the_variables_nothing_is_exported(tmp_path):
    collector = FakeCollector().start()
    server = AsgiServer(tmp_path, env={"OTEL_SERVICE_NAME": "confessions-test"})
    try:
        assert requests.get(f"{server.http_url}/healthz", timeout=5).status_code == 200
        assert collector.wait_for(lambda s: True, timeout=1) == []
    finally:
        server.stop()
        collector.stop()

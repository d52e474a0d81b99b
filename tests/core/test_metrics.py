"""Prometheus metrics at /metrics: only for METRICS_TOKEN (404 otherwise); requests by route,
method and status with latency and database time; sockets, frames and close codes; WeChat
calls by errcode; media kept and refused; the task and moderation queues read at each
scrape; and, under gunicorn with two workers, the sum of both whichever answers. The text is
parsed with prometheus-client's own parser."""

from __future__ import annotations

import gc
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from core.metrics import exposition, time_collections
from messages_app import services as confessions
from moderation.models import BannedPhrase
from tests.conftest import access_token_for
from tests.media import files
from tests.media.conftest import upload
from tests.realtime.conftest import notify, open_socket
from tests.servers import GunicornServer

pytestmark = pytest.mark.django_db

TOKEN = "metrics-test-token-0123456789"


def samples(text: str | bytes) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample, by name and labels."""
    if isinstance(text, bytes):
        text = text.decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(found, name: str, **labels: str) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
def token(settings) -> str:
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def scrape(client) -> dict:
    answer = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/plain")
    return samples(answer.content)


def test_without_the_token_there_is_nothing_here(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404
    settings.METRICS_TOKEN = TOKEN
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 404


def test_requests_by_route_method_and_status_with_latency_and_database_time(
    client, token, alice, alice_client
):
    inbox = "api/v1/confessions/inbox"
    before = scrape(client)
    for _ in range(3):
        assert alice_client.get("/api/v1/confessions/inbox").status_code == 200
    assert client.get("/api/v1/confessions/inbox").status_code == 401
    client.get("/no/such/page")
    after = scrape(client)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("http_requests_total", route=inbox, method="GET", status="200") == 3
    assert grew("http_requests_total", route=inbox, method="GET", status="401") == 1
    assert grew("http_requests_total", route="unmatched", method="GET", status="404") == 1
    assert grew("http_request_duration_seconds_count", route=inbox, method="GET") == 4
    assert grew("http_request_duration_seconds_sum", route=inbox, method="GET") > 0
    assert grew("http_request_database_seconds_count", route=inbox) == 4
    assert grew("http_request_database_seconds_sum", route=inbox) > 0
    # Routes are patterns, never a user's id or name.
    assert "alice" not in str(after)


def test_the_queues_are_read_at_each_scrape(client, token, alice, bob):
    BannedPhrase.objects.create(phrase="maybe", action=BannedPhrase.OnMatch.REVIEW)
    for _ in range(2):
        confessions.confession_send(sender=alice, recipient_username="bob", body="maybe so")
    found = scrape(client)
    assert value(found, "moderation_queue_items", kind="confession") == 2
    assert value(found, "moderation_queue_items", kind="post") == 0
    assert value(found, "moderation_queue_oldest_seconds", kind="confession") >= 0
    # Each send queued its notification's tasks, or none: the gauges are there either way.
    for name in ("tasks_due", "tasks_running", "tasks_failed", "tasks_oldest_due_seconds",
                 "tasks_workers_alive"):  # fmt: skip
        assert (name, ()) in found, name


def test_wechat_calls_by_path_and_errcode(client, token, api_client, wechat):
    before = samples(exposition())
    api_client.post("/api/v1/auth/wechat", {"code": wechat.issue_code("openid-9")})
    api_client.post("/api/v1/auth/wechat", {"code": "no-such-code"})  # 40029
    after = samples(exposition())
    path = "sns/jscode2session"
    ok = value(after, "wechat_calls_total", path=path, errcode="0")
    assert ok - value(before, "wechat_calls_total", path=path, errcode="0") == 1
    bad = value(after, "wechat_calls_total", path=path, errcode="40029")
    assert bad - value(before, "wechat_calls_total", path=path, errcode="40029") == 1


def test_media_kept_and_refused(alice_client):
    before = samples(exposition())
    assert upload(alice_client, files.jpeg()).status_code == 201
    assert upload(alice_client, b"not an image at all").status_code == 400
    after = samples(exposition())
    kept = value(after, "media_processed_total", kind="image")
    assert kept - value(before, "media_processed_total", kind="image") == 1
    codes = {labels for (name, labels) in after if name == "media_refused_total"}
    refused = sum(
        value(after, "media_refused_total", **dict(labels))
        - value(before, "media_refused_total", **dict(labels))
        for labels in codes
    )
    assert refused == 1


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_sockets_open_frames_sent_and_close_codes(alice):
    from channels.db import database_sync_to_async

    scraped = database_sync_to_async(lambda: samples(exposition()))
    before = await scraped()
    token = await database_sync_to_async(access_token_for)(alice)
    socket = await open_socket(token)
    assert socket.connected
    opened = await scraped()
    assert (
        value(opened, "websocket_connections_open") - value(before, "websocket_connections_open")
        == 1
    )
    await notify(user=alice, type="confession.received", data={"confession": 1})
    await socket.receive_json_from(timeout=3)
    refused = await open_socket("not-a-token")
    await refused.receive_output(timeout=3)  # closed 4401
    await socket.disconnect()
    after = await scraped()
    assert (
        value(after, "websocket_frames_sent_total") - value(before, "websocket_frames_sent_total")
        >= 1
    )
    assert (
        value(after, "websocket_closes_total", code="4401", by="server")
        - value(before, "websocket_closes_total", code="4401", by="server")
        == 1
    )
    assert value(after, "websocket_connections_open") == value(before, "websocket_connections_open")


class TwoWorkers(GunicornServer):
    def command(self) -> list[str]:
        command = super().command()
        command[command.index("--workers") + 1] = "2"
        return command


@pytest.mark.django_db(transaction=True)
def test_two_gunicorn_workers_add_up_whichever_answers(tmp_path):
    directory = tmp_path / "prometheus"
    server = TwoWorkers(
        tmp_path, env={"METRICS_TOKEN": TOKEN, "PROMETHEUS_MULTIPROC_DIR": str(directory)}
    )
    try:
        # Eight at a time on fresh connections, each worker with one thread, until both have
        # answered: the second may still be booting when the first is ready.
        def healthz(_) -> int:
            return requests.get(
                f"{server.http_url}/healthz", headers={"Connection": "close"}, timeout=5
            ).status_code

        def writers() -> set[str]:
            return {path.stem.rsplit("_", 1)[-1] for path in directory.glob("counter_*.db")}

        sent = 0
        deadline = time.monotonic() + 30
        with ThreadPoolExecutor(8) as pool:
            while sent < 40 or (len(writers()) < 2 and time.monotonic() < deadline):
                assert list(pool.map(healthz, range(8))) == [200] * 8
                sent += 8
        totals = set()
        for _ in range(8):
            # A fresh connection each time, so either worker may answer.
            answer = requests.get(
                f"{server.http_url}/metrics",
                headers={"Authorization": f"Bearer {TOKEN}", "Connection": "close"},
                timeout=5,
            )
            assert answer.status_code == 200
            found = samples(answer.text)
            totals.add(value(found, "http_requests_total", route="healthz", method="GET",
                             status="200"))  # fmt: skip
        assert totals == {float(sent)}
        # Both workers wrote: two processes' files.
        assert len(writers()) == 2
    finally:
        server.stop()


@pytest.mark.django_db(transaction=True)
def test_the_embedded_server_answers_too(tmp_path):
    """`make run`'s uvicorn, one process: the metrics in memory, at the same door."""
    from tests.servers import AsgiServer

    server = AsgiServer(tmp_path, env={"METRICS_TOKEN": TOKEN})
    try:
        requests.get(f"{server.http_url}/healthz", timeout=5)
        answer = requests.get(
            f"{server.http_url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5
        )
        assert answer.status_code == 200
        found = samples(answer.text)
        assert value(found, "http_requests_total", route="healthz", method="GET", status="200") == 1
        # The process times its collections from start-up (confessions_backend.startup).
        assert {("python_gc_pause_seconds_count", (("generation", str(generation)),))
                for generation in range(3)} <= found.keys()  # fmt: skip
        assert requests.get(f"{server.http_url}/metrics", timeout=5).status_code == 404
    finally:
        server.stop()


def test_each_garbage_collection_is_timed(token, client):
    """`python_gc_pause_seconds{generation}`: a full collection counts once, with its time,
    in the bucket that holds it and every one above."""
    time_collections()
    time_collections()  # once: a second call adds no second timer
    before = scrape(client)
    gc.collect()
    after = scrape(client)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("python_gc_pause_seconds_count", generation="2") == 1
    pause = grew("python_gc_pause_seconds_sum", generation="2")
    assert 0 < pause < 5
    for bound in (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5):
        expected = 1 if pause <= bound else 0
        assert grew("python_gc_pause_seconds_bucket", generation="2", le=str(bound)) == expected
    assert grew("python_gc_pause_seconds_bucket", generation="2", le="+Inf") == 1

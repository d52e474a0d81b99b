"""A Sentry receiver on loopback: what a Sentry server's envelope endpoint takes
(`POST /api/<project>/envelope/`, gzipped or plain), kept as parsed events for the tests to
read. Built from Sentry's envelope format (a JSON header line, then an item header line and
its payload line per item); it answers 200 to everything, as a server that took it."""

from __future__ import annotations

import gzip
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeSentry:
    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.raw: list[bytes] = []
        self._server: ThreadingHTTPServer | None = None

    @property
    def dsn(self) -> str:
        assert self._server is not None
        return f"http://public0123456789@127.0.0.1:{self._server.server_port}/1"

    def start(self) -> FakeSentry:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                fake.raw.append(body)
                fake.events.extend(_events_of(body))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def wait_for_events(self, count: int = 1, timeout: float = 5) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while len(self.events) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.events

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def _events_of(envelope: bytes) -> list[dict[str, Any]]:
    lines = envelope.split(b"\n")
    events, index = [], 1
    while index + 1 < len(lines):
        header = json.loads(lines[index] or b"{}")
        payload = lines[index + 1]
        if header.get("type") == "event":
            events.append(json.loads(payload))
        index += 2
    return events

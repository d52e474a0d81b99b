"""A Sentry receiver on loopback: what a Sentry server's envelope endpoint takes
(`POST /api/<project>/envelope/`, gzipped or plain), kept as parsed events for the tests to
read. Built from Sentry's envelope format (a JSON header line, then an item header line and
its payload line per item); it answers 200 to everything, as a server that took it."""

from __future__ import annotations

import json
import time
from typing import Any

from tests.fakes.receiver import Receiver


class FakeSentry(Receiver):
    def __init__(self) -> None:
        super().__init__()
        self.events: list[dict[str, Any]] = []
        self.raw: list[bytes] = []

    @property
    def dsn(self) -> str:
        return f"http://public0123456789@127.0.0.1:{self.port}/1"

    def take(self, body: bytes) -> None:
        self.raw.append(body)
        self.events.extend(_events_of(body))

    def wait_for_events(self, count: int = 1, timeout: float = 5) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while len(self.events) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.events


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

"""POST -> WebSocket frame latency, run by bench/run.py with the bench environment.

The recipient (carol) holds one socket on the ASGI server; confessions to her are POSTed to
the WSGI server (another process: the push crosses Redis) at a fixed rate, open loop (each
send starts at its scheduled time whatever the ones before are doing, over a few keep-alive
connections), by the seed's senders in turn (bench/seed.py, SENDERS). The latency of a send
is from the moment its POST starts to the moment its frame arrives. Prints JSON: sends,
frames, lost (sends whose frame never came), p50, p99 and max in ms, and p50 and p99 of the
POST's own answer.

    latency.py <seed.json> <http port> <ws port> <sends per second> <seconds>
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

BODY = json.dumps({"recipient": "carol", "body": "a latency probe", "anonymous": True}).encode()
CONNECTIONS = 16


class Http:
    """One keep-alive HTTP/1.1 connection, one request at a time."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes, token: str) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer {token}\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        self.writer.write(head.encode() + body)
        status_line = await self.reader.readline()
        length, closing = 0, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "connection" and value.strip().lower() == "close":
                closing = True
        payload = await self.reader.readexactly(length)
        if closing:
            self.writer.close()
            self.writer = None
        return int(status_line.split()[1]), payload


async def main(seed: dict, http_port: int, ws_port: int, rate: float, seconds: float) -> dict:
    from websockets.asyncio.client import connect

    arrived: dict[int, float] = {}
    started: dict[int, float] = {}
    answered: list[float] = []
    failures: list[int] = []
    socket = await connect(
        f"ws://127.0.0.1:{ws_port}/ws/notifications/",
        additional_headers={"Authorization": f"Bearer {seed['tokens']['carol']}"},
        ping_interval=None,
    )
    await socket.send(json.dumps({"type": "ping"}))
    assert json.loads(await socket.recv()) == {"type": "pong"}  # joined: pushes will come

    async def listen() -> None:
        async for text in socket:
            frame = json.loads(text)
            if frame.get("type") == "confession.received":
                arrived[frame["data"]["confession_id"]] = time.perf_counter()

    listener = asyncio.create_task(listen())
    idle: asyncio.Queue[Http] = asyncio.Queue()
    for _ in range(CONNECTIONS):
        idle.put_nowait(Http(http_port))

    async def send(token: str) -> None:
        client = await idle.get()
        begun = time.perf_counter()
        try:
            status, payload = await client.post("/api/v1/confessions", BODY, token)
        finally:
            idle.put_nowait(client)
        if status != 201:
            failures.append(status)
            return
        answered.append((time.perf_counter() - begun) * 1000)
        started[json.loads(payload)["id"]] = begun

    total = int(rate * seconds)
    senders = seed["senders"]
    tasks = []
    origin = time.perf_counter()
    for index in range(total):
        delay = origin + index / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(send(senders[index % len(senders)])))
    await asyncio.gather(*tasks)
    deadline = time.perf_counter() + 5
    while set(started) - set(arrived) and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    listener.cancel()
    await socket.close()
    latencies = sorted((arrived[id_] - begun) * 1000 for id_, begun in started.items()
                       if id_ in arrived)  # fmt: skip
    if failures:
        raise RuntimeError(f"{len(failures)} sends failed: {sorted(set(failures))}")
    return {
        "rate": rate,
        "sends": total,
        "frames": len(latencies),
        "lost": total - len(latencies),
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[min(int(len(latencies) * 0.99), len(latencies) - 1)],
        "max_ms": latencies[-1],
        "post_p50_ms": statistics.median(answered),
        "post_p99_ms": sorted(answered)[min(int(len(answered) * 0.99), len(answered) - 1)],
    }


if __name__ == "__main__":
    seed = json.loads(Path(sys.argv[1]).read_text())
    result = asyncio.run(main(seed, int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]),
                              float(sys.argv[5])))  # fmt: skip
    json.dump(result, sys.stdout)

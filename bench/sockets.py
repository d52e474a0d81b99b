"""The WebSocket fan-out, run by bench/run.py with the bench environment: N authenticated
sockets on one uvicorn process (pinned to core 0 by the caller), 5 for each of N/5 users (the
most a user may hold: SOCKETS_PER_USER); one confession to each of those users (sent from
this process, through the real services, so the pushes cross Redis from another process);
prints JSON with the frames per second from the first frame to the last, the time from the
commit to the last frame, the server's CPU time per frame over that time (what the server
itself spends, whatever the client's pace; measured from the commit, not from the first
send: until the commit the server only answers keepalive pings), how much of it was garbage
collection (the server's `python_gc_pause_seconds`, read at /metrics with METRICS_TOKEN), and
the server's RSS per idle authenticated socket.

    sockets.py <seed.json> <port> <server pid> <sockets>
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def gc_pause_seconds(port: int) -> float:
    """The server's time in garbage collection so far, all generations."""
    import urllib.request

    from prometheus_client.parser import text_string_to_metric_families

    request = urllib.request.Request(  # noqa: S310 - the bench's own server on loopback
        f"http://127.0.0.1:{port}/metrics",
        headers={"Authorization": f"Bearer {os.environ['METRICS_TOKEN']}"},
    )
    with urllib.request.urlopen(request) as answer:  # noqa: S310
        text = answer.read().decode()
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "python_gc_pause_seconds_sum"
    )


def send_confessions(usernames: list[str], before_commit) -> None:
    """One confession to each user, in one transaction: their pushes leave together at commit,
    so what is measured is the server's fan-out, not this process's send rate.
    `before_commit()` runs last inside the transaction."""
    from django.db import transaction

    from accounts.models import User
    from messages_app import services

    sender = User.objects.get(username="dave")
    with transaction.atomic():
        for username in usernames:
            services.confession_send(sender=sender, recipient_username=username, body="to you")
        before_commit()


async def main(seed: dict, port: int, pid: int, count: int) -> dict:
    from websockets.asyncio.client import connect

    per_user = 5
    users = list(seed["fanout"].items())[: count // per_user]
    assert len(users) * per_user == count, "the seed has too few fan-out users"
    url = f"ws://127.0.0.1:{port}/ws/notifications/"
    gate = asyncio.Semaphore(64)

    async def open_one(token: str):
        async with gate:
            return await connect(url, additional_headers={"Authorization": f"Bearer {token}"},
                                 ping_interval=None, open_timeout=60)  # fmt: skip

    before = rss_kib(pid)
    sockets = await asyncio.gather(
        *(open_one(token) for _, token in users for _ in range(per_user))
    )
    await asyncio.sleep(1)
    idle = rss_kib(pid)
    arrivals: list[float] = []

    async def read(socket) -> None:
        json.loads(await socket.recv())
        arrivals.append(time.perf_counter())

    readers = [asyncio.create_task(read(socket)) for socket in sockets]
    at_commit: dict[str, float] = {}

    def before_commit() -> None:
        at_commit.update(gc=gc_pause_seconds(port), cpu=cpu_seconds(pid),
                      started=time.perf_counter())  # fmt: skip

    await asyncio.to_thread(send_confessions, [name for name, _ in users], before_commit)
    await asyncio.wait_for(asyncio.gather(*readers), timeout=300)
    cpu = cpu_seconds(pid) - at_commit["cpu"]
    collecting = gc_pause_seconds(port) - at_commit["gc"]
    await asyncio.gather(*(socket.close() for socket in sockets))
    spread = max(arrivals) - min(arrivals)
    return {
        "sockets": len(sockets),
        "frames": len(arrivals),
        "frames_per_second": len(arrivals) / spread if spread > 0 else float(len(arrivals)),
        "commit_to_last_frame_s": max(arrivals) - at_commit["started"],
        "server_cpu_us_per_frame": cpu / len(arrivals) * 1e6,
        "server_gc_s": collecting,
        "rss_kib_per_socket": (idle - before) / len(sockets),
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "confessions_backend.settings")
    import django

    django.setup()
    seed = json.loads(Path(sys.argv[1]).read_text())
    result = asyncio.run(main(seed, int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])))
    json.dump(result, sys.stdout)

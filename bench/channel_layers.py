"""Compare channels_redis' two layers for our traffic: one group per user, one or a few sockets
per user, small "notification.push" messages, sockets joining and leaving all the time.

    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/channel_layers.py

Measures, for each layer, in one process (sender and receivers share the event loop):
- join: group_add + group_discard per socket (connect/disconnect churn);
- latency: group_send -> receive for one socket, sequential, p50/p99;
- fan-out throughput: group_sends to 500 user groups of 1 socket each, all delivered.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time

from channels_redis.core import RedisChannelLayer
from channels_redis.pubsub import RedisPubSubChannelLayer

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
USERS = 500
ROUNDS = 2000


async def measure(name: str, layer) -> dict[str, float]:
    channels = [await layer.new_channel() for _ in range(USERS)]

    started = time.perf_counter()
    for index, channel in enumerate(channels):
        await layer.group_add(f"user.{index}", channel)
    join_ms = (time.perf_counter() - started) * 1000 / USERS

    latencies = []
    for round_number in range(ROUNDS):
        started = time.perf_counter()
        await layer.group_send("user.0", {"type": "notification.push", "id": round_number})
        message = await layer.receive(channels[0])
        latencies.append((time.perf_counter() - started) * 1000)
        if message["id"] != round_number:
            raise RuntimeError(f"{name} delivered {message} for round {round_number}")

    async def drain(channel: str) -> None:
        await layer.receive(channel)

    started = time.perf_counter()
    receivers = [asyncio.ensure_future(drain(channel)) for channel in channels]
    await asyncio.sleep(0)
    for index in range(USERS):
        await layer.group_send(f"user.{index}", {"type": "notification.push", "id": index})
    await asyncio.wait_for(asyncio.gather(*receivers), timeout=30)
    fanout_per_s = USERS / (time.perf_counter() - started)

    started = time.perf_counter()
    for index, channel in enumerate(channels):
        await layer.group_discard(f"user.{index}", channel)
    leave_ms = (time.perf_counter() - started) * 1000 / USERS
    if hasattr(layer, "flush"):
        await layer.flush()

    latencies.sort()
    return {
        "layer": name,
        "join_ms": join_ms,
        "leave_ms": leave_ms,
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[int(len(latencies) * 0.99)],
        "fanout_per_s": fanout_per_s,
    }


async def main() -> None:
    results = [
        await measure("RedisChannelLayer", RedisChannelLayer(hosts=[REDIS_URL])),
        await measure("RedisPubSubChannelLayer", RedisPubSubChannelLayer(hosts=[REDIS_URL])),
    ]
    print(f"{USERS} user groups, {ROUNDS} round trips, Redis at {REDIS_URL}")
    print(f"{'layer':<26}{'join ms':>9}{'leave ms':>10}{'p50 ms':>9}{'p99 ms':>9}{'fan-out/s':>11}")
    for row in results:
        print(
            f"{row['layer']:<26}{row['join_ms']:>9.3f}{row['leave_ms']:>10.3f}"
            f"{row['p50_ms']:>9.3f}{row['p99_ms']:>9.3f}{row['fanout_per_s']:>11.0f}"
        )


if __name__ == "__main__":
    asyncio.run(main())

"""`make bench` still runs and its numbers parse: the benchmark in its few-seconds smoke mode
(it writes nothing). The real run is `make bench`, never the test suite."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.service("postgres")
@pytest.mark.service("redis")
@pytest.mark.service("s3")
def test_the_benchmark_runs_and_reports_every_figure(settings):
    if shutil.which("wrk") is None:
        pytest.skip("needs wrk (apt-get install wrk)")
    database = settings.DATABASES["default"]
    server = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT'] or 5432}"
    env = {**os.environ, "DATABASE_URL": f"{server}/{database['NAME']}",
           "REDIS_URL": settings.REDIS_URL}  # fmt: skip
    result = subprocess.run([sys.executable, "bench/run.py", "--smoke"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    # The rest of the community around the measured pages (bench/seed.py, a hundredth of it).
    assert all(
        figures["background"][kind] > 0
        for kind in ("confession", "reply", "post", "like", "comment", "notification")
    )
    for name in ("baseline", "inbox", "sent", "replies", "feed", "hot", "send"):
        # The best of the rounds, and their median beside it.
        assert 0 < figures["cpu_ms"][name] <= figures["cpu_median_ms"][name], name
        assert figures["cpu_ratio"][name] > 0, name
    for name in (
        "baseline",
        "floor",
        "floor_page",
        "floor_none",
        "inbox",
        "sent",
        "replies",
        "feed",
        "hot",
        "send",
        "inbox_shared",
        "inbox_2",
    ):
        assert figures["rps"][name] > 0, name
    # Throughput in rounds, every server up at once: each ratio taken within a round.
    assert figures["rps_rounds"]
    for name in ("inbox", "sent", "replies", "feed", "hot", "floor_page"):
        assert all(round_[name] > 0 for round_ in figures["rps_rounds"]), name
        assert figures["shares"][name]["floor_page"] > 0, name
    assert figures["shares"]["floor_page"]["floor_page"] == 1
    latency = figures["latency"]
    assert latency["sends"] == latency["frames"] > 0
    assert latency["lost"] == 0
    assert 0 < latency["p50_ms"] <= latency["p99_ms"] <= latency["max_ms"]
    assert figures["inbox_bytes"]["plain"] > 10_000
    assert figures["sockets"]["frames"] == figures["sockets"]["sockets"] > 0
    assert figures["sockets"]["frames_per_second"] > 0
    assert figures["sockets"]["server_cpu_us_per_frame"] >= 0
    # The server's own garbage collection over the fan-out, read at its /metrics.
    assert figures["sockets"]["server_gc_s"] >= 0
    assert figures["sockets"]["commit_to_last_frame_s"] > 0
    assert "in garbage collection" in result.stdout
    assert "| `/api/v1/confessions/inbox` |" in result.stdout
    assert "| the inbox's floor" in result.stdout
    assert "% of the one-statement floor (median of the rounds' ratios) |" in result.stdout
    assert "Scaling on one host, the inbox" in result.stdout
    photo = figures["photos"]["pillow"]
    assert photo["cpu_s"] > 0
    assert photo["peak_mib"] > 0
    assert photo["bytes"]["photo"] > photo["bytes"]["original"] > photo["bytes"]["display"] > 0
    assert "A 12 MP photo-like JPEG" in result.stdout

"""The multi-host drill (bin/multihost-drill), run short: two app hosts, a database host with
a primary and a streaming replica, two Redis hosts and an S3 host as network namespaces; one
app host cut off the network mid-load. Every accepted write is kept, once; every socket that
was on the lost host moves to the other and catches up; the inboxes (read through the
replica) hold everything; the scheduled confessions are delivered by the surviving worker;
the lost host serves again once it is back."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.service("netns"), pytest.mark.service("s3")]


def test_one_app_host_cut_off_mid_load_loses_nothing():
    done = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, "bin/multihost-drill", "--seconds", "20", "--cut-at", "5"],
        cwd=ROOT, capture_output=True, text=True, timeout=420,
    )  # fmt: skip
    assert done.stdout.strip(), done.stderr[-3000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["accepted"] > 100, figures
    assert figures["scheduled"] == 12, figures
    assert figures["refused"] == [], figures
    assert figures["accepted_missing_from_database"] == 0, figures
    assert figures["confessions_not_received"] == 0, figures
    assert figures["duplicate_frames"] == 0, figures
    assert figures["missing_from_inboxes"] == 0, figures
    # The five sockets on the cut host, and only they, came back on the other.
    assert figures["sockets_moved"] == 5, figures
    # Writes go on through the other host once the cut host's row locks are released.
    assert figures["sends_per_second_after_cut"] > 0, figures
    assert figures["app1_ready_seconds_after_heal"] < 60, figures
    assert figures["ok"] is True
    assert done.returncode == 0, done.stderr[-3000:]

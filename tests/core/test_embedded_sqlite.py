"""The embedded default (`make run`: SQLite, the in-memory layer) is what a newcomer runs first,
while CI runs everything on PostgreSQL and Redis. The tests that SQLite once broke run here on
SQLite too, in a pytest of their own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

ON_SQLITE = [
    # Deleting an account while its socket connects: SQLite checks the foreign key at COMMIT,
    # and the consumer crashed there (5 of 5 runs).
    "tests/realtime/test_consumer.py::test_deleting_the_account_closes_its_sockets_4401",
    "tests/realtime/test_consumer.py::test_flood_closes_4429",
    "tests/messages/test_linking.py",
]


def test_what_sqlite_broke_passes_on_sqlite(tmp_path):
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "REDIS_URL", "S3_TESTS", "REQUIRE_SERVICES"}
    }
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *ON_SQLITE]
    result = subprocess.run(
        command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
    assert "skipped" not in result.stdout

"""What the browser tests share (a pytest plugin, tests/conftest.py): Debian's Chromium driven
by Playwright, headless, against a real server process (uvicorn on the test database, Redis
and SeaweedFS), and accounts that server can sign in. Screenshots go under var/screenshots/
(CI keeps them as artifacts)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connections

from tests.servers import AsgiServer, s3_environment

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "var" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
# What a headless Chromium needs in a container with a closed network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]  # fmt: skip
WAIT = 15_000  # ms: what a live event may take to show
PASSWORD = "correct-horse-battery-9"


@pytest.fixture
def server(tmp_path, s3_server):
    server = AsgiServer(tmp_path, env=s3_environment(s3_server))
    yield server
    server.stop()


@pytest.fixture
def chromium(transactional_db, s3_server, monkeypatch):
    """A headless Chromium, started after the database and SeaweedFS (and closed before
    them). Playwright's sync API runs an event loop beside the test: the test may still read
    the database meanwhile (it is the only user of its connection)."""
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # With an event loop running, Django keeps the test's connection per context rather
        # than per thread: close the one the test opened, or it outlives the test database.
        connections.close_all()


def account(django_user_model, username: str, **fields):
    """A user the server process can sign in: hashed with a hasher the server has (the test
    process hashes with a fast one of its own)."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hasher = PBKDF2PasswordHasher()
    password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    return django_user_model.objects.create(username=username, password=password, **fields)

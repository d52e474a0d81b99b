"""A frozen S3 (it accepts connections and never answers): uploads answer 503 within the
promised time, and do not hold every server thread while it stays frozen."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from django.db import connections

from confessions_backend.settings import s3_storage
from media_app import services
from media_app.models import Media
from tests.factories import client_of
from tests.media import files
from tests.media.conftest import upload

pytestmark = pytest.mark.django_db(transaction=True)


class FrozenS3:
    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(64)
        self.port = self.socket.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.accepted.append(connection)  # held open, never answered

    def close(self) -> None:
        self.socket.close()
        for connection in self.accepted:
            connection.close()


@pytest.fixture
def frozen(settings):
    s3 = FrozenS3()
    settings.AWS_S3_TIMEOUT_SECONDS = 1
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage(
        bucket_name="frozen", endpoint_url=f"http://127.0.0.1:{s3.port}", region_name="us-east-1",
        access_key="x", secret_key="y", addressing_style="path", timeout_seconds=1,
        url_ttl_seconds=300,
    )}  # fmt: skip
    services._storage_gate.down_until = 0.0
    yield s3
    services._storage_gate.down_until = 0.0
    s3.close()


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_an_upload_answers_503_within_twice_the_timeout(frozen, alice):
    """Two attempts of one PUT (no HeadObject first): 15 s where the README promised 10."""
    response, elapsed = timed(lambda: upload(client_of(alice), files.jpeg()))
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "service_unavailable"
    assert elapsed < 3.5  # two attempts of 1 s and the image work (it took 6.3 s)
    assert not Media.objects.exists()
    # Storage just failed: the next upload is refused at once, without waiting on it again.
    connections = len(frozen.accepted)
    again, elapsed = timed(lambda: upload(client_of(alice), files.jpeg()))
    assert again.status_code == 503
    assert 1 <= int(again["Retry-After"]) <= 2
    assert elapsed < 0.5
    assert len(frozen.accepted) == connections


def test_uploads_at_a_frozen_s3_leave_threads_for_everything_else(frozen, alice, settings):
    """At most MEDIA_UPLOADS_AT_ONCE uploads wait on storage; the rest answer 503 after a
    second instead of holding a server thread each for the whole timeout."""
    settings.MEDIA_UPLOADS_AT_ONCE = 1
    client = client_of(alice)
    answers: dict[str, tuple] = {}

    def first():
        try:
            answers["first"] = timed(lambda: upload(client_of(alice), files.jpeg()))
        finally:
            connections.close_all()  # this thread's own

    holder = threading.Thread(target=first)
    holder.start()
    for _ in range(100):  # the first is at S3 now
        if frozen.accepted:
            break
        time.sleep(0.02)
    assert frozen.accepted
    second, elapsed = timed(lambda: upload(client, files.jpeg()))
    assert second.status_code == 503
    assert 0.9 < elapsed < 2.5  # waited a second for a place, never went to S3
    assert len(frozen.accepted) <= 2  # the first's two attempts only
    me, elapsed = timed(lambda: client.get("/api/v1/me"))
    assert me.status_code == 200
    holder.join(timeout=10)
    assert answers["first"][0].status_code == 503


def test_objects_written_before_storage_failed_are_deleted_by_a_task(alice, monkeypatch):
    """Storage fails after the upload's first object: the request answers 503 without waiting
    on storage again to delete it, and a retried task deletes it."""
    import botocore.exceptions
    from django.core.files.storage import default_storage

    from tests.conftest import run_worker

    saved: list[str] = []
    real_save = default_storage.save

    def failing_second(name, content, **kwargs):
        if saved:
            raise botocore.exceptions.EndpointConnectionError(endpoint_url="http://s3")
        saved.append(real_save(name, content, **kwargs))
        return saved[-1]

    monkeypatch.setattr(default_storage, "save", failing_second)
    response = upload(client_of(alice), files.jpeg())
    assert response.status_code == 503
    assert not Media.objects.exists()
    [written] = saved
    assert default_storage.exists(written)
    monkeypatch.undo()
    run_worker()
    assert not default_storage.exists(written)

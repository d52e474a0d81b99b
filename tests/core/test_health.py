"""/healthz and /readyz: readiness really touches the database, channel layer and storage."""

from __future__ import annotations

import socket
import time
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage

from confessions_backend.settings import s3_storage
from tests.conftest import s3_storages

pytestmark = pytest.mark.django_db


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_all_ok(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "channel_layer": "ok", "storage": "ok", "worker": "ok"},
        "queue": {"due": 0, "oldest_due_seconds": 0.0, "workers": 0},
    }


def test_readyz_leaves_nothing_in_storage(client):
    assert client.get("/readyz").status_code == 200
    directories, files = default_storage.listdir("readyz")
    assert files == []


def test_readyz_names_a_dead_channel_layer(client, settings, dead_port):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "realtime.layers.PubSubChannelLayer",
            "CONFIG": {"hosts": [f"redis://127.0.0.1:{dead_port}/0"]},
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["error"]["code"] == "service_unavailable"
    assert "channel_layer" in body["error"]["message"]
    assert body["checks"] == {
        "database": "ok", "channel_layer": "unavailable", "storage": "ok", "worker": "ok",
    }  # fmt: skip


def test_readyz_names_dead_storage(client, settings, dead_port):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "nowhere",
                "endpoint_url": f"http://127.0.0.1:{dead_port}",
                "access_key": "x",
                "secret_key": "y",
                "region_name": "us-east-1",
            },
        },
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["error"]["code"] == "service_unavailable"
    assert "storage" in body["error"]["message"]
    assert body["checks"]["storage"] == "unavailable"
    assert body["checks"]["database"] == "ok"


def test_readyz_answers_within_the_s3_timeout_when_s3_is_frozen(client, settings):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)  # accepts connections, never says a word: a frozen S3
    settings.AWS_S3_TIMEOUT_SECONDS = 1
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage(
            bucket_name="frozen", endpoint_url=f"http://127.0.0.1:{silent.getsockname()[1]}",
            region_name="us-east-1", access_key="x", secret_key="y", addressing_style="path",
            timeout_seconds=3, url_ttl_seconds=300,
        ),
    }  # fmt: skip
    try:
        started = time.monotonic()
        response = client.get("/readyz")
        elapsed = time.monotonic() - started
    finally:
        silent.close()
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "unavailable"
    # The storage check gives up at AWS_S3_TIMEOUT_SECONDS, however long boto3 would wait
    # (here 3 s a read, two attempts).
    assert elapsed < 2.5


@pytest.mark.service("s3")
def test_readyz_with_seaweedfs_storage(client, settings, s3_server):
    settings.STORAGES = s3_storages(s3_server)
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"]["storage"] == "ok"


@pytest.mark.service("s3")
def test_readyz_refused_by_s3_is_unavailable(client, settings, s3_server):
    # S3 answers, but refuses our credentials: not ready either.
    settings.STORAGES = s3_storages(s3_server, secret_key="wrong-secret")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "unavailable"


@pytest.mark.service("redis")
def test_readyz_round_trips_through_redis(client, settings):
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "realtime.layers.PubSubChannelLayer"
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"]["channel_layer"] == "ok"


def test_probes_refuse_writes(client):
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405


def test_readyz_reports_the_task_queue_and_fails_when_no_worker_picks_anything_up(
    client, settings, alice
):
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from background.tasks import task_results_prune
    from tests.background.tasks import record

    settings.TASKS_STALLED_SECONDS = 300
    long_ago = timezone.now() - timedelta(seconds=400)
    waiting = record.enqueue(alice.pk, 1)
    DBTaskResult.objects.filter(pk=waiting.id).update(enqueued_at=long_ago)
    # Scheduled for later: not due, not counted.
    task_results_prune.using(run_after=timezone.now() + timedelta(hours=1)).enqueue()

    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["worker"] == "unavailable"
    assert body["queue"]["due"] == 1
    assert 399 < body["queue"]["oldest_due_seconds"] < 500

    # A live worker picked something up a minute ago: busy, not stalled.
    from background.models import WorkerBeat

    WorkerBeat.objects.create(worker_id="w", beat_at=timezone.now())
    picked = record.enqueue(alice.pk, 2)
    DBTaskResult.objects.filter(pk=picked.id).update(
        status="RUNNING", started_at=timezone.now() - timedelta(seconds=60)
    )
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"]["worker"] == "ok"
    assert response.json()["queue"]["due"] == 1


def test_readyz_notices_dead_workers_within_a_minute(client, settings, alice):
    """It noticed only after TASKS_STALLED_SECONDS (300 s): with no worker beating, a task
    due for longer than TASKS_WORKER_DEAD_SECONDS is enough."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from background.models import WorkerBeat
    from tests.background.tasks import record

    waiting = record.enqueue(alice.pk, 1)
    DBTaskResult.objects.filter(pk=waiting.id).update(
        enqueued_at=timezone.now() - timedelta(seconds=45)
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == "unavailable"
    assert response.json()["queue"]["workers"] == 0
    WorkerBeat.objects.create(worker_id="w", beat_at=timezone.now() - timedelta(seconds=3))
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["queue"]["workers"] == 1

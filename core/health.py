"""Liveness and readiness probes.

`/healthz` answers as long as the process serves requests. `/readyz` proves that what a
request needs answers: a database query, a channel-layer round trip (what every live push
rides on) and a storage write/read/delete. A failing check turns it into a 503 in the error
envelope, naming the checks that failed, so a load balancer stops routing here.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.errors import envelope
from core.registry import Registry

logger = logging.getLogger(__name__)

# The task queue as /readyz reports it (`background` registers it: core imports no app): a
# callable answering ({"due", "oldest_due_seconds", "workers"}, whether the workers stalled).
task_queue_probe: Registry[Callable[[], tuple[dict[str, float], bool]]] = Registry(
    "core.task_queue_probe", single=True
)

CHANNEL_LAYER_TIMEOUT_SECONDS = 3


def check_database() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        # A half-open connection would fail the next request in this thread too.
        connection.close()
        raise


async def _channel_layer_round_trip() -> None:
    layer = get_channel_layer()
    channel = await layer.new_channel()
    nonce = uuid.uuid4().hex
    await layer.send(channel, {"type": "readyz.ping", "nonce": nonce})
    message = await layer.receive(channel)
    if message.get("nonce") != nonce:
        raise RuntimeError("channel layer returned a different message")


async def _channel_layer_round_trip_bounded() -> None:
    await asyncio.wait_for(_channel_layer_round_trip(), timeout=CHANNEL_LAYER_TIMEOUT_SECONDS)


def check_channel_layer() -> None:
    async_to_sync(_channel_layer_round_trip_bounded)()


def check_storage() -> None:
    payload = uuid.uuid4().bytes
    name = default_storage.save(f"readyz/{uuid.uuid4().hex}", ContentFile(payload))
    try:
        with default_storage.open(name, "rb") as stored:
            if stored.read() != payload:
                raise RuntimeError("storage returned different bytes")
    finally:
        default_storage.delete(name)


# A frozen S3 must not hold the probe (boto3 waits AWS_S3_TIMEOUT_SECONDS a read, twice, for
# each of the three calls): the check runs on this pool and is given up on after
# AWS_S3_TIMEOUT_SECONDS in all. A thread left behind ends on boto3's own timeouts; while two
# are stuck, later checks queue and time out as well.
_storage_checks = ThreadPoolExecutor(max_workers=2, thread_name_prefix="readyz-storage")


def check_storage_bounded() -> None:
    _storage_checks.submit(check_storage).result(timeout=settings.AWS_S3_TIMEOUT_SECONDS)


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "channel_layer": check_channel_layer,
    "storage": check_storage_bounded,
}


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:
            logger.warning("readiness check %s failed: %s: %s", name, type(exc).__name__, exc)
            results[name] = "unavailable"
        else:
            results[name] = "ok"
    queue = None
    results["worker"] = "unavailable"
    if results["database"] == "ok":
        try:
            probe = task_queue_probe.one()
            if probe is None:
                raise RuntimeError("no task queue probe registered (is background installed?)")
            queue, stalled = probe()
        except Exception as exc:
            logger.warning("readiness check worker failed: %s: %s", type(exc).__name__, exc)
        else:
            results["worker"] = "unavailable" if stalled else "ok"
            if stalled:
                logger.warning(
                    "no live worker has picked up a task while %d are due (%d alive)",
                    queue["due"],
                    queue["workers"],
                )
    failed = [name for name, result in results.items() if result != "ok"]
    if failed:
        body = envelope("service_unavailable", f"Not ready: {', '.join(failed)} unavailable.")
        body["checks"] = results
        body["queue"] = queue
        return JsonResponse(body, status=503)
    return JsonResponse({"status": "ok", "checks": results, "queue": queue})

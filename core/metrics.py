"""Prometheus metrics (prometheus-client), at `/metrics` for whoever holds METRICS_TOKEN.

Every process counts what it does in its own metrics: HTTP requests by route, method and
status with their latency and their database time (`MetricsMiddleware`); the apps count
their own (sockets and frames in realtime, WeChat calls in wechat.client, media in
media_app). Under gunicorn, whose workers each answer a share of the requests, the workers
write their values to files in PROMETHEUS_MULTIPROC_DIR (gunicorn.conf.py makes it) and
whichever answers a scrape adds them all up; a single process (uvicorn, `make run`) keeps
them in memory. What is a state of the whole system rather than a count of one process
(the task queue, the moderation queue) is read from the database when scraped, by the
collectors the apps register in `scraped` (core imports no app).

Nothing here carries a user: labels are routes (patterns, not paths), methods, statuses,
endpoints, codes and kinds.
"""

from __future__ import annotations

import bisect
import gc
import hmac
import itertools
import os
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from core.registry import Registry

# Seconds: from a cached read (a few ms) to a slow upload.
LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter(
    "http_requests",
    "HTTP requests answered, by route (the URL pattern), method and status.",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    "http_request_duration_seconds",
    "Time to answer an HTTP request, by route and method.",
    ["route", "method"],
    buckets=LATENCY_BUCKETS,
)
DATABASE_TIME = Histogram(
    "http_request_database_seconds",
    "Time an HTTP request spent in database statements, by route.",
    ["route"],
    buckets=LATENCY_BUCKETS,
)


class Gauges:
    """What a scrape-time collector answers: gauges with their help, read from the database
    (one query or a few) when Prometheus asks."""

    def __init__(self) -> None:
        self.families: list[GaugeMetricFamily] = []

    def add(self, name: str, help_text: str, value: float, **labels: str) -> None:
        family = next((f for f in self.families if f.name == name), None)
        if family is None:
            family = GaugeMetricFamily(name, help_text, labels=list(labels))
            self.families.append(family)
        family.add_metric(list(labels.values()), value)


# Each entry: a callable filling `Gauges` with the state of something the whole system shares.
scraped: Registry[Callable[[Gauges], None]] = Registry("core.metrics_scraped")


class _Scraped(Collector):
    def collect(self) -> Iterator[Any]:
        gauges = Gauges()
        for fill in scraped:
            fill(gauges)
        yield from gauges.families


def _multiprocess() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


_SCRAPED = _Scraped()
_registered = False


def exposition() -> bytes:
    """Everything, in Prometheus' text format: this process's metrics (or all the gunicorn
    workers', added up), and the shared state read now."""
    global _registered
    if _multiprocess():
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        registry.register(_SCRAPED)
        return generate_latest(registry)
    if not _registered:
        REGISTRY.register(_SCRAPED)
        _registered = True
    return generate_latest(REGISTRY)


@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    """The metrics, for `Authorization: Bearer <METRICS_TOKEN>` only; without the token set,
    or with another, nothing is here (404)."""
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if not token or not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        raise Http404
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)


class _Collections(Collector):
    """`python_gc_pause_seconds`: how long each garbage collection stood the process still,
    by generation. A collection stops everything the process serves; the oldest
    generation's walks every object the process keeps (in the socket service, about a
    hundred for each open socket), so with thousands of sockets one takes a good part of a
    second (bench/RESULTS.md). A `gc.callbacks` entry counts into plain lists, not into a
    prometheus-client Histogram: a collection can start inside one of its locked updates
    (any allocation may start one), and taking that lock again from the callback would
    hang the thread. Read in the process that counts it, so not under gunicorn's several
    workers (their files hold only prometheus-client's own metrics)."""

    BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)

    def __init__(self) -> None:
        self.started = 0.0
        self.buckets = [[0] * len(self.BUCKETS) for _ in range(3)]
        self.counts = [0, 0, 0]
        self.sums = [0.0, 0.0, 0.0]

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self.started = time.perf_counter()
            return
        elapsed = time.perf_counter() - self.started
        generation = info["generation"]
        self.counts[generation] += 1
        self.sums[generation] += elapsed
        bucket = bisect.bisect_left(self.BUCKETS, elapsed)
        if bucket < len(self.BUCKETS):
            self.buckets[generation][bucket] += 1

    def collect(self) -> Iterator[Any]:
        family = HistogramMetricFamily(
            "python_gc_pause_seconds",
            "Time the process stood still in the garbage collector, by generation collected.",
            labels=["generation"],
        )
        for generation in range(3):
            cumulative = itertools.accumulate(self.buckets[generation])
            pairs = zip(self.BUCKETS, cumulative, strict=True)
            buckets = [(str(bound), count) for bound, count in pairs]
            buckets.append(("+Inf", self.counts[generation]))
            family.add_metric([str(generation)], buckets, self.sums[generation])
        yield family


def time_collections() -> None:
    """Count this process's garbage collections into `python_gc_pause_seconds`, once; a
    process that keeps its metrics in memory (uvicorn, `make run`) answers them."""
    if _multiprocess() or any(isinstance(entry, _Collections) for entry in gc.callbacks):
        return
    collections = _Collections()
    gc.callbacks.append(collections)
    REGISTRY.register(collections)


class DatabaseTimer:
    """The time of the statements a request runs, added up by our PostgreSQL backend
    (core.postgresql) while one is current (`database_timer`). Not an execute wrapper: with
    one, every statement would leave the prepared fast path."""

    __slots__ = ("seconds",)

    def __init__(self) -> None:
        self.seconds = 0.0


database_timer: ContextVar[DatabaseTimer | None] = ContextVar("database_timer", default=None)


class MetricsMiddleware:
    """Counts each request by its route's pattern (`unmatched` for a 404 of the router),
    method and status, with its latency and its database time (PostgreSQL's statements)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        database = DatabaseTimer()
        token = database_timer.set(database)
        try:
            response = self.get_response(request)
        finally:
            database_timer.reset(token)
        elapsed = time.perf_counter() - started
        match = getattr(request, "resolver_match", None)
        route = match.route if match is not None else "unmatched"
        method = request.method if request.method in _METHODS else "other"
        REQUESTS.labels(route, method, str(response.status_code)).inc()
        LATENCY.labels(route, method).observe(elapsed)
        DATABASE_TIME.labels(route).observe(database.seconds)
        return response


_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

"""Traces (OpenTelemetry), opt-in by the standard variables: with OTEL_EXPORTER_OTLP_ENDPOINT
(or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) set, and OTEL_SDK_DISABLED not `true`, every process
exports its spans over OTLP/HTTP (OTEL_SERVICE_NAME names it; the SDK reads the rest of the
OTEL_* variables itself): Django's requests, psycopg's statements, Redis' commands, and two
spans of ours that carry a trace across processes: the push a request causes, sent by the
socket server (`push`), and a task a request enqueued, run by the worker (`task`). So one
trace runs from a POST to the frame it causes.

What a span holds: routes, methods, statuses, statements without their parameters, Redis
commands without their arguments; never a user, a body or a token.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

_enabled = False


def wanted() -> bool:
    if os.environ.get("OTEL_SDK_DISABLED", "").lower() == "true":
        return False
    return bool(
        os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )


def enabled() -> bool:
    return _enabled


def setup() -> None:
    """Start exporting and instrument Django, psycopg and Redis; once per process, before
    Django loads its middleware (wsgi.py, asgi.py, manage.py). Nothing when not wanted."""
    global _enabled
    if _enabled or not wanted():
        return
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(resource=Resource.create())
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    DjangoInstrumentor().instrument()
    PsycopgInstrumentor().instrument(enable_commenter=False)
    RedisInstrumentor().instrument()
    _enabled = True


def inject() -> dict[str, str]:
    """The current trace's context, to travel with a push or a task ({} when not tracing)."""
    if not _enabled:
        return {}
    from opentelemetry import propagate

    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


@contextlib.contextmanager
def span(name: str, carrier: dict[str, str] | None, **attributes: Any) -> Iterator[None]:
    """A span named `name`, continuing the trace `carrier` came from (inject)."""
    if not _enabled:
        yield
        return
    from opentelemetry import propagate, trace

    context = propagate.extract(carrier or {})
    tracer = trace.get_tracer("confessions")
    with tracer.start_as_current_span(name, context=context, attributes=attributes):
        yield


@contextlib.contextmanager
def statement(sql: str, *, database: str) -> Iterator[None]:
    """A client span for a statement our PostgreSQL backend runs on the cursor it keeps for
    prepared statements (`core.postgresql.base`), which psycopg's instrumentation does not
    see (it traces the cursors a connection makes, and that one is made by us): named and
    attributed as the instrumentation names its own, the statement without its parameters."""
    if not _enabled:
        yield
        return
    from opentelemetry import trace

    operation = sql.split(None, 1)[0] if sql.strip() else database
    attributes = {"db.system": "postgresql", "db.name": database, "db.statement": sql}
    tracer = trace.get_tracer("confessions")
    with tracer.start_as_current_span(operation, kind=trace.SpanKind.CLIENT, attributes=attributes):
        yield

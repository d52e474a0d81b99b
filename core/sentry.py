"""Error reports to Sentry (sentry-sdk), opt-in by SENTRY_DSN, with nothing that names a user
or opens a door: an unhandled exception (logged as an error, core.errors) arrives with its
type, its stack (without local variables), its route and its request id, and without the
user (the signed-in user of a request may be the sender of an anonymous confession), the
request's body, cookies or credentials, statements' parameters, tokens or phone numbers.
"""

from __future__ import annotations

from typing import Any

from core import logs

# Request headers an error report may keep; every other (Authorization, Cookie, forwarded
# addresses) goes.
_HEADERS_KEPT = frozenset(
    {"Accept", "Accept-Language", "Content-Type", "User-Agent", "X-Request-Id"}
)


def _cleaned(value: Any) -> Any:
    """Every string in it with secrets redacted (core.logs.redact)."""
    if isinstance(value, str):
        return logs.redact(value)
    if isinstance(value, dict):
        return {key: _cleaned(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_cleaned(item) for item in value]
    return value


def before_send(event: Any, hint: Any) -> Any:
    event.pop("user", None)
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("cookies", "data", "env"):
            request.pop(key, None)
        headers = request.get("headers") or {}
        request["headers"] = {
            name: value for name, value in headers.items() if name.title() in _HEADERS_KEPT
        }
    event.setdefault("tags", {})["request_id"] = logs.request_id.get()
    return _cleaned(event)


def before_breadcrumb(crumb: Any, hint: Any) -> Any:
    # A statement's parameters are who wrote what (an anonymous sender's id).
    if crumb.get("category") == "query":
        return None
    return _cleaned(crumb)


def init(dsn: str, *, environment: str, release: str | None) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        integrations=[DjangoIntegration()],
        # No user, no body, no statement's parameters, no frame's local variables; what
        # is left goes through before_send.
        data_collection={
            "user_info": False,
            "http_bodies": [],
            "database_query_data": False,
            "stack_frame_variables": False,
        },
        max_request_body_size="never",
        before_send=before_send,
        before_breadcrumb=before_breadcrumb,
        traces_sample_rate=0,  # traces are OpenTelemetry's
        send_client_reports=False,
    )

"""Logs an operator can follow and no one can mine.

- **A request id** on every line: taken from the client's `X-Request-ID` when it is a sane
  token (or made), answered in the `X-Request-ID` header of every response (`/healthz`
  included), carried to the tasks a request enqueues (background.backend) and to the socket
  frames it pushes (realtime), so one id follows a POST to the frame it causes.
- **JSON lines** when DJANGO_LOG_FORMAT=json (python-json-logger); plain text otherwise
  (`make run`), the id in both.
- **Nothing secret**: a bearer or JSON web token, a phone number or a password never
  reaches a line (`Redact`, on every handler, for whatever a library or a message lets
  through); our own lines name no user on an anonymous action.
- **Expected refusals are INFO**: a 4xx is the client's business, not a warning (Django logs
  each as one); 5xx stay errors.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Mapping
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

# The id of what this line is about: a request, a task or a socket event; "-" for none.
request_id: ContextVar[str] = ContextVar("request_id", default="-")

_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def new_request_id() -> str:
    return uuid.uuid4().hex


def request_id_of(header: str | None) -> str:
    """The client's id when it is a sane token (what a proxy or a client sends), else ours."""
    return header if header and _SANE_ID.fullmatch(header) else new_request_id()


class RequestIdMiddleware:
    """Sets the request's id for every line logged while it is answered, and answers it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        current = request_id_of(request.headers.get("X-Request-ID"))
        # Left set when the middleware returns: Django logs the response's refusal
        # ("Unauthorized: ...") after the whole chain. The next request sets its own.
        request_id.set(current)
        response = self.get_response(request)
        response["X-Request-ID"] = current
        return response


class RequestIdFilter(logging.Filter):
    """Puts the current request id on the record (`%(request_id)s`, and a JSON field)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


class ExpectedRefusalsAreInfo(logging.Filter):
    """Django's `django.request` logs every 4xx as a WARNING ("Unauthorized: /api/v1/me"): a
    signed-out page load is not a warning. 4xx become INFO; 5xx stay as they are."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if record.levelno == logging.WARNING and isinstance(status, int) and status < 500:
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


# What must never reach a log line, whoever wrote it: bearer tokens and JSON web tokens
# (three base64url parts, the first starting with eyJ), passwords in a form or a query, and
# mainland phone numbers (11 digits from 1[3-9]), with or without +86.
_SECRETS = (
    (re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]+"), "Bearer [redacted]"),
    (re.compile(r"\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), "[redacted token]"),
    (
        re.compile(r"(?i)(password|passwd|secret|token)(\"?\s*[=:]\s*\"?)[^\s\"&,}]+"),
        r"\1\2[redacted]",
    ),
    (re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d{9}(?!\d)"), "[redacted phone]"),
)


def redact(text: str) -> str:
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


class Redact(logging.Filter):
    """Takes secrets out of the message (formatted with its arguments) and the exception
    text before any handler writes them."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class AccessRequestId(logging.Filter):
    """gunicorn's access lines: the request id the answer carried (X-Request-ID) as the line's
    `request_id`, as on Django's lines (the request's own context is over by then)."""

    def filter(self, record: logging.LogRecord) -> bool:
        atoms = record.args
        try:
            record.request_id = atoms["{x-request-id}o"] if isinstance(atoms, Mapping) else "-"
        except KeyError:
            record.request_id = "-"
        return True


PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
JSON_FORMATTER = {
    "()": "pythonjsonlogger.json.JsonFormatter",
    "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
    "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
}


def logging_config(*, level: str, json_lines: bool) -> dict:
    """Django's LOGGING: one console handler, JSON or plain, with the request id, secrets
    redacted and expected refusals at INFO."""
    filters = ["request_id", "redact", "expected_refusals"]
    formatter: dict = dict(JSON_FORMATTER) if json_lines else {"format": PLAIN_FORMAT}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": RequestIdFilter},
            "redact": {"()": Redact},
            "expected_refusals": {"()": ExpectedRefusalsAreInfo},
        },
        "formatters": {"main": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "main",
                "filters": filters,
            },
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own console handler would print every request warning a second time.
            "django": {"handlers": ["console"], "level": level, "propagate": False},
            # At DEBUG, urllib3 logs whole request URLs: WeChat's jscode2session carries the
            # app secret in its query string. Never below WARNING, whatever the level says.
            "urllib3": {"level": "WARNING"},
            # Statements and their parameters (who wrote an anonymous confession) never reach
            # a log, whatever the level and DEBUG say.
            "django.db.backends": {"level": "INFO"},
            "botocore": {"level": "WARNING"},
        },
    }


def gunicorn_logging_config() -> dict:
    """gunicorn's logconfig_dict under DJANGO_LOG_FORMAT=json (gunicorn.conf.py): its error
    lines on stderr and its access lines on stdout, in the same JSON as Django's, with the
    request id (the access line's from its answer) and secrets redacted."""

    def handler(stream: str, filters: list[str]) -> dict:
        return {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": f"ext://sys.{stream}",
            "filters": filters,
        }

    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": RequestIdFilter},
            "access_request_id": {"()": AccessRequestId},
            "redact": {"()": Redact},
        },
        "formatters": {"json": dict(JSON_FORMATTER)},
        "handlers": {
            "error": handler("stderr", ["request_id", "redact"]),
            "access": handler("stdout", ["access_request_id", "redact"]),
        },
        "root": {"handlers": ["error"], "level": "INFO"},
        "loggers": {
            "gunicorn.error": {"handlers": ["error"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        },
    }

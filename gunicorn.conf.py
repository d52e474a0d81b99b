"""gunicorn's settings beyond the command line (read from the working directory, as gunicorn
does by default: the Dockerfile, docker-compose.yml and the bench all start it from here).

- The access log writes the path without its query: signed WeChat push URLs (signature,
  timestamp, nonce), cursors and any token a client put in a query stay out of it.
- Prometheus' multiprocess directory (PROMETHEUS_MULTIPROC_DIR): made empty at start.
- What gunicorn refuses itself before Django sees the request (a request line over
  `limit_request_line`, malformed headers, ...) is answered in the API's error envelope, as
  JSON, instead of gunicorn's HTML page.
"""

from __future__ import annotations

import json
import os
import tempfile

import gunicorn.util

# Prometheus (core.metrics): each worker writes its metrics to files in one directory, and
# whichever answers a scrape adds them up. Made here, before any worker imports
# prometheus_client (which reads the variable at import), empty at each start.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="prometheus-")
else:
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)
    for _name in os.listdir(os.environ["PROMETHEUS_MULTIPROC_DIR"]):
        if _name.endswith(".db"):  # the last run's values, and nothing else there
            os.remove(os.path.join(os.environ["PROMETHEUS_MULTIPROC_DIR"], _name))


def child_exit(server, worker) -> None:
    """A worker ended: its live gauges go (its counters stay, as Prometheus expects)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


# host, time, "METHOD /path HTTP/1.1", status, bytes, user agent, duration, request id: no
# query, no Referer (a page's address may carry one too).
access_log_format = (
    '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s "%(a)s" %(M)sms %({x-request-id}o)s'
)

# DJANGO_LOG_FORMAT=json: gunicorn's own lines (its errors, the access log) are JSON lines too,
# as Django's are (core.logs): the request id a field, secrets redacted. Underscored names:
# gunicorn takes this module's public names for its settings.
if os.environ.get("DJANGO_LOG_FORMAT") == "json":
    import sys as _sys

    _sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from core import logs as _logs

    logconfig_dict = _logs.gunicorn_logging_config()

_CODES = {
    400: "bad_request",
    403: "permission_denied",
    414: "uri_too_long",
    417: "bad_request",
    431: "headers_too_large",
    500: "internal_error",
    501: "bad_request",
}
_MESSAGES = {
    414: "The request line is too long (at most 4094 bytes).",
    431: "The request's headers are too large.",
    500: "Something went wrong on our side.",
}


def write_error(sock, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn.util.write_error, answering {"error": {"code", "message"}} in JSON."""
    code = _CODES.get(status_int, "bad_request")
    message = _MESSAGES.get(status_int, "The request is malformed.")
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    gunicorn.util.write_nonblock(sock, head.encode("latin1") + body)


# The worker looks the function up on the module at each error (gunicorn.workers.base).
gunicorn.util.write_error = write_error

"""CPU per request, in one process, through Django's whole stack (WSGI handler, middleware,
DRF, the database and S3 signing; no network server): `time.process_time` over many requests
after a warm-up, in one or more rounds (the paths taking turns). Run by bench/run.py; prints
JSON {"best": {path label: ms of CPU per request}, "median": {...}} over its rounds.

bench/run.py runs it in rounds, alternating the project's process with the one-file view's
(since 2026-11-22, seventh session; one round of each before, the project first): on this
shared 2-core machine a round's CPU time also holds what neighbours cost it (cache, memory
bandwidth, steal), and the same code measured 1.0 and 2.1 ms a request in two runs an hour
apart. Taking turns puts each slow spell on both sides of a ratio; the best round is the
closest to what the code itself costs, as `timeit` advises.

Requests are WSGI calls, made as a WSGI server makes them (since 2026-11-21, fifth session;
Django's test client before): the test client adds work of its own (signals for templates,
copies of the request) and leaves out some of production's (it keeps the thread's database
connection across requests, where a server gives it back to the pool after each one).

    inprocess.py project <seed.json> <count> [rounds]   the project's hot paths
    inprocess.py baseline <count> [rounds]              the one-file Django JSON view
                                                        (bench/baseline_app.py)
"""

from __future__ import annotations

import io
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


ROUNDS = 5


def cpu_ms(requests: dict[str, tuple[Callable[[], None], int]], rounds: int = ROUNDS) -> dict:
    """{"best": {name: ms}, "median": {name: ms}} of CPU per request, for each of `requests`
    (name: the request and how many of it a round makes), in `rounds` rounds taken in turn."""
    for request, count in requests.values():
        for _ in range(max(count // 10, 3)):
            request()
    rounds_ms: dict[str, list[float]] = {name: [] for name in requests}
    for _ in range(rounds):
        for name, (request, count) in requests.items():
            start = time.process_time()
            for _ in range(count):
                request()
            rounds_ms[name].append((time.process_time() - start) / count * 1000)
    return {
        "best": {name: min(times) for name, times in rounds_ms.items()},
        "median": {name: statistics.median(times) for name, times in rounds_ms.items()},
    }


def caller(application: Callable, method: str, path: str, expected: int, *,
           token: str | None = None, body: bytes = b"",
           sink: Callable[[bytes], object] | None = None) -> Callable[[], None]:  # fmt: skip
    """One request to `application`, as a WSGI server (gunicorn) calls it: the environ, the
    body read from wsgi.input, the response iterated (its content to `sink`) and closed."""
    path, _, query = path.partition("?")
    base = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8000", "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": False,
        "wsgi.run_once": False, "wsgi.version": (1, 0),
    }  # fmt: skip
    if token:
        base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    if body:
        base |= {"CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(body))}
    wanted = f"{expected} "

    def request() -> None:
        statuses: list[str] = []

        def start_response(status, headers, exc_info=None):
            statuses.append(status)

        response = application(base | {"wsgi.input": io.BytesIO(body)}, start_response)
        try:
            content = b"".join(response)
        finally:
            response.close()
        assert statuses[0].startswith(wanted), (path, statuses[0], content[:300])
        if sink is not None:
            sink(content)

    return request


def project(seed: dict, count: int, rounds: int = ROUNDS) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "confessions_backend.settings")
    # Loaded as gunicorn loads it (Django set up, the heap settled: confessions_backend.startup).
    from confessions_backend.wsgi import application

    def get(who: str, path: str) -> Callable[[], None]:
        return caller(application, "GET", path, 200, token=seed["tokens"][who])

    # Its own sender and recipient: the throughput and latency measures' (SENDERS to carol)
    # find their hour and carol's inbox as the seed left them.
    send = caller(application, "POST", "/api/v1/confessions", 201, token=seed["tokens"]["erin"],
                  body=json.dumps({"recipient": "frank", "body": "a benchmark confession",
                                   "anonymous": True}).encode())  # fmt: skip
    return cpu_ms({
        "inbox": (get("bob", "/api/v1/confessions/inbox"), count),
        "sent": (get("alice", "/api/v1/confessions/sent"), count),
        "replies": (get("bob", f"/api/v1/confessions/{seed['thread']}/replies"), count),
        "feed": (get("bob", "/api/v1/walls/bench/posts"), count),
        "hot": (get("bob", "/api/v1/walls/bench/posts?sort=hot"), count),
        "search": (get("bob", "/api/v1/walls/bench/posts?q=%E5%9B%BE%E4%B9%A6%E9%A6%86"), count),
        "search_rare": (get("bob", "/api/v1/walls/bench/posts?q=xyzzy"), count),
        "send": (send, max(count // 2, 5)),
    }, rounds)  # fmt: skip


def baseline(count: int, rounds: int = ROUNDS) -> dict:
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.baseline_app"
    from bench.baseline_app import application

    return cpu_ms({"baseline": (caller(application, "GET", "/", 200), count)}, rounds)


if __name__ == "__main__":
    if sys.argv[1] == "project":
        rounds = int(sys.argv[4]) if len(sys.argv) > 4 else ROUNDS
        result = project(json.loads(Path(sys.argv[2]).read_text()), int(sys.argv[3]), rounds)
    else:
        rounds = int(sys.argv[3]) if len(sys.argv) > 3 else ROUNDS
        result = baseline(int(sys.argv[2]), rounds)
    json.dump(result, sys.stdout)

"""CPU per request, in one process, through Django's whole stack (WSGI handler, middleware,
DRF, the database and S3 signing; no network server): `time.process_time` over many requests
after a warm-up. Run by bench/run.py; prints JSON {path label: ms of CPU per request}.

    inprocess.py project <seed.json> <count>   the project's hot paths
    inprocess.py baseline <count>              the one-file Django JSON view (bench/baseline_app.py)
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def cpu_ms(request, count: int) -> float:
    for _ in range(max(count // 10, 3)):
        request()
    start = time.process_time()
    for _ in range(count):
        request()
    return (time.process_time() - start) / count * 1000


def project(seed: dict, count: int) -> dict[str, float]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "confessions_backend.settings")
    # Loaded as gunicorn loads it (Django set up, the heap settled: confessions_backend.startup).
    from django.test import Client

    import confessions_backend.wsgi  # noqa: F401

    def client(name: str) -> Client:
        return Client(HTTP_AUTHORIZATION=f"Bearer {seed['tokens'][name]}")

    bob, alice, dave = client("bob"), client("alice"), client("dave")

    def get(who: Client, path: str):
        def request():
            response = who.get(path)
            assert response.status_code == 200, (path, response.status_code)

        return request

    def send():
        response = dave.post(
            "/api/v1/confessions",
            {"recipient": "carol", "body": "a benchmark confession", "anonymous": True},
            content_type="application/json",
        )
        assert response.status_code == 201, response.content

    return {
        "inbox": cpu_ms(get(bob, "/api/v1/confessions/inbox"), count),
        "sent": cpu_ms(get(alice, "/api/v1/confessions/sent"), count),
        "replies": cpu_ms(get(bob, f"/api/v1/confessions/{seed['thread']}/replies"), count),
        "feed": cpu_ms(get(bob, "/api/v1/walls/bench/posts"), count),
        "send": cpu_ms(send, max(count // 2, 5)),
    }


def baseline(count: int) -> dict[str, float]:
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.baseline_app"
    import django

    django.setup()
    from django.test import Client

    client = Client()
    return {"baseline": cpu_ms(lambda: client.get("/"), count)}


if __name__ == "__main__":
    if sys.argv[1] == "project":
        result = project(json.loads(Path(sys.argv[2]).read_text()), int(sys.argv[3]))
    else:
        result = baseline(int(sys.argv[2]))
    json.dump(result, sys.stdout)

"""Run the project's ASGI app as a real server process on a loopback port, sharing the test
database and Redis with the test process (for cross-process and end-to-end tests)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import requests
from django.conf import settings
from django.db import connections

from realtime.protocol import DOTTED_PATH as WEBSOCKET_PROTOCOL

ROOT = Path(__file__).resolve().parents[1]


def database_url_of_test_database() -> str:
    connection = connections["default"]
    config = connection.settings_dict
    if connection.vendor == "postgresql":
        credentials = quote(config["USER"] or "", safe="")
        if config.get("PASSWORD"):
            credentials += ":" + quote(config["PASSWORD"], safe="")
        host = config["HOST"] or "127.0.0.1"
        return f"postgres://{credentials}@{host}:{config['PORT'] or 5432}/{config['NAME']}"
    return f"sqlite:///{config['NAME']}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AsgiServer:
    @staticmethod
    def environment(env: dict[str, str] | None = None) -> dict[str, str]:
        """The server's environment: this one's, on the test database and Redis, with `env`
        on top."""
        environment = dict(os.environ)
        environment.update(
            DATABASE_URL=database_url_of_test_database(),
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            DJANGO_SETTINGS_MODULE="confessions_backend.settings",
            # Throttle counters of its own: the servers of a test run (and of the runs
            # before, in the same minute) all sign in from 127.0.0.1, on the same Redis.
            CACHE_KEY_PREFIX=f"test-server-{uuid.uuid4().hex}",
        )
        if settings.REDIS_URL:
            environment["REDIS_URL"] = settings.REDIS_URL
        environment.update(env or {})
        return environment

    name = "uvicorn"

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "uvicorn",
            "confessions_backend.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--no-access-log",
            "--ws-per-message-deflate=false",
            f"--ws={WEBSOCKET_PROTOCOL}",
        ]

    def __init__(
        self, workdir: Path, env: dict[str, str] | None = None, port: int | None = None
    ) -> None:
        self.port = port or free_port()
        self.log = workdir / f"{self.name}-{self.port}.log"
        environment = self.environment(env)
        self.process = subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
            self.command(),
            cwd=ROOT,
            env=environment,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        self._wait_until_listening()

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def _wait_until_listening(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not listen within {timeout}s:\n{self.log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class GunicornServer(AsgiServer):
    """The WSGI app under gunicorn as the Dockerfile runs it (gunicorn.conf.py included), with
    its access log in `log`."""

    name = "gunicorn"

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "confessions_backend.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            "1",
            "--threads",
            "2",
            "--worker-class",
            "gthread",
            "--access-logfile",
            "-",
        ]


def s3_environment(s3_server) -> dict[str, str]:
    """A server process's settings for the test SeaweedFS."""
    return {
        "AWS_STORAGE_BUCKET_NAME": s3_server.bucket,
        "AWS_S3_ENDPOINT_URL": s3_server.endpoint_url,
        "AWS_S3_REGION_NAME": s3_server.region,
        "AWS_ACCESS_KEY_ID": s3_server.access_key,
        "AWS_SECRET_ACCESS_KEY": s3_server.secret_key,
    }


def wechat_environment(wechat) -> dict[str, str]:
    """A server process's settings for the fake WeChat."""
    return {
        "WECHAT_APPID": wechat.appid,
        "WECHAT_SECRET": wechat.secret,
        "WECHAT_API_BASE": wechat.base_url,
    }


TEST_PASSWORD = "correct-horse-battery-9"


def signed_up(server_url: str, username: str) -> requests.Session:
    """A new account on a running server, as an HTTP session carrying its access token."""
    made = requests.post(
        f"{server_url}/api/v1/auth/register",
        json={"username": username, "password": TEST_PASSWORD},
        timeout=10,
    )
    assert made.status_code == 201, made.text
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {made.json()['access']}"
    return session


MINI_PROGRAM_PUSH_TOKEN = "push-token"


def mini_program_environment(s3_server, wechat, template_id: str) -> dict[str, str]:
    """A server as a mini program meets it: S3, the fake WeChat, a subscribe-message template
    for `confession.received`, WeChat's push (its image check's verdicts) and the worker in
    the server process, as under make run."""
    templates = {"confession.received": {"id": template_id, "data": {"thing1": "title"}}}
    return {
        **s3_environment(s3_server),
        **wechat_environment(wechat),
        "WECHAT_SUBSCRIBE_TEMPLATES": json.dumps(templates),
        "WECHAT_PUSH_TOKEN": MINI_PROGRAM_PUSH_TOKEN,
        "TASKS_WORKER_IN_SERVER": "1",
    }


def image_check_passed(server_url: str, trace_id: str, openid: str) -> None:
    """WeChat pushes its image check's verdict `pass` for `trace_id` to the server."""
    from tests.fakes.wechat import push_query

    event = {"ToUserName": "gh_x", "FromUserName": openid, "CreateTime": 1714200000,
             "MsgType": "event", "Event": "wxa_media_check", "trace_id": trace_id,
             "version": 2, "result": {"suggest": "pass", "label": "100"}}  # fmt: skip
    answer = requests.post(
        f"{server_url}/wechat/push?{push_query(MINI_PROGRAM_PUSH_TOKEN)}", json=event, timeout=10
    )
    assert answer.content == b"success", answer.text

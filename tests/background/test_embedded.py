"""`make run`'s set-up end to end: one uvicorn process on SQLite with the in-memory channel
layer and TASKS_WORKER_IN_SERVER=1. A scheduled confession arrives on the recipient's socket
at its time with no other command running. (The clock is moved by writing the confession's
and its task's time into the past in the SQLite file, as an hour passing would.)"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
import requests
import websockets

from tests.servers import ROOT, AsgiServer

pytestmark = pytest.mark.asyncio


@pytest.fixture
def make_run_server(tmp_path):
    database = tmp_path / "db.sqlite3"
    env = {
        "DATABASE_URL": f"sqlite:///{database}",
        "REDIS_URL": "",  # the in-memory channel layer
        "TASKS_WORKER_IN_SERVER": "1",
    }
    subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT, env=AsgiServer.environment(env), check=True, timeout=120,
    )  # fmt: skip
    server = AsgiServer(tmp_path, env=env)
    yield server, database
    server.stop()


def register(server: AsgiServer, username: str) -> str:
    response = requests.post(
        f"{server.http_url}/api/v1/auth/register",
        json={"username": username, "password": "a-long-pass-123"},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return response.json()["access"]


async def test_a_scheduled_confession_arrives_on_the_socket_of_make_run(make_run_server):
    server, database = make_run_server
    alice, bob = register(server, "alice"), register(server, "bob")
    async with websockets.connect(
        f"{server.ws_url}/ws/notifications/", additional_headers={"Authorization": f"Bearer {bob}"}
    ) as socket:
        when = datetime.now(UTC) + timedelta(seconds=70)
        sent = requests.post(
            f"{server.http_url}/api/v1/confessions",
            json={"recipient": "bob", "body": "at last", "deliver_at": when.isoformat()},
            headers={"Authorization": f"Bearer {alice}"},
            timeout=10,
        )
        assert sent.status_code == 201, sent.text
        assert sent.json()["status"] == "scheduled"
        with pytest.raises(TimeoutError):  # not before its time
            await asyncio.wait_for(socket.recv(), 2.5)

        past = (datetime.now(UTC) - timedelta(seconds=1)).strftime("%Y-%m-%d %H:%M:%S.%f")
        with sqlite3.connect(database) as db:
            db.execute("UPDATE messages_app_confession SET deliver_at = ?", (past,))
            db.execute(
                "UPDATE django_tasks_database_dbtaskresult SET run_after = ? "
                "WHERE task_path = 'messages_app.tasks.confession_deliver'",
                (past,),
            )
        frame = json.loads(await asyncio.wait_for(socket.recv(), 10))
        assert frame["type"] == "confession.received"
        assert frame["data"]["confession_id"] == sent.json()["id"]

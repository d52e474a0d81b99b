"""Load cannot exhaust PostgreSQL's connections: a threaded server (gunicorn gthread, 16
threads) with DATABASE_POOL_SIZE=3 answers 32 concurrent clients with at most 3 connections
to the database, and every request succeeds. Without the pool each thread keeps its own."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
import requests
from django.db import connection

from messages_app import services
from tests.conftest import access_token_for
from tests.servers import ROOT, database_url_of_test_database, free_port

CLIENTS, REQUESTS_EACH, POOL = 32, 12, 3
APP_NAME = "pool-under-test"  # libpq's PGAPPNAME tags the server's connections


def server_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [APP_NAME]
        )
        return cursor.fetchone()[0]


@pytest.mark.service("postgres")
@pytest.mark.django_db(transaction=True)
def test_a_threaded_server_under_load_stays_within_its_pool(alice, bob, tmp_path, settings):
    services.confession_send(sender=alice, recipient_username="bob", body="hello")
    token = access_token_for(bob)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url_of_test_database(),
           "DATABASE_POOL_SIZE": str(POOL), "DATABASE_POOL_TIMEOUT": "10",
           "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "PGAPPNAME": APP_NAME, "DJANGO_SETTINGS_MODULE":
           "confessions_backend.settings"}  # fmt: skip
    env.pop("REDIS_URL", None)  # the throttles' cache is not what this measures
    log = (tmp_path / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "confessions_backend.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--worker-class", "gthread", "--threads", "16", "--workers", "1"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/api/v1/confessions/inbox"
        for _ in range(100):
            try:
                requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except (requests.ConnectionError, requests.Timeout):
                # Not listening yet, or listening while its worker still boots (slow under CI).
                time.sleep(0.1)
        peak, done = [0], threading.Event()

        def watch():
            try:
                while not done.is_set():
                    peak[0] = max(peak[0], server_connections())
                    time.sleep(0.01)
            finally:
                connection.close()

        def client(_):
            with requests.Session() as session:
                return [
                    session.get(url, headers={"Authorization": f"Bearer {token}"},
                                timeout=30).status_code
                    for _ in range(REQUESTS_EACH)
                ]  # fmt: skip

        watcher = threading.Thread(target=watch)
        watcher.start()
        with ThreadPoolExecutor(CLIENTS) as pool:
            statuses = [status for result in pool.map(client, range(CLIENTS)) for status in result]
        done.set()
        watcher.join()
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert statuses.count(200) == CLIENTS * REQUESTS_EACH, sorted(set(statuses))
    assert 1 <= peak[0] <= POOL, peak[0]


def inbox_status(token: str) -> int:
    """One request as a WSGI server makes it (unlike Django's test client, which keeps the
    thread's connection across requests, the handler gives it back to the pool after each)."""
    import io

    from django.core.handlers.wsgi import WSGIHandler

    statuses = []
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/api/v1/confessions/inbox",
               "SERVER_NAME": "testserver", "SERVER_PORT": "80", "wsgi.url_scheme": "http",
               "wsgi.input": io.BytesIO(), "HTTP_AUTHORIZATION": f"Bearer {token}"}  # fmt: skip
    response = WSGIHandler()(environ, lambda status, headers: statuses.append(status))
    response.close()
    return int(statuses[0].split()[0])


@pytest.mark.service("postgres")
@pytest.mark.django_db(transaction=True)
def test_a_pooled_connection_dropped_while_it_waited_is_replaced(bob, monkeypatch):
    """The pool checks a connection that has waited (core.postgresql.pool), so
    the request after a quiet spell in which the server dropped it still answers; one that
    has just worked goes out unchecked."""
    from core.postgresql import pool

    if not connection.settings_dict["OPTIONS"].get("pool"):
        pytest.fail("the suite runs with the pool on (DATABASE_POOL_SIZE)")
    token = access_token_for(bob)
    # A pool of its own, its connections named, so that only they are dropped.
    connection.close()
    connection.close_pool()
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "application_name", "pool-check")
    # One connection, so each step meets exactly one dead one (several: the test below).
    options = connection.settings_dict["OPTIONS"]
    monkeypatch.setitem(options, "pool", {**options["pool"], "max_size": 1})
    params = connection.get_connection_params() | {"autocommit": True}

    def restart() -> None:
        with psycopg.connect(**params) as killer:
            # What a PostgreSQL restart does: the server ends the pooled connections.
            killer.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = 'pool-check' AND pid <> pg_backend_pid()"
            )
        time.sleep(0.1)

    try:
        assert inbox_status(token) == 200
        # Given back 0.1 s ago: out unchecked, so the request meets the dead connection
        # (503, the documented cost), and the pool drops it.
        restart()
        assert inbox_status(token) == 503
        assert inbox_status(token) == 200
        # Given back longer ago than RECENT_SECONDS: checked, and replaced.
        monkeypatch.setattr(pool, "RECENT_SECONDS", 0.05)
        restart()
        assert inbox_status(token) == 200
        assert inbox_status(token) == 200
    finally:
        connection.close()
        connection.close_pool()


@pytest.mark.service("postgres")
@pytest.mark.django_db(transaction=True)
def test_after_a_restart_the_pool_finds_live_connections_at_once(bob, monkeypatch):
    """After a restart every pooled connection is dead. psycopg_pool's own check waited 1 s,
    then 2 s, before trying the next one (its reconnection backoff): past the pool's timeout,
    a 503 though the server was back; and of connections that had just worked, each went out
    unchecked, a 503 for each. Now a dead one makes the others suspect: no wait, and at most
    the request that met the first dead one answers 503."""
    from core.postgresql import pool

    token = access_token_for(bob)
    connection.close()
    connection.close_pool()
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "application_name", "pool-restart")
    options = connection.settings_dict["OPTIONS"]
    # Less than the backoff's first second: waiting it is a 503.
    monkeypatch.setitem(options, "pool", {**options["pool"], "max_size": 4, "timeout": 0.8})
    params = connection.get_connection_params() | {"autocommit": True}

    def four_waiting() -> None:
        connections = [connection.pool.getconn() for _ in range(4)]
        for conn in connections:
            connection.pool.putconn(conn)

    def restart() -> None:
        with psycopg.connect(**params) as killer:
            ended = killer.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = 'pool-restart' AND pid <> pg_backend_pid()"
            ).fetchone()[0]
        assert ended == 4
        time.sleep(0.1)

    try:
        assert inbox_status(token) == 200
        # Four that have just worked: the first request meets one (503), the others are
        # then checked, dropped and replaced.
        four_waiting()
        restart()
        assert [inbox_status(token) for _ in range(4)] == [503, 200, 200, 200]
        # Four that have waited: checked one after another, no backoff between.
        four_waiting()
        monkeypatch.setattr(pool, "RECENT_SECONDS", 0.05)
        time.sleep(0.1)
        restart()
        assert [inbox_status(token) for _ in range(3)] == [200, 200, 200]
    finally:
        connection.close()
        connection.close_pool()

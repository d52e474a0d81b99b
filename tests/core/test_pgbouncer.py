"""Behind PgBouncer in transaction mode (Debian's package, started here on loopback): with
prepared statements, server-side cursors and the session's startup options off
(DATABASE_PREPARED_STATEMENTS=0, DATABASE_SERVER_SIDE_CURSORS=0,
DATABASE_IDLE_TRANSACTION_SECONDS=0: PgBouncer's idle_transaction_timeout does that job), a
whole journey works, many app connections sharing two server connections; with prepared
statements on, the app cannot connect (their startup parameter is refused) and says so with a
503, which is why the docs say to turn them off."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest
import requests

from tests.servers import GunicornServer, database_url_of_test_database, free_port, signed_up

pytestmark = [pytest.mark.service("postgres"), pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pgbouncer():
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    assert os.path.exists(binary), "pgbouncer is not installed (bin/test-services installs it)"
    upstream = urlparse(database_url_of_test_database())
    directory = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
    directory.chmod(0o777)  # PgBouncer will not run as root: it runs as postgres
    port = free_port()
    (directory / "users.txt").write_text(f'"{upstream.username or "postgres"}" ""\n')
    (directory / "pgbouncer.ini").write_text(f"""
[databases]
* = host={upstream.hostname} port={upstream.port or 5432}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {directory}/users.txt
pool_mode = transaction
idle_transaction_timeout = 10
default_pool_size = 2
max_client_conn = 200
logfile = {directory}/pgbouncer.log
pidfile = {directory}/pgbouncer.pid
""")
    for path in directory.iterdir():
        path.chmod(0o666)
    user = [] if os.getuid() else ["-u", "postgres"]
    process = subprocess.Popen([binary, *user, str(directory / "pgbouncer.ini")])  # noqa: S603
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                log = (
                    (directory / "pgbouncer.log").read_text()
                    if (directory / "pgbouncer.log").exists()
                    else ""
                )
                raise RuntimeError(f"pgbouncer did not start:\n{log}") from None
            time.sleep(0.05)
    yield urlunparse(
        upstream._replace(netloc=f"{upstream.username or 'postgres'}@127.0.0.1:{port}")
    )
    process.terminate()
    process.wait()
    shutil.rmtree(directory, ignore_errors=True)


def test_a_whole_journey_through_transaction_pooling(pgbouncer, tmp_path):
    env = {"DATABASE_URL": pgbouncer, "DATABASE_PREPARED_STATEMENTS": "0",
           "DATABASE_SERVER_SIDE_CURSORS": "0", "DATABASE_IDLE_TRANSACTION_SECONDS": "0",
           "DATABASE_POOL_SIZE": "4"}  # fmt: skip
    server = GunicornServer(tmp_path, env=env)
    try:
        base = f"{server.http_url}/api/v1"

        alice, bob = signed_up(server.http_url, "alice_pgb"), signed_up(server.http_url, "bob_pgb")
        sent = alice.post(f"{base}/confessions", json={"recipient": "bob_pgb", "body": "hi"})
        assert sent.status_code == 201, sent.text
        confession = sent.json()["id"]
        replied = bob.post(f"{base}/confessions/{confession}/replies", json={"body": "yo"})
        assert replied.status_code == 201, replied.text

        def inbox(_: int) -> int:
            headers = {"Authorization": bob.headers["Authorization"]}
            return requests.get(
                f"{base}/confessions/inbox", headers=headers, timeout=10
            ).status_code

        with ThreadPoolExecutor(8) as pool:
            assert set(pool.map(inbox, range(40))) == {200}
        page = bob.get(f"{base}/confessions/inbox").json()
        assert [item["id"] for item in page["results"]] == [confession]
    finally:
        server.stop()


def test_prepared_statements_must_be_off_behind_it(pgbouncer, tmp_path):
    server = GunicornServer(
        tmp_path, env={"DATABASE_URL": pgbouncer, "DATABASE_PREPARED_STATEMENTS": "1"}
    )
    try:
        answer = requests.get(f"{server.http_url}/readyz", timeout=10)
        assert answer.status_code == 503
        assert "database" in answer.text
    finally:
        server.stop()

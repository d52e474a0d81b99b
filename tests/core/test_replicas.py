"""Read replicas against a real streaming replica: the test makes a primary of its own
(initdb) and a replica of it (pg_basebackup -R) on two free ports, runs the app on them
(DATABASE_REPLICA_URLS), and holds the replica's replay still to see where each read goes:
a user who just wrote reads the primary (read-your-writes), others and later reads go to the
replica, and once replay resumes the replica shows everything."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import pytest

from tests.servers import GunicornServer, free_port, signed_up

pytestmark = [pytest.mark.service("postgres"), pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
STICKY = 2


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    assert found, f"{name} is not installed (Debian's postgresql)"
    return found[-1]


def as_postgres(*command: str) -> None:
    prefix = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
    subprocess.run([*prefix, *command], check=True, capture_output=True)  # noqa: S603


@pytest.fixture
def primary_and_replica():
    base = Path(tempfile.mkdtemp(prefix="pgpair-"))
    base.chmod(0o777)
    primary, replica = base / "primary", base / "replica"
    ports = free_port(), free_port()
    settings = (
        "listen_addresses = '127.0.0.1'\n"
        f"unix_socket_directories = '{base}'\n"
        "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
        "wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\n"
    )
    as_postgres(_bin("initdb"), "-D", str(primary), "-U", "postgres", "--auth=trust")
    with (primary / "postgresql.conf").open("a") as conf:
        conf.write(settings + f"port = {ports[0]}\n")
    as_postgres(_bin("pg_ctl"), "-D", str(primary), "-l", str(base / "primary.log"), "-w", "start")
    try:
        with psycopg.connect(f"host=127.0.0.1 port={ports[0]} user=postgres dbname=postgres",
                             autocommit=True) as conn:  # fmt: skip
            conn.execute("CREATE DATABASE app")
        as_postgres(_bin("pg_basebackup"), "-h", "127.0.0.1", "-p", str(ports[0]),
                    "-U", "postgres", "-D", str(replica), "-R", "--checkpoint=fast")  # fmt: skip
        with (replica / "postgresql.auto.conf").open("a") as conf:
            conf.write(f"port = {ports[1]}\n")
        as_postgres(
            _bin("pg_ctl"), "-D", str(replica), "-l", str(base / "replica.log"), "-w", "start"
        )
        yield ports
    finally:
        for directory in (replica, primary):
            if (directory / "postmaster.pid").exists():
                as_postgres(_bin("pg_ctl"), "-D", str(directory), "-m", "immediate", "stop")
        shutil.rmtree(base, ignore_errors=True)


def test_reads_go_to_the_replica_but_your_own_writes_you_read_at_once(
    primary_and_replica, tmp_path
):
    primary_port, replica_port = primary_and_replica
    env = {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{primary_port}/app",
        "DATABASE_REPLICA_URLS": f"postgres://postgres@127.0.0.1:{replica_port}/app",
        "DATABASE_REPLICA_STICKY_SECONDS": str(STICKY),
    }
    migrated = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "migrate", "--no-input"], cwd=ROOT,
        env={**os.environ, **env}, capture_output=True, text=True,
    )  # fmt: skip
    assert migrated.returncode == 0, migrated.stderr
    replica = psycopg.connect(
        f"host=127.0.0.1 port={replica_port} user=postgres dbname=app", autocommit=True
    )
    server = GunicornServer(tmp_path, env=env)
    try:
        base = f"{server.http_url}/api/v1"

        alice, bob = signed_up(server.http_url, "alice_r"), signed_up(server.http_url, "bob_r")
        deadline = time.monotonic() + 10
        while replica.execute("SELECT count(*) FROM accounts_user").fetchone()[0] < 2:
            assert time.monotonic() < deadline, "the replica never caught up"
            time.sleep(0.05)
        replica.execute("SELECT pg_wal_replay_pause()")

        sent = alice.post(f"{base}/confessions", json={"recipient": "bob_r", "body": "hello"})
        assert sent.status_code == 201, sent.text
        confession = sent.json()["id"]
        # Alice just wrote: her reads go to the primary, and she sees it at once.
        mine = alice.get(f"{base}/confessions/sent").json()["results"]
        assert [item["id"] for item in mine] == [confession]
        # Bob did not: his reads go to the replica, which has not replayed it yet.
        assert bob.get(f"{base}/confessions/inbox").json()["results"] == []
        # Past the sticky window, Alice reads the replica too.
        time.sleep(STICKY + 0.5)
        assert alice.get(f"{base}/confessions/sent").json()["results"] == []

        replica.execute("SELECT pg_wal_replay_resume()")
        deadline = time.monotonic() + 10
        while not bob.get(f"{base}/confessions/inbox").json()["results"]:
            assert time.monotonic() < deadline, "the replica never showed the confession"
            time.sleep(0.1)
        assert [i["id"] for i in bob.get(f"{base}/confessions/inbox").json()["results"]] == [
            confession
        ]
    finally:
        server.stop()
        replica.close()

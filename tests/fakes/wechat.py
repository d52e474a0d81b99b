"""A fake of WeChat's server API on a loopback port, speaking the same JSON.

- `issue_code(openid, unionid=None)` hands out a `wx.login`-style code that works once;
  a second use answers 40163, an unknown code 40029.
- `fail_next(errcode)` makes the next answers carry that errcode; `answer_garbage_next()`
  makes the next answer non-JSON; `delay` makes every answer slow.
- `cgi-bin/stable_token` issues access tokens; `expire_tokens()` makes the current one answer
  40001 on the next API call, as WeChat does when a token is revoked.
- `wxa/msg_sec_check` (version 2) answers risky for text containing "RISKY", review for
  "REVIEW", pass otherwise; it also stands for any API that takes an access token.
- `cgi-bin/message/subscribe/send` checks a subscribe message as WeChat does (47003 for a value
  that is empty or too long for its key's kind) and answers a msgid.
- `wxa/media_check_async` accepts a check and answers a trace id, kept in `trace_ids` (a test
  pushes the verdict).
- `wxa/business/getuserphonenumber` answers the phone of a code from `issue_phone_code`, once.
- `wxa/getwxacodeunlimit` answers bytes starting like a PNG, or 40169 / 41030 as JSON.
- `requests` records what our client sent: method, path, query and JSON body.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

# Enough of a PNG for a client to tell it is one (the fake's codes are not real images).
_PNG_HEAD = b"\x89PNG\r\n\x1a\n"


def push_query(token: str) -> str:
    """The query WeChat signs a plain-mode push with: now, with a nonce never used before."""
    from wechat import push

    timestamp, nonce = str(int(time.time())), secrets.token_hex(8)
    signature = push.signature(token, timestamp, nonce)
    return f"signature={signature}&timestamp={timestamp}&nonce={nonce}"


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    body: dict[str, Any] | None


@dataclass
class FakeWeChat:
    appid: str = "wx-test-appid"
    secret: str = field(default_factory=lambda: secrets.token_hex(16))
    delay: float = 0.0
    requests: list[RecordedRequest] = field(default_factory=list)
    trace_ids: list[str] = field(default_factory=list)  # of image checks accepted, in order
    _codes: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    _used: set[str] = field(default_factory=set)
    _scripted: deque = field(default_factory=deque)
    _tokens: set[str] = field(default_factory=set)
    token_fetches: int = 0
    msgids: int = 0
    _phone_codes: dict[str, tuple[str, str]] = field(default_factory=dict)
    # getuserriskrank's answer per openid (0 for one not listed).
    risk_ranks: dict[str, int] = field(default_factory=dict)
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # --- controls ----------------------------------------------------------------------------

    def issue_code(self, openid: str, unionid: str | None = None) -> str:
        code = "code-" + secrets.token_hex(8)
        with self._lock:
            self._codes[code] = (openid, unionid)
        return code

    def issue_phone_code(self, phone: str, country: str = "86") -> str:
        """A `getPhoneNumber` button's code for `phone`: it works once."""
        code = "phone-" + secrets.token_hex(8)
        with self._lock:
            self._phone_codes[code] = (phone, country)
        return code

    def fail_next(self, errcode: int, times: int = 1, path: str | None = None) -> None:
        """The next `times` requests (to `path`, or to any API) answer `errcode`."""
        with self._lock:
            self._scripted.extend([("errcode", errcode, path)] * times)

    def answer_garbage_next(self, path: str | None = None) -> None:
        """The next request (to `path`, or to any API) gets an HTML 502 page."""
        with self._lock:
            self._scripted.append(("garbage", None, path))

    def expire_tokens(self) -> None:
        with self._lock:
            self._tokens.clear()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def requests_to(self, path: str) -> list[RecordedRequest]:
        return [request for request in self.requests if request.path == path]

    # --- server ------------------------------------------------------------------------------

    def start(self) -> FakeWeChat:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake._handle(self)

            def do_POST(self) -> None:
                fake._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        url = urlsplit(handler.path)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        with self._lock:
            self.requests.append(RecordedRequest(handler.command, url.path, query, body))
            scripted = None
            if self._scripted and self._scripted[0][2] in (None, url.path):
                scripted = self._scripted.popleft()
        if self.delay:
            time.sleep(self.delay)
        if scripted and scripted[0] == "garbage":
            return self._send(handler, b"<html>502 Bad Gateway</html>", "text/html", status=502)
        if scripted:
            return self._json(handler, {"errcode": scripted[1], "errmsg": "scripted failure"})
        route = {
            "/sns/jscode2session": self._jscode2session,
            "/cgi-bin/stable_token": self._stable_token,
            "/wxa/msg_sec_check": self._msg_sec_check,
            "/cgi-bin/message/subscribe/send": self._subscribe_send,
            "/wxa/getwxacodeunlimit": self._wxacode,
            "/wxa/business/getuserphonenumber": self._phone_number,
            "/wxa/media_check_async": self._media_check_async,
            "/wxa/getuserriskrank": self._risk_rank,
        }.get(url.path)
        if route is None:
            return self._json(handler, {"errcode": 404, "errmsg": "no such api"}, status=404)
        # Every API but the two that hand out identities and tokens takes an access token.
        token_free = url.path in ("/sns/jscode2session", "/cgi-bin/stable_token")
        if not token_free and query.get("access_token") not in self._tokens:
            return self._json(
                handler, {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid"}
            )
        answer = route(query, body or {})
        if isinstance(answer, bytes):
            return self._send(handler, answer, "image/png")
        return self._json(handler, answer)

    def _jscode2session(self, query: dict[str, str], body: dict) -> dict:
        if query.get("appid") != self.appid or query.get("secret") != self.secret:
            return {"errcode": 40013, "errmsg": "invalid appid"}
        if query.get("grant_type") != "authorization_code":
            return {"errcode": 40002, "errmsg": "invalid grant_type"}
        code = query.get("js_code", "")
        with self._lock:
            if code in self._used:
                return {"errcode": 40163, "errmsg": "code been used"}
            if code not in self._codes:
                return {"errcode": 40029, "errmsg": "invalid code"}
            self._used.add(code)
            openid, unionid = self._codes.pop(code)
        answer = {"openid": openid, "session_key": "SECRET-SESSION-KEY-" + secrets.token_hex(8)}
        if unionid:
            answer["unionid"] = unionid
        return answer

    def _stable_token(self, query: dict[str, str], body: dict) -> dict:
        if body.get("appid") != self.appid or body.get("secret") != self.secret:
            return {"errcode": 40013, "errmsg": "invalid appid"}
        token = "token-" + secrets.token_hex(8)
        with self._lock:
            self._tokens.add(token)
            self.token_fetches += 1
        return {"access_token": token, "expires_in": 7200}

    def _msg_sec_check(self, query: dict[str, str], body: dict) -> dict:
        """Version 2: text with "RISKY" in it is risky, with "REVIEW" needs review."""
        if body.get("version") == 2 and not body.get("openid"):
            return {"errcode": 40003, "errmsg": "invalid openid"}
        content = body.get("content", "")
        suggest = "risky" if "RISKY" in content else "review" if "REVIEW" in content else "pass"
        label = 20001 if suggest != "pass" else 100
        return {"errcode": 0, "errmsg": "ok", "result": {"suggest": suggest, "label": label}}

    # The most characters a subscribe message's value may have, by the key's kind (WECHAT.md).
    _SUBSCRIBE_LIMITS = {"thing": 20, "number": 32, "letter": 32, "symbol": 5,
                         "character_string": 32, "phrase": 5, "name": 10}  # fmt: skip

    def _subscribe_send(self, query: dict[str, str], body: dict) -> dict:
        """message/subscribe/send: 40003 without an openid, 47003 for an empty or too long
        value (naming the key, as WeChat does), else a msgid."""
        if not body.get("touser"):
            return {"errcode": 40003, "errmsg": "invalid openid"}
        if not body.get("template_id"):
            return {"errcode": 40037, "errmsg": "invalid template_id"}
        for key, item in (body.get("data") or {}).items():
            value = item.get("value") if isinstance(item, dict) else None
            kind = key.rstrip("0123456789")
            limit = self._SUBSCRIBE_LIMITS.get(kind)
            if not value or (limit is not None and len(value) > limit):
                return {"errcode": 47003, "errmsg": f"argument invalid! data.{key}.value invalid"}
        with self._lock:
            self.msgids += 1
            return {"errcode": 0, "errmsg": "ok", "msgid": self.msgids}

    def _media_check_async(self, query: dict[str, str], body: dict) -> dict:
        """Accepted: a trace id (the verdict comes later, pushed: the test pushes it)."""
        if body.get("version") != 2 or not body.get("openid") or not body.get("media_url"):
            return {"errcode": 40003, "errmsg": "invalid openid"}
        trace_id = "trace-" + secrets.token_hex(8)
        with self._lock:
            self.trace_ids.append(trace_id)
        return {"errcode": 0, "errmsg": "ok", "trace_id": trace_id}

    def _risk_rank(self, query: dict[str, str], body: dict) -> dict:
        """getuserriskrank: 40003 without an openid, 43104 for another appid, -1 without the
        client's address (WeChat requires it), else the rank set for the openid."""
        if not body.get("openid"):
            return {"errcode": 40003, "errmsg": "invalid openid"}
        if body.get("appid") != self.appid:
            return {"errcode": 43104, "errmsg": "appid and openid not match"}
        if not body.get("client_ip") or body.get("scene") not in (0, 1):
            return {"errcode": -1, "errmsg": "system error"}
        rank = self.risk_ranks.get(body["openid"], 0)
        return {"errcode": 0, "errmsg": "getuserriskrank succ", "risk_rank": rank}

    def _phone_number(self, query: dict[str, str], body: dict) -> dict:
        with self._lock:
            found = self._phone_codes.pop(body.get("code", ""), None)
        if found is None:
            return {"errcode": 40029, "errmsg": "invalid code"}
        phone, country = found
        return {"errcode": 0, "errmsg": "ok", "phone_info": {
            "phoneNumber": phone if country == "86" else f"+{country}{phone}",
            "purePhoneNumber": phone, "countryCode": country,
            "watermark": {"timestamp": int(time.time()), "appid": self.appid},
        }}  # fmt: skip

    _SCENE = re.compile(r"[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}")

    def _wxacode(self, query: dict[str, str], body: dict) -> dict | bytes:
        """getwxacodeunlimit: a PNG (a tiny one, with the scene in a text chunk), or 40169 for a
        scene WeChat would refuse, 41030 for a page with a leading / or a query."""
        scene, page = body.get("scene", ""), body.get("page", "")
        if not self._SCENE.fullmatch(scene):
            return {"errcode": 40169, "errmsg": "invalid length for scene"}
        if page.startswith("/") or "?" in page:
            return {"errcode": 41030, "errmsg": "invalid page"}
        return _PNG_HEAD + scene.encode()

    def _json(self, handler, payload: dict, status: int = 200) -> None:
        # WeChat labels its JSON text/plain; our client must not depend on the label.
        self._send(handler, json.dumps(payload).encode(), "text/plain", status=status)

    def _send(self, handler, payload: bytes, content_type: str, status: int = 200) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

"""A small client for WeChat's server API: `jscode2session` for login, and a cached access
token (`cgi-bin/stable_token`) for the calls that need one (content checks, subscribe messages).

Secrets stay inside: `session_key` is never returned, stored or logged, and errors carry
WeChat's errcode but not the request URL (which holds the app secret).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings
from django.core.cache import cache
from prometheus_client import Counter

logger = logging.getLogger(__name__)

# Prometheus (core.metrics): each call by its API path and WeChat's errcode ("0": fine;
# "unreachable", "http_<status>": no JSON answer).
CALLS = Counter(
    "wechat_calls", "Calls to WeChat's server API, by path and errcode.", ["path", "errcode"]
)

# errcodes that mean "this access token is no longer good": fetch a new one, once.
TOKEN_EXPIRED_ERRCODES = frozenset({40001, 42001})
# Keep a cached access token until this many seconds before WeChat expires it.
TOKEN_EXPIRY_MARGIN_SECONDS = 300


class WeChatError(Exception):
    """WeChat answered with a non-zero errcode."""

    def __init__(self, errcode: int, errmsg: str = "") -> None:
        super().__init__(f"WeChat errcode {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


class WeChatUnavailable(Exception):
    """WeChat could not be reached, was too slow, or answered something that is not JSON."""


class WeChatNotConfigured(Exception):
    """WECHAT_APPID / WECHAT_SECRET are not set."""


@dataclass(frozen=True)
class WeChatSession:
    openid: str
    unionid: str | None


class WeChatClient:
    def __init__(self, *, appid: str, secret: str, api_base: str, timeout: float) -> None:
        self.appid = appid
        self._secret = secret
        self.api_base = api_base.rstrip("/")
        self.timeout = timeout
        self._local = threading.local()

    @property
    def _http(self) -> requests.Session:
        # One pooled session per thread: requests does not promise thread safety.
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict | None = None,
        json: dict | None = None,
        image: bool = False,
    ) -> Any:
        """WeChat's JSON answer; with `image`, an image it answers instead (its bytes)."""
        try:
            response = self._http.request(
                method,
                f"{self.api_base}/{path}",
                params=params,
                json=json,
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            # The exception's text may contain the URL and with it the secret.
            logger.warning("WeChat %s unreachable: %s", path, type(exc).__name__)
            CALLS.labels(path, "unreachable").inc()
            raise WeChatUnavailable(f"WeChat {path} unreachable ({type(exc).__name__})") from None
        if image and response.headers.get("Content-Type", "").startswith("image/"):
            CALLS.labels(path, "0").inc()
            return response.content
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            logger.warning("WeChat %s answered HTTP %s, not JSON", path, response.status_code)
            CALLS.labels(path, f"http_{response.status_code}").inc()
            raise WeChatUnavailable(f"WeChat {path} answered HTTP {response.status_code}")
        errcode = body.get("errcode", 0)
        CALLS.labels(path, str(errcode) if isinstance(errcode, int) else "other").inc()
        if errcode:
            logger.info("WeChat %s errcode %s", path, errcode)
            raise WeChatError(int(errcode), str(body.get("errmsg", "")))
        return body

    def code_to_session(self, code: str) -> WeChatSession:
        """Exchange a `wx.login` code for the user's openid (and unionid, when WeChat gives it)."""
        body = self._request(
            "GET",
            "sns/jscode2session",
            params={
                "appid": self.appid,
                "secret": self._secret,
                "js_code": code,
                "grant_type": "authorization_code",
            },
        )
        openid = body.get("openid")
        if not isinstance(openid, str) or not openid:
            raise WeChatUnavailable("WeChat jscode2session answered without an openid")
        unionid = body.get("unionid")
        # body["session_key"] is deliberately dropped here: nothing we do needs it.
        return WeChatSession(openid=openid, unionid=unionid if isinstance(unionid, str) else None)

    @property
    def _token_cache_key(self) -> str:
        return f"wechat:access_token:{self.appid}"

    def access_token(self, *, refresh: bool = False) -> str:
        """The app's access token, from Django's cache until shortly before it expires."""
        if not refresh:
            cached = cache.get(self._token_cache_key)
            if cached:
                return cached
        body = self._request(
            "POST",
            "cgi-bin/stable_token",
            json={
                "grant_type": "client_credential",
                "appid": self.appid,
                "secret": self._secret,
                "force_refresh": False,
            },
        )
        token = body.get("access_token")
        if not isinstance(token, str) or not token:
            raise WeChatUnavailable("WeChat stable_token answered without an access_token")
        expires_in = int(body.get("expires_in", 7200))
        lifetime = expires_in - TOKEN_EXPIRY_MARGIN_SECONDS
        if lifetime > 0:
            cache.set(self._token_cache_key, token, lifetime)
        return token

    def call(self, path: str, payload: dict[str, Any], *, image: bool = False) -> Any:
        """POST to an API that takes `access_token`; one refetch if WeChat says it expired.
        With `image`, an API that answers an image (or JSON on error): the image's bytes."""
        try:
            return self._request(
                "POST",
                path,
                params={"access_token": self.access_token()},
                json=payload,
                image=image,
            )
        except WeChatError as exc:
            if exc.errcode not in TOKEN_EXPIRED_ERRCODES:
                raise
        cache.delete(self._token_cache_key)
        token = self.access_token(refresh=True)
        return self._request(
            "POST", path, params={"access_token": token}, json=payload, image=image
        )

    def image(self, path: str, payload: dict[str, Any]) -> bytes:
        """POST to an API that answers an image (or, on error, JSON): the image's bytes."""
        return self.call(path, payload, image=True)


_clients: dict[tuple, WeChatClient] = {}


def get_client() -> WeChatClient:
    """The client for the current settings; raises WeChatNotConfigured when WeChat is off."""
    if not (settings.WECHAT_APPID and settings.WECHAT_SECRET):
        raise WeChatNotConfigured
    key = (
        settings.WECHAT_APPID,
        settings.WECHAT_SECRET,
        settings.WECHAT_API_BASE,
        settings.WECHAT_TIMEOUT_SECONDS,
    )
    client = _clients.get(key)
    if client is None:
        client = _clients[key] = WeChatClient(
            appid=key[0], secret=key[1], api_base=key[2], timeout=key[3]
        )
    return client

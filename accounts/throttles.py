"""Throttles for the sign-in doors: per client IP and per username, cache-backed (Redis in
production). The view names its `throttle_scope` ("login", "register", "wechat"); rates come
from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] at request time, so tests can change them."""

from __future__ import annotations

import hashlib

from django.conf import settings
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from accounts import usernames


def client_address(request) -> str:
    """The real client's address, past DJANGO_NUM_PROXIES, as the throttles key it."""
    return BaseThrottle().get_ident(request)


class _AuthThrottle(SimpleRateThrottle):
    def get_rate(self) -> str:
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]


class AuthIpThrottle(_AuthThrottle):
    scope = "auth_ip"

    def get_cache_key(self, request, view) -> str:
        return f"throttle:{view.throttle_scope}:ip:{self.get_ident(request)}"


class AuthUsernameThrottle(_AuthThrottle):
    scope = "auth_username"

    def get_cache_key(self, request, view) -> str | None:
        data = request.data
        username = data.get("username") if isinstance(data, dict) else None
        if not isinstance(username, str) or not username.strip():
            return None
        # The name as sign-in finds it: ＡＬＩＣＥ and alice share one counter.
        digest = hashlib.sha256(usernames.key(username.strip()).encode()).hexdigest()[:32]
        return f"throttle:{view.throttle_scope}:username:{digest}"


class WeChatIpThrottle(AuthIpThrottle):
    """`/auth/wechat` per client IP, at its own (higher) rate: many students sign in from one
    campus address, and WeChat limits each user's code exchanges itself."""

    scope = "auth_wechat_ip"


class _SignedOutOnly:
    """Counts requests without a token only: a signed-in user is not counted."""

    def allow_request(self, request, view) -> bool:
        return request.user.is_authenticated or super().allow_request(request, view)


class SignedOutIpThrottle(_SignedOutOnly, AuthIpThrottle):
    """An open door per client IP, at the sign-in doors' rate, signed out only."""


class SharedLinkThrottle(_SignedOutOnly, _AuthThrottle):
    """A share link opened signed out, per link, whoever opens it (SHARED_LINK_THROTTLE_RATE):
    the limit that bites first, so that a campus behind one address is not locked out by the
    per-address one, which stays far above what a campus sends."""

    scope = "shared_link"

    def get_cache_key(self, request, view) -> str | None:
        token = view.kwargs.get("token")
        if not isinstance(token, str):
            return None
        digest = hashlib.sha256(token.encode()).hexdigest()[:32]
        return f"throttle:{view.throttle_scope}:link:{digest}"


class _PerUserThrottle(SimpleRateThrottle):
    """Counted per signed-in account, as a bucket of the rate's number of requests that
    refills one every period / number (the generic cell rate algorithm): a burst of the whole
    number, then one as each refills. One number is kept per account, whatever the rate,
    where SimpleRateThrottle keeps the time of every request in the period (read and written
    back on each request: at 1,000 a minute, some 20 KB)."""

    # SimpleRateThrottle's, from the rate (its type stubs leave them out).
    num_requests: int
    duration: int
    waiting = 0.0

    def get_cache_key(self, request, view) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return f"throttle:{self.scope}:bucket:{user.pk}"

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = self.timer()
        refill = self.duration / self.num_requests
        # When the bucket is full again: past it, the bucket is full now.
        full_at = max(self.cache.get(self.key, now), now) + refill
        if full_at - now > self.duration:  # empty: the next one refills at `refill` before
            self.waiting = full_at - now - self.duration
            return False
        self.cache.set(self.key, full_at, self.duration)
        return True

    def wait(self) -> float:
        return self.waiting


class SettingsWriteThrottle(_PerUserThrottle):
    """Changes to a user's own settings (mutes, notification settings): far more than a person
    makes, far fewer than a script would. Reads are not counted."""

    scope = "settings_write"
    rate = "120/hour"  # a class attribute: SimpleRateThrottle then never asks get_rate()

    def allow_request(self, request, view) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return super().allow_request(request, view)


class FollowWriteThrottle(SettingsWriteThrottle):
    """Following and unfollowing posts."""

    scope = "follow_write"
    rate = "300/hour"


class InboxLinkWriterThrottle(_AuthThrottle):
    """Messages through an inbox link, per writer: their account signed in, their address
    signed out (INBOX_LINK_WRITER_RATE), per link."""

    scope = "inbox_link_writer"

    def get_cache_key(self, request, view) -> str:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            who = f"user:{user.pk}"
        else:
            who = f"ip:{self.get_ident(request)}"
        return f"throttle:{self.scope}:{view.kwargs.get('handle', '')}:{who}"


class InboxLinkThrottle(_AuthThrottle):
    """Messages through one inbox link, whoever writes (INBOX_LINK_RATE)."""

    scope = "inbox_link"

    def get_cache_key(self, request, view) -> str:
        return f"throttle:{self.scope}:{view.kwargs.get('handle', '')}"


class SearchThrottle(_PerUserThrottle):
    """Searches (`?q=` on a wall's feed): a text search costs the database more than a page
    of the feed, so each account has WALL_SEARCHES_PER_MINUTE. Other reads are not counted."""

    scope = "search"

    def get_rate(self) -> str:
        return f"{settings.WALL_SEARCHES_PER_MINUTE}/min"  # the settings of the moment

    def allow_request(self, request, view) -> bool:
        if request.method != "GET" or not request.query_params.get("q"):
            return True
        return super().allow_request(request, view)

"""WebSocket authentication by access token (DESIGN.md §3).

The token comes from the handshake's `Authorization: Bearer` header (mini programs can set it
on `wx.connectSocket`) or from `?token=` (browsers cannot set headers). It is checked exactly as
the REST API checks it: signature, expiry, token type `access`, an active user. Only tokens,
never cookies, so a page on another site cannot ride a user's session into the socket.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.contrib.auth.models import AnonymousUser
from rest_framework_simplejwt.exceptions import ExpiredTokenError, TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings

from accounts import selectors as account_selectors
from accounts.authentication import access_token
from core.errors import DEPENDENCY_ERRORS

logger = logging.getLogger(__name__)


def token_from_scope(scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            kind, _, token = value.decode("latin1").partition(" ")
            if kind in jwt_settings.AUTH_HEADER_TYPES and token.strip():
                return token.strip()
            return None
    query = parse_qs(scope.get("query_string", b"").decode("latin1"))
    tokens = query.get("token")
    return tokens[0] if tokens and tokens[0] else None


_socket_user = database_sync_to_async(account_selectors.active_user_for_socket)


async def authenticate(token: str | None):
    """`(user, expires_at_epoch)`, or `(AnonymousUser(), None)` for any bad token."""
    if not token:
        return AnonymousUser(), None
    try:
        access = access_token(token)
    except TokenError:
        return AnonymousUser(), None
    user = await _socket_user(user_id=access.get(jwt_settings.USER_ID_CLAIM))
    if user is None:
        return AnonymousUser(), None
    return user, access["exp"]


def is_expired(token: str) -> bool:
    """Whether `token` is one of ours whose time is up (not a forged or malformed one)."""
    try:
        access_token(token)
    except ExpiredTokenError:
        return True
    except TokenError:
        return False
    return False


class JwtAuthMiddleware(BaseMiddleware):
    """Sets `scope["user"]` and `scope["token_expires_at"]` (epoch seconds); with the
    database away, `scope["unavailable"]` (the consumer closes 1013, not 4401: the token may
    be fine)."""

    async def __call__(self, scope, receive, send):
        scope = dict(scope)
        try:
            scope["user"], scope["token_expires_at"] = await authenticate(token_from_scope(scope))
        except DEPENDENCY_ERRORS as exc:
            logger.warning("socket handshake: the database is away (%s)", type(exc).__name__)
            scope["user"], scope["token_expires_at"] = AnonymousUser(), None
            scope["unavailable"] = True
        # Straight to the inner application: BaseMiddleware would copy the scope again, a
        # second dict kept for the socket's life.
        return await self.inner(scope, receive, send)

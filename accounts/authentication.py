"""simplejwt's bearer-token authentication, at a lower cost per request:

- the account is read by one precompiled query (`accounts.selectors.active_user`) on every
  request, so a ban or a deletion bites at once;
- a token whose signature was verified once is remembered (by its exact bytes) until it
  expires: verifying it again would give the same answer, and PyJWT's decode is a third of a
  plain request's CPU. Its expiry is checked on every use. Access tokens are never revoked
  one by one (refresh tokens are, and they are not accepted here), so nothing else can change.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import TYPE_CHECKING

from django import db
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import (
    AuthenticationFailed,
    ExpiredTokenError,
    InvalidToken,
    TokenError,
)
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import AccessToken, Token
from rest_framework_simplejwt.utils import get_md5_hash_password

from accounts import selectors
from accounts.models import User
from core.token_errors import TokenExpired

if TYPE_CHECKING:

    class SignedIn(Request):
        """A request a view's permission (IsAuthenticated, the default) let in: its user is an
        account, never anonymous. For the type checker only: at run time it is `Request`."""

        @property
        def user(self) -> User: ...

        @user.setter
        def user(self, value: User) -> None: ...

else:
    SignedIn = Request

_VERIFIED_MAX = 20_000
_verified: dict[bytes, tuple[float, AccessToken]] = {}


def access_token(raw: str | bytes) -> AccessToken:
    """The access token `raw`, verified (signature, type, expiry), else `TokenError`."""
    key = raw.encode("latin1") if isinstance(raw, str) else raw
    known = _verified.get(key)
    now = time.time()
    if known is not None:
        expires_at, token = known
        if now < expires_at:
            return token
        del _verified[key]
        raise ExpiredTokenError(_("Token is expired"))
    token = AccessToken(key)
    leeway = api_settings.LEEWAY
    expires_at = token.payload["exp"] + (
        leeway.total_seconds() if isinstance(leeway, timedelta) else leeway
    )
    if len(_verified) >= _VERIFIED_MAX:
        _verified.clear()
    _verified[key] = (expires_at, token)
    return token


def _inactive() -> AuthenticationFailed:
    """The answer to a token whose account is unknown, banned or deleted."""
    return AuthenticationFailed(str(_("User not found or inactive")), code="user_inactive")


class JWTAuthentication(authentication.JWTAuthentication):
    def get_validated_token(self, raw_token: bytes) -> Token:
        try:
            return access_token(raw_token)
        except ExpiredTokenError:
            # Signed by us (the signature is checked before the expiry): the client refreshes.
            raise TokenExpired() from None
        except TokenError as error:
            raise InvalidToken(
                {
                    "detail": _("Given token not valid for any token type"),
                    "messages": [
                        {
                            "token_class": "AccessToken",
                            "token_type": "access",
                            "message": error.args[0],
                        }
                    ],
                }
            ) from None

    def get_user(self, validated_token: Token) -> User:
        user = selectors.active_user(user_id=validated_token.get(api_settings.USER_ID_CLAIM))
        if user is None:  # unknown, banned, deleted, or a claim that is no id at all
            raise _inactive()
        if api_settings.CHECK_REVOKE_TOKEN and validated_token.get(
            api_settings.REVOKE_TOKEN_CLAIM
        ) != get_md5_hash_password(user.password):
            raise AuthenticationFailed(
                _("The user's password has been changed."), code="password_changed"
            )
        return user


class Viewer:
    """The account a verified access token names, not read yet: `request.user` of a read
    whose page's statement checks the account itself (`CheckedByThePage`). It knows its id
    and nothing else."""

    __slots__ = ("pk",)
    is_authenticated = True
    is_anonymous = False

    def __init__(self, pk: int) -> None:
        self.pk = pk

    @property
    def id(self) -> int:
        return self.pk

    def __repr__(self) -> str:
        return f"<Viewer {self.pk}>"


class ViewerAuthentication(JWTAuthentication):
    """The token checked as `JWTAuthentication` checks it, the account left to the page's
    statement (`accounts.selectors.viewer_active`): one statement less per request."""

    def get_user(self, validated_token: Token) -> Viewer:  # type: ignore[override]
        user_id = selectors.account_id(validated_token.get(api_settings.USER_ID_CLAIM))
        if user_id is None:
            raise _inactive()
        return Viewer(user_id)


class _AccountReadLater:
    """A view whose `checked_methods` check the token without reading the account
    (`ViewerAuthentication`): a statement of the view reads it; its other methods
    authenticate as every view does."""

    checked_methods: tuple[str, ...] = ()

    def get_authenticators(self) -> list:
        # The schema's generator (no request, or a fake view) sees the usual scheme: the
        # same token, the same 401.
        request = getattr(self, "request", None)
        fake = getattr(self, "swagger_fake_view", False)
        if not fake and request is not None and request.method in self.checked_methods:
            return [ViewerAuthentication()]
        return super().get_authenticators()  # type: ignore[misc]


class CheckedByThePage(_AccountReadLater):
    """A view's GET whose one statement also checks the viewer's account
    (`accounts.selectors.viewer_active`), so its token is checked without reading the
    account (`ViewerAuthentication`); its other methods authenticate as every view does.
    Where the statement finds nothing, the account is asked before answering: for a 404
    here (`handle_exception`), for an empty page by the view (`confirm_viewer`). A ban or a
    deletion answers the 401 the account check answers everywhere, from the next request on,
    as before."""

    checked_methods = ("GET", "HEAD")

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, Http404):
            try:
                confirm_viewer(self.request)  # type: ignore[attr-defined]
            except AuthenticationFailed as refused:
                exc = refused
        return super().handle_exception(exc)  # type: ignore[misc]


class CheckedByTheView(_AccountReadLater):
    """A view's POST that reads the writer's account itself, in one statement with the other
    account the write needs (`accounts.selectors.active_user_and_named`), then makes it the
    request's user (`signed_in`): its token is checked without reading the account
    (`ViewerAuthentication`). An answer given before that read (a 400, a 429) asks the account
    first, so a banned or deleted account is answered 401 as everywhere."""

    checked_methods = ("POST",)

    def handle_exception(self, exc: Exception) -> Response:
        # Not after the database failed (its 503 stands), nor when the token was refused.
        if not isinstance(exc, AuthenticationFailed | db.Error):
            try:
                confirm_viewer(self.request)  # type: ignore[attr-defined]
            except AuthenticationFailed as refused:
                exc = refused
            except db.Error:
                pass  # the database failed just now: the first answer stands
        return super().handle_exception(exc)  # type: ignore[misc]


def signed_in(request: Request, account: User | None) -> User:
    """The writer's account as the view read it (`CheckedByTheView`; None: not active), made
    the request's user; for None, the 401 the account check answers everywhere."""
    if account is None or account.pk != request.user.pk:
        raise _inactive()
    request.user = account
    return account


def confirm_viewer(request: Request) -> None:
    """For a page whose statement found nothing: a 401 when the viewer's account is not
    active (what `JWTAuthentication.get_user` answers), else nothing."""
    if isinstance(request.user, Viewer) and selectors.active_user(user_id=request.user.pk) is None:
        raise _inactive()


class JWTAuthenticationScheme(SimpleJWTScheme):
    """The OpenAPI security scheme (`jwtAuth`, bearer) for the class above."""

    target_class = "accounts.authentication.JWTAuthentication"

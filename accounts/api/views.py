"""HTTP doors of the accounts app: parse, call a service or selector, render."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.api import serializers as s
from accounts.authentication import SignedIn
from accounts.models import Block, User
from accounts.throttles import (
    AuthIpThrottle,
    AuthUsernameThrottle,
    WeChatIpThrottle,
    client_address,
)
from core.errors import ApplicationError
from core.parsing import parse


def _remember_sign_in(request: Request, user: User) -> None:
    """At sign-in: the language a client asked for is the user's, for subscribe messages (a
    request that asks for none leaves it as it was); the region of its address is theirs
    (accounts.regions)."""
    if "Accept-Language" in request.headers or settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        services.language_remember(user=user, language=translation.get_language())
    services.region_remember(user=user, address=client_address(request))


class _SignInApi(APIView):
    """Open doors: no token needed (a stale one must not get in the way), throttled."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes: tuple[type[BaseThrottle], ...] = (AuthIpThrottle, AuthUsernameThrottle)


class AuthRegisterApi(_SignInApi):
    throttle_scope = "register"

    @extend_schema(
        operation_id="auth_register", request=s.RegisterInput, responses={201: s.AuthOutput}
    )
    def post(self, request: Request) -> Response:
        user = services.user_create(**parse(s.RegisterInput, request))
        _remember_sign_in(request, user)
        body = {"user": user, **services.token_pair_for(user)}
        return Response(
            s.AuthOutput(body, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class AuthLoginApi(_SignInApi):
    throttle_scope = "login"

    @extend_schema(operation_id="auth_login", request=s.LoginInput, responses={200: s.AuthOutput})
    def post(self, request: Request) -> Response:
        user = services.auth_login(**parse(s.LoginInput, request))
        _remember_sign_in(request, user)
        body = {"user": user, **services.token_pair_for(user)}
        return Response(s.AuthOutput(body, context={"request": request}).data)


class AuthWeChatApi(_SignInApi):
    throttle_scope = "wechat"
    throttle_classes = (WeChatIpThrottle,)

    @extend_schema(
        operation_id="auth_wechat", request=s.WeChatLoginInput, responses={200: s.WeChatAuthOutput}
    )
    def post(self, request: Request) -> Response:
        user, created = services.auth_wechat(
            **parse(s.WeChatLoginInput, request), client_ip=client_address(request)
        )
        _remember_sign_in(request, user)
        body = {"user": user, "created": created, **services.token_pair_for(user)}
        return Response(s.WeChatAuthOutput(body, context={"request": request}).data)


class AuthRefreshApi(APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)

    @extend_schema(
        operation_id="auth_refresh", request=s.RefreshInput, responses={200: s.TokenPairOutput}
    )
    def post(self, request: Request) -> Response:
        """A new token pair for a refresh token. The old refresh token stays good for a
        short grace, so two calls that refresh at once both succeed; after it, it is refused."""
        pair = services.token_refresh(**parse(s.RefreshInput, request))
        return Response(s.TokenPairOutput(pair).data)


class AuthLogoutApi(APIView):
    @extend_schema(operation_id="auth_logout", request=s.RefreshInput, responses={204: None})
    def post(self, request: SignedIn) -> Response:
        """Sign out: the refresh token you send can no longer be used."""
        services.auth_logout(user=request.user, **parse(s.RefreshInput, request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(APIView):
    @extend_schema(operation_id="me_get", responses={200: s.UserSelfOutput})
    def get(self, request: SignedIn) -> Response:
        """Your own profile."""
        return Response(s.UserSelfOutput(request.user, context={"request": request}).data)

    @extend_schema(
        operation_id="me_update", request=s.ProfileUpdateInput, responses={200: s.UserSelfOutput}
    )
    def patch(self, request: SignedIn) -> Response:
        """Change your profile: only the fields you send."""
        data = parse(s.ProfileUpdateInput, request, partial=True)
        user = services.user_update_profile(user=request.user, data=data)
        return Response(s.UserSelfOutput(user, context={"request": request}).data)

    @extend_schema(
        operation_id="me_update_put",
        request=s.ProfileUpdateInput,
        responses={200: s.UserSelfOutput},
    )
    def put(self, request: SignedIn) -> Response:
        """The same partial update as PATCH: wx.request has no PATCH."""
        return self.patch(request)

    @extend_schema(operation_id="me_delete", responses={204: None})
    def delete(self, request: SignedIn) -> Response:
        """Delete your account and everything it owns; its tokens stop working at once and
        its open sockets close."""
        services.user_delete(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PhoneApi(APIView):
    @extend_schema(
        operation_id="me_phone_bind", request=s.PhoneBindInput, responses={200: s.UserSelfOutput}
    )
    def post(self, request: SignedIn) -> Response:
        """Bind the phone of a `getPhoneNumber` button's code. Kept encrypted; shown to you
        masked, to nobody else."""
        user = services.phone_bind(user=request.user, **parse(s.PhoneBindInput, request))
        return Response(s.UserSelfOutput(user, context={"request": request}).data)

    @extend_schema(operation_id="me_phone_unbind", responses={204: None})
    def delete(self, request: SignedIn) -> Response:
        """Forget the phone bound to your account."""
        services.phone_unbind(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserDetailApi(APIView):
    @extend_schema(operation_id="users_get", responses={200: s.UserPublicOutput})
    def get(self, request: SignedIn, username: str) -> Response:
        """Someone's public profile."""
        user = selectors.user_get_public(username=username)
        return Response(s.UserPublicOutput(user, context={"request": request}).data)


class BlockListCreateApi(generics.GenericAPIView):
    serializer_class = s.BlockOutput

    def get_queryset(self) -> QuerySet[Block]:
        request: SignedIn = self.request  # type: ignore[assignment]  # IsAuthenticated let it in
        return selectors.block_list(user=request.user)

    @extend_schema(operation_id="blocks_list", responses={200: s.BlockOutput(many=True)})
    def get(self, request: SignedIn) -> Response:
        """The people you blocked, newest first."""
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        operation_id="blocks_create",
        request=s.BlockCreateInput,
        responses={201: s.BlockOutput, 200: s.BlockOutput},
    )
    def post(self, request: SignedIn) -> Response:
        """Block someone by username: they can no longer send you confessions, and what
        they sent is hidden from you. 200 if they were blocked already."""
        block, created = services.block_create(
            blocker=request.user, **parse(s.BlockCreateInput, request)
        )
        return Response(
            s.BlockOutput(block).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class BlockDeleteApi(APIView):
    @extend_schema(operation_id="blocks_delete", responses={204: None})
    def delete(self, request: SignedIn, block_id: int) -> Response:
        """Unblock: what they send reaches you again."""
        services.block_delete(blocker=request.user, block_id=block_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- the web client's sign-in ------------------------------------------------------------------
# A browser page keeps its access token in memory only, and its refresh token in a cookie that
# its scripts cannot read (HttpOnly), sent only to these doors (Path) and only from our own
# pages (SameSite=Strict). A script injected into the page could use the access token while the
# page is open, but could not carry off a sign-in that outlives it; localStorage would give it
# the refresh token too. Since a cookie goes with requests by itself, these doors also refuse
# what a page of another site could send: they want the `X-Requested-With` header (which a
# cross-site form cannot set, and a cross-site fetch only after a CORS preflight we never pass)
# and, when the browser says where a request comes from (`Origin`), this site.

REFRESH_COOKIE = "confessions_refresh"
REFRESH_COOKIE_PATH = "/api/v1/auth/web/"


def _same_site_only(request: Request) -> None:
    origin = request.headers.get("Origin")
    if "X-Requested-With" not in request.headers or (
        origin is not None and origin != request.build_absolute_uri("/").rstrip("/")
    ):
        raise ApplicationError(
            "cross_site", gettext("This request must come from this site's own pages."), status=403
        )


def _with_refresh_cookie(request: Request, response: Response, refresh: str) -> Response:
    lifetime = settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"]
    response.set_cookie(
        REFRESH_COOKIE,
        refresh,
        max_age=int(lifetime.total_seconds()),
        path=REFRESH_COOKIE_PATH,
        secure=request.is_secure(),
        httponly=True,
        samesite="Strict",
    )
    return response


class _WebSignInApi(_SignInApi):
    def signed_in(self, request: Request, user: User, status_code: int = 200) -> Response:
        _remember_sign_in(request, user)
        pair = services.token_pair_for(user)
        body = s.WebAuthOutput(
            {"user": user, "access": pair["access"]}, context={"request": request}
        )
        return _with_refresh_cookie(
            request, Response(body.data, status=status_code), pair["refresh"]
        )


class WebRegisterApi(_WebSignInApi):
    throttle_scope = "register"

    @extend_schema(
        operation_id="auth_web_register", request=s.RegisterInput, responses={201: s.WebAuthOutput}
    )
    def post(self, request: Request) -> Response:
        """`/auth/register` for a browser page: the refresh token comes as an HttpOnly cookie."""
        _same_site_only(request)
        user = services.user_create(**parse(s.RegisterInput, request))
        return self.signed_in(request, user, status.HTTP_201_CREATED)


class WebLoginApi(_WebSignInApi):
    throttle_scope = "login"

    @extend_schema(
        operation_id="auth_web_login", request=s.LoginInput, responses={200: s.WebAuthOutput}
    )
    def post(self, request: Request) -> Response:
        """`/auth/login` for a browser page: the refresh token comes as an HttpOnly cookie."""
        _same_site_only(request)
        return self.signed_in(request, services.auth_login(**parse(s.LoginInput, request)))


class WebRefreshApi(APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)

    @extend_schema(operation_id="auth_web_refresh", request=None, responses={200: s.AccessOutput})
    def post(self, request: Request) -> Response:
        """A fresh access token for the refresh cookie, which rotates (as `/auth/refresh`)."""
        _same_site_only(request)
        refresh = request.COOKIES.get(REFRESH_COOKIE)
        if not refresh:
            raise ApplicationError(
                "not_authenticated", gettext("You are not signed in."), status=401
            )
        pair = services.token_refresh(refresh=refresh)
        response = Response(s.AccessOutput(pair).data)
        return _with_refresh_cookie(request, response, pair["refresh"])


class WebLogoutApi(APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)

    @extend_schema(operation_id="auth_web_logout", request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        """Kill the refresh cookie's token and forget the cookie."""
        _same_site_only(request)
        refresh = request.COOKIES.get(REFRESH_COOKIE)
        if refresh:
            services.refresh_token_revoke(refresh=refresh)
        response = Response(status=status.HTTP_204_NO_CONTENT)
        response.delete_cookie(REFRESH_COOKIE, path=REFRESH_COOKIE_PATH, samesite="Strict")
        return response

"""HTTP doors of the accounts app: parse, call a service or selector, render."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.api import serializers as s
from accounts.throttles import AuthIpThrottle, AuthUsernameThrottle, WeChatIpThrottle
from confessions_backend.parsing import parse


class _SignInApi(APIView):
    """Open doors: no token needed (a stale one must not get in the way), throttled."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (AuthIpThrottle, AuthUsernameThrottle)


class AuthRegisterApi(_SignInApi):
    throttle_scope = "register"

    @extend_schema(operation_id="auth_register", request=s.RegisterInput,
                   responses={201: s.AuthOutput})  # fmt: skip
    def post(self, request: Request) -> Response:
        user = services.user_create(**parse(s.RegisterInput, request))
        body = {"user": user, **services.token_pair_for(user)}
        return Response(s.AuthOutput(body, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)  # fmt: skip


class AuthLoginApi(_SignInApi):
    throttle_scope = "login"

    @extend_schema(operation_id="auth_login", request=s.LoginInput, responses={200: s.AuthOutput})
    def post(self, request: Request) -> Response:
        user = services.auth_login(**parse(s.LoginInput, request))
        body = {"user": user, **services.token_pair_for(user)}
        return Response(s.AuthOutput(body, context={"request": request}).data)


class AuthWeChatApi(_SignInApi):
    throttle_scope = "wechat"
    throttle_classes = (WeChatIpThrottle,)

    @extend_schema(operation_id="auth_wechat", request=s.WeChatLoginInput,
                   responses={200: s.WeChatAuthOutput})  # fmt: skip
    def post(self, request: Request) -> Response:
        user, created = services.auth_wechat(**parse(s.WeChatLoginInput, request))
        body = {"user": user, "created": created, **services.token_pair_for(user)}
        return Response(s.WeChatAuthOutput(body, context={"request": request}).data)


class AuthRefreshApi(APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)

    @extend_schema(operation_id="auth_refresh", request=s.RefreshInput,
                   responses={200: s.TokenPairOutput})  # fmt: skip
    def post(self, request: Request) -> Response:
        pair = services.token_refresh(**parse(s.RefreshInput, request))
        return Response(s.TokenPairOutput(pair).data)


class AuthLogoutApi(APIView):
    @extend_schema(operation_id="auth_logout", request=s.RefreshInput, responses={204: None})
    def post(self, request: Request) -> Response:
        services.auth_logout(user=request.user, **parse(s.RefreshInput, request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(APIView):
    @extend_schema(operation_id="me_get", responses={200: s.UserSelfOutput})
    def get(self, request: Request) -> Response:
        return Response(s.UserSelfOutput(request.user, context={"request": request}).data)

    @extend_schema(operation_id="me_update", request=s.ProfileUpdateInput,
                   responses={200: s.UserSelfOutput})  # fmt: skip
    def patch(self, request: Request) -> Response:
        data = parse(s.ProfileUpdateInput, request, partial=True)
        user = services.user_update_profile(user=request.user, data=data)
        return Response(s.UserSelfOutput(user, context={"request": request}).data)

    @extend_schema(operation_id="me_update_put", request=s.ProfileUpdateInput,
                   responses={200: s.UserSelfOutput})  # fmt: skip
    def put(self, request: Request) -> Response:
        """The same partial update as PATCH: wx.request has no PATCH."""
        return self.patch(request)

    @extend_schema(operation_id="me_delete", responses={204: None})
    def delete(self, request: Request) -> Response:
        services.user_delete(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PhoneApi(APIView):
    @extend_schema(operation_id="me_phone_bind", request=s.PhoneBindInput,
                   responses={200: s.UserSelfOutput})  # fmt: skip
    def post(self, request: Request) -> Response:
        """Bind the phone of a `getPhoneNumber` button's code. Kept encrypted; shown to you
        masked, to nobody else."""
        user = services.phone_bind(user=request.user, **parse(s.PhoneBindInput, request))
        return Response(s.UserSelfOutput(user, context={"request": request}).data)

    @extend_schema(operation_id="me_phone_unbind", responses={204: None})
    def delete(self, request: Request) -> Response:
        services.phone_unbind(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserDetailApi(APIView):
    @extend_schema(operation_id="users_get", responses={200: s.UserPublicOutput})
    def get(self, request: Request, username: str) -> Response:
        user = selectors.user_get_public(username=username)
        return Response(s.UserPublicOutput(user, context={"request": request}).data)


class BlockListCreateApi(generics.GenericAPIView):
    serializer_class = s.BlockOutput

    def get_queryset(self):
        return selectors.block_list(user=self.request.user)

    @extend_schema(operation_id="blocks_list", responses={200: s.BlockOutput(many=True)})
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(operation_id="blocks_create", request=s.BlockCreateInput,
                   responses={201: s.BlockOutput, 200: s.BlockOutput})  # fmt: skip
    def post(self, request: Request) -> Response:
        block, created = services.block_create(
            blocker=request.user, **parse(s.BlockCreateInput, request)
        )
        return Response(
            s.BlockOutput(block).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class BlockDeleteApi(APIView):
    @extend_schema(operation_id="blocks_delete", responses={204: None})
    def delete(self, request: Request, block_id: int) -> Response:
        services.block_delete(blocker=request.user, block_id=block_id)
        return Response(status=status.HTTP_204_NO_CONTENT)

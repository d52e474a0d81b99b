"""Notifications over REST: the same stored notifications the socket pushes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, TypedDict

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import SignedIn
from accounts.throttles import SettingsWriteThrottle
from core.pagination import BY_ID, KeysetPagination
from core.parsing import parse
from core.payloads import Doc, serializer_of
from core.times import to_the_minute
from realtime import preferences, previews, selectors, services
from realtime.models import Notification


class MinuteField(serializers.DateTimeField):
    """A time shown to the minute (core.times)."""

    def to_representation(self, value: datetime) -> Any:
        return super().to_representation(to_the_minute(value))


class NotificationOutput(serializers.ModelSerializer):
    created_at = MinuteField(read_only=True)
    preview = serializers.CharField(
        allow_null=True,
        help_text="the start of the text it is about, where you may still see it (else null)",
    )

    class Meta:
        model = Notification
        fields = ("id", "type", "created_at", "data", "preview", "read_at")
        read_only_fields = fields


class NotificationListApi(generics.GenericAPIView):
    serializer_class = NotificationOutput

    class FilterSerializer(serializers.Serializer):
        order = serializers.ChoiceField(
            choices=["asc", "desc"],
            required=False,
            default="asc",
            help_text="asc: oldest first (catching up, with after=); desc: newest first (a "
            "message list, with before=)",
        )
        after = serializers.IntegerField(
            min_value=0, required=False, default=0, help_text="only notifications after this id"
        )
        before = serializers.IntegerField(
            min_value=1, required=False, help_text="only notifications before this id"
        )

    @property
    def paginator(self) -> KeysetPagination:
        if not hasattr(self, "_paginator"):
            query = getattr(getattr(self, "request", None), "query_params", {})
            newest_first = query.get("order") == "desc"
            self._paginator = KeysetPagination(by=BY_ID, ascending=not newest_first)
        return self._paginator

    @extend_schema(
        operation_id="notifications_list",
        parameters=[FilterSerializer],
        responses={200: NotificationOutput(many=True)},
    )
    def get(self, request: SignedIn) -> Response:
        """Your notifications, newest first; `after` gives those past an id (catching up
        after a reconnect)."""
        filters = parse(self.FilterSerializer, request, query=True)
        notifications = selectors.notifications_between(
            user_id=request.user.pk, after_id=filters["after"], before_id=filters.get("before")
        )
        page = self.paginate_queryset(notifications) or []
        for notification, preview in zip(
            page, previews.previews_of(request.user.pk, page), strict=True
        ):
            notification.preview = preview
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class NotificationReadInput(serializers.Serializer):
    up_to = serializers.IntegerField(min_value=0)


class NotificationReadPayload(TypedDict):
    marked: Annotated[int, Doc("how many notifications became read")]


NotificationReadOutput = serializer_of(NotificationReadPayload)


class NotificationReadApi(APIView):
    @extend_schema(
        operation_id="notifications_read",
        request=NotificationReadInput,
        responses={200: NotificationReadOutput},
    )
    def post(self, request: SignedIn) -> Response:
        """Mark your notifications read, every one up to the id `up_to`."""
        marked = services.notifications_mark_read(
            user_id=request.user.pk, **parse(NotificationReadInput, request)
        )
        return Response(NotificationReadPayload(marked=marked))


class NotificationWays(serializers.Serializer):
    socket = serializers.BooleanField(
        required=False, help_text="pushed live over the socket (and in its `?after=` catch-up)"
    )
    subscribe = serializers.BooleanField(
        required=False, help_text="may use a WeChat subscribe message, where it has a template"
    )


class NotificationSettingsBody(serializers.Serializer):
    settings = serializers.DictField(
        child=NotificationWays(),
        help_text="by event type (docs/api.md's table): PUT only what changes; GET gives them all",
    )


class NotificationSettingsApi(APIView):
    throttle_classes = (SettingsWriteThrottle,)

    @extend_schema(
        operation_id="me_notification_settings", responses={200: NotificationSettingsBody}
    )
    def get(self, request: SignedIn) -> Response:
        """How you are told of each event type. Whatever you choose, every notification is
        stored and listed at `/notifications`."""
        return Response({"settings": preferences.settings_of(request.user)})

    @extend_schema(
        operation_id="me_notification_settings_set",
        request=NotificationSettingsBody,
        responses={200: NotificationSettingsBody},
    )
    def put(self, request: SignedIn) -> Response:
        """Turn ways of being told on or off, per event type (what you leave out stays)."""
        data = request.data if isinstance(request.data, dict) else {}
        changes = data.get("settings")
        if not isinstance(changes, dict):
            raise ValidationError({"settings": [_("Give an object of event types.")]})
        return Response({"settings": preferences.settings_set(user=request.user, changes=changes)})

"""Notifications over REST: the same stored notifications the socket pushes."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from confessions_backend.pagination import CursorPagination
from confessions_backend.parsing import parse
from realtime import selectors, services
from realtime.models import Notification


class NotificationOutput(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ("id", "type", "created_at", "data", "read_at")
        read_only_fields = fields


class OldestFirst(CursorPagination):
    ordering = ("id",)


class NotificationListApi(generics.GenericAPIView):
    serializer_class = NotificationOutput
    pagination_class = OldestFirst

    class FilterSerializer(serializers.Serializer):
        after = serializers.IntegerField(
            min_value=0, required=False, default=0, help_text="only notifications after this id"
        )

    def get_queryset(self):
        filters = parse(self.FilterSerializer, self.request, query=True)
        return selectors.notifications_after(
            user_id=self.request.user.pk, after_id=filters["after"]
        )

    @extend_schema(
        operation_id="notifications_list",
        parameters=[FilterSerializer],
        responses={200: NotificationOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class NotificationReadInput(serializers.Serializer):
    up_to = serializers.IntegerField(min_value=0)


class NotificationReadOutput(serializers.Serializer):
    marked = serializers.IntegerField(help_text="how many notifications became read")


class NotificationReadApi(APIView):
    @extend_schema(
        operation_id="notifications_read",
        request=NotificationReadInput,
        responses={200: NotificationReadOutput},
    )
    def post(self, request: Request) -> Response:
        marked = services.notifications_mark_read(
            user_id=request.user.pk, **parse(NotificationReadInput, request)
        )
        return Response({"marked": marked})

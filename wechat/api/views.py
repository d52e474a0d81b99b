"""HTTP doors of the wechat app: parse, call a service, render."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import SignedIn
from core.parsing import StrictCharField
from core.payloads import serializer_of
from wechat import services
from wechat.services import SubscriptionsPayload, TemplateStatePayload

# Named as the schema has always named it (made first, so the list below reuses it).
TemplateState = serializer_of(TemplateStatePayload, "TemplateState")
SubscriptionsOutput = serializer_of(SubscriptionsPayload)


class SubscriptionsInput(serializers.Serializer):
    """The body is what wx.requestSubscribeMessage answered, as it is:
    `{"<template id>": "accept" | "reject" | "ban" | "filter" | "acceptWithAudio" | ...,
    "errMsg": "requestSubscribeMessage:ok"}`. Each accept* of a configured template is one
    credit; anything else is ignored."""

    answers = serializers.DictField(child=StrictCharField(max_length=64), allow_empty=True)

    def validate_answers(self, answers: dict[str, str]) -> dict[str, str]:
        if len(answers) > 20 or any(len(key) > 64 for key in answers):
            raise serializers.ValidationError("At most 20 template ids of at most 64 characters.")
        return answers


ANSWERS_SCHEMA = {
    "type": "object",
    "additionalProperties": {"type": "string", "maxLength": 64},
    "maxProperties": 20,
    "example": {"TEMPLATE_ID": "accept", "errMsg": "requestSubscribeMessage:ok"},
}


class SubscriptionsApi(APIView):
    @extend_schema(operation_id="wechat_subscriptions_get", responses={200: SubscriptionsOutput})
    def get(self, request: SignedIn) -> Response:
        """Which subscribe-message templates you accepted, and how many sends each has left."""
        return Response(
            SubscriptionsPayload(templates=services.subscriptions_state(user=request.user))
        )

    @extend_schema(
        operation_id="wechat_subscriptions_record",
        request={"application/json": ANSWERS_SCHEMA},
        responses={200: SubscriptionsOutput},
    )
    def post(self, request: SignedIn) -> Response:
        """Record what wx.requestSubscribeMessage answered (the answer object as the body)."""
        serializer = SubscriptionsInput(data={"answers": request.data})
        serializer.is_valid(raise_exception=True)
        answers = serializer.validated_data["answers"]
        state = services.subscriptions_record(user=request.user, answers=answers)
        return Response(SubscriptionsPayload(templates=state))

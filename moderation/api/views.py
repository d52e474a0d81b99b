"""HTTP doors of moderation for users: what they are shown of the measures against them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, Literal, TypedDict, cast

from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.authentication import SignedIn
from core.errors import ApplicationError
from core.pagination import KeysetPagination
from core.parsing import StrictCharField, parse
from core.payloads import Doc, serializer_of
from moderation import appeals, sanctions
from moderation.models import Appeal, Sanction


class SanctionPayload(TypedDict):
    id: int
    kind: Literal["warning", "mute", "ban"]
    reason: Annotated[str, Doc("the reason category (harassment, spam, sexual, ...)")]
    created_at: datetime
    until: Annotated[datetime | None, Doc("when it ends by itself; null: a warning, or for good")]
    active: Annotated[bool, Doc("it holds now")]


SanctionOutput = serializer_of(SanctionPayload)


def sanction_render(sanction: Sanction) -> SanctionPayload:
    return {
        "id": sanction.pk,
        "kind": cast(Literal["warning", "mute", "ban"], sanction.kind),
        "reason": sanction.reason,
        "created_at": sanction.created_at,
        "until": sanction.until,
        "active": sanction.ended_at is None and sanction.kind != Sanction.Kind.WARNING,
    }


class MySanctionsApi(generics.GenericAPIView):
    serializer_class = SanctionOutput
    pagination_class = KeysetPagination

    @extend_schema(operation_id="me_sanctions", responses={200: SanctionOutput(many=True)})
    def get(self, request: SignedIn) -> Response:
        """Your sanctions, current and past, newest first."""
        page = self.paginate_queryset(sanctions.sanctions_of(user=request.user)) or []
        return self.get_paginated_response([sanction_render(sanction) for sanction in page])


class AppealPayload(TypedDict):
    id: int
    kind: Annotated[str, Doc("confession, reply, post, comment or sanction")]
    target_id: Annotated[int, Doc("the id of what was appealed")]
    text: str
    status: Literal["pending", "upheld", "overturned"]
    note: Annotated[str, Doc("the moderators' answer, once decided")]
    created_at: datetime
    decided_at: datetime | None


AppealOutput = serializer_of(AppealPayload)


def appeal_render(appeal: Appeal) -> AppealPayload:
    return {
        "id": appeal.pk,
        "kind": appeal.kind,
        "target_id": appeal.target_id,
        "text": appeal.text,
        "status": cast(Literal["pending", "upheld", "overturned"], appeal.status),
        "note": appeal.note,
        "created_at": appeal.created_at,
        "decided_at": appeal.decided_at,
    }


class AppealInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["confession", "reply", "post", "comment", "sanction"])
    id = serializers.IntegerField(min_value=1, help_text="the id of what you appeal")
    text = StrictCharField(max_length=500, help_text="why moderators should look again")
    appeal_token = StrictCharField(
        max_length=500,
        required=False,
        help_text="signed out, a banned user appeals their ban with the `appeal_token` signing "
        "in answered with (403 `account_disabled`), `kind` `sanction` and its `sanction_id`",
    )


class AppealsApi(generics.GenericAPIView):
    serializer_class = AppealOutput
    pagination_class = KeysetPagination

    @extend_schema(operation_id="appeals_list", responses={200: AppealOutput(many=True)})
    def get(self, request: SignedIn) -> Response:
        """Your appeals, newest first, with their status and the moderators' answer."""
        mine = Appeal.objects.filter(appellant=request.user)
        page = self.paginate_queryset(mine) or []
        return self.get_paginated_response([appeal_render(appeal) for appeal in page])

    def get_permissions(self) -> Sequence[Any]:
        # A banned user, who cannot sign in, appeals their ban with a token (`appeal_token`).
        if self.request.method == "POST":
            return [AllowAny()]
        return super().get_permissions()

    @extend_schema(
        operation_id="appeals_create", request=AppealInput, responses={201: AppealOutput}
    )
    def post(self, request: Request) -> Response:
        """Appeal a confession, reply, post or comment of yours that moderators took down, or a
        sanction against you: once each (a second time is 409 `already_appealed`). A banned
        user, who cannot sign in, appeals the ban signed out with its `appeal_token`."""
        data = parse(AppealInput, request)
        if data.get("appeal_token"):
            user = appeals.appellant_of(data["appeal_token"], data["id"])
            if data["kind"] != appeals.SANCTION:
                raise ApplicationError(
                    "validation_error", gettext("An appeal token appeals a ban only.")
                )
        elif request.user.is_authenticated:
            user = request.user
        else:
            raise NotAuthenticated
        appeal = appeals.appeal_create(
            user=user, kind=data["kind"], target_id=data["id"], text=data["text"]
        )
        return Response(appeal_render(appeal), status=status.HTTP_201_CREATED)

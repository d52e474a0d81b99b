"""HTTP doors of moderation for users: what they are shown of the measures against them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, TypedDict, cast

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response

from accounts.authentication import SignedIn
from core.pagination import KeysetPagination
from core.payloads import Doc, serializer_of
from moderation import sanctions
from moderation.models import Sanction


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

"""The one way every HTTP door reads its input: a serializer validates the body, and a bad
one raises DRF's ValidationError, which the error envelope renders as 400
`validation_error` with the fields."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request


def parse(
    serializer_class: type[serializers.Serializer],
    request: Request,
    *,
    partial: bool = False,
    query: bool = False,
) -> dict[str, Any]:
    """The validated input of `request`: its body, or with `query=True` its query string."""
    data = request.query_params if query else request.data
    serializer = serializer_class(data=data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data

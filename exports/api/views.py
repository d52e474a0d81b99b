"""HTTP door of the exports app: parse, call a service, render."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import SignedIn
from exports import services
from exports.models import DataExport


class ExportOutput(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=DataExport.Status.choices)
    requested_at = serializers.DateTimeField()
    ready_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(
        allow_null=True, help_text="the link works until then; the zip is deleted after"
    )
    size = serializers.IntegerField(help_text="bytes, once ready")
    url = serializers.URLField(allow_null=True, help_text="signed: the zip, while `ready`")


class ExportLatestOutput(serializers.Serializer):
    export = ExportOutput(allow_null=True, help_text="your latest export; null if none")


def _render(request: SignedIn, export: DataExport) -> dict[str, Any]:
    url = None
    if export.status == DataExport.Status.READY:
        url = request.build_absolute_uri(services.download_url(export))
    return {
        "id": export.pk,
        "status": export.status,
        "requested_at": export.requested_at,
        "ready_at": export.ready_at,
        "expires_at": export.expires_at,
        "size": export.size,
        "url": url,
    }


class ExportApi(APIView):
    @extend_schema(operation_id="me_export", responses={200: ExportLatestOutput})
    def get(self, request: SignedIn) -> Response:
        """Your latest export: its state, and its link while it is ready."""
        export = services.export_latest(user=request.user)
        return Response({"export": _render(request, export) if export else None})

    @extend_schema(operation_id="me_export_request", request=None, responses={202: ExportOutput})
    def post(self, request: SignedIn) -> Response:
        """Ask for a copy of your data (one a day): a zip of your profile, what you wrote and
        received (never who sent you something anonymously), your likes, blocks and mutes,
        and your own photos and videos. `account.export_ready` brings its link, valid
        EXPORT_TTL_HOURS; then it is deleted."""
        export = services.export_request(user=request.user)
        return Response(_render(request, export), status=status.HTTP_202_ACCEPTED)

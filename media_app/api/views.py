"""HTTP doors of media_app: upload, show, delete, and (filesystem storage only) the signed
file URL."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_safe
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from confessions_backend.errors import ApplicationError
from confessions_backend.parsing import parse
from media_app import selectors, services
from media_app.rendering import media_render
from media_app.signed_urls import file_claims

# Multipart overhead on top of the largest file we accept.
_ENVELOPE_BYTES = 64 * 1024


class MediaOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=["image", "video"])
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    duration = serializers.FloatField(allow_null=True, help_text="seconds, videos only")
    url = serializers.URLField(help_text="signed, expires after MEDIA_URL_TTL_SECONDS")
    thumbnail_url = serializers.URLField(allow_null=True)


class MediaUploadInput(serializers.Serializer):
    file = serializers.FileField(help_text="JPEG, PNG, WebP (10 MB), or MP4/MOV (50 MB, 60 s)")


class MediaUploadApi(APIView):
    parser_classes = (MultiPartParser,)

    @extend_schema(operation_id="media_upload", request={"multipart/form-data": MediaUploadInput},
                   responses={201: MediaOutput})  # fmt: skip
    def post(self, request: Request) -> Response:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        largest = max(settings.MEDIA_MAX_IMAGE_BYTES, settings.MEDIA_MAX_VIDEO_BYTES)
        if declared > largest + _ENVELOPE_BYTES:
            # Refuse before reading (and spooling) the body at all.
            raise ApplicationError("payload_too_large", "The upload is too large.", status=413)
        media = services.media_upload(owner=request.user, **parse(MediaUploadInput, request))
        return Response(media_render(media, request=request), status=status.HTTP_201_CREATED)


class MediaDetailApi(APIView):
    @extend_schema(operation_id="media_get", responses={200: MediaOutput})
    def get(self, request: Request, media_id: int) -> Response:
        media = selectors.media_get_for_viewer(user=request.user, media_id=media_id)
        return Response(media_render(media, request=request))

    @extend_schema(operation_id="media_delete", responses={204: None})
    def delete(self, request: Request, media_id: int) -> Response:
        services.media_delete(user=request.user, media_id=media_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


@require_safe
def media_file(request: HttpRequest, token: str) -> FileResponse:
    """Serves a stored file for a valid, unexpired signature (FileSystemStorage only: with S3
    the signed URL points at S3 itself)."""
    try:
        claims = file_claims(token)
        handle = default_storage.open(claims["k"], "rb")
    except (signing.BadSignature, KeyError, TypeError, FileNotFoundError, OSError):
        raise Http404 from None
    extension = claims["k"].rsplit(".", 1)[-1]
    response = FileResponse(handle, content_type=claims["t"])
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="media.{extension}"'
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = f"private, max-age={settings.MEDIA_URL_TTL_SECONDS}"
    return response

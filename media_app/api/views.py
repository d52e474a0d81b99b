"""HTTP doors of media_app: upload, show, delete, and (filesystem storage only) the signed
file URL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext
from django.views.decorators.http import require_safe
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import SignedIn
from core.errors import ApplicationError
from core.parsing import parse
from core.payloads import serializer_of
from media_app import selectors, services
from media_app.rendering import MediaPayload, media_render
from media_app.signed_urls import file_claims

# Multipart overhead on top of the largest file we accept.
_ENVELOPE_BYTES = 64 * 1024


MediaOutput = serializer_of(MediaPayload)


class MediaUploadInput(serializers.Serializer):
    file = serializers.FileField(
        help_text="JPEG, PNG, WebP, HEIC/HEIF or AVIF (10 MB), or MP4/MOV (50 MB, 60 s); not GIF",
    )


class MediaUploadApi(APIView):
    parser_classes = (MultiPartParser,)

    @extend_schema(
        operation_id="media_upload",
        request={"multipart/form-data": MediaUploadInput},
        responses={201: MediaOutput},
    )
    def post(self, request: SignedIn) -> Response:
        """Upload a photo or a short video (multipart, field `file`). It is checked,
        cleaned of its metadata and stored; attach its id to a confession, reply or post."""
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        largest = max(settings.MEDIA_MAX_IMAGE_BYTES, settings.MEDIA_MAX_VIDEO_BYTES)
        if declared > largest + _ENVELOPE_BYTES:
            # Refuse before reading (and spooling) the body at all.
            raise ApplicationError(
                "payload_too_large", gettext("The upload is too large."), status=413
            )
        media = services.media_upload(owner=request.user, **parse(MediaUploadInput, request))
        return Response(media_render(media, request=request), status=status.HTTP_201_CREATED)


class MediaDetailApi(APIView):
    @extend_schema(operation_id="media_get", responses={200: MediaOutput})
    def get(self, request: SignedIn, media_id: int) -> Response:
        """An upload you may see, with its signed links."""
        media = selectors.media_get_for_viewer(user=request.user, media_id=media_id)
        return Response(media_render(media, request=request))

    @extend_schema(operation_id="media_delete", responses={204: None})
    def delete(self, request: SignedIn, media_id: int) -> Response:
        """Delete an upload of yours that nothing uses yet."""
        services.media_delete(user=request.user, media_id=media_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
_CHUNK = 64 * 1024


def _slice(handle: Any, start: int, length: int) -> Iterator[bytes]:
    handle.seek(start)
    try:
        while length > 0:
            chunk = handle.read(min(_CHUNK, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk
    finally:
        handle.close()


@require_safe
def media_file(request: HttpRequest, token: str) -> HttpResponse | StreamingHttpResponse:
    """Serves a stored file for a valid, unexpired signature (FileSystemStorage only: with S3
    the signed URL points at S3 itself). Answers a single `Range` (206), as iOS asks of video
    (`make run` serves files this way)."""
    try:
        claims = file_claims(token)
        handle = default_storage.open(claims["k"], "rb")
        size = default_storage.size(claims["k"])
    except (signing.BadSignature, KeyError, TypeError, FileNotFoundError, OSError):
        raise Http404 from None
    asked = _RANGE.fullmatch(request.headers.get("Range", "").strip())
    if asked and (asked[1] or asked[2]):
        if asked[1]:
            start = int(asked[1])
            end = min(int(asked[2]), size - 1) if asked[2] else size - 1
        else:  # the last N bytes
            start, end = max(size - int(asked[2]), 0), size - 1
        if start > end or start >= size:
            handle.close()
            refused = HttpResponse(status=416)
            refused["Content-Range"] = f"bytes */{size}"
            return refused
        response = StreamingHttpResponse(
            _slice(handle, start, end - start + 1), status=206, content_type=claims["t"]
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    else:  # no Range, or one we do not serve in part (several ranges): the whole file
        response = FileResponse(handle, content_type=claims["t"])
    extension = claims["k"].rsplit(".", 1)[-1]
    response["Accept-Ranges"] = "bytes"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="media.{extension}"'
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = f"private, max-age={settings.MEDIA_URL_TTL_SECONDS}"
    return response

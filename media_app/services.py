"""Every write of media_app: uploads, deletion, attaching to confessions, cleanup.

Storage and database stay consistent: objects are written before the row, and removed again
if the row cannot be committed; a row's objects are removed only after its deletion commits.
A storage outage is a 503 with nothing stored.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import botocore.exceptions
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from prometheus_client import Counter

from accounts.models import User
from background.worker import RetryLater
from core.errors import DEPENDENCY_ERRORS, ApplicationError, ServiceUnavailable
from core.moderated import Status
from media_app import checks, processing
from media_app.models import Media

logger = logging.getLogger(__name__)

MAX_IMAGES_PER_CONFESSION = 9
KEY_PREFIX = "m"
STORAGE_ERRORS = (OSError, botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError)


def _storage_unavailable(exc: Exception) -> ServiceUnavailable:
    logger.warning("media storage failed: %s: %s", type(exc).__name__, exc)
    return ServiceUnavailable(gettext("Media storage is unavailable; try again soon."))


class _StorageGate:
    """How many uploads of this process write to storage at once, and whether storage just
    failed. A frozen S3 held a server thread per upload for the whole timeout: eight uploads at
    once took every gunicorn thread, and an unrelated request waited behind them. Now at most
    MEDIA_UPLOADS_AT_ONCE uploads write at a time (another waits up to a second, then is a
    503), and for twice AWS_S3_TIMEOUT_SECONDS after a storage error every upload is a 503 at
    once, with Retry-After: threads stay free for everything else."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._slots: threading.BoundedSemaphore | None = None
        self._size = 0
        self.down_until = 0.0

    def _semaphore(self) -> threading.BoundedSemaphore:
        with self._lock:
            if self._slots is None or self._size != settings.MEDIA_UPLOADS_AT_ONCE:
                self._size = settings.MEDIA_UPLOADS_AT_ONCE
                self._slots = threading.BoundedSemaphore(self._size)
            return self._slots

    def refuse_while_down(self) -> None:
        """A 503 at once while storage is known to be failing (before any work on the file)."""
        wait = self.down_until - time.monotonic()
        if wait > 0:
            raise self._refusal(wait)

    @contextmanager
    def writing(self) -> Iterator[None]:
        self.refuse_while_down()
        slots = self._semaphore()
        if not slots.acquire(timeout=1):
            raise self._refusal(1)
        try:
            yield
        except STORAGE_ERRORS:
            self.down_until = time.monotonic() + 2 * settings.AWS_S3_TIMEOUT_SECONDS
            raise
        finally:
            slots.release()

    @staticmethod
    def _refusal(wait: float) -> ApplicationError:
        return ApplicationError(
            "service_unavailable",
            gettext("Media storage is unavailable; try again soon."),
            status=503,
            headers={"Retry-After": str(max(1, math.ceil(wait)))},
        )


_storage_gate = _StorageGate()


def new_storage_key_base() -> str:
    """Where a new upload's objects go: `m/<uuid>`, with nothing of its owner in it.

    Keys are visible to whoever gets a signed URL (a presigned S3 URL carries the key in its
    path). Any stable per-user part, even an opaque hash, would let a recipient link an
    anonymous confession's photos to the same sender's named ones, so there is none: which
    objects belong to whom is the database's `Media.owner`, and deletion goes by it.
    """
    return f"{KEY_PREFIX}/{uuid.uuid4().hex}"


def _check_quota(owner: User, size: int) -> None:
    since = timezone.now() - timedelta(days=1)
    if Media.objects.filter(owner=owner, created_at__gte=since).count() >= (
        settings.MEDIA_UPLOADS_PER_DAY
    ):
        raise ApplicationError(
            "throttled",
            gettext("At most %(limit)d uploads a day.") % {"limit": settings.MEDIA_UPLOADS_PER_DAY},
            status=429,
            headers={"Retry-After": "3600"},
        )
    used = Media.objects.filter(owner=owner).aggregate(total=Sum("size"))["total"] or 0
    if used + size > settings.MEDIA_QUOTA_BYTES:
        raise ApplicationError(
            "payload_too_large",
            gettext("Your media storage quota is full; delete something first."),
            status=413,
        )


def _save(key: str, data: bytes, content_type: str) -> None:
    content = ContentFile(data)
    content.content_type = content_type  # type: ignore[attr-defined]  # S3 stores this, not a guess from the name
    stored = default_storage.save(key, content)
    if stored != key:  # never happens with uuid keys; never overwrite silently either
        default_storage.delete(stored)
        raise RuntimeError(f"storage renamed {key} to {stored}")


def _delete_objects(keys: list[str]) -> None:
    for key in keys:
        try:
            default_storage.delete(key)
        except STORAGE_ERRORS as exc:
            logger.error("could not delete media object %s: %s", key, exc)


def _delete_objects_later(keys: list[str]) -> None:
    if not keys:
        return
    from media_app import tasks

    try:
        tasks.media_objects_delete.enqueue(keys)
    except DEPENDENCY_ERRORS as exc:
        logger.error("could not queue the deletion of media objects %s: %s", keys, exc)


def media_objects_delete(*, keys: list[str]) -> None:
    """The objects of an upload that failed half-way; a storage error is tried again."""
    for key in keys:
        try:
            default_storage.delete(key)
        except STORAGE_ERRORS as exc:
            raise RetryLater(f"could not delete media object {key}: {exc}") from None


def _rejected(exc: processing.MediaRejected) -> ApplicationError:
    return ApplicationError(exc.code, exc.translated(), status=exc.status)


# Prometheus (core.metrics): uploads kept, by kind, and refused, by the error's code.
PROCESSED = Counter("media_processed", "Uploads checked, cleaned and stored, by kind.", ["kind"])
REFUSED = Counter("media_refused", "Uploads refused, by the error's code.", ["code"])


def media_upload(*, owner: User, file: UploadedFile) -> Media:
    """Check, clean and store one upload for `owner`; returns the ready `Media` (counted)."""
    try:
        media = _media_upload(owner=owner, file=file)
    except ApplicationError as exc:
        REFUSED.labels(exc.code).inc()
        raise
    PROCESSED.labels(media.kind).inc()
    return media


def _media_upload(*, owner: User, file: UploadedFile) -> Media:
    """Check, clean and store one upload for `owner`; returns the ready `Media`.

    Raises `ApplicationError`: 415 unsupported type, 413 too big or over quota, 429 too many
    today, 400 unreadable / too long / too many pixels, 503 storage unavailable. On any error
    nothing is left behind, in storage or in the database.
    """
    _storage_gate.refuse_while_down()
    head = file.read(64)
    file.seek(0)
    try:
        kind, detail = processing.sniff(head)
    except processing.MediaRejected as exc:
        raise _rejected(exc) from None
    limit = settings.MEDIA_MAX_IMAGE_BYTES if kind == "image" else settings.MEDIA_MAX_VIDEO_BYTES
    size = file.size or 0
    if size > limit:
        raise ApplicationError(
            "payload_too_large",
            (
                gettext("Images may be at most %(mb)d MB.")
                if kind == "image"
                else gettext("Videos may be at most %(mb)d MB.")
            )
            % {"mb": limit // 2**20},
            status=413,
        )
    _check_quota(owner, size)

    base = new_storage_key_base()
    display = None
    try:
        if kind == "image":
            image = processing.process_image(file, detail)
            main, thumbnail, display = image.main, image.thumbnail, image.display
            duration = None
            content_type, main_data = main.content_type, main.data
            main_key = f"{base}.{main.extension}"
            width, height = main.width, main.height
        else:
            path, scratch = processing.spooled_path(file)
            try:
                video = processing.probe_video(path, detail)
            finally:
                if scratch is not None:
                    scratch.cleanup()
            file.seek(0)
            main_data = file.read()
            thumbnail, duration = video.poster, video.duration
            content_type, main_key = video.content_type, f"{base}.{video.extension}"
            width, height = video.width, video.height
    except processing.MediaRejected as exc:
        raise _rejected(exc) from None
    thumbnail_key = f"{base}_thumb.{thumbnail.extension}"
    display_key = f"{base}_display.{display.extension}" if display is not None else ""
    objects = [
        (main_key, main_data, content_type),
        (thumbnail_key, thumbnail.data, thumbnail.content_type),
    ]
    if display is not None:
        objects.append((display_key, display.data, display.content_type))

    written: list[str] = []
    try:
        with _storage_gate.writing():
            for key, data, object_type in objects:
                _save(key, data, object_type)
                written.append(key)
    except STORAGE_ERRORS as exc:
        # Storage is failing: removing what was written would wait on it again, so a task
        # does it (retried until storage is back).
        _delete_objects_later(written)
        raise _storage_unavailable(exc) from None

    checked = checks.applies_to(owner)
    try:
        with transaction.atomic():
            media = Media.objects.create(
                owner=owner,
                kind=kind,
                storage_key=main_key,
                content_type=content_type,
                size=len(main_data),
                width=width,
                height=height,
                duration=duration,
                thumbnail_key=thumbnail_key,
                display_key=display_key,
                sha256=hashlib.sha256(main_data).hexdigest(),
                check_status=Media.Check.CHECKING if checked else Media.Check.UNCHECKED,
                status=Status.PENDING if checked else Status.APPROVED,
                moderation_note=checks.CHECKING_NOTE if checked else "",
            )
            if checked:
                checks.start(media)
            return media
    except BaseException:
        # No row will point at these objects: take them away again.
        _delete_objects(written)
        raise


@transaction.atomic
def media_delete(*, user: User, media_id: int) -> None:
    """The owner deletes an upload no confession carries; its objects go after commit."""
    media = Media.objects.select_for_update().filter(pk=media_id, owner=user).first()
    if media is None:
        raise Http404
    if media.attached_at is not None:
        raise ApplicationError(
            "media_attached",
            gettext("This media is in use (a confession carries it, or it is your avatar)."),
            status=409,
        )
    media.delete()  # the post_delete receiver removes the objects after commit


def delete_objects_after_commit(media: Media) -> None:
    keys = [key for key in (media.storage_key, media.thumbnail_key, media.display_key) if key]
    transaction.on_commit(lambda: _delete_objects(keys))


def media_for_attachment(*, owner: User, media_ids: list[int]) -> list[Media]:
    """The media a new confession of `owner` may carry, in the order given.

    Each must be `owner`'s, ready and not carried by anything yet; at most nine images, or a
    single video on its own. Raises Django's `ValidationError` on the `media` field otherwise.
    """
    if not media_ids:
        return []
    if len(set(media_ids)) != len(media_ids):
        raise ValidationError({"media": [gettext("The same media is listed twice.")]})
    found = {m.pk: m for m in Media.objects.filter(pk__in=media_ids, owner=owner)}
    if len(found) != len(media_ids):
        raise ValidationError({"media": [gettext("No such media of yours.")]})
    media = [found[media_id] for media_id in media_ids]
    if any(item.attached_at is not None for item in media):
        raise ValidationError(
            {"media": [gettext("This media is already in use (sent, or your avatar).")]}
        )
    if any(item.check_status == Media.Check.REJECTED for item in media):
        raise ValidationError({"media": [gettext("This image was refused by the content check.")]})
    videos = [item for item in media if item.kind == Media.Kind.VIDEO]
    if videos and len(media) > 1:
        raise ValidationError({"media": [gettext("A video goes alone, without other media.")]})
    if len(media) > MAX_IMAGES_PER_CONFESSION:
        raise ValidationError(
            {
                "media": [
                    gettext("At most %(count)d images per confession.")
                    % {"count": MAX_IMAGES_PER_CONFESSION}
                ]
            }
        )
    return media


def media_attach(*, media: list[Media]) -> None:
    """Mark `media` as in use (carried by a confession, or an avatar), inside the caller's
    transaction. The one place media becomes used: `attached_at` is what every rule asks.
    Race-safe: if anything took any of them meanwhile, nothing is marked and
    `ValidationError` is raised."""
    if not media:
        return
    with transaction.atomic():  # a savepoint: a refusal leaves the caller's work usable
        marked = Media.objects.filter(
            pk__in=[item.pk for item in media], attached_at__isnull=True
        ).update(attached_at=timezone.now())
        if marked != len(media):
            raise ValidationError(
                {"media": [gettext("This media is already in use (sent, or your avatar).")]}
            )


@transaction.atomic
def media_cleanup(*, older_than: timedelta) -> int:
    """Delete uploads never put to use (in a confession or as an avatar) older than
    `older_than`."""
    stale = Media.objects.filter(
        attached_at__isnull=True, created_at__lt=timezone.now() - older_than
    )
    count = 0
    for media in stale.iterator():
        media.delete()
        count += 1
    return count

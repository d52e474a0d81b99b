"""WeChat's image check (`wxa/media_check_async` v2) of what WeChat users upload.

A WeChat user's image (a video's poster frame) is `checking` from its upload: a task hands
WeChat a presigned URL that lives 2 hours, and WeChat pushes its verdict within 30 minutes
(`wxa_media_check`, which the wechat app passes to `media_check_verdict`). `pass` passes it;
`risky` rejects it and deletes its files; `review`, an error from WeChat, or no verdict in 30
minutes (`media_check_expire`) sends it to moderators. Whoever holds something back for an
image (a confession carrying it) registers a listener here (`verdict_listeners`) and hears of every
outcome. Without WeChat, for users without an openid, or on filesystem storage (WeChat cannot
fetch from it), uploads are not checked."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from storages.backends.s3 import S3Storage

from accounts.models import User
from background.worker import RetryLater
from core.moderated import Status
from core.registry import Registry
from media_app.models import Media
from media_app.rendering import image_type
from media_app.signed_urls import s3_presigned, s3_target, storage_now
from wechat import client as wechat

logger = logging.getLogger(__name__)

URL_LIFETIME_SECONDS = 2 * 3600
CHECKING_NOTE = "image check: waiting for WeChat"
# WeChat's verdict as the image's moderation status, and the note a moderator reads.
_AS_MODERATION: dict[str, tuple[str, str]] = {
    Media.Check.PASSED: (Status.APPROVED, ""),
    Media.Check.REVIEW: (Status.PENDING, "image check: for moderators"),
    Media.Check.REJECTED: (Status.REJECTED, "image check: rejected"),
}
VERDICT_WITHIN = timedelta(minutes=30)
# Who hears WeChat's verdict on an image, inside the verdict's transaction (moderation holds
# and releases what carries it; avatars are shown or cleared): `listener(media)`.
verdict_listeners: Registry[Callable[[Media], None]] = Registry("media_app.verdict_listeners")


def _decided(media: Media) -> None:
    verdict_listeners.call(media)


def applies_to(owner: User) -> bool:
    """Whether `owner`'s uploads are checked: WeChat configured, a WeChat user, S3 storage."""
    return bool(settings.WECHAT_APPID and owner.wechat_openid) and isinstance(
        default_storage, S3Storage
    )


def start(media: Media) -> None:
    """At the upload of `media` (created `checking`), in its transaction: ask WeChat (a
    task), and give up waiting at 30 min."""
    from media_app import tasks

    tasks.media_check_request.enqueue(media.pk)
    tasks.media_check_expire.using(run_after=timezone.now() + VERDICT_WITHIN).enqueue(media.pk)


def _checked_key(media: Media) -> tuple[str, str]:
    if media.kind == Media.Kind.VIDEO:  # its poster frame, as we stored it
        return media.thumbnail_key, image_type(media.thumbnail_key)
    return media.storage_key, media.content_type


@transaction.atomic
def media_check_request(*, media_id: int) -> str:
    media = Media.objects.select_for_update().select_related("owner").filter(pk=media_id).first()
    if media is None or media.check_status != Media.Check.CHECKING or media.check_trace_id:
        return "nothing_to_ask"
    key, content_type = _checked_key(media)
    url = s3_presigned(
        s3_target(storage_now()), key, content_type, int(time.time()), URL_LIFETIME_SECONDS
    )
    payload = {
        "media_url": url,
        "media_type": 2,
        "version": 2,
        "scene": 4,
        "openid": media.owner.wechat_openid,
    }
    try:
        answer = wechat.get_client().call("wxa/media_check_async", payload)
    except wechat.WeChatUnavailable as exc:
        raise RetryLater(str(exc)) from None
    except (wechat.WeChatError, wechat.WeChatNotConfigured) as exc:
        logger.warning("image %s not checked by WeChat (%s): to moderators", media.pk, exc)
        _conclude(media, Media.Check.REVIEW, "not_checked")
        return "review"
    media.check_trace_id = str(answer.get("trace_id", ""))[:64] or None
    media.save(update_fields=["check_trace_id"])
    return "asked"


@transaction.atomic
def media_check_verdict(*, trace_id: str, suggest: str, label: str = "") -> str:
    """WeChat's verdict on the image it checked under `trace_id`."""
    media = Media.objects.select_for_update().filter(check_trace_id=trace_id).first()
    if media is None or media.check_status != Media.Check.CHECKING:
        return "no_image_waiting"
    status = {"pass": Media.Check.PASSED, "risky": Media.Check.REJECTED}.get(
        suggest, Media.Check.REVIEW
    )
    _conclude(media, status, label)
    return status


@transaction.atomic
def media_check_expire(*, media_id: int) -> str:
    """No verdict in 30 minutes: moderators decide."""
    media = Media.objects.select_for_update().filter(pk=media_id).first()
    if media is None or media.check_status != Media.Check.CHECKING:
        return "decided"
    _conclude(media, Media.Check.REVIEW, "no_verdict")
    return "review"


def _conclude(media: Media, status: str, label: str) -> None:
    media.check_status, media.check_label = status, str(label)[:32]
    media.status, media.moderation_note = _AS_MODERATION[status]
    if media.moderation_note:
        media.moderation_note = f"{media.moderation_note} ({media.check_label})"
    fields = ["check_status", "check_label", "status", "moderation_note"]
    media.save(update_fields=fields)
    if status == Media.Check.REJECTED:
        from media_app.services import delete_objects_after_commit

        delete_objects_after_commit(media)
    _decided(media)

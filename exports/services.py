"""A user's copy of their data (PIPL art. 45): `POST /me/export` asks for it (one a day), the
worker builds a zip in the private storage (`exports.contents`: JSON of what the user wrote,
received, and keeps, and their own media files), `account.export_ready` brings a signed link
valid EXPORT_TTL_HOURS, and the zip is deleted when the link expires."""

from __future__ import annotations

import json
import logging
import secrets
import tempfile
import time
import zipfile
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from storages.backends.s3 import S3Storage

from accounts.models import User
from core.errors import ApplicationError
from exports import contents, events
from exports.models import DataExport
from media_app.signed_urls import file_path, s3_presigned, s3_target, storage_now
from realtime.services import notify

logger = logging.getLogger(__name__)

ZIP_TYPE = "application/zip"
README = """This is a copy of your data on Confessions, made {made}.

profile.json                your account
confessions_sent.json       what you sent, with your replies and hints
confessions_received.json   what you received (an anonymous sender is null)
crushes.json                your secret crushes and matches
inbox_link.json             your personal inbox link
wall_posts.json, wall_comments.json, wall_memberships.json
kept.json                   your likes, follows, blocks and reports
media.json, media/          your own photos and videos
"""


def export_request(*, user: User) -> DataExport:
    """Ask for an export: 429 `export_limited` within a day of the last one asked (not
    failed), else a new one, built by the worker."""
    from exports import tasks

    since = timezone.now() - timedelta(days=1)
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one request at a time
        last = (
            DataExport.objects.filter(user=user, requested_at__gte=since)
            .exclude(status=DataExport.Status.FAILED)
            .first()
        )
        if last is not None:
            wait = int((last.requested_at + timedelta(days=1) - timezone.now()).total_seconds())
            raise ApplicationError(
                "export_limited",
                gettext("One export a day: the next in %(hours)d hours.")
                % {"hours": max(wait // 3600, 1)},
                status=429,
                headers={"Retry-After": str(max(wait, 1))},
            )
        export = DataExport.objects.create(user=user)
        # In the same transaction (the tasks' queue is a table): both or neither.
        tasks.export_build.enqueue(export.pk)
    return export


def export_build(*, export_id: int) -> int:
    """Build the zip of a pending export, keep it, and tell its user; returns its size."""
    export = (
        DataExport.objects.select_related("user")
        .filter(pk=export_id, status=DataExport.Status.PENDING)
        .first()
    )
    if export is None:
        return 0
    user = export.user
    key = f"exports/{user.pk}/{secrets.token_urlsafe(24)}.zip"
    try:
        with tempfile.TemporaryFile() as spool:
            _write_zip(spool, user)
            size = spool.tell()
            spool.seek(0)
            stored = default_storage.save(key, File(spool, name=key))
    except Exception:
        logger.exception("export %s failed", export.pk)
        DataExport.objects.filter(pk=export.pk).update(status=DataExport.Status.FAILED)
        raise
    now = timezone.now()
    expires = now + timedelta(hours=settings.EXPORT_TTL_HOURS)
    with transaction.atomic():
        DataExport.objects.filter(pk=export.pk).update(
            status=DataExport.Status.READY,
            ready_at=now,
            expires_at=expires,
            storage_key=stored,
            size=size,
        )
        export.storage_key, export.expires_at = stored, expires
        if user.is_active:
            url = download_url(export)
            notify(
                user=user,
                **events.export_ready(export_id=export.pk, url=url, expires_at=expires),
            )
    return size


def _write_zip(spool, user: User) -> None:
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README.format(made=timezone.now().isoformat()))
        media = contents.media(user)
        for name, section in contents.sections(user, media).items():
            text = json.dumps(section, ensure_ascii=False, indent=2, default=str)
            archive.writestr(f"{name}.json", text)
        for item in media:
            try:
                with default_storage.open(item.storage_key, "rb") as source:
                    with archive.open(contents.media_file_name(item), "w") as target:
                        for chunk in iter(lambda: source.read(1 << 20), b""):
                            target.write(chunk)
            except FileNotFoundError:
                logger.warning("export of %s: media %s missing", user.pk, item.pk)
    spool.seek(0, 2)


def download_url(export: DataExport) -> str:
    """A signed link to the zip until the export expires: S3's own (absolute), or, with files
    on this server's disk, the path of our signed file view."""
    if export.expires_at is None:
        raise ValueError("an export without its expiry has no link")
    expires_at = int(export.expires_at.timestamp())
    storage = storage_now()
    if isinstance(storage, S3Storage):
        now = int(time.time())
        return s3_presigned(s3_target(storage), export.storage_key, ZIP_TYPE, now, expires_at - now)
    return file_path(export.storage_key, ZIP_TYPE, expires_at, settings.SECRET_KEY)


def export_latest(*, user: User) -> DataExport | None:
    return DataExport.objects.filter(user=user).first()


def exports_expire() -> int:
    """Delete the zips of expired exports; returns how many."""
    expired = DataExport.objects.filter(
        status=DataExport.Status.READY, expires_at__lte=timezone.now()
    )
    count = 0
    for export in expired:
        try:
            default_storage.delete(export.storage_key)
        except FileNotFoundError:
            pass
        DataExport.objects.filter(pk=export.pk).update(
            status=DataExport.Status.EXPIRED, storage_key=""
        )
        count += 1
    return count

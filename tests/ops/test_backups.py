"""Backups: the restore drill (bin/backup-drill) against SeaweedFS and a database of its own,
rows, media bytes and a user's inbox the same after back up, wipe, restore; dumps pruned to
BACKUP_KEEP; a restore refused over a database that is not empty."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from ops import backups
from tests.servers import database_url_of_test_database, s3_environment

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.service("postgres"), pytest.mark.service("s3")]


def test_the_restore_drill_brings_everything_back(s3_server):
    env = {
        **os.environ,
        **s3_environment(s3_server),
        "DATABASE_URL": database_url_of_test_database(),
    }
    done = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, "bin/backup-drill"], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["same"] == {"rows": True, "media": True, "inbox": True}
    assert figures["media_objects"] == 4
    assert figures["inbox_items"] == 3
    assert figures["wiped_media"] == 4
    assert figures["restore"]["media_restored"] == 4


@pytest.fixture
def backup_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "backups": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "backups"},
        },
    }
    from django.core.files.storage import storages

    storages._storages.pop("backups", None)
    yield
    storages._storages.pop("backups", None)


@pytest.mark.django_db
def test_backups_keep_the_newest_and_copy_media_once(backup_storage, alice):
    from tests.factories import make_media

    media = make_media(alice)
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    for key in (media.storage_key, media.thumbnail_key):
        default_storage.save(key, ContentFile(b"bytes of " + key.encode()))
    first = backups.backup_run(keep=2)
    assert (first.media_copied, first.media_total) == (2, 2)
    second = backups.backup_run(keep=2)
    assert second.media_copied == 0  # keys never change: copied once
    third = backups.backup_run(keep=2)
    assert third.pruned == [first.dump]
    assert backups.backup_list() == [second.dump, third.dump]


@pytest.mark.django_db
def test_a_restore_over_a_database_in_use_is_refused(backup_storage):
    backups.backup_run(keep=1)
    with pytest.raises(RuntimeError, match="not empty"):
        backups.restore()
    assert settings.DATABASES["default"]["ENGINE"] == "core.postgresql"

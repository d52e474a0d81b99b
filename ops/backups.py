"""Backups, and restoring from them: what an operator needs when a disk, a bucket or a hand
fails. A backup is a `pg_dump` of the database (custom format, restored with `pg_restore`)
and a copy of every media object the database refers to (images, their thumbnails and
display sizes, videos and their posters, avatars), both in the `backups` storage: an S3
bucket of its own (BACKUP_BUCKET) or, without S3, `var/backups`. Media keys never change
(each upload gets a new one), so each backup copies only the objects the last ones lack. The
newest BACKUP_KEEP dumps are kept. A restore loads a dump into an empty database and copies
back every object the media storage lacks. `bin/backup-drill` proves the round trip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, default_storage, storages
from django.db import connections

from media_app.models import Media

DUMPS = "db"
MEDIA = "media"


@dataclass
class Outcome:
    dump: str  # the dump's name in the backups storage
    media_copied: int
    media_total: int
    pruned: list[str]


def _backups() -> Storage:
    return storages["backups"]


def _pg_environment() -> dict[str, str]:
    """libpq's variables for the default database (pg_dump and pg_restore read them)."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "core.postgresql":
        raise RuntimeError("backups need PostgreSQL (DATABASE_URL=postgres://...)")
    environment = dict(os.environ)
    pairs = {"PGHOST": "HOST", "PGPORT": "PORT", "PGUSER": "USER", "PGPASSWORD": "PASSWORD"}
    for variable, key in {**pairs, "PGDATABASE": "NAME"}.items():
        if database.get(key):
            environment[variable] = str(database[key])
    return environment


def _program(name: str) -> str:
    """PostgreSQL's client program `name`, from PATH (Debian's postgresql-client)."""
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} is not installed (apt-get install postgresql-client)")
    return found


def media_keys() -> set[str]:
    """Every storage key the database refers to: originals, thumbnails, display sizes."""
    keys = set()
    for row in Media.objects.values_list("storage_key", "thumbnail_key", "display_key"):
        keys.update(key for key in row if key)
    return keys


def _listed(storage: Storage, directory: str) -> set[str]:
    """Every file under `directory`, at any depth."""
    try:
        folders, files = storage.listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return set()
    found = {f"{directory}/{name}" for name in files}
    for folder in folders:
        found |= _listed(storage, f"{directory}/{folder}")
    return found


def backup_run(*, keep: int | None = None) -> Outcome:
    """Dump the database and copy the media it refers to; prune to the newest `keep` dumps."""
    backups = _backups()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "db.dump"
        subprocess.run(  # noqa: S603 - pg_dump, fixed arguments
            [_program("pg_dump"), "--format=custom", "--no-owner", "--no-acl", f"--file={path}"],
            env=_pg_environment(),
            check=True,
            capture_output=True,
        )
        with path.open("rb") as dump:
            name = backups.save(f"{DUMPS}/{stamp}.dump", File(dump))
    keys = media_keys()
    have = _listed(backups, MEDIA)
    copied = 0
    for key in sorted(keys):
        if f"{MEDIA}/{key}" in have:
            continue
        with default_storage.open(key, "rb") as source:
            backups.save(f"{MEDIA}/{key}", File(source))
        copied += 1
    pruned = _prune(backups, settings.BACKUP_KEEP if keep is None else keep)
    return Outcome(dump=name, media_copied=copied, media_total=len(keys), pruned=pruned)


def backup_list() -> list[str]:
    """The dumps kept, oldest first."""
    return sorted(_listed(_backups(), DUMPS))


def _prune(backups: Storage, keep: int) -> list[str]:
    dumps = backup_list()
    gone = dumps[: max(len(dumps) - keep, 0)]
    for name in gone:
        backups.delete(name)
    return gone


def restore(*, dump: str | None = None) -> dict[str, int]:
    """Load `dump` (the newest when None) into the default database, which must be empty
    (no tables: a fresh `createdb`), then copy back the media objects it refers to that the
    media storage lacks. Returns what it did."""
    backups = _backups()
    dumps = backup_list()
    if not dumps:
        raise RuntimeError("no backup to restore from")
    name = dump or dumps[-1]
    if name not in dumps:
        raise RuntimeError(f"no backup called {name!r}; there are: {', '.join(dumps)}")
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        if cursor.fetchone()[0]:
            raise RuntimeError("the database is not empty: restore into a fresh one")
    connections.close_all()
    environment = _pg_environment()
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "db.dump"
        with backups.open(name, "rb") as source, path.open("wb") as target:
            for chunk in iter(lambda: source.read(1 << 20), b""):
                target.write(chunk)
        subprocess.run(  # noqa: S603 - pg_restore, fixed arguments
            [
                _program("pg_restore"),
                "--no-owner",
                "--no-acl",
                "--exit-on-error",
                f"--dbname={environment['PGDATABASE']}",
                str(path),
            ],
            env=environment,
            check=True,
            capture_output=True,
        )
    restored = 0
    keys = media_keys()
    for key in sorted(keys):
        if default_storage.exists(key):
            continue
        with backups.open(f"{MEDIA}/{key}", "rb") as source:
            default_storage.save(key, File(source))
        restored += 1
    return {"media_restored": restored, "media_total": len(keys)}

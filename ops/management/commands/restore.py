"""`manage.py restore [<dump>]`: the newest (or the named) backup into an empty database, and
the media objects it refers to back into the media storage."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ops import backups


class Command(BaseCommand):
    help = "Restore a backup into an empty database (docs/operations.md, Backups)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dump", nargs="?", help="e.g. db/20261205T230000000000Z.dump")

    def handle(self, *args: Any, dump: str | None = None, **options: Any) -> None:
        try:
            outcome = backups.restore(dump=dump)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(json.dumps(outcome))

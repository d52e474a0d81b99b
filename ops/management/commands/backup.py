"""`manage.py backup` (dump the database, copy the media, keep the newest BACKUP_KEEP),
`manage.py backup --list`. Run it from cron or a Kubernetes CronJob (docs/operations.md)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ops import backups


class Command(BaseCommand):
    help = "Back up the database and the media it refers to (docs/operations.md, Backups)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--list", action="store_true", help="list the backups kept")

    def handle(self, *args: Any, list: bool = False, **options: Any) -> None:
        if list:
            for name in backups.backup_list():
                self.stdout.write(name)
            return
        outcome = backups.backup_run()
        self.stdout.write(json.dumps(outcome.__dict__))

"""Deletes old notifications that were read, so the table does not grow forever."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand

from realtime.services import notifications_prune


class Command(BaseCommand):
    help = "Delete read notifications older than N days (default 90); unread ones stay."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=90, help="age in days (default 90)")

    def handle(self, *args, days: int, **options) -> None:
        count = notifications_prune(older_than=timedelta(days=days))
        self.stdout.write(f"Deleted {count} read notification(s) older than {days} days.")

"""Removes uploads that were never attached to anything, after a grace period."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand

from media_app.services import media_cleanup


class Command(BaseCommand):
    help = "Delete uploads never attached to a confession (nor used as an avatar) after N hours."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--hours", type=int, default=24, help="grace period (default 24)")

    def handle(self, *args, hours: int, **options) -> None:
        count = media_cleanup(older_than=timedelta(hours=hours))
        self.stdout.write(f"Deleted {count} unattached upload(s) older than {hours} h.")

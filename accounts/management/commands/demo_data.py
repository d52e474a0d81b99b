"""Loads a small demo data set for `make run`. Safe to run again: it creates what is missing."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from accounts.models import User
from accounts.services import user_create

DEMO_USERS = (
    ("alice", "alice-demo-pass-2026"),
    ("bob", "bob-demo-pass-2026"),
    ("carol", "carol-demo-pass-2026"),
)


class Command(BaseCommand):
    help = "Create the demo users alice, bob and carol (known passwords, printed)."

    def handle(self, *args, **options) -> None:
        self.stdout.write("Demo users (username / password):")
        for username, password in DEMO_USERS:
            if User.objects.filter(username=username).exists():
                state = "exists"
            else:
                user_create(username=username, password=password)
                state = "created"
            self.stdout.write(f"  {username} / {password}  ({state})")

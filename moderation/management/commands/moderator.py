"""`manage.py moderator add|remove <username>`: a moderator in one step (staff status, to sign in
to the admin, and the Moderators group, for exactly a moderator's permissions), or no longer
one."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from moderation import services


class Command(BaseCommand):
    help = "Make a user a moderator (staff and the Moderators group), or no longer one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=("add", "remove"))
        parser.add_argument("username")

    def handle(self, *args: Any, action: str, username: str, **options: Any) -> None:
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"No user is called {username!r}.") from None
        if action == "add":
            services.moderator_add(user=user)
            self.stdout.write(f"{user.username} is a moderator: they sign in at /admin/.")
        else:
            services.moderator_remove(user=user)
            self.stdout.write(f"{user.username} is no longer a moderator.")

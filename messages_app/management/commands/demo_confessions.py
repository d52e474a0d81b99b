"""Adds a few demo confessions between the demo users, for `make run`. Safe to run again."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand

from accounts.models import User
from messages_app.models import Confession
from messages_app.services import confession_send

DEMO = (
    ("bob", "alice", "I always save you the seat by the window.", True),
    ("carol", "alice", "Your laugh makes Mondays bearable.", False),
    ("alice", None, "To whoever opens this: you made my week. Thank you.", True),
)


class Command(BaseCommand):
    help = "Create the demo users (if missing) and a few confessions between them."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--site",
            default="http://127.0.0.1:8000",
            help="where the server answers, for the addresses printed",
        )

    def handle(self, *args, **options) -> None:
        site = options["site"].rstrip("/")
        call_command("demo_data", stdout=self.stdout)
        users = {
            user.username: user
            for user in User.objects.filter(username__in={"alice", "bob", "carol"})
        }
        self.stdout.write("Demo confessions:")
        for sender, recipient, body, anonymous in DEMO:
            existing = Confession.objects.filter(sender=users[sender], body=body).first()
            confession = existing or confession_send(
                sender=users[sender], recipient_username=recipient, body=body, anonymous=anonymous
            )
            to = recipient or f"share link {site}/s/{confession.share_token}"
            state = "exists" if existing else "created"
            self.stdout.write(f"  {sender} -> {to}{' (anonymous)' if anonymous else ''} ({state})")
        self.stdout.write(f"The web client: {site}/app/ (sign in as one of the demo users)")

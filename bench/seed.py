"""The realistic data set the benchmark measures, seeded into the bench database.

bob's inbox: 25 confessions from alice and carol, each with 2 photos, half anonymous, senders
and bob with avatars; alice's sent list is the same confessions seen from her side; one
thread of 25 replies. Prints the ids and access tokens the measurements use, as JSON.
Run by bench/run.py with the bench environment set (not against your own database).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "confessions_backend.settings")

import django  # noqa: E402

django.setup()

from rest_framework_simplejwt.tokens import AccessToken, RefreshToken  # noqa: E402

from accounts import services as account_services  # noqa: E402
from accounts.models import User  # noqa: E402
from media_app.models import Media  # noqa: E402
from media_app.services import new_storage_key_base  # noqa: E402
from messages_app import services  # noqa: E402

FANOUT_USERS = 1000  # 5 sockets each (SOCKETS_PER_USER): 5,000 sockets
# Who makes the throughput and latency measures' sends to carol, in turn: a few thousand sends
# a run, some 20 each, as many people confessing at once would (one sender making them all
# made each send read an hour of thousands of that sender's rows, which no limit allows).
SENDERS = 200
CONFESSIONS = 25
PHOTOS_EACH = 2
REPLIES = 25


def photo(owner: User) -> Media:
    base = new_storage_key_base()
    return Media.objects.create(
        owner=owner, kind="image", storage_key=f"{base}.jpg", content_type="image/jpeg",
        size=350_000, width=1280, height=960, thumbnail_key=f"{base}_thumb.jpg", sha256="0" * 64,
    )  # fmt: skip


def seed_wall(people: dict[str, User]) -> None:
    """A post-moderated wall with CONFESSIONS posts of PHOTOS_EACH photos, half anonymous,
    each liked by everyone and commented on twice: the feed page the bench reads."""
    from walls import services as wall_services
    from walls.models import Wall

    Wall.objects.create(name="Bench", slug="bench", moderation=Wall.Moderation.POST)
    for user in people.values():
        wall_services.wall_join(user=user, slug="bench")
    for index in range(CONFESSIONS):
        author = people["alice"] if index % 2 else people["carol"]
        post = wall_services.post_create(
            user=author, slug="bench", body=f"Post #{index}: " + "❤" * 80,
            to="the one in the white coat", anonymous=index % 2 == 0,
            media_ids=[photo(author).pk for _ in range(PHOTOS_EACH)],
        )  # fmt: skip
        for user in people.values():
            wall_services.like_add(user=user, post_id=post.pk)
        for user in (people["bob"], people["dave"]):
            wall_services.comment_create(user=user, post_id=post.pk, body="me too")


def main() -> None:
    people = {
        name: User.objects.create_user(username=name, display_name=name.title())
        for name in ("alice", "bob", "carol", "dave")
    }
    for user in people.values():
        account_services.user_update_profile(user=user, data={"avatar": photo(user).pk})
    first = None
    for index in range(CONFESSIONS):
        sender = people["alice"] if index % 4 else people["carol"]
        confession = services.confession_send(
            sender=sender, recipient_username="bob", body=f"Confession #{index}: " + "❤" * 80,
            anonymous=index % 2 == 0, media_ids=[photo(sender).pk for _ in range(PHOTOS_EACH)],
        )  # fmt: skip
        first = first or confession
    for index in range(REPLIES):
        author = people["bob"] if index % 2 else first.sender
        services.reply_create(user=author, confession_id=first.pk, body=f"reply {index}")
    seed_wall(people)
    # The in-process CPU measure's sends (bench/inprocess.py) are erin's, to frank.
    for name in ("erin", "frank"):
        people[name] = User.objects.create_user(username=name, display_name=name.title())
    tokens = {name: str(RefreshToken.for_user(user).access_token) for name, user in people.items()}
    fanout = [User.objects.create_user(username=f"fan{index}") for index in range(FANOUT_USERS)]
    fanout_tokens = {user.username: str(AccessToken.for_user(user)) for user in fanout}
    senders = [User.objects.create_user(username=f"sender{index}") for index in range(SENDERS)]
    json.dump({"tokens": tokens, "thread": first.pk, "fanout": fanout_tokens,
               "senders": [str(AccessToken.for_user(user)) for user in senders]},
              sys.stdout)  # fmt: skip


if __name__ == "__main__":
    main()

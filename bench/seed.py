"""The realistic data set the benchmark measures, seeded into the bench database.

bob's inbox: 25 confessions from alice and carol, each with 2 photos, half anonymous, senders
and bob with avatars; alice's sent list is the same confessions seen from her side; one
thread of 25 replies; the bench wall's 25 newest posts. Around them, the rest of a busy
community (`background`): 60,000 older confessions between its 1,200 other people, with
180,000 replies and a photo each, 20,000 older posts on the bench wall within the `hot`
window, with 200,000 likes and 60,000 comments, blocks, matches and 100,000 notifications. The
pages measured are the same with or without it; what it changes is what PostgreSQL plans and
reads for them, as it would in a running deployment (on a table of a few dozen rows every
plan is a sequential scan, and a sort of the whole wall costs nothing).

    seed.py [--small]   --small: a hundredth of the background (the smoke run)

Prints the ids and access tokens the measurements use, as JSON. Run by bench/run.py with the
bench environment set (not against your own database).
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
from walls.models import Wall  # noqa: E402

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


# The rest of the community, at full size (`background`; --small: a hundredth).
BACKGROUND = {"confessions": 60_000, "posts": 20_000, "notifications": 100_000, "blocks": 2_000,
              "matches": 1_000}  # fmt: skip
REPLIES_EACH, LIKES_EACH, COMMENTS_EACH = 3, 10, 3

# core.ids.random_id in SQL: the rows people write take random ids.
RANDOM_ID = "(2^40 + floor(random() * (2^53 - 2^40)))::bigint"

# One INSERT ... SELECT for each kind of row, over generate_series: `P[i]` is the community's
# i-th person (an array parameter), `n` their count; row g's people are picked by multiplying
# g by primes.
_BACKGROUND_SQL = {
    # Confessions between two different people, over the half year before the seed's; the
    # anonymous half from each person to one other (the next), as the limit of anonymous
    # places (ANONYMOUS_RECIPIENTS_LIMIT) allows, the signed half to anyone.
    "confession": """
       INSERT INTO {confession} (id, body, anonymous, status, suppressed, delivered_at,
           created_at, sender_id, recipient_id, moderation_note)
       SELECT {random_id}, 'an older confession ' || g, g %% 2 = 0, 'approved', false, at, at,
              P[1 + (g * 7919) %% %(n)s],
              P[1 + (g * 7919 + 1 + CASE WHEN g %% 2 = 0 THEN 0 ELSE g %% (%(n)s - 1) END)
                %% %(n)s], ''
       FROM generate_series(1, %(confessions)s) g,
            LATERAL (SELECT now() - interval '1 day' - g * interval '4 minutes' AS at) t""",
    "reply": """
       INSERT INTO {reply} (id, body, created_at, author_id, confession_id, moderation_note,
           status, suppressed)
       SELECT {random_id}, 'an older reply', c.created_at + r * interval '1 minute',
              CASE WHEN r %% 2 = 0 THEN c.sender_id ELSE c.recipient_id END, c.id, '',
              'approved', false
       FROM {confession} c, generate_series(1, %(replies_each)s) r
       WHERE c.body LIKE 'an older confession %%'""",
    "media": """
       INSERT INTO {media} (id, kind, storage_key, content_type, size, width, height,
           thumbnail_key, sha256, created_at, attached_at, owner_id, check_label, check_status,
           display_key, status, moderation_note)
       SELECT {random_id}, 'image', 'background/' || c.id || '.jpg', 'image/jpeg', 350000,
              1280, 960,
              'background/' || c.id || '_thumb.jpg', repeat('0', 64), c.created_at,
              c.created_at, c.sender_id, '', 'passed', '', 'approved', ''
       FROM {confession} c WHERE c.body LIKE 'an older confession %%'""",
    "confession_media": """
       INSERT INTO {confession_media} (position, confession_id, media_id)
       SELECT 0, split_part(split_part(m.storage_key, '/', 2), '.', 1)::bigint, m.id
       FROM {media} m WHERE m.storage_key LIKE 'background/%%'""",
    # Older posts on the bench wall, all within the `hot` window, with likes and comments.
    "post": """
       INSERT INTO {post} (id, body, "to", anonymous, status, pinned, moderation_note,
           created_at, author_id, wall_id, folded_reason, comments_locked, verified)
       SELECT {random_id}, 'an older post ' || g || '，'
                  || (ARRAY['在三舍楼下', '图书馆四楼', '二食堂门口', '操场跑道上', '英语课上',
                            '计算机系'])[1 + g %% 6] || '遇见的你',
              'someone', g %% 2 = 0, 'approved', false, '',
              now() - interval '1 hour' - g * interval '20 seconds',
              P[1 + (g * 7919) %% %(n)s], %(wall)s, '', false, false
       FROM generate_series(1, %(posts)s) g""",
    "like": """
       INSERT INTO {like} (created_at, user_id, post_id)
       SELECT p.created_at, P[1 + (p.id * 31 + r * 7) %% %(n)s], p.id
       FROM {post} p, generate_series(1, %(likes_each)s) r
       WHERE p.body LIKE 'an older post %%'""",
    "comment": """
       INSERT INTO {comment} (id, body, anonymous, status, moderation_note, created_at,
           author_id, post_id, alias, verified)
       SELECT {random_id}, 'an older comment', r = 1, 'approved', '',
              p.created_at + r * interval '1 minute',
              P[1 + (p.id * 37 + r * 11) %% %(n)s], p.id, r, false
       FROM {post} p, generate_series(1, %(comments_each)s) r
       WHERE p.body LIKE 'an older post %%'""",
    "block": """
       INSERT INTO {block} (anonymous, created_at, blocker_id, blocked_id)
       SELECT g %% 5 = 0, now(), P[1 + (g * 7919) %% %(n)s],
              P[1 + (g * 7919 + 1 + g %% (%(n)s - 1)) %% %(n)s]
       FROM generate_series(1, %(blocks)s) g ON CONFLICT DO NOTHING""",
    "match": """
       INSERT INTO {match} (created_at, user_low_id, user_high_id)
       SELECT now(), least(a, b), greatest(a, b)
       FROM generate_series(1, %(matches)s) g,
            LATERAL (SELECT P[1 + (g * 104729) %% %(n)s] AS a,
                            P[1 + (g * 104729 + 1 + g %% (%(n)s - 1)) %% %(n)s] AS b) t
       ON CONFLICT DO NOTHING""",
    "notification": """
       INSERT INTO {notification} (type, data, created_at, recipient_id)
       SELECT 'confession.received', '{{}}'::jsonb, now() - interval '1 day',
              P[1 + g %% %(n)s]
       FROM generate_series(1, %(notifications)s) g""",
}


def background(community: list[User], wall_id: int, *, small: bool) -> dict[str, int]:
    """The rest of a busy community (the module's docstring), in bulk: the rows written, by
    kind."""
    from django.db import connection

    from accounts.models import Block
    from messages_app.models import Confession, ConfessionMedia, Match, Reply
    from realtime.models import Notification
    from walls.models import Comment, Like, Post

    tables = {name: model._meta.db_table for name, model in {
        "confession": Confession, "reply": Reply, "media": Media,
        "confession_media": ConfessionMedia, "post": Post, "like": Like, "comment": Comment,
        "block": Block, "match": Match, "notification": Notification,
    }.items()}  # fmt: skip
    sizes = {name: count // 100 if small else count for name, count in BACKGROUND.items()}
    values = {"people": [user.pk for user in community], "n": len(community), "wall": wall_id,
              "replies_each": REPLIES_EACH, "likes_each": LIKES_EACH,
              "comments_each": COMMENTS_EACH, **sizes}  # fmt: skip
    written = {}
    with connection.cursor() as cursor:
        for kind, statement in _BACKGROUND_SQL.items():
            sql = statement.format(**tables, random_id=RANDOM_ID)
            cursor.execute(sql.replace("P[", "(%(people)s::bigint[])["), values)
            written[kind] = cursor.rowcount
    return written


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
    written = background(fanout + senders, Wall.objects.get(slug="bench").pk,
                         small="--small" in sys.argv)  # fmt: skip
    json.dump({"tokens": tokens, "thread": first.pk, "fanout": fanout_tokens,
               "senders": [str(AccessToken.for_user(user)) for user in senders],
               "background": written},
              sys.stdout)  # fmt: skip


if __name__ == "__main__":
    main()

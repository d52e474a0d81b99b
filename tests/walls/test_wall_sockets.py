"""The anonymity walk over the socket: what an anonymous wall author does to someone else's
work (a comment, a reply, likes) reaches them live, and never says who."""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async

from tests.conftest import access_token_for
from tests.realtime.conftest import open_socket
from walls import services
from walls.models import Wall

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

NEEDLES = ("walker_secret", "Hidden Walker", "987650")


@database_sync_to_async
def the_scene(django_user_model):
    """The reader's signed post and comment; the secret author's anonymous post."""
    Wall.objects.create(name="Town", slug="town", moderation=Wall.Moderation.POST)
    secret = django_user_model.objects.create_user(pk=987_650, username="walker_secret",
                                                   display_name="Hidden Walker")  # fmt: skip
    reader = django_user_model.objects.create_user(username="reader")
    for user in (secret, reader):
        services.wall_join(user=user, slug="town")
    own = services.post_create(user=secret, slug="town", body="guess who", anonymous=True)
    signed = services.post_create(user=reader, slug="town", body="mine", anonymous=False)
    question = services.comment_create(user=reader, post_id=own.pk, body="who are you?")
    return secret, reader, own, signed, question


@database_sync_to_async
def the_secret_acts(secret, own, signed, question):
    # "The author" answers on their anonymous post; comments anonymously and likes elsewhere.
    services.comment_create(user=secret, post_id=own.pk, body="not telling",
                            parent_id=question.pk)  # fmt: skip
    services.comment_create(user=secret, post_id=signed.pk, body="nice", anonymous=True)
    services.like_add(user=secret, post_id=signed.pk)
    services.like_digest_send(post_id=signed.pk)


async def test_live_frames_never_name_an_anonymous_author(django_user_model):
    secret, reader, own, signed, question = await the_scene(django_user_model)
    socket = await open_socket(await database_sync_to_async(access_token_for)(reader))
    assert socket.connected
    await the_secret_acts(secret, own, signed, question)
    frames = [await socket.receive_json_from(timeout=3) for _ in range(3)]
    assert sorted(frame["type"] for frame in frames) == [
        "wall.commented", "wall.commented", "wall.liked"]  # fmt: skip
    for frame in frames:
        if frame["type"] == "wall.commented":
            assert frame["data"]["author"] is None
    text = json.dumps(frames)
    for needle in NEEDLES:
        assert needle not in text, needle
    await socket.disconnect()

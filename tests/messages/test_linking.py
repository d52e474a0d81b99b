"""Nothing a recipient or a stranger sees ties an anonymous confession to its sender's named
ones: ids that say nothing of order or count, times to the minute, cursors that hide both.
(An anonymous and a named confession sent 9 ms apart got ids 4602 and 4603, and showed their
write times to the microsecond, on the signed-out share card too.)"""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from core.ids import HIGHEST, LOWEST
from media_app.models import Media
from messages_app import services
from messages_app.models import Confession, Reply
from tests.conftest import run_worker
from tests.factories import client_of, make_media
from walls.models import Comment, Post, Wall

pytestmark = pytest.mark.django_db


def test_ids_neither_order_nor_count_what_people_write(alice, bob, settings):
    settings.CONFESSIONS_PER_HOUR = 100
    sent = [
        services.confession_send(
            sender=alice, recipient_username="bob", body=f"n{index}", anonymous=index % 2 == 0
        )
        for index in range(12)
    ]
    ids = [confession.pk for confession in sent]
    assert all(LOWEST <= pk <= HIGHEST for pk in ids)  # JSON integers JavaScript reads exactly
    assert ids != sorted(ids)
    assert ids != sorted(ids, reverse=True)
    assert max(ids) - min(ids) > 10**6  # not a count of anything
    wall = Wall.objects.create(name="Town", slug="town", moderation=Wall.Moderation.POST)
    post = Post.objects.create(wall=wall, author=alice, body="hi")
    made = [
        Reply.objects.create(confession=sent[1], author=bob, body="who?", status="approved"),
        post,
        Comment.objects.create(post=post, author=bob, body="me", status="approved"),
        make_media(alice),
    ]
    for row in made:
        assert LOWEST <= row.pk <= HIGHEST, type(row).__name__
    assert Media.objects.filter(pk__lt=LOWEST).count() == 0


def minute(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    assert (moment.second, moment.microsecond) == (0, 0), text
    return moment


def test_the_recipient_and_a_stranger_see_times_to_the_minute(alice, bob, carol):
    anonymous = services.confession_send(
        sender=alice, recipient_username="bob", body="guess", anonymous=True
    )
    link = services.confession_send(sender=alice, body="whoever", anonymous=True)
    bobs = client_of(bob)
    for item in bobs.get("/api/v1/confessions/inbox").json()["results"]:
        minute(item["created_at"])
        minute(item["last_activity_at"])
    detail = bobs.get(f"/api/v1/confessions/{anonymous.pk}").json()
    assert minute(detail["created_at"]) == anonymous.delivered_at.replace(second=0, microsecond=0)
    for client in (APIClient(), client_of(carol)):  # the share card, signed out and in
        card = client.get(f"/api/v1/confessions/shared/{link.share_token}").json()
        minute(card["created_at"])
    for item in bobs.get("/api/v1/notifications").json()["results"]:
        minute(item["created_at"])
    # Its sender sees their own times exactly.
    mine = client_of(alice).get(f"/api/v1/confessions/{anonymous.pk}").json()
    assert datetime.fromisoformat(mine["created_at"].replace("Z", "+00:00")) == (
        anonymous.created_at
    )


def test_a_scheduled_confession_shows_its_delivery_not_its_writing(
    alice, bob, settings, monkeypatch
):
    settings.TASK_SCHEDULE = {}
    monkeypatch.setattr(AccessToken, "lifetime", timedelta(days=30))
    when = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    scheduled = services.confession_send(
        sender=alice, recipient_username="bob", body="later", anonymous=True, deliver_at=when
    )
    bobs = client_of(bob)
    with time_machine.travel(when + timedelta(seconds=75), tick=True):
        run_worker()
        shown = bobs.get(f"/api/v1/confessions/{scheduled.pk}").json()
    assert minute(shown["created_at"]) >= when
    assert shown["created_at"] != scheduled.created_at.isoformat()


def test_a_cursor_shows_no_time_and_no_id(alice, bob):
    for index in range(3):
        services.confession_send(sender=alice, recipient_username="bob", body=f"c{index}")
    bobs = client_of(bob)
    page = bobs.get("/api/v1/confessions/inbox?limit=2").json()
    cursor = parse_qs(urlsplit(page["next"]).query)["cursor"][0]
    last = Confession.objects.get(pk=page["results"][1]["id"])
    decoded = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    assert str(last.created_at.year).encode() not in decoded
    assert str(last.pk).encode() not in decoded
    following = bobs.get(page["next"]).json()
    assert len(following["results"]) == 1
    # A cursor changed by one character is refused, not read.
    forged = cursor[:-2] + ("A" if cursor[-2] != "A" else "B") + cursor[-1]
    response = bobs.get(f"/api/v1/confessions/inbox?limit=2&cursor={forged}")
    assert response.json()["error"]["code"] == "invalid_cursor"

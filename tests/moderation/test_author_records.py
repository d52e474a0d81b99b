"""Beside each item, its author's record as numbers only: items taken down, reports upheld,
the sanction in force; for an anonymous author, never who they are."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import translation

from messages_app import services as confessions
from messages_app.models import Confession
from moderation import sanctions
from moderation.records import records_of

pytestmark = pytest.mark.django_db


def anonymous(sender, body: str) -> Confession:
    return confessions.confession_send(
        sender=sender, recipient_username="bob", body=body, anonymous=True
    )


def test_an_anonymous_authors_record_shows_in_the_queue_and_the_item_without_who(
    moderator, moderator_client, alice, bob
):
    for n in range(2):
        confessions.confession_reject(
            moderator=moderator, confession_id=anonymous(alice, f"bad {n}").pk, reason="spam"
        )
    reported = anonymous(alice, "reported")
    confessions.report_create(reporter=bob, confession_id=reported.pk, category="harassment")
    confessions.confession_hide(moderator=moderator, confession_id=reported.pk, reason="hate")
    waiting = anonymous(alice, "now this one")
    sanctions.sanction_impose(moderator=moderator, user=alice, kind="mute", reason="spam",
                              duration=timedelta(hours=1))  # fmt: skip

    record = records_of({alice.pk})[alice.pk]
    assert (record.taken_down, record.upheld, record.sanction) == (3, 1, "muted")
    with translation.override("en"):
        assert str(record) == "3 taken down · 1 reports upheld · muted now · next: a mute of 24 h"
    with translation.override("zh-hans"):
        assert str(record) == "3 条被下架 · 1 条举报成立 · 禁言中 · 下一步：禁言 24 小时"

    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    listing = moderator_client.get("/admin/messages_app/confession/", **english).content.decode()
    assert "3 taken down · 1 reports upheld · muted now · next: a mute of 24 h" in listing
    item = moderator_client.get(f"/admin/messages_app/confession/{waiting.pk}/change/", **english)
    page = item.content.decode()
    assert "3 taken down · 1 reports upheld · muted now · next: a mute of 24 h" in page
    for page_html in (listing, page):
        assert "alice" not in page_html  # the record, never the identity


def test_a_record_reaches_back_only_so_far(moderator, alice, bob, settings):
    old = anonymous(alice, "old")
    confessions.confession_reject(moderator=moderator, confession_id=old.pk, reason="spam")
    Confession.objects.filter(pk=old.pk).update(created_at=old.created_at - timedelta(days=31))
    settings.MODERATION_RECORD_DAYS = 30
    assert records_of({alice.pk})[alice.pk].taken_down == 0
    with translation.override("en"):
        assert str(records_of({alice.pk})[alice.pk]) == "0 taken down · 0 reports upheld"


def test_the_ladder_suggests_the_next_step_and_its_last_step_repeats(moderator, alice, settings):
    from moderation import sanctions

    settings.SANCTION_LADDER = [("warning", 0), ("mute", 24), ("ban", 0)]
    steps = []
    for _ in range(4):
        record = records_of({alice.pk})[alice.pk]
        steps.append(record.next_step)
        sanctions.sanction_impose(moderator=moderator, user=alice, kind="warning", reason="spam")
    assert steps == [("warning", 0), ("mute", 24), ("ban", 0), ("ban", 0)]
    with translation.override("en"):
        assert str(records_of({alice.pk})[alice.pk]).endswith("next: a ban for good")


@pytest.mark.parametrize("ladder", [[], ["shout"], ["warning:3"], ["mute:x"]])
def test_a_malformed_ladder_stops_start_up(ladder):
    from django.core.exceptions import ImproperlyConfigured

    from confessions_backend.settings import _sanction_ladder

    with pytest.raises(ImproperlyConfigured, match="SANCTION_LADDER"):
        _sanction_ladder(ladder)

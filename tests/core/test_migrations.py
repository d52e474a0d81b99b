"""Data migrations carry existing rows over to the rules of today: rows made under the old
schema, migrated forward, behave as users saw them before."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("accounts", "0002_profile_wechat_blocks"),
    ("messages_app", "0003_moderators_group"),
    ("media_app", "0001_initial"),
]


@pytest.fixture
def old_apps():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    yield executor.loader.project_state(BEFORE).apps
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def migrate_forward() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_old_anonymous_blocks_keep_hiding_and_old_avatars_count_as_in_use(old_apps):
    from django.utils import timezone

    User = old_apps.get_model("accounts", "User")
    Block = old_apps.get_model("accounts", "Block")
    Confession = old_apps.get_model("messages_app", "Confession")
    Media = old_apps.get_model("media_app", "Media")
    alice = User.objects.create(username="alice")
    bob = User.objects.create(username="bob")
    now = timezone.now()

    def confession(body: str, anonymous: bool):
        return Confession.objects.create(sender=alice, recipient=bob, body=body,
                                         anonymous=anonymous, status="approved",
                                         delivered_at=now)  # fmt: skip

    older, newest, named = confession("1", True), confession("2", True), confession("3", False)
    block = Block.objects.create(blocker=bob, blocked=alice, anonymous=True)
    photo = Media.objects.create(owner=alice, kind="image", storage_key="m/x.jpg",
                                 content_type="image/jpeg", size=1, sha256="0" * 64)  # fmt: skip
    User.objects.filter(pk=alice.pk).update(avatar=photo)

    migrate_forward()

    from messages_app.models import Confession as NewConfession
    from messages_app.selectors import confession_inbox

    assert NewConfession.objects.get(pk=newest.pk).sender_block_id == block.pk
    assert NewConfession.objects.get(pk=older.pk).removed_by_recipient_at is not None
    from accounts.models import User as NewUser
    from media_app.models import Media as NewMedia

    inbox = [c.pk for c in confession_inbox(user=NewUser.objects.get(pk=bob.pk))]
    assert inbox == [named.pk]  # an anonymous block no longer hides a named confession
    assert NewMedia.objects.get(pk=photo.pk).attached_at is not None

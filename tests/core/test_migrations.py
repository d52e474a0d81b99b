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
    from tests.messages.reads import inbox as inbox_of

    assert NewConfession.objects.get(pk=newest.pk).sender_block_id == block.pk
    assert NewConfession.objects.get(pk=older.pk).removed_by_recipient_at is not None
    from accounts.models import User as NewUser
    from media_app.models import Media as NewMedia

    inbox = inbox_of(NewUser.objects.get(pk=bob.pk))
    assert inbox == [named.pk]  # an anonymous block no longer hides a named confession
    assert NewMedia.objects.get(pk=photo.pk).attached_at is not None


@pytest.mark.django_db(transaction=True)
def test_reports_decisions_and_the_word_list_move_to_the_moderation_app():
    before = [("messages_app", "0007_thread_summary"), ("walls", "0004_moderators")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    others = [leaf for leaf in executor.loader.graph.leaf_nodes()
              if leaf[0] not in ("messages_app", "walls")]  # fmt: skip
    old = executor.loader.project_state(before + others).apps
    try:
        User = old.get_model("accounts", "User")
        alice, bob, mod = (User.objects.create(username=name, username_key=name)
                           for name in ("alice", "bob", "mod"))  # fmt: skip
        Confession = old.get_model("messages_app", "Confession")
        confession = Confession.objects.create(sender=alice, recipient=bob, body="hi",
                                               status="hidden")  # fmt: skip
        reply = old.get_model("messages_app", "Reply").objects.create(
            confession=confession, author=bob, body="no", status="rejected"
        )
        old.get_model("messages_app", "Report").objects.create(
            confession=confession, reporter=bob, category="spam", outcome="removed"
        )
        Decision = old.get_model("messages_app", "ModerationDecision")
        Decision.objects.create(
            moderator=mod,
            confession=confession,
            action="hide",
            from_status="approved",
            to_status="hidden",
            reason="spam",
        )
        Decision.objects.create(
            moderator=mod,
            confession=confession,
            reply=reply,
            action="reject",
            from_status="pending",
            to_status="rejected",
        )
        old.get_model("messages_app", "BannedPhrase").objects.create(phrase="bad", action="block")
        wall = old.get_model("walls", "Wall").objects.create(name="Town", slug="town")
        post = old.get_model("walls", "Post").objects.create(wall=wall, author=alice, body="p",
                                                              status="approved")  # fmt: skip
        comment = old.get_model("walls", "Comment").objects.create(
            post=post, author=bob, body="c", status="hidden"
        )
        WallReport = old.get_model("walls", "WallReport")
        WallReport.objects.create(post=post, reporter=bob, category="hate")
        WallReport.objects.create(comment=comment, reporter=alice, category="spam")
        old.get_model("walls", "WallDecision").objects.create(
            moderator=mod, comment=comment, action="hide", from_status="approved",
            to_status="hidden", reason="spam",
        )  # fmt: skip
    finally:
        migrate_forward()

    from django.contrib.contenttypes.models import ContentType

    from moderation.models import BannedPhrase, Decision, Report

    ContentType.objects.clear_cache()
    reports = {(r.content_type.model, r.object_id, r.reporter.username, r.category, r.outcome)
               for r in Report.objects.all()}  # fmt: skip
    assert reports == {("confession", confession.pk, "bob", "spam", "removed"),
                       ("post", post.pk, "bob", "hate", ""),
                       ("comment", comment.pk, "alice", "spam", "")}  # fmt: skip
    decisions = {(d.content_type.model, d.object_id, d.action, d.to_status)
                 for d in Decision.objects.all()}  # fmt: skip
    assert decisions == {("confession", confession.pk, "hide", "hidden"),
                         ("reply", reply.pk, "reject", "rejected"),
                         ("comment", comment.pk, "hide", "hidden")}  # fmt: skip
    assert list(BannedPhrase.objects.values_list("phrase", "action")) == [("bad", "block")]
    from messages_app.models import Confession as NewConfession

    assert NewConfession.objects.get(pk=confession.pk).reports.get().category == "spam"


@pytest.mark.django_db(transaction=True)
def test_media_takes_its_moderation_status_from_the_check_it_had():
    before = [("media_app", "0005_random_public_ids")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    others = [leaf for leaf in executor.loader.graph.leaf_nodes() if leaf[0] != "media_app"]
    old = executor.loader.project_state(before + others).apps
    try:
        owner = old.get_model("accounts", "User").objects.create(username="o", username_key="o")
        Media = old.get_model("media_app", "Media")
        made = {}
        for check in ("unchecked", "checking", "passed", "review", "rejected"):
            made[check] = Media.objects.create(
                owner=owner, kind="image", storage_key=f"m/{check}", content_type="image/jpeg",
                size=1, sha256="0" * 64, check_status=check, check_label="20002",
            ).pk  # fmt: skip
    finally:
        migrate_forward()

    from media_app.models import Media as NewMedia

    moved = {check: NewMedia.objects.values_list("status", "moderation_note").get(pk=pk)
             for check, pk in made.items()}  # fmt: skip
    assert moved == {
        "unchecked": ("approved", ""),
        "checking": ("pending", "image check: waiting for WeChat"),
        "passed": ("approved", ""),
        "review": ("pending", "image check: for moderators (20002)"),
        "rejected": ("rejected", "image check: rejected (20002)"),
    }


@pytest.mark.django_db(transaction=True)
def test_a_held_display_name_or_bio_becomes_a_pending_profile_text():
    before = [("accounts", "0010_phone_digest")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    others = [leaf for leaf in executor.loader.graph.leaf_nodes() if leaf[0] != "accounts"]
    old = executor.loader.project_state(before + others).apps
    try:
        User = old.get_model("accounts", "User")
        held = User.objects.create(username="held", username_key="held", display_name="Ann",
                                   pending_display_name="dubious Ann", pending_bio="dubious bio",
                                   pending_note="review: dubious")  # fmt: skip
        User.objects.create(username="calm", username_key="calm", display_name="Bo")
    finally:
        migrate_forward()

    from accounts.models import ProfileText
    from accounts.models import User as NewUser

    rows = set(ProfileText.objects.values_list("user__username", "field", "value", "status",
                                               "moderation_note"))  # fmt: skip
    assert rows == {("held", "display_name", "dubious Ann", "pending", "review: dubious"),
                    ("held", "bio", "dubious bio", "pending", "review: dubious")}  # fmt: skip
    assert NewUser.objects.get(pk=held.pk).held_texts == {
        "display_name": "dubious Ann",
        "bio": "dubious bio",
    }

"""The word list, reports and the audit log move to the moderation app (one record for every
kind of content). Rows are copied over, each report and decision now pointing at its target
(a confession, or for a reply's decision, the reply) by content type; then the old tables go."""

from django.db import migrations


def _content_type(apps, model: str) -> int:
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.get_or_create(app_label="messages_app", model=model)[0].pk


def copy_rows(apps, schema_editor):
    confession, reply = _content_type(apps, "confession"), _content_type(apps, "reply")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO moderation_bannedphrase (phrase, action, created_at) "
            "SELECT phrase, action, created_at FROM messages_app_bannedphrase"
        )
        cursor.execute(
            "INSERT INTO moderation_report (content_type_id, object_id, reporter_id, category, "
            "text, created_at, resolved_at, outcome) SELECT %s, confession_id, reporter_id, "
            "category, text, created_at, resolved_at, outcome FROM messages_app_report "
            "ORDER BY id",
            [confession],
        )
        cursor.execute(
            "INSERT INTO moderation_decision (moderator_id, content_type_id, object_id, action, "
            "from_status, to_status, reason, note, created_at) SELECT moderator_id, "
            "CASE WHEN reply_id IS NULL THEN %s ELSE %s END, COALESCE(reply_id, confession_id), "
            "action, from_status, to_status, reason, note, created_at "
            "FROM messages_app_moderationdecision ORDER BY id",
            [confession, reply],
        )


def copy_back(apps, schema_editor):
    confession, reply = _content_type(apps, "confession"), _content_type(apps, "reply")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO messages_app_bannedphrase (phrase, action, created_at) "
            "SELECT phrase, action, created_at FROM moderation_bannedphrase"
        )
        cursor.execute(
            "INSERT INTO messages_app_report (confession_id, reporter_id, category, text, "
            "created_at, resolved_at, outcome) SELECT object_id, reporter_id, category, text, "
            "created_at, resolved_at, outcome FROM moderation_report "
            "WHERE content_type_id = %s ORDER BY id",
            [confession],
        )
        cursor.execute(
            "INSERT INTO messages_app_moderationdecision (moderator_id, confession_id, reply_id, "
            "action, from_status, to_status, reason, note, created_at) SELECT d.moderator_id, "
            "COALESCE(r.confession_id, d.object_id), r.id, d.action, d.from_status, "
            "d.to_status, d.reason, d.note, d.created_at FROM moderation_decision d "
            "LEFT JOIN messages_app_reply r ON d.content_type_id = %s AND r.id = d.object_id "
            "WHERE d.content_type_id IN (%s, %s) ORDER BY d.id",
            [reply, confession, reply],
        )
        # A move, not a copy: forward again finds them where they were.
        cursor.execute("DELETE FROM moderation_bannedphrase")
        for table in ("moderation_report", "moderation_decision"):
            cursor.execute(
                f"DELETE FROM {table} WHERE content_type_id IN (%s, %s)",  # noqa: S608
                [confession, reply],
            )


def forget_old_tables(apps, schema_editor):
    # Their content types, and with them their permissions (the Moderators group held some).
    apps.get_model("contenttypes", "ContentType").objects.filter(
        app_label="messages_app", model__in=["bannedphrase", "report", "moderationdecision"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("messages_app", "0007_thread_summary"),
        ("moderation", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(copy_rows, copy_back),
        migrations.DeleteModel(name="BannedPhrase"),
        migrations.DeleteModel(name="ModerationDecision"),
        migrations.DeleteModel(name="Report"),
        migrations.RunPython(forget_old_tables, migrations.RunPython.noop),
    ]

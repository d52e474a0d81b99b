"""Reports and the audit log of posts and comments move to the moderation app, beside the
confessions': rows are copied over, each pointing at its post or comment by content type;
then the walls' own tables go."""

from django.db import migrations


def _content_types(apps) -> tuple[int, int]:
    ContentType = apps.get_model("contenttypes", "ContentType")
    post = ContentType.objects.get_or_create(app_label="walls", model="post")[0].pk
    comment = ContentType.objects.get_or_create(app_label="walls", model="comment")[0].pk
    return post, comment


def copy_rows(apps, schema_editor):
    post, comment = _content_types(apps)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO moderation_report (content_type_id, object_id, reporter_id, category, "
            "text, created_at, resolved_at, outcome) SELECT "
            "CASE WHEN post_id IS NULL THEN %s ELSE %s END, COALESCE(post_id, comment_id), "
            "reporter_id, category, text, created_at, resolved_at, '' FROM walls_wallreport "
            "ORDER BY id",
            [comment, post],
        )
        cursor.execute(
            "INSERT INTO moderation_decision (moderator_id, content_type_id, object_id, action, "
            "from_status, to_status, reason, note, created_at) SELECT moderator_id, "
            "CASE WHEN post_id IS NULL THEN %s ELSE %s END, COALESCE(post_id, comment_id), "
            "action, from_status, to_status, reason, note, created_at FROM walls_walldecision "
            "ORDER BY id",
            [comment, post],
        )


def copy_back(apps, schema_editor):
    post, comment = _content_types(apps)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO walls_wallreport (post_id, comment_id, reporter_id, category, text, "
            "created_at, resolved_at) SELECT CASE WHEN content_type_id = %s THEN object_id END, "
            "CASE WHEN content_type_id = %s THEN object_id END, reporter_id, category, text, "
            "created_at, "
            "resolved_at FROM moderation_report WHERE content_type_id IN (%s, %s) ORDER BY id",
            [post, comment, post, comment],
        )
        # The walls' own log knew no automatic hiding (8 characters at most): a plain hide.
        cursor.execute(
            "INSERT INTO walls_walldecision (post_id, comment_id, moderator_id, action, "
            "from_status, to_status, reason, note, created_at) SELECT "
            "CASE WHEN content_type_id = %s THEN object_id END, "
            "CASE WHEN content_type_id = %s THEN object_id END, moderator_id, "
            "CASE WHEN action = 'auto_hide' THEN 'hide' ELSE action END, from_status, "
            "to_status, reason, note, created_at FROM moderation_decision "
            "WHERE content_type_id IN (%s, %s) ORDER BY id",
            [post, comment, post, comment],
        )
        # A move, not a copy: forward again finds them where they were.
        for table in ("moderation_report", "moderation_decision"):
            cursor.execute(
                f"DELETE FROM {table} WHERE content_type_id IN (%s, %s)",  # noqa: S608
                [post, comment],
            )


def forget_old_tables(apps, schema_editor):
    # Their content types, and with them their permissions (the Moderators group held some).
    apps.get_model("contenttypes", "ContentType").objects.filter(
        app_label="walls", model__in=["wallreport", "walldecision"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("walls", "0004_moderators"),
        ("moderation", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(copy_rows, copy_back),
        migrations.DeleteModel(name="WallDecision"),
        migrations.DeleteModel(name="WallReport"),
        migrations.RunPython(forget_old_tables, migrations.RunPython.noop),
    ]

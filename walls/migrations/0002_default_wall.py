"""One wall to start with, so `make run` has one: open, pre-moderated (WeChat's reviewers
expect anonymous posting to be moderated before anyone sees it)."""

from django.db import migrations


def create(apps, schema_editor):
    Wall = apps.get_model("walls", "Wall")
    Wall.objects.get_or_create(
        slug="campus",
        defaults={
            "name": "表白墙",
            "description": "The default wall: say it to someone, described.",
            "invite_only": False,
            "moderation": "pre",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("walls", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

"""The default wall's description in the language of its name and of the campuses it is for
(it was English beside a Chinese name, whatever the reader's language). Left alone where an
operator has changed it."""

from django.db import migrations

ENGLISH = "The default wall: say it to someone, described."
CHINESE = "默认的表白墙：描述你想说给谁，说出心里话。"


def forward(apps, schema_editor):
    Wall = apps.get_model("walls", "Wall")
    Wall.objects.filter(slug="campus", description=ENGLISH).update(description=CHINESE)


def backward(apps, schema_editor):
    Wall = apps.get_model("walls", "Wall")
    Wall.objects.filter(slug="campus", description=CHINESE).update(description=ENGLISH)


class Migration(migrations.Migration):
    dependencies = [("walls", "0010_random_public_ids")]

    operations = [migrations.RunPython(forward, backward)]

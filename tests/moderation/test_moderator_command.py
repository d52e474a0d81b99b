"""`manage.py moderator add|remove <username>`: one step to a working moderator, and back."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("moderator", *args, stdout=out)
    return out.getvalue()


def test_a_moderator_made_by_the_command_can_open_the_queue_and_no_more(django_user_model):
    mia = django_user_model.objects.create_user(username="mia", password="a long passphrase")
    assert "is a moderator" in run("add", "MIA")  # usernames are found in any case
    mia.refresh_from_db()
    assert mia.is_staff
    assert not mia.is_superuser
    client = Client()
    client.force_login(mia)
    assert client.get("/admin/messages_app/queuedconfession/").status_code == 200
    assert client.get("/admin/walls/post/").status_code == 200
    # Not a moderator's business: accounts and uploads (they would unmask senders).
    assert client.get("/admin/media_app/media/").status_code == 403

    assert "no longer a moderator" in run("remove", "mia")
    mia.refresh_from_db()
    assert not mia.is_staff
    assert not mia.groups.exists()
    assert client.get("/admin/messages_app/queuedconfession/").status_code == 302


def test_an_unknown_or_banned_user_is_refused(django_user_model):
    with pytest.raises(CommandError, match="No user"):
        run("add", "nobody")
    django_user_model.objects.create_user(username="gone", is_active=False)
    with pytest.raises(Exception, match="cannot moderate"):
        run("add", "gone")


def test_removing_keeps_a_superusers_staff_status(django_user_model):
    root = django_user_model.objects.create_superuser(username="root", password="a long pass 1")
    run("add", "root")
    run("remove", "root")
    root.refresh_from_db()
    assert root.is_staff

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from accounts.models import User
from messages_app.models import Confession

pytestmark = pytest.mark.django_db


def test_demo_confessions_are_idempotent():
    first, second = io.StringIO(), io.StringIO()
    call_command("demo_confessions", stdout=first)
    call_command("demo_confessions", stdout=second)
    assert Confession.objects.count() == 3
    assert "(created)" in first.getvalue()
    assert "(created)" not in second.getvalue()
    alice = User.objects.get(username="alice")
    assert Confession.objects.filter(recipient=alice, delivered_at__isnull=False).count() == 2


def test_demo_confessions_print_where_the_web_client_and_the_share_link_are():
    out = io.StringIO()
    call_command("demo_confessions", "--site", "http://127.0.0.1:9000", stdout=out)
    link = Confession.objects.get(recipient__isnull=True)
    assert f"share link http://127.0.0.1:9000/s/{link.share_token}" in out.getvalue()
    assert "The web client: http://127.0.0.1:9000/app/" in out.getvalue()

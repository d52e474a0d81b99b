from __future__ import annotations

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from accounts.management.commands.demo_data import DEMO_USERS
from accounts.models import User

pytestmark = pytest.mark.django_db


def test_demo_data_is_idempotent_and_prints_logins():
    first, second = io.StringIO(), io.StringIO()
    call_command("demo_data", stdout=first)
    call_command("demo_data", stdout=second)
    assert User.objects.count() == len(DEMO_USERS)
    for username, password in DEMO_USERS:
        assert f"{username} / {password}  (created)" in first.getvalue()
        assert f"{username} / {password}  (exists)" in second.getvalue()
        assert authenticate(username=username, password=password) is not None

"""Fixtures the walls' tests share."""

from __future__ import annotations

import pytest

from walls.models import Wall


@pytest.fixture
def carol(django_user_model):
    return django_user_model.objects.create_user(username="carol")


@pytest.fixture
def town():
    """An open wall, moderated after the fact."""
    return Wall.objects.create(name="Town", slug="town", moderation=Wall.Moderation.POST)

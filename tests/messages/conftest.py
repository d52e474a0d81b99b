from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from media_app.models import Media
from tests.conftest import access_token_for


@pytest.fixture
def carol(django_user_model):
    return django_user_model.objects.create_user(username="carol", password="carol-pass-2026!")


def client_of(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access_token_for(user)}")
    return client


@pytest.fixture
def bob_client(bob) -> APIClient:
    return client_of(bob)


@pytest.fixture
def carol_client(carol) -> APIClient:
    return client_of(carol)


def make_media(owner, kind: str = "image") -> Media:
    """A Media row as media_app would make it (the upload path has its own tests)."""
    return Media.objects.create(
        owner=owner,
        kind=kind,
        storage_key=f"u/test/{owner.pk}-{Media.objects.count()}.jpg",
        content_type="image/jpeg" if kind == "image" else "video/mp4",
        size=100,
        width=10,
        height=10,
        thumbnail_key=f"u/test/{owner.pk}-{Media.objects.count()}_thumb.jpg",
        sha256="0" * 64,
    )

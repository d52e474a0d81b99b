from __future__ import annotations

import uuid

import pytest
from rest_framework.test import APIClient

from media_app.models import Media
from media_app.services import owner_prefix
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
    """A Media row keyed as media_app keys uploads (the upload path has its own tests)."""
    base = f"{owner_prefix(owner.pk)}/{uuid.uuid4().hex}"
    return Media.objects.create(
        owner=owner,
        kind=kind,
        storage_key=f"{base}.jpg",
        content_type="image/jpeg" if kind == "image" else "video/mp4",
        size=100,
        width=10,
        height=10,
        thumbnail_key=f"{base}_thumb.jpg",
        sha256="0" * 64,
    )

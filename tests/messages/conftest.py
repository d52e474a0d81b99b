from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import client_of


@pytest.fixture
def carol(django_user_model):
    return django_user_model.objects.create_user(username="carol", password="carol-pass-2026!")


@pytest.fixture
def bob_client(bob) -> APIClient:
    return client_of(bob)


@pytest.fixture
def carol_client(carol) -> APIClient:
    return client_of(carol)


@pytest.fixture
def moderator(django_user_model):
    user = django_user_model.objects.create_user(
        username="mod", password="mod-pass-2026!", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def moderator_client(moderator) -> Client:
    client = Client()
    client.force_login(moderator)
    return client


@pytest.fixture
def superuser_client(django_user_model) -> Client:
    client = Client()
    client.force_login(django_user_model.objects.create_superuser(username="root"))
    return client

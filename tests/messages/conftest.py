from __future__ import annotations

import pytest
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

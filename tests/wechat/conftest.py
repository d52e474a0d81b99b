from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories import client_of


@pytest.fixture
def bob_client(bob) -> APIClient:
    return client_of(bob)

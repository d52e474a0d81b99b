"""Error reports to Sentry, against a receiver on loopback (tests/fakes/sentry.py): an
unhandled error arrives with its type, route and request id, and without the signed-in user
(who may be an anonymous sender), their token, the body, statements' parameters, phone
numbers or passwords."""

from __future__ import annotations

import json

import pytest
import sentry_sdk

from core import sentry
from tests.conftest import access_token_for
from tests.fakes.sentry import FakeSentry

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver(settings):
    settings.ROOT_URLCONF = "tests.core.urls"
    fake = FakeSentry().start()
    sentry.init(fake.dsn, environment="test", release="t1")
    yield fake
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: nothing reported any more
    fake.stop()


def test_an_unhandled_error_is_reported_without_who_or_secrets(receiver, client, alice):
    alice.display_name = "Secret Alice"
    alice.save()
    token = access_token_for(alice)
    answer = client.get(
        "/api/v1/_test/raise/leaky?phone=13912345678",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_X_REQUEST_ID="req-boom-1",
        HTTP_COOKIE="sessionid=s3cr3tsession",
    )
    assert answer.status_code == 500
    [event] = receiver.wait_for_events(1)
    assert event["environment"] == "test"
    assert event["tags"]["request_id"] == "req-boom-1"
    [exception] = event["exception"]["values"]
    assert exception["type"] == "RuntimeError"
    text = json.dumps(event) + b"".join(receiver.raw).decode(errors="replace")
    for secret in ("alice", "Secret Alice", token, "13812345678", "13912345678", "hunter2",
                   "s3cr3tsession"):  # fmt: skip
        assert secret not in text, secret
    assert "user" not in event
    assert "Authorization" not in event.get("request", {}).get("headers", {})
    assert not any(
        crumb.get("category") == "query" for crumb in event.get("breadcrumbs", {}).get("values", [])
    )
    # The stack is there, its frames without their local variables.
    frames = exception["stacktrace"]["frames"]
    assert frames
    assert not any("vars" in frame for frame in frames)

"""WeChat's image check, for the tests of whatever carries images (confessions, wall posts):
its settings as a fixture, a WeChat user, an upload the worker hands to WeChat, and the
verdict WeChat pushes back."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from rest_framework_simplejwt.tokens import AccessToken

from media_app.models import Media
from tests.conftest import run_worker
from tests.fakes.wechat import push_query
from tests.media import files
from tests.media.conftest import upload


@pytest.fixture
def wechat_image_checks(s3_storage_settings, wechat, settings, monkeypatch):
    settings.TASK_SCHEDULE = {}
    settings.WECHAT_PUSH_TOKEN = "push-token"
    settings.WECHAT_PUSH_AES_KEY = ""
    monkeypatch.setattr(AccessToken, "lifetime", timedelta(days=1))


@pytest.fixture
def alice_on_wechat(alice):
    alice.wechat_openid = "openid-alice"
    alice.save(update_fields=["wechat_openid"])
    return alice


def checked_upload(alice_client) -> Media:
    response = upload(alice_client, files.jpeg())
    assert response.status_code == 201, response.content
    run_worker()  # the task that asks WeChat
    return Media.objects.get(pk=response.json()["id"])


def verdict(media: Media, suggest: str, label: str = "100") -> None:
    """WeChat pushes its verdict (plain mode, signed), then the worker processes it."""
    event = {"ToUserName": "gh_x", "FromUserName": "openid-alice", "CreateTime": 1714200000,
             "MsgType": "event", "Event": "wxa_media_check", "trace_id": media.check_trace_id,
             "version": 2, "result": {"suggest": suggest, "label": label}}  # fmt: skip
    response = Client().post(
        f"/wechat/push?{push_query('push-token')}",
        json.dumps(event),
        content_type="application/json",
    )
    assert response.content == b"success"
    run_worker()

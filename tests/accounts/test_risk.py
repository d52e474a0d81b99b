"""Risky new WeChat accounts (accounts.risk), on the WeChat fake: getuserriskrank at sign-up,
scene 0, with the client's address; at WECHAT_RISK_REVIEW_RANK or above, the account's posts,
comments and confessions wait for moderators during its first WECHAT_RISK_REVIEW_DAYS. WeChat
answering an error, or away, leaves the rank unknown and signs the user in all the same."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.models import User
from messages_app.models import Confession
from tests.factories import client_of
from walls.models import Post, Wall

pytestmark = pytest.mark.django_db


def sign_up(api_client, wechat, openid: str) -> User:
    code = wechat.issue_code(openid)
    answer = api_client.post(
        "/api/v1/auth/wechat", {"code": code}, format="json", REMOTE_ADDR="203.0.113.9"
    )
    assert answer.status_code == 200, answer.content
    return User.objects.get(wechat_openid=openid)


@pytest.fixture
def town():
    return Wall.objects.create(name="Town", slug="town", moderation=Wall.Moderation.POST)


def post_status(user: User) -> str:
    client = client_of(user)
    assert client.post("/api/v1/walls/town/join").status_code == 200
    answer = client.post("/api/v1/walls/town/posts", {"body": "hello town"}, format="json")
    assert answer.status_code == 201, answer.content
    return answer.json()["status"]


def test_a_risky_new_account_has_its_first_posts_held(api_client, wechat, town, bob, settings):
    settings.WECHAT_RISK_REVIEW_RANK, settings.WECHAT_RISK_REVIEW_DAYS = 3, 7
    wechat.risk_ranks["o-risky"] = 4
    risky = sign_up(api_client, wechat, "o-risky")
    [asked] = wechat.requests_to("/wxa/getuserriskrank")
    assert asked.body == {"appid": wechat.appid, "openid": "o-risky", "scene": 0,
                          "client_ip": "203.0.113.9"}  # fmt: skip
    assert risky.wechat_risk_rank == 4
    assert post_status(risky) == "pending"
    held = Post.objects.get(author=risky)
    assert "risky" in held.moderation_note
    sent = client_of(risky).post(
        "/api/v1/confessions", {"recipient": "bob", "body": "hi bob", "anonymous": False}
    )
    assert sent.status_code == 201, sent.content
    assert Confession.objects.get(sender=risky).status == "pending"
    # After its first days, the same account posts as anyone does.
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert post_status(risky) == "approved"
    # Signing in again asks nothing more.
    sign_up(api_client, wechat, "o-risky")
    assert len(wechat.requests_to("/wxa/getuserriskrank")) == 1


def test_a_low_rank_posts_at_once(api_client, wechat, town):
    wechat.risk_ranks["o-calm"] = 1
    calm = sign_up(api_client, wechat, "o-calm")
    assert calm.wechat_risk_rank == 1
    assert post_status(calm) == "approved"


@pytest.mark.parametrize("errcode", [-1, 48001, 61010, 43104])
def test_an_errcode_leaves_the_rank_unknown_and_signs_in(api_client, wechat, town, errcode):
    wechat.fail_next(errcode, path="/wxa/getuserriskrank")
    user = sign_up(api_client, wechat, "o-unknown")
    assert user.wechat_risk_rank is None
    assert post_status(user) == "approved"


def test_wechat_away_leaves_the_rank_unknown_and_signs_in(api_client, wechat, town):
    wechat.answer_garbage_next(path="/wxa/getuserriskrank")
    user = sign_up(api_client, wechat, "o-away")
    assert user.wechat_risk_rank is None
    assert post_status(user) == "approved"

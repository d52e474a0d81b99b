"""Phone binding through WeChat: encrypted at rest, shown masked to its owner only, gone with
the account; with POSTING_REQUIRES_PHONE, no sending or replying without one."""

from __future__ import annotations

import pytest
from django.db import connection

from accounts import services
from accounts.models import User

pytestmark = pytest.mark.django_db


def test_a_phone_is_bound_encrypted_and_shown_masked_to_its_owner(alice_client, alice, wechat):
    code = wechat.issue_phone_code("13812345678")
    response = alice_client.post("/api/v1/me/phone", {"code": code})
    assert response.status_code == 200, response.content
    assert response.json()["phone"] == "138****5678"
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone_sealed FROM accounts_user WHERE id = %s", [alice.pk])
        stored = cursor.fetchone()[0]
    assert stored  # encrypted at rest
    assert "13812345678" not in stored
    assert alice_client.get("/api/v1/users/alice").json().get("phone") is None
    assert "138" not in alice_client.get("/api/v1/users/alice").content.decode()
    # The code works once.
    again = alice_client.post("/api/v1/me/phone", {"code": code})
    assert again.status_code == 400
    assert again.json()["error"]["code"] == "wechat_code_invalid"


def test_unbinding_and_deleting_the_account_forget_it(alice_client, alice, wechat):
    alice_client.post("/api/v1/me/phone", {"code": wechat.issue_phone_code("13812345678")})
    assert alice_client.delete("/api/v1/me/phone").status_code == 204
    assert alice_client.get("/api/v1/me").json()["phone"] is None
    alice_client.post("/api/v1/me/phone", {"code": wechat.issue_phone_code("13812345678")})
    services.user_delete(user=alice)
    assert not User.objects.exclude(phone_sealed="").exists()


def test_without_wechat_binding_is_a_503(alice_client, settings):
    settings.WECHAT_APPID = ""
    response = alice_client.post("/api/v1/me/phone", {"code": "x"})
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "wechat_unavailable"


def test_posting_requires_a_phone_when_configured(alice_client, alice, bob, settings, wechat):
    settings.POSTING_REQUIRES_PHONE = True
    response = alice_client.post("/api/v1/confessions", {"recipient": "bob", "body": "hi"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "phone_required"
    alice_client.post("/api/v1/me/phone", {"code": wechat.issue_phone_code("13812345678")})
    sent = alice_client.post("/api/v1/confessions", {"recipient": "bob", "body": "hi"})
    assert sent.status_code == 201
    from tests.factories import client_of

    reply = client_of(bob).post(f"/api/v1/confessions/{sent.json()['id']}/replies",
                                {"body": "who?"})  # fmt: skip
    assert reply.status_code == 403
    assert reply.json()["error"]["code"] == "phone_required"


def test_posting_needs_no_phone_by_default(alice_client, bob):
    response = alice_client.post("/api/v1/confessions", {"recipient": "bob", "body": "hi"})
    assert response.status_code == 201


def test_wall_posts_and_comments_need_the_phone_too(alice_client, alice, settings, wechat):
    """The real-name rule is for forum content above all: walls' posts and comments."""
    from walls.models import Comment, Post, Wall

    Wall.objects.create(name="Town", slug="town", moderation=Wall.Moderation.POST)
    settings.POSTING_REQUIRES_PHONE = True
    assert alice_client.post("/api/v1/walls/town/join").status_code == 200
    refused = alice_client.post("/api/v1/walls/town/posts", {"body": "hello"})
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "phone_required")
    assert "/api/" not in refused.json()["error"]["message"]  # words for people, not a path
    alice_client.post("/api/v1/me/phone", {"code": wechat.issue_phone_code("13812345678")})
    post = alice_client.post("/api/v1/walls/town/posts", {"body": "hello"}).json()
    alice_client.delete("/api/v1/me/phone")
    refused = alice_client.post(f"/api/v1/posts/{post['id']}/comments", {"body": "me again"})
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "phone_required")
    assert (Post.objects.count(), Comment.objects.count()) == (1, 0)


def test_one_phone_binds_one_account(alice_client, alice, bob, wechat):
    """Decided: a phone stands for one person, so it binds one account at a time (else a
    banned author comes back with a new account on the same phone). Unbound, or with its
    account deleted, it is free again."""
    from tests.factories import client_of

    bob_client = client_of(bob)
    first = alice_client.post("/api/v1/me/phone", {"code": wechat.issue_phone_code("13812345678")})
    assert first.status_code == 200
    taken = bob_client.post("/api/v1/me/phone", {"code": wechat.issue_phone_code("13812345678")})
    assert (taken.status_code, taken.json()["error"]["code"]) == (409, "phone_in_use")
    assert User.objects.get(pk=bob.pk).phone_sealed == ""
    # The same account binding it again is no conflict.
    again = alice_client.post("/api/v1/me/phone", {"code": wechat.issue_phone_code("13812345678")})
    assert again.status_code == 200
    alice_client.delete("/api/v1/me/phone")
    freed = bob_client.post("/api/v1/me/phone", {"code": wechat.issue_phone_code("13812345678")})
    assert freed.status_code == 200
    # The digest that keeps it unique is not the number.
    digest = User.objects.get(pk=bob.pk).phone_digest
    assert digest
    assert "13812345678" not in digest

"""Display names and bios pass the moderation chain: every author's through the banned phrases,
WeChat users' through WeChat's check too (scene 1, a profile). A block is a 400; a review holds
the new text while the old one stays public."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.test import Client

from accounts import services
from accounts.models import ProfileText
from moderation.models import BannedPhrase

pytestmark = pytest.mark.django_db


@pytest.fixture
def phrases():
    BannedPhrase.objects.create(phrase="forbidden", action="block")
    BannedPhrase.objects.create(phrase="dubious", action="review")


def public(username: str, alice_client) -> dict:
    return alice_client.get(f"/api/v1/users/{username}").json()


def test_the_default_chain_checks_every_author_and_wechat_users_with_wechat():
    assert django_settings.MODERATION_CHECKERS == [
        "moderation.checkers.BannedPhraseChecker",
        "moderation.checkers.WeChatContentChecker",
    ]


@pytest.mark.parametrize("field", ["bio", "display_name"])
def test_a_blocked_text_is_a_400_and_changes_nothing(alice_client, alice, phrases, field):
    body = {field: "so F.O.R.B.I.D.D.E.N", "accepts_anonymous": False}
    response = alice_client.patch("/api/v1/me", body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "content_rejected"
    alice.refresh_from_db()
    assert (alice.bio, alice.display_name, alice.accepts_anonymous) == ("", "", True)


def test_a_text_for_review_is_held_and_the_old_one_stays_public(alice_client, alice, phrases):
    alice_client.patch("/api/v1/me", {"display_name": "Ann", "bio": "hello"})
    response = alice_client.patch("/api/v1/me", {"display_name": "dubious Ann", "bio": "new bio"})
    assert response.status_code == 200
    me = response.json()
    assert (me["display_name"], me["pending_display_name"]) == ("Ann", "dubious Ann")
    assert (me["bio"], me["pending_bio"]) == ("new bio", None)
    assert public("alice", alice_client)["display_name"] == "Ann"
    assert "pending_display_name" not in public("alice", alice_client)

    # A moderated kind like a confession: pending, with the chain's note for the moderator.
    [held] = ProfileText.objects.filter(user=alice)
    assert (held.field, held.value, held.status) == ("display_name", "dubious Ann", "pending")
    assert "dubious" in held.moderation_note
    services.profile_pending_decide(user=alice, approve=True)
    assert public("alice", alice_client)["display_name"] == "dubious Ann"
    assert alice_client.get("/api/v1/me").json()["pending_display_name"] is None
    assert ProfileText.objects.get(pk=held.pk).status == "approved"


def test_a_newer_change_replaces_a_held_one_and_a_passing_one_drops_it(alice_client, alice,
                                                                       phrases):  # fmt: skip
    alice_client.patch("/api/v1/me", {"bio": "a dubious bio"})
    me = alice_client.patch("/api/v1/me", {"bio": "another dubious bio"}).json()
    assert me["pending_bio"] == "another dubious bio"
    assert ProfileText.objects.filter(user=alice, status="pending").count() == 1
    assert alice_client.patch("/api/v1/me", {"bio": "fine"}).json()["pending_bio"] is None
    assert not ProfileText.objects.filter(user=alice).exists()


def test_a_rejected_held_text_is_dropped(alice_client, alice, phrases):
    alice_client.patch("/api/v1/me", {"bio": "a dubious bio"})
    services.profile_pending_decide(user=alice, approve=False)
    alice.refresh_from_db()
    assert (alice.bio, alice.held_texts["bio"]) == ("", None)
    assert ProfileText.objects.get(user=alice).status == "rejected"


def test_moderators_decide_held_texts_in_the_admin(alice_client, alice, phrases, admin_client):
    alice_client.patch("/api/v1/me", {"display_name": "dubious"})
    listing = admin_client.get("/admin/accounts/user/?held=yes")
    assert "alice" in listing.content.decode()
    admin_client.post("/admin/accounts/user/", {
        "action": "approve_held_profiles", "_selected_action": [alice.pk],
    })  # fmt: skip
    alice.refresh_from_db()
    assert (alice.display_name, alice.held_texts["display_name"]) == ("dubious", None)


def test_wechat_users_profiles_go_through_wechats_check_as_a_profile(alice, wechat):
    alice.wechat_openid = "openid-alice"
    alice.save()
    client = Client(HTTP_AUTHORIZATION=f"Bearer {_token(alice)}")
    assert client.patch("/api/v1/me", {"bio": "RISKY words"},
                        content_type="application/json").status_code == 400  # fmt: skip
    held = client.patch("/api/v1/me", {"bio": "REVIEW me"}, content_type="application/json")
    assert held.json()["pending_bio"] == "REVIEW me"
    assert client.patch("/api/v1/me", {"bio": "fine"},
                        content_type="application/json").json()["bio"] == "fine"  # fmt: skip
    checks = wechat.requests_to("/wxa/msg_sec_check")
    assert [request.body["scene"] for request in checks] == [1, 1, 1]
    assert {request.body["openid"] for request in checks} == {"openid-alice"}


def test_users_without_an_openid_are_not_sent_to_wechat(alice_client, wechat, phrases):
    assert alice_client.patch("/api/v1/me", {"bio": "RISKY but not to us"}).status_code == 200
    assert wechat.requests_to("/wxa/msg_sec_check") == []


def _token(user) -> str:
    from tests.conftest import access_token_for

    return access_token_for(user)

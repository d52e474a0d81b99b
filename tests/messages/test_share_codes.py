"""Share codes: a share link's mini program code from WeChat, made once, for its sender only;
its scene leads back to the link. Against the fake WeChat."""

from __future__ import annotations

import pytest

from messages_app.models import ShareCode

pytestmark = pytest.mark.django_db

WXACODE = "/wxa/getwxacodeunlimit"


@pytest.fixture
def link(alice_client) -> dict:
    response = alice_client.post("/api/v1/confessions", {"body": "whoever scans this"})
    assert response.status_code == 201
    return response.json()


def test_its_sender_gets_a_png_made_once(alice_client, link, wechat, settings):
    url = f"/api/v1/confessions/{link['id']}/share-code"
    first = alice_client.get(url)
    assert first.status_code == 200, first.content
    assert first["Content-Type"] == "image/png"
    assert first.content.startswith(b"\x89PNG\r\n\x1a\n")
    again = alice_client.get(url)
    assert again.content == first.content
    [made] = wechat.requests_to(WXACODE)  # made once, then kept
    scene = made.body["scene"]
    assert len(scene) <= 32
    assert link["share_token"] not in scene  # the token itself is not in the code
    assert made.body["page"] == settings.WECHAT_SHARE_PAGE
    assert made.body["env_version"] == "release"


def test_the_scene_leads_back_to_the_link(alice_client, bob_client, link, wechat):
    alice_client.get(f"/api/v1/confessions/{link['id']}/share-code")
    scene = ShareCode.objects.get().scene
    response = bob_client.get(f"/api/v1/confessions/by-scene/{scene}")
    assert response.json() == {"share_token": link["share_token"]}
    claim = bob_client.post(f"/api/v1/confessions/shared/{link['share_token']}/claim")
    assert claim.status_code == 200
    # Claimed: the code leads nowhere now, and no new code is made.
    assert bob_client.get(f"/api/v1/confessions/by-scene/{scene}").status_code == 404
    late = alice_client.get(f"/api/v1/confessions/{link['id']}/share-code")
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "not_shareable"


def test_only_its_sender_and_only_for_a_share_link(alice_client, bob_client, carol_client, link,
                                                  wechat, bob):  # fmt: skip
    url = f"/api/v1/confessions/{link['id']}/share-code"
    for client in (bob_client, carol_client):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    addressed = alice_client.post("/api/v1/confessions", {"recipient": "bob", "body": "hi"}).json()
    assert alice_client.get(f"/api/v1/confessions/{addressed['id']}/share-code").status_code == 409
    assert bob_client.get(f"/api/v1/confessions/{addressed['id']}/share-code").status_code == 404
    assert bob_client.get("/api/v1/confessions/by-scene/cNOPE").status_code == 404
    assert wechat.requests_to(WXACODE) == []


def test_wechat_failing_or_off_is_a_503_and_stores_nothing(alice_client, link, wechat, settings):
    url = f"/api/v1/confessions/{link['id']}/share-code"
    wechat.fail_next(45009, path=WXACODE)
    response = alice_client.get(url)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "wechat_unavailable"
    settings.WECHAT_APPID = ""
    assert alice_client.get(url).status_code == 503
    assert not ShareCode.objects.exists()

"""The IP region (accounts.regions): with IP_REGION_DB pointing at a MaxMind-format database
(written here by mmdb-writer), an account's profile shows the province (in mainland China) or
the country of its latest sign-in address, in the reader's language; a wall that shows regions
shows it on signed posts and comments, never on anonymous ones; the address is kept nowhere."""

from __future__ import annotations

import pytest
from django.db import connection
from mmdb_writer import MMDBWriter
from netaddr import IPSet

from accounts.models import User
from tests.factories import client_of
from walls.models import Wall

pytestmark = pytest.mark.django_db

GUANGDONG = {
    "country": {"iso_code": "CN", "names": {"en": "China", "zh-CN": "中国"}},
    "subdivisions": [{"iso_code": "GD", "names": {"en": "Guangdong", "zh-CN": "广东"}}],
}
JAPAN = {"country": {"iso_code": "JP", "names": {"en": "Japan", "zh-CN": "日本"}}}


@pytest.fixture
def region_db(tmp_path, settings):
    writer = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="GeoLite2-City",
                        languages=["en", "zh-CN"])  # fmt: skip
    writer.insert_network(IPSet(["1.2.3.0/24"]), GUANGDONG)
    writer.insert_network(IPSet(["5.6.7.0/24"]), JAPAN)
    path = tmp_path / "regions.mmdb"
    writer.to_db_file(str(path))
    settings.IP_REGION_DB = str(path)
    return path


@pytest.fixture
def walker(django_user_model):
    return django_user_model.objects.create_user(username="walker", password="a long passphrase")


def sign_in(api_client, address: str, **headers) -> dict:
    answer = api_client.post(
        "/api/v1/auth/login",
        {"username": "walker", "password": "a long passphrase"},
        format="json",
        REMOTE_ADDR=address,
        **headers,
    )
    assert answer.status_code == 200, answer.content
    return answer.json()["user"]


def test_the_profile_shows_the_latest_sign_in_region(api_client, walker, alice, region_db):
    assert sign_in(api_client, "1.2.3.4")["ip_region"] == "Guangdong"
    alice_client = client_of(alice)
    assert alice_client.get("/api/v1/users/walker").json()["ip_region"] == "Guangdong"
    chinese = alice_client.get("/api/v1/users/walker", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese.json()["ip_region"] == "广东"
    # Outside mainland China, the country; the latest sign-in's address decides, so one the
    # database does not know leaves no region (not the last one's).
    assert sign_in(api_client, "5.6.7.8")["ip_region"] == "Japan"
    assert client_of(walker).get("/api/v1/me").json()["ip_region"] == "Japan"
    assert sign_in(api_client, "10.1.1.1")["ip_region"] is None
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_user WHERE username = 'walker'")
        row = repr(cursor.fetchall())
    assert "5.6.7.8" not in row
    assert "1.2.3.4" not in row


def test_without_a_database_nothing_is_shown(api_client, walker, settings):
    settings.IP_REGION_DB = ""
    assert sign_in(api_client, "1.2.3.4")["ip_region"] is None
    assert User.objects.get(username="walker").ip_region is None


def test_a_wall_shows_it_on_signed_work_never_on_anonymous(api_client, walker, alice, region_db):
    Wall.objects.create(name="Town", slug="town", moderation="post", shows_region=True)
    Wall.objects.create(name="Quiet", slug="quiet", moderation="post")
    sign_in(api_client, "1.2.3.4")
    walker_client, alice_client = client_of(walker), client_of(alice)
    for slug in ("town", "quiet"):
        assert walker_client.post(f"/api/v1/walls/{slug}/join").status_code == 200
        assert alice_client.post(f"/api/v1/walls/{slug}/join").status_code == 200
    signed = walker_client.post("/api/v1/walls/town/posts", {"body": "signed", "anonymous": False},
                                format="json").json()  # fmt: skip
    masked = walker_client.post("/api/v1/walls/town/posts", {"body": "masked", "anonymous": True},
                                format="json").json()  # fmt: skip
    quiet = walker_client.post("/api/v1/walls/quiet/posts", {"body": "q", "anonymous": False},
                               format="json").json()  # fmt: skip
    assert (signed["ip_region"], masked["ip_region"], quiet["ip_region"]) == (
        "Guangdong",
        None,
        None,
    )
    page = alice_client.get("/api/v1/walls/town/posts").json()["results"]
    shown = {post["body"]: post["ip_region"] for post in page}
    assert shown == {"signed": "Guangdong", "masked": None}
    for anonymous in (False, True):
        answer = walker_client.post(
            f"/api/v1/posts/{signed['id']}/comments",
            {"body": f"anonymous={anonymous}", "anonymous": anonymous},
            format="json",
        )
        assert answer.status_code == 201
    comments = alice_client.get(f"/api/v1/posts/{signed['id']}/comments").json()["results"]
    assert [c["ip_region"] for c in comments] == ["Guangdong", None]
    # Nothing of the region is kept for anonymous work either.
    with connection.cursor() as cursor:
        cursor.execute("SELECT region FROM walls_post WHERE anonymous UNION ALL "
                       "SELECT region FROM walls_comment WHERE anonymous")  # fmt: skip
        assert {row[0] for row in cursor.fetchall()} == {None}


def test_the_anonymous_poster_commenting_signed_shows_no_region(
    api_client, walker, alice, region_db
):
    """On their own anonymous post, a poster's signed comment is shown as "OP", not by name:
    its region would point at them, so it has none either."""
    Wall.objects.create(name="Town", slug="town", moderation="post", shows_region=True)
    sign_in(api_client, "1.2.3.4")
    walker_client, alice_client = client_of(walker), client_of(alice)
    for client in (walker_client, alice_client):
        assert client.post("/api/v1/walls/town/join").status_code == 200
    masked = walker_client.post(
        "/api/v1/walls/town/posts", {"body": "who am I", "anonymous": True}, format="json"
    ).json()
    answer = walker_client.post(
        f"/api/v1/posts/{masked['id']}/comments", {"body": "me again", "anonymous": False}
    )
    assert answer.status_code == 201
    [comment] = alice_client.get(f"/api/v1/posts/{masked['id']}/comments").json()["results"]
    assert comment["author"] is None
    assert comment["ip_region"] is None
    with connection.cursor() as cursor:
        cursor.execute("SELECT region FROM walls_comment")
        assert [row[0] for row in cursor.fetchall()] == [None]

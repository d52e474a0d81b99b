"""The web client's pages as a server answers them: the shell, the share landing page's
preview meta (saying nothing private), the strict CSP, the static modules, the language."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest
from django.test import Client

from messages_app import services
from tests.factories import make_media

pytestmark = pytest.mark.django_db

STATIC = Path(__file__).resolve().parents[2] / "webclient" / "static" / "webclient"


def csp_of(response) -> dict[str, str]:
    return {
        name: value
        for name, _, value in (part.strip().partition(" ")
                               for part in response["Content-Security-Policy"].split(";"))
    }  # fmt: skip


def test_the_app_shell_loads_its_module_under_a_strict_policy(client):
    response = client.get("/app/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<script type="module" src="/static/webclient/js/main.js"></script>' in html
    # No inline script, no inline handler, no inline style anywhere in the shell.
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
    assert " on" not in re.sub(r">[^<]*<", "><", html).lower().replace("content=", "")
    assert "style=" not in html
    policy = csp_of(response)
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["require-trusted-types-for"] == "'script'"
    assert policy["trusted-types"] == "'none'"
    assert policy["connect-src"] == "'self' ws://testserver"
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_over_https_the_socket_is_wss(client):
    assert csp_of(client.get("/app/", secure=True))["connect-src"] == "'self' wss://testserver"


@pytest.mark.service("s3")
def test_media_may_come_from_the_storages_origin_only(client, s3_storage_settings, s3_server):
    policy = csp_of(client.get("/app/"))
    origin = s3_server.endpoint_url.rstrip("/")
    assert policy["img-src"] == f"'self' blob: {origin} data:"
    assert policy["media-src"] == f"'self' blob: {origin}"


def test_the_root_leads_to_the_app(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/app/"


def test_a_share_link_previews_without_anything_private(client, alice):
    photo = make_media(alice)
    link = services.confession_send(sender=alice, body="my secret words", anonymous=False,
                                    media_ids=[photo.pk])  # fmt: skip
    response = client.get(f"/s/{link.share_token}")
    assert response.status_code == 200
    html = response.content.decode()
    meta = dict(re.findall(r'<meta (?:property|itemprop)="([^"]+)" content="([^"]*)"', html))
    assert meta["og:title"] == "Someone has a confession for you"
    assert meta["og:image"] == "http://testserver/static/webclient/share.png"
    assert meta["og:url"] == f"http://testserver/s/{link.share_token}"
    assert meta["image"] == meta["og:image"]
    assert f'data-share-token="{link.share_token}"' in html
    for private in ("my secret words", "alice", photo.storage_key):
        assert private not in html
    # The same page whether the link opens or not: the preview is no oracle.
    other = client.get("/s/aaaaaaaaaaaaaaaaaaaaaaaa").content.decode()
    assert other.replace("aaaaaaaaaaaaaaaaaaaaaaaa", link.share_token) == html


def test_a_share_page_in_chinese(client):
    response = client.get("/s/aaaaaaaaaaaa", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert 'data-language="zh-hans"' in html
    assert "有人" in re.search(r'og:title" content="([^"]*)"', html).group(1)
    assert response["Content-Language"] == "zh-hans"


@pytest.mark.parametrize("token", ["short", "has space", "x" * 65, "a<b>c\"d'e&f"])
def test_a_token_we_never_make_is_404(client, token):
    assert client.get(f"/s/{token}").status_code == 404


def test_pages_only_answer_reads(client):
    assert client.post("/app/").status_code == 405
    assert client.post("/s/aaaaaaaaaaaa").status_code == 405


def test_the_static_modules_are_served_and_import_only_each_other(client):
    """Each module is served as JavaScript, and so is every module it imports, by a relative
    URL: our own, and the SDK's bundle (clients/js/dist, at /static/webclient/sdk/)."""
    modules = sorted(STATIC.rglob("*.js"))
    assert len(modules) >= 8
    imported_sdk = False
    for module in modules:
        path = "/static/webclient/" + module.relative_to(STATIC).as_posix()
        for url in [path, *(
            posixpath.normpath(posixpath.join(posixpath.dirname(path), imported))
            for imported in re.findall(r'from "(\.[^"]+)"', module.read_text())
        )]:  # fmt: skip
            response = Client().get(url)
            assert response.status_code == 200, (path, url)
            assert response["Content-Type"].startswith("text/javascript"), url
            b"".join(response.streaming_content)
            imported_sdk |= url == "/static/webclient/sdk/confessions.js"
    assert imported_sdk


def test_no_module_writes_html(client):
    # User text reaches the page only as text: no HTML sinks in our scripts (the CSP's
    # Trusted Types would also refuse them at run time).
    sinks = re.compile(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|"
                       r"new Function|setTimeout\(\s*['\"`]")  # fmt: skip
    for module in STATIC.rglob("*.js"):
        assert not sinks.search(module.read_text()), module


def test_the_page_names_every_event_type_in_both_languages():
    """The notifications list and the settings table name each type (`ev_<type>`); a type
    without its words would show as "Something new"."""
    from realtime import events

    english, chinese = (STATIC / "js" / "i18n.js").read_text().split('"zh-hans": {', 1)
    for event in events.registered():
        key = "ev_" + event.name.replace(".", "_", 1)
        for language, words in (("en", english), ("zh", chinese)):
            assert re.search(rf"\b{key}:", words), (language, key)

"""Verified membership: an `email` wall sends a six-digit code to a school address through a
real SMTP server on loopback (aiosmtpd), and only verified members post, comment and like;
a `code` wall's members are verified by its invite code. Codes expire, are single-use, die
after five wrong tries, and are limited per account and per address; the address is kept
nowhere in clear."""

from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.utils import timezone

from tests.factories import client_of
from tests.servers import free_port
from walls.models import EmailCode, Membership, Post, Wall

pytestmark = pytest.mark.django_db


class Inbox:
    """What the SMTP server received."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = message_from_bytes(envelope.content, policy=default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"

    def code_for(self, address: str) -> str:
        for recipients, message in reversed(self.messages):
            if address.lower() in recipients:
                return re.search(r"\b(\d{6})\b", message.get_body().get_content()).group(1)
        raise AssertionError(f"no mail to {address}")


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_CONFIGURED = True
    settings.EMAIL_TIMEOUT = 5
    yield inbox
    controller.stop()


@pytest.fixture
def school():
    return Wall.objects.create(
        name="PKU", slug="pku", verification="email", email_domains="pku.edu.cn\nstu.thu.edu.cn",
        moderation=Wall.Moderation.POST,
    )  # fmt: skip


def verify(client, smtp, address: str, slug: str = "pku") -> dict:
    sent = client.post(f"/api/v1/walls/{slug}/verify", {"email": address}, format="json")
    assert sent.status_code == 202, sent.content
    confirmed = client.post(
        f"/api/v1/walls/{slug}/verify/confirm", {"code": smtp.code_for(address)}, format="json"
    )
    assert confirmed.status_code == 200, confirmed.content
    return confirmed.json()


def test_a_code_by_mail_verifies_and_only_the_verified_post(alice, bob, school, smtp):
    alice_client, bob_client = client_of(alice), client_of(bob)
    # Anyone signed in reads it and joins it; an unverified member may not write.
    [wall] = [w for w in alice_client.get("/api/v1/walls").json()["results"] if w["slug"] == "pku"]
    assert wall["verification"] == "email"
    assert wall["verified"] is False
    assert wall["email_domains"] == ["pku.edu.cn", "stu.thu.edu.cn"]
    assert alice_client.post("/api/v1/walls/pku/join").status_code == 200
    refused = alice_client.post("/api/v1/walls/pku/posts", {"body": "hi"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "not_verified"
    assert not Post.objects.exists()

    shown = verify(alice_client, smtp, "Alice@PKU.edu.cn")
    assert shown["verified"] is True
    assert shown["joined"] is True
    [(recipients, message)] = smtp.messages
    assert recipients == ["alice@pku.edu.cn"]
    assert "PKU" in message["Subject"]

    post = alice_client.post("/api/v1/walls/pku/posts", {"body": "hi"}, format="json")
    assert post.status_code == 201
    assert post.json()["verified"] is True
    # Bob, not verified, reads it but neither comments nor likes.
    assert bob_client.post("/api/v1/walls/pku/join").status_code == 200
    post_id = post.json()["id"]
    assert bob_client.get(f"/api/v1/posts/{post_id}").status_code == 200
    for path, body in ((f"/api/v1/posts/{post_id}/comments", {"body": "me too"}),
                       (f"/api/v1/posts/{post_id}/like", None)):  # fmt: skip
        answer = bob_client.post(path, body, format="json")
        assert answer.status_code == 403
        assert answer.json()["error"]["code"] == "not_verified"
    # A subdomain of a listed one verifies too; then Bob writes, marked verified.
    verify(bob_client, smtp, "bob@mails.stu.thu.edu.cn")
    comment = bob_client.post(f"/api/v1/posts/{post_id}/comments", {"body": "me too"})
    assert comment.status_code == 201
    assert comment.json()["verified"] is True
    assert bob_client.post(f"/api/v1/posts/{post_id}/like").status_code == 200
    listed = alice_client.get(f"/api/v1/posts/{post_id}/comments").json()["results"]
    assert [c["verified"] for c in listed] == [True]


def test_the_address_is_kept_nowhere_in_clear(alice, school, smtp):
    verify(client_of(alice), smtp, "alice.secret@pku.edu.cn")
    membership = Membership.objects.get(user=alice, wall=school)
    assert membership.email_domain == "pku.edu.cn"
    assert len(membership.email_digest) == 64
    with connection.cursor() as cursor:
        for table in ("walls_membership", "walls_emailcode", "accounts_user"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - our own table names
            assert "alice.secret" not in repr(cursor.fetchall())


def test_an_address_outside_the_school_or_malformed_is_refused(alice, school, smtp):
    client = client_of(alice)
    for address in ("alice@gmail.com", "alice@pku.edu.cn.evil.com", "alice@xpku.edu.cn",
                    "not an address", ""):  # fmt: skip
        answer = client.post("/api/v1/walls/pku/verify", {"email": address}, format="json")
        assert answer.status_code == 400, address
        assert "email" in answer.json()["error"]["fields"]
    assert smtp.messages == []
    assert not EmailCode.objects.exists()


def test_a_code_is_single_use_expires_and_dies_after_five_wrong_tries(alice, school, smtp):
    client = client_of(alice)
    confirm = lambda code: client.post(  # noqa: E731
        "/api/v1/walls/pku/verify/confirm", {"code": code}, format="json"
    )
    client.post("/api/v1/walls/pku/verify", {"email": "a@pku.edu.cn"}, format="json")
    code = smtp.code_for("a@pku.edu.cn")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(4):
        assert confirm(wrong).json()["error"]["code"] == "invalid_code"
    assert confirm(code).status_code == 200
    assert confirm(code).json()["error"]["code"] == "invalid_code"  # used

    Membership.objects.filter(user=alice).update(verified_at=None, email_digest=None)
    client.post("/api/v1/walls/pku/verify", {"email": "a@pku.edu.cn"}, format="json")
    code = smtp.code_for("a@pku.edu.cn")
    waiting = EmailCode.objects.get(user=alice)
    assert waiting.expires_at - timezone.now() < timedelta(minutes=15, seconds=1)
    EmailCode.objects.filter(pk=waiting.pk).update(expires_at=timezone.now())
    assert confirm(code).json()["error"]["code"] == "invalid_code"  # expired

    client.post("/api/v1/walls/pku/verify", {"email": "a@pku.edu.cn"}, format="json")
    code = smtp.code_for("a@pku.edu.cn")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        assert confirm(wrong).status_code == 400
    assert confirm(code).json()["error"]["code"] == "invalid_code"  # dead after five
    assert not Membership.objects.filter(user=alice, verified_at__isnull=False).exists()


def test_sending_is_limited_per_account_and_per_address(alice, bob, school, smtp, settings):
    settings.WALL_VERIFY_EMAILS_PER_HOUR = 2
    alice_client, bob_client = client_of(alice), client_of(bob)
    for _ in range(2):
        sent = alice_client.post("/api/v1/walls/pku/verify", {"email": "a@pku.edu.cn"})
        assert sent.status_code == 202
    third = alice_client.post("/api/v1/walls/pku/verify", {"email": "other@pku.edu.cn"})
    assert third.status_code == 429
    assert "Retry-After" in third
    # The address is spent for Bob too.
    answer = bob_client.post("/api/v1/walls/pku/verify", {"email": "a@pku.edu.cn"})
    assert answer.status_code == 429
    assert bob_client.post("/api/v1/walls/pku/verify", {"email": "b@pku.edu.cn"}).status_code == 202
    assert len(smtp.messages) == 3


def test_one_address_verifies_one_account_of_a_wall(alice, bob, school, smtp):
    verify(client_of(alice), smtp, "same@pku.edu.cn")
    answer = client_of(bob).post("/api/v1/walls/pku/verify", {"email": "same@pku.edu.cn"})
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "email_taken"


def test_mail_down_is_503_and_keeps_nothing(alice, school, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    settings.EMAIL_CONFIGURED = True
    answer = client_of(alice).post("/api/v1/walls/pku/verify", {"email": "a@pku.edu.cn"})
    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "email_unavailable"
    assert not EmailCode.objects.exists()
    settings.EMAIL_CONFIGURED = False
    answer = client_of(alice).post("/api/v1/walls/pku/verify", {"email": "a@pku.edu.cn"})
    assert answer.status_code == 503


def test_a_code_wall_verifies_by_its_invite_code_and_others_cannot_ask(alice, school, smtp):
    Wall.objects.create(name="Club", slug="club", verification="code", invite_code="k" * 10)
    Wall.objects.create(name="Town", slug="town")
    client = client_of(alice)
    # A stranger to a code wall: 404, as for everything on it; an open wall: 409.
    assert client.post("/api/v1/walls/club/verify", {"email": "a@pku.edu.cn"}).status_code == 404
    answer = client.post("/api/v1/walls/town/verify", {"email": "a@pku.edu.cn"})
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "no_email_verification"
    assert client.post("/api/v1/walls/club/join", {"code": "k" * 10}).status_code == 200
    [club] = [w for w in client.get("/api/v1/walls").json()["results"] if w["slug"] == "club"]
    assert club["verified"] is True
    assert club["invite_only"] is True
    post = client.post("/api/v1/walls/club/posts", {"body": "hi"}, format="json").json()
    assert post["verified"] is True
    assert smtp.messages == []


def test_the_mail_speaks_the_asker_language(alice, school, smtp):
    client_of(alice).post(
        "/api/v1/walls/pku/verify", {"email": "a@pku.edu.cn"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    [(_, message)] = smtp.messages
    assert "验证码" in message["Subject"] or "验证" in message.get_body().get_content()

"""A moderator at the desk in a real browser (Playwright, Debian's Chromium, a uvicorn server
on the test database, Redis and SeaweedFS): 50 mixed items (text, photos, a video, wall
posts, comments, replies; reported and held for review) decided by keyboard alone. Each
decision is one page load at most (the budget is 1.2 on average), each lands, and no page
names an anonymous author. The time a decision takes is written to var/bench/desk.json for
bench/RESULTS.md; the queue and an item's page are kept as screenshots in both languages."""

from __future__ import annotations

import io
import json
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from PIL import Image

from tests.browser import PASSWORD, ROOT, SCREENSHOTS, WAIT, account

pytestmark = [
    pytest.mark.service("browser"),
    pytest.mark.service("redis"),
    pytest.mark.django_db(transaction=True),
]

SECRET_NAME = "zz-hidden-author"  # every item's author; never on a moderator's page
DECISIONS = 50


def picture(s3_server, owner, *, kind: str = "image", colour=(200, 80, 120)):
    """A media row whose files are in the bucket: a real JPEG (for a video, its poster; the
    video itself is a few bytes, the desk only links it)."""
    from tests.factories import make_media

    media = make_media(owner, kind=kind)
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(buffer, "JPEG")
    client = s3_server.client()
    client.put_object(Bucket=s3_server.bucket, Key=media.thumbnail_key, Body=buffer.getvalue())
    body = buffer.getvalue() if kind == "image" else b"\x00\x00\x00\x18ftypmp42"
    client.put_object(Bucket=s3_server.bucket, Key=media.storage_key, Body=body)
    return media


def seed(s3_server, django_user_model) -> None:
    """Fifty items waiting, oldest first in a mix of every kind, written 3 h to 10 min ago."""
    from messages_app.models import Confession, ConfessionMedia, Reply
    from moderation.models import Report
    from walls.models import Comment, Post, PostMedia, Wall

    author = django_user_model.objects.create_user(username=SECRET_NAME, display_name="Hidden")
    reader = django_user_model.objects.create_user(username="reader")
    reporters = [django_user_model.objects.create_user(username=f"r{i}") for i in range(3)]
    wall = Wall.objects.create(name="North Campus", slug="north-campus")
    approved = Confession.objects.create(
        sender=reader, recipient=author, body="thread", status="approved"
    )
    now = timezone.now()
    for n in range(DECISIONS):
        written = now - timedelta(minutes=180 - 3 * n)
        shape = n % 10
        if shape in (0, 1, 2):  # a confession held for review, every third with a photo
            item = Confession.objects.create(
                sender=author, recipient=reader, anonymous=True, status="pending",
                body=f"Confession {n}: I keep a seat for you by the window. " * 2,
            )  # fmt: skip
            if shape == 0:
                media = picture(s3_server, author, kind="video" if n == 0 else "image")
                ConfessionMedia.objects.create(confession=item, media=media, position=0)
        elif shape == 3:  # a delivered confession, reported
            item = Confession.objects.create(
                sender=author, recipient=reader, anonymous=True, status="approved",
                body=f"Confession {n}, reported", delivered_at=written,
            )  # fmt: skip
        elif shape == 4:  # a reply held for review
            item = Reply.objects.create(
                confession=approved, author=author, body=f"Reply {n}", status="pending"
            )
        elif shape in (5, 6):  # a post held on a pre-moderated wall, some with a photo
            item = Post.objects.create(
                wall=wall, author=author, anonymous=True, status="pending", to="Room 204",
                body=f"Post {n}: to the one who sings in the shower",
            )  # fmt: skip
            if shape == 5:
                media = picture(s3_server, author, colour=(40, 120, 200))
                PostMedia.objects.create(post=item, media=media, position=0)
        elif shape == 7:  # a public post, reported
            item = Post.objects.create(
                wall=wall, author=author, anonymous=True, status="approved", body=f"Post {n}"
            )
        else:  # comments: held, or public and reported
            parent = Post.objects.create(wall=wall, author=reader, body="p", status="approved")
            item = Comment.objects.create(
                post=parent, author=author, anonymous=True, body=f"Comment {n}",
                status="pending" if shape == 8 else "approved",
            )  # fmt: skip
        type(item).objects.filter(pk=item.pk).update(created_at=written)
        if item.status == "approved":
            for reporter in reporters[: 1 + n % 3]:
                report = Report.objects.create(
                    target=item, reporter=reporter, category="harassment", text=f"about {n}"
                )
                Report.objects.filter(pk=report.pk).update(created_at=written)


# What the moderator decides, by what the item offers: (key, reason key or "").
PLAN = [("a", ""), ("r", "2"), ("h", "1"), ("a", ""), ("f", "2"), ("r", "6")]
ACTIONS = {"a": {"approve", "dismiss"}, "r": {"reject"}, "h": {"hide"}, "f": {"fold"}}


def test_fifty_decisions_by_keyboard_at_a_page_load_each(
    chromium, server, s3_server, django_user_model
):
    from moderation.models import Decision

    seed(s3_server, django_user_model)
    moderator = account(django_user_model, "desk-mod", is_staff=True)
    # What the Moderators group holds (its migration's rows are gone after an earlier test's
    # flush): deciding each kind, and seeing its pages.
    moderator.user_permissions.add(*Permission.objects.filter(codename__in=[
        f"{verb}_{model}" for verb in ("moderate", "view")
        for model in ("confession", "reply", "post", "comment")
    ]))  # fmt: skip

    context = chromium.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(WAIT)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server.http_url}/admin/login/?next=/admin/desk/")
    page.fill("input[name=username]", "desk-mod")
    page.fill("input[name=password]", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_selector(".desk-item")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "desk-queue.png", full_page=True)

    # The same pages in Chinese, while the queue is full.
    from messages_app.models import Confession

    chinese = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    chinese.add_cookies(context.cookies())
    zh = chinese.new_page()
    zh.goto(f"{server.http_url}/admin/desk/")
    assert "审核台" in zh.content()
    zh.screenshot(path=SCREENSHOTS / "desk-queue-zh.png", full_page=True)
    one = Confession.objects.filter(anonymous=True, status="approved").first()
    zh.goto(f"{server.http_url}/admin/messages_app/confession/{one.pk}/change/")
    zh.wait_for_selector("form.desk-decide")
    assert SECRET_NAME not in zh.content()
    zh.screenshot(path=SCREENSHOTS / "desk-item-zh.png", full_page=True)
    chinese.close()

    # The video's poster opens the video in place ("v"), and closes again (Esc).
    page.keyboard.press("v")
    page.wait_for_selector("dialog.desk-viewer[open] video")
    page.keyboard.press("Escape")
    page.wait_for_selector("dialog.desk-viewer:not([open])", state="attached")

    loads = []
    page.on("load", lambda _: loads.append(1))
    decided: list[tuple[str, set[str]]] = []
    started = time.perf_counter()
    for n in range(DECISIONS):
        item = page.get_attribute(".desk-item", "data-item")
        html = page.content()
        assert SECRET_NAME not in html
        assert "Hidden" not in html
        offered = set(page.eval_on_selector_all(
            "form.desk-decide button[data-key]", "buttons => buttons.map(b => b.dataset.key)"
        ))  # fmt: skip
        key, reason = next(
            (step for step in PLAN[n % len(PLAN) :] + PLAN if step[0] in offered), ("a", "")
        )
        if reason:
            page.keyboard.press(reason)
        with page.expect_navigation():
            page.keyboard.press(key)
        decided.append((item, ACTIONS[key]))
        if n == 0:  # the first decision is said on the next page
            assert page.locator(".messagelist .success").count() == 1
    elapsed = time.perf_counter() - started

    assert page.locator(".desk-empty").count() == 1  # nothing left
    assert len({item for item, _ in decided}) == DECISIONS  # fifty items, each once
    assert len(loads) / DECISIONS <= 1.2
    for item, actions in decided:
        kind, object_id = item.split(":")
        logged = Decision.objects.filter(
            content_type__model=kind, object_id=int(object_id), moderator=moderator
        ).values_list("action", flat=True)
        assert set(logged) & actions, (item, list(logged), actions)
    assert errors == []

    bench = ROOT / "var" / "bench"
    bench.mkdir(parents=True, exist_ok=True)
    (bench / "desk.json").write_text(
        json.dumps({
            "decisions": DECISIONS,
            "page_loads_per_decision": len(loads) / DECISIONS,
            "seconds_per_decision": round(elapsed / DECISIONS, 4),
        })
    )  # fmt: skip

    # An item's own page, with its decisions, once decided.
    one = Confession.objects.filter(anonymous=True).first()
    page.goto(f"{server.http_url}/admin/messages_app/confession/{one.pk}/change/")
    page.wait_for_selector("form.desk-decide")
    page.screenshot(path=SCREENSHOTS / "desk-item.png", full_page=True)
    context.close()

"""The web client in a real browser: Playwright driving Debian's Chromium (headless) against
a real server process (uvicorn on PostgreSQL, Redis and SeaweedFS). Two people in two browser
contexts go through the product as they would; a third opens a share link signed out.

Each main page is saved as a screenshot under var/screenshots/ (CI keeps them as artifacts).
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from PIL import Image

from tests.browser import PASSWORD, SCREENSHOTS, WAIT, account
from tests.servers import AsgiServer, s3_environment

pytestmark = [
    pytest.mark.service("browser"),
    pytest.mark.service("redis"),
    pytest.mark.django_db(transaction=True),
]


class Person:
    """One person in their own browser context (cookies, storage and socket of their own)."""

    def __init__(self, chromium, server: AsgiServer, username: str, locale: str = "en-US"):
        self.base = server.http_url
        self.username = username
        self.context = chromium.new_context(locale=locale, viewport={"width": 1000, "height": 800})
        self.context.set_default_timeout(WAIT)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("dialog", lambda dialog: dialog.accept())

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path)

    def open(self, hash_path: str, page: str) -> None:
        self.goto("/app/" + hash_path)
        self.page.wait_for_selector(f'[data-page="{page}"]')

    def register(self, display_name: str = "") -> None:
        self.goto("/app/")
        self.page.click("button.toggle-register")  # "New here? Create an account"
        self.fill_in_and_submit(display_name)

    def fill_in_and_submit(self, display_name: str = "") -> None:
        self.page.fill("input[name=username]", self.username)
        self.page.fill("input[name=password]", PASSWORD)
        if display_name:
            self.page.fill("input[name=display_name]", display_name)
        self.page.click("form.signin button[type=submit]")
        self.page.wait_for_selector('[data-page="inbox"]')
        self.wait_live()

    def wait_live(self) -> None:
        self.page.wait_for_selector(".live.on", timeout=WAIT)

    def shot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)

    def compose(self, *, to: str = "", body: str, anonymous: bool = False, photo=None) -> None:
        self.open("#/compose", "compose")
        self.page.fill("input[name=recipient]", to)
        self.page.fill("textarea[name=body]", body)
        if anonymous:
            self.page.check("input[name=anonymous]")
        if photo is not None:
            self.page.set_input_files("input[name=_photos]", str(photo))
            self.page.wait_for_selector(".uploads progress[value='100']", timeout=WAIT)
        self.shot(f"compose-{self.username}")
        self.page.click("form.compose button[type=submit]")
        self.page.wait_for_selector(".result a")


def jpeg(path: Path) -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 80, 120)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def card(person: Person, text: str):
    return person.page.locator(".card", has_text=text)


def test_two_people_and_a_share_link_through_the_whole_product(chromium, server, tmp_path):
    from playwright.sync_api import expect

    from accounts.models import Block
    from moderation.models import Report
    from walls.models import Post, Wall

    # The wall a migration makes (gone when an earlier test's flush emptied the tables).
    Wall.objects.get_or_create(slug="campus", defaults={"name": "Campus"})
    alice = Person(chromium, server, "alice")
    bob = Person(chromium, server, "bob", locale="zh-CN")

    # Sign up, both; sign-in survives a reload (the refresh cookie), the token stays in memory.
    alice.goto("/app/")
    alice.shot("sign-in")
    alice.register(display_name="Alice")
    bob.register(display_name="Bob")
    alice.page.reload()
    alice.page.wait_for_selector('[data-page="inbox"]')
    assert (
        alice.page.evaluate("() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage)")
        == "{}{}"
    )
    assert alice.page.evaluate("() => document.cookie") == ""  # the refresh cookie is HttpOnly

    # An anonymous confession arrives live, and says nothing of who sent it.
    bob.open("#/inbox", "inbox")
    alice.open("#/inbox", "inbox")
    alice.wait_live()
    bob.compose(to="alice", body="I always save you the seat by the window.", anonymous=True)
    arrived = card(alice, "seat by the window")
    expect(arrived).to_be_visible(timeout=WAIT)
    expect(arrived).to_contain_text("Anonymous")
    expect(alice.page.locator('[data-badge="inbox"]')).to_have_text("1", timeout=WAIT)
    assert "bob" not in alice.page.locator("main").inner_text().lower()
    alice.shot("inbox")

    # Alice writes to Bob with a photo; it arrives live; Bob opens it and Alice sees it read.
    alice.compose(to="bob", body="Coffee on Friday?", photo=jpeg(tmp_path / "photo.jpg"))
    alice.page.click(".result a")
    alice.page.wait_for_selector('[data-page="thread"] .confession')
    expect(alice.page.locator(".read-state")).to_have_text(re.compile("Not read"))
    bob.open("#/inbox", "inbox")
    letter = card(bob, "Coffee on Friday?")
    expect(letter).to_be_visible(timeout=WAIT)
    expect(letter.locator(".gallery img")).to_have_count(1)
    letter.click()
    bob.page.wait_for_selector('[data-page="thread"] .confession')
    photo = bob.page.locator(".confession .gallery img")
    expect(photo).to_be_visible()
    assert (
        bob.page.evaluate("(img) => img.complete && img.naturalWidth", photo.element_handle()) > 0
    )
    expect(bob.page.locator(".confession .gallery a")).to_have_attribute("target", "_blank")
    bob.shot("thread-zh")
    expect(alice.page.locator(".read-state")).to_have_text(re.compile("^Read "), timeout=WAIT)

    # Bob replies; Alice's open thread shows it live.
    bob.page.fill("form.reply-form textarea", "好啊！")
    bob.page.click("form.reply-form button[type=submit]")
    expect(bob.page.locator(".reply", has_text="好啊！")).to_be_visible()
    expect(alice.page.locator(".reply", has_text="好啊！")).to_be_visible(timeout=WAIT)
    alice.shot("thread")

    # They confessed to each other: the anonymous confession now shows who, to both.
    alice.open("#/inbox", "inbox")
    card(alice, "seat by the window").click()
    alice.page.wait_for_selector('[data-page="thread"] .confession')
    expect(alice.page.locator(".matched")).to_be_visible()
    expect(alice.page.locator(".confession .card-head")).to_contain_text("Bob")

    # A share link: opened signed out by someone new, who signs up there and claims it.
    alice.compose(body="To whoever opens this: you made my week.", anonymous=True)
    link = alice.page.locator(".share-url").input_value()
    assert re.fullmatch(rf"{server.http_url}/s/[A-Za-z0-9_-]+", link)
    carol = Person(chromium, server, "carol")
    carol.page.goto(link)
    carol.page.wait_for_selector('[data-page="share"] .confession')
    expect(carol.page.locator(".confession")).to_contain_text("you made my week")
    expect(carol.page.locator(".confession .card-head")).to_contain_text("Anonymous")
    assert "alice" not in carol.page.content().lower()
    carol.shot("share-signed-out")
    # A link copied short opens nothing, and says so rather than that it "expired".
    stranger = Person(chromium, server, "stranger")
    stranger.page.goto(link[:-1] + ("A" if link[-1] != "A" else "B"))
    expect(stranger.page.locator(".gone")).to_contain_text("copied whole")
    stranger.context.close()
    carol.page.click('[data-page="share"] button.primary')  # sign in to claim
    carol.page.click("button.toggle-register")  # create an account
    carol.page.fill("input[name=username]", "carol")
    carol.page.fill("input[name=password]", PASSWORD)
    carol.page.click("form.signin button[type=submit]")
    carol.page.click('[data-page="share"] button.primary')  # claim
    carol.page.wait_for_selector('[data-page="thread"] .confession')
    expect(carol.page.locator(".confession")).to_contain_text("you made my week")
    # Her claim tells Alice, live.
    expect(alice.page.locator(".toast").first).to_be_visible(timeout=WAIT)

    # Carol reports it, then blocks its (anonymous) sender: it leaves her inbox.
    carol.page.click("details.report summary")
    carol.page.select_option("details.report select[name=category]", "spam")
    carol.page.click("details.report button[type=submit]")
    expect(carol.page.locator("details.report .done")).to_be_visible()
    assert Report.objects.filter(reporter__username="carol", category="spam").count() == 1
    carol.page.click("text=Block the sender")
    carol.page.wait_for_selector('[data-page="inbox"]')
    expect(card(carol, "you made my week")).to_have_count(0)
    carol.open("#/blocks", "blocks")
    expect(carol.page.locator(".block-row")).to_contain_text("An anonymous sender")
    carol.shot("blocks")
    assert Block.objects.filter(blocker__username="carol", anonymous=True).count() == 1

    # Bob blocks Alice by name from the blocks page.
    bob.open("#/blocks", "blocks")
    bob.page.fill("input[name=username]", "alice")
    bob.page.click("form button[type=submit]")
    expect(bob.page.locator(".block-row")).to_contain_text("Alice", timeout=WAIT)

    # The wall: Alice joins the campus wall and posts; it waits for moderators, and she
    # sees it so.
    alice.open("#/w/campus", "wall")
    alice.page.click("form.join button[type=submit]")
    alice.page.fill("form.wall-post input[name=to]", "the one in the white coat")
    alice.page.fill("form.wall-post textarea[name=body]", "Third floor, every Tuesday.")
    alice.page.click("form.wall-post button[type=submit]")
    post = alice.page.locator(".post", has_text="every Tuesday")
    expect(post).to_contain_text("Under review")
    expect(post).to_contain_text("Anonymous")
    # A post under review takes no likes: its button is off, and nothing throws.
    expect(post.locator(".post-foot button")).to_be_disabled()
    # A second post from the same form, with a photo: the box is still ticked (reset() returns
    # the form to its defaults) and the picker has forgotten the first post's uploads.
    expect(alice.page.locator("form.wall-post input[name=anonymous]")).to_be_checked()
    alice.page.set_input_files("form.wall-post input[name=_photos]", str(jpeg(tmp_path / "w.jpg")))
    alice.page.wait_for_selector("form.wall-post .uploads progress[value='100']", timeout=WAIT)
    alice.page.fill("form.wall-post textarea[name=body]", "And Thursdays too.")
    alice.page.click("form.wall-post button[type=submit]")
    expect(alice.page.locator(".post", has_text="Thursdays too")).to_contain_text("Anonymous")
    expect(alice.page.locator("form.wall-post input[name=anonymous]")).to_be_checked()
    expect(alice.page.locator("form.wall-post .uploads li")).to_have_count(0)
    alice.page.fill("form.wall-post textarea[name=body]", "Third post, no photo.")
    alice.page.click("form.wall-post button[type=submit]")
    expect(alice.page.locator(".post", has_text="Third post")).to_contain_text("Anonymous")
    expect(alice.page.locator("form.wall-post .error:visible")).to_have_count(0)
    posts = Post.objects.filter(author__username="alice").order_by("created_at")
    assert [(p.anonymous, p.attachments.count()) for p in posts] == [
        (True, 0),
        (True, 1),
        (True, 0),
    ]
    alice.shot("wall")

    # The other main pages, for the record.
    for person, hash_path, page in [
        (alice, "#/sent", "sent"), (alice, "#/notifications", "notifications"),
        (alice, "#/profile", "profile"), (alice, "#/walls", "walls"),
    ]:  # fmt: skip
        person.open(hash_path, page)
        person.page.wait_for_load_state("networkidle")
        person.shot(page)
    for person in (alice, bob, carol):
        assert person.errors == []
        person.context.close()


HOSTILE_NAME = '<img src=x onerror="window.__pwned=1">\u202eevil'
HOSTILE_BODY = (
    '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">'
    '<a href="javascript:window.__pwned=1">click</a> \u202edlrow olleh'
)


def test_hostile_bodies_and_names_render_as_text(chromium, server, django_user_model):
    from playwright.sync_api import expect

    from messages_app import services

    mallory = account(django_user_model, "mallory", display_name=HOSTILE_NAME)
    account(django_user_model, "victim")
    confession = services.confession_send(sender=mallory, recipient_username="victim",
                                          body=HOSTILE_BODY, anonymous=False)  # fmt: skip
    services.reply_create(user=mallory, confession_id=confession.pk, body=HOSTILE_BODY)

    victim = Person(chromium, server, "victim")
    victim.goto("/app/")
    victim.fill_in_and_submit()
    for hash_path, page in [("#/inbox", "inbox"), (f"#/c/{confession.pk}", "thread"),
                            ("#/notifications", "notifications")]:  # fmt: skip
        victim.open(hash_path, page)
        victim.page.wait_for_load_state("networkidle")
        victim.shot(f"hostile-{page}")
        state = victim.page.evaluate("""() => ({
            pwned: window.__pwned === undefined ? null : window.__pwned,
            scripts: document.scripts.length,
            userImages: [...document.querySelectorAll("main img")].map((img) => img.src),
            javascriptLinks: [...document.querySelectorAll("a")].filter(
                (a) => a.href.startsWith("javascript:")).length,
        })""")
        assert state == {"pwned": None, "scripts": 1, "userImages": [], "javascriptLinks": 0}
        if page != "notifications":
            body = victim.page.locator("main .body", has_text="dlrow olleh").first
            assert body.text_content() == HOSTILE_BODY
            assert body.get_attribute("dir") == "auto"
            # The name is isolated: a right-to-left override in it cannot reach what follows.
            name = victim.page.locator("main bdi.name").first
            assert name.text_content() == HOSTILE_NAME
            expect(victim.page.locator("main time").first).to_be_visible()
    # The link text is text; a click on the visible "javascript:" words does nothing.
    assert victim.page.evaluate("() => window.__pwned === undefined")
    assert victim.errors == []


def test_the_policy_refuses_html_strings_and_inline_script(chromium, server):
    page = chromium.new_page()
    page.goto(server.http_url + "/app/")
    page.wait_for_selector('[data-page="signin"]')
    outcome = page.evaluate("""() => {
        const tried = {};
        try { document.body.innerHTML = "<b>x</b>"; tried.innerHTML = "allowed"; }
        catch (error) { tried.innerHTML = error.name; }
        try {
            const script = document.createElement("script");
            script.textContent = "window.__inline = 1";
            document.body.append(script);
            tried.inline = window.__inline === 1 ? "ran" : "blocked";
        } catch (error) { tried.inline = error.name; }
        return tried;
    }""")
    assert outcome["innerHTML"] == "TypeError"
    assert outcome["inline"] in ("TypeError", "blocked")
    page.close()


def test_the_page_and_the_apis_messages_in_chinese(chromium, server, django_user_model):
    from django.utils import translation
    from django.utils.translation import gettext
    from playwright.sync_api import expect

    account(django_user_model, "lihua")
    person = Person(chromium, server, "lihua", locale="zh-CN")
    person.goto("/app/")
    expect(person.page.locator("h1")).to_have_text("登录")
    person.page.fill("input[name=username]", "lihua")
    person.page.fill("input[name=password]", "not-the-password")
    person.page.click("form.signin button[type=submit]")
    with translation.override("zh-hans"):
        expected = gettext("Wrong username or password.")
    assert expected != "Wrong username or password."
    expect(person.page.locator("form.signin .error")).to_have_text(expected)
    person.shot("sign-in-zh")
    # The switch turns the page, and what the API says, to English.
    person.page.click("#top button.link")
    expect(person.page.locator("h1")).to_have_text("Sign in")
    person.page.fill("input[name=username]", "lihua")
    person.page.fill("input[name=password]", "not-the-password")
    person.page.click("form.signin button[type=submit]")
    expect(person.page.locator("form.signin .error")).to_have_text("Wrong username or password.")
    # Signed in (in English, so the account's language is English), the profile chooses
    # Chinese: for the account (WeChat's messages), and the page follows.
    person.fill_in_and_submit()
    user = django_user_model.objects.get(username="lihua")
    assert user.language == "en"
    person.open("#/profile", "profile")
    expect(person.page.locator("select[name=language]")).to_have_value("en")
    person.page.select_option("select[name=language]", "zh-hans")
    person.page.click("[data-page=profile] form button[type=submit]")
    expect(person.page.locator("[data-page=profile] h1")).to_have_text("我的")
    user.refresh_from_db()
    assert user.language == "zh-hans"
    expect(person.page.locator("select[name=language]")).to_have_value("zh-hans")


def test_the_socket_renews_its_token_and_catches_up_after_a_drop(
    chromium, tmp_path, s3_server, django_user_model
):
    """Access tokens of one minute: the page hands the open socket a fresh one before it
    expires. The server goes away and comes back: the page reconnects with `?after=` and
    gets what it missed meanwhile."""
    from playwright.sync_api import expect

    from messages_app import services

    env = {**s3_environment(s3_server), "JWT_ACCESS_MINUTES": "1"}
    server = AsgiServer(tmp_path, env=env)
    try:
        account(django_user_model, "nora")
        sender = account(django_user_model, "omar")
        person = Person(chromium, server, "nora")
        sockets = []
        person.page.on("websocket", lambda socket: sockets.append(socket))
        person.goto("/app/")
        person.fill_in_and_submit()
        sent, received = [], []
        sockets[0].on("framesent", lambda payload: sent.append(json.loads(payload)))
        sockets[0].on("framereceived", lambda payload: received.append(json.loads(payload)))
        # The renewal: an `auth` frame with a fresh token, answered with its new deadline.
        for _ in range(200):
            if any(frame.get("type") == "auth" for frame in received):
                break
            person.page.wait_for_timeout(100)
        renewals = [frame for frame in sent if frame.get("type") == "auth"]
        assert renewals, (sent, received)
        assert renewals[0]["token"] not in sockets[0].url  # a fresh one
        assert [frame for frame in received if frame.get("type") == "auth"][0]["expires_at"]
        assert not sockets[0].is_closed()

        # The server goes away; a confession arrives meanwhile; the server comes back.
        server.stop()
        expect(person.page.locator(".live.on")).to_have_count(0, timeout=WAIT)
        services.confession_send(sender=sender, recipient_username="nora",
                                 body="sent while you were away", anonymous=True)  # fmt: skip
        server = AsgiServer(tmp_path, env=env, port=server.port)
        person.wait_live()
        reconnected = sockets[-1]
        assert "after=" in reconnected.url
        expect(card(person, "sent while you were away")).to_be_visible(timeout=WAIT)
        assert person.errors == []
    finally:
        server.stop()


def test_a_thread_of_anonymous_comments_reads_as_a_conversation(
    chromium, server, django_user_model
):
    """Thread aliases on the post page: the anonymous poster is OP (洞主 in Chinese), each
    anonymous commenter keeps one letter, and no name of theirs is on the page."""
    from playwright.sync_api import expect

    from walls import services as walls
    from walls.models import Wall

    Wall.objects.create(name="Thread", slug="thread", moderation=Wall.Moderation.POST)
    poster, one, two = (account(django_user_model, name) for name in ("op_x", "one_x", "two_x"))
    reader = account(django_user_model, "reader_x")
    for user in (poster, one, two, reader):
        walls.wall_join(user=user, slug="thread")
    post = walls.post_create(
        user=poster, slug="thread", body="You, at the bus stop", anonymous=True
    )
    for author, text in ((one, "was it 8:10?"), (poster, "yes!"), (two, "cute"),
                         (one, "then it was me")):  # fmt: skip
        walls.comment_create(user=author, post_id=post.pk, body=text, anonymous=True)
    for locale, poster_word in (("en-US", "OP"), ("zh-CN", "洞主")):
        person = Person(chromium, server, "reader_x", locale=locale)
        person.goto("/app/")
        person.fill_in_and_submit()
        person.open(f"#/p/{post.pk}", "post")
        comments = person.page.locator(".comment")
        expect(comments).to_have_count(4)
        assert comments.locator(".alias").all_inner_texts() == ["A", poster_word, "B", "A"]
        content = person.page.content()
        for name in ("op_x", "one_x", "two_x"):
            assert name not in content
        person.shot(f"thread-aliases-{locale}")
        assert person.errors == []
        person.context.close()


def test_hints_reveal_crushes_follows_mutes_and_settings_in_the_page(
    chromium, server, django_user_model
):
    """What issue 34 added, through the web client: an anonymous sender hints and reveals
    themselves; two people list each other as crushes; a reader follows a post, mutes a word,
    and turns a notification type off."""
    from playwright.sync_api import expect

    from messages_app import services as confessions
    from realtime.models import Notification
    from walls import services as walls
    from walls.models import Wall

    ana, ben = account(django_user_model, "ana_h"), account(django_user_model, "ben_h")
    sent = confessions.confession_send(
        sender=ana, recipient_username="ben_h", body="The one from the choir", anonymous=True
    )
    Wall.objects.create(name="Hall", slug="hall", moderation=Wall.Moderation.POST)
    for user in (ana, ben):
        walls.wall_join(user=user, slug="hall")
    post = walls.post_create(user=ana, slug="hall", body="Lost: a blue scarf", anonymous=True)
    walls.post_create(user=ana, slug="hall", body="Exam week again", anonymous=True)

    a, b = Person(chromium, server, "ana_h"), Person(chromium, server, "ben_h")
    for person in (a, b):
        person.goto("/app/")
        person.fill_in_and_submit()

    # Ana gives a hint from her sent confession; Ben reads it on his side.
    a.open(f"#/c/{sent.pk}", "thread")
    a.page.fill("form.hint-form input[name=text]", "I sing alto")
    a.page.click("form.hint-form button[type=submit]")
    expect(a.page.locator(".hints .hint")).to_have_text(["I sing alto"])
    b.open(f"#/c/{sent.pk}", "thread")
    expect(b.page.locator(".hints .hint")).to_have_text(["I sing alto"])
    expect(b.page.locator(".confession .card-head")).not_to_contain_text("ana_h")
    # She reveals herself: from then on he sees who.
    a.open(f"#/c/{sent.pk}", "thread")
    a.page.click("button.reveal")
    expect(a.page.locator("button.reveal")).to_have_count(0)
    b.open(f"#/c/{sent.pk}", "thread")
    expect(b.page.locator(".confession .card-head")).to_contain_text("ana_h")
    b.shot("thread-revealed")

    # Crushes: each lists the other; both pages say it is mutual.
    a.open("#/crushes", "crushes")
    a.page.fill("form.crush-form input[name=username]", "ben_h")
    a.page.click("form.crush-form button[type=submit]")
    expect(a.page.locator(".crush")).to_have_count(1)
    expect(a.page.locator(".crush .matched")).to_have_count(0)
    b.open("#/crushes", "crushes")
    b.page.fill("form.crush-form input[name=username]", "ana_h")
    b.page.click("form.crush-form button[type=submit]")
    expect(b.page.locator(".crush .matched")).to_have_count(1)
    a.page.reload()  # the same address: the page reads the list again
    a.page.wait_for_selector('[data-page="crushes"]')
    expect(a.page.locator(".crush .matched")).to_have_count(1)
    a.shot("crushes")

    # Ben follows Ana's post, mutes "exam" and turns live wall comments off.
    b.open(f"#/p/{post.pk}", "post")
    b.page.click("button.follow")
    expect(b.page.locator("button.follow.on")).to_have_count(1)
    b.open("#/profile", "profile")
    b.page.fill("form.mutes-form textarea[name=words]", "exam")
    b.page.click("form.mutes-form button[type=submit]")
    expect(b.page.locator(".mutes .done")).to_be_visible()
    switch = b.page.locator('tr[data-type="wall.commented"] input[name="wall.commented:socket"]')
    switch.uncheck()
    b.page.wait_for_timeout(500)
    b.shot("profile-settings")
    b.open("#/w/hall", "wall")
    expect(b.page.locator(".post", has_text="blue scarf")).to_have_count(1)
    expect(b.page.locator(".post", has_text="Exam week")).to_have_count(0)
    ben.refresh_from_db()
    assert ben.muted_words == ["exam"]
    assert ben.notification_settings == {"wall.commented": {"socket": False}}
    # A comment on the followed post: stored and listed for him, whoever wrote it.
    walls.comment_create(user=ana, post_id=post.pk, body="found it!", anonymous=True)
    from tests.conftest import run_worker

    run_worker()
    assert Notification.objects.filter(recipient=ben, type="wall.commented").count() == 1
    for person in (a, b):
        assert person.errors == []
        person.context.close()


def test_a_signed_out_visitor_writes_through_a_personal_link(chromium, server, django_user_model):
    """`/u/<handle>`: a visitor who never signed up writes; the owner, on their inbox page,
    sees it arrive live, marked as from their link, with nobody named."""
    from playwright.sync_api import expect

    from messages_app.models import InboxLink

    owner = account(django_user_model, "lina_l", display_name="Lina")
    lina = Person(chromium, server, "lina_l")
    lina.goto("/app/")
    lina.fill_in_and_submit()
    # She turns her link on from her profile, with what she asks.
    lina.open("#/profile", "profile")
    lina.page.check("form.inbox-link-form input[name=enabled]")
    lina.page.fill("form.inbox-link-form input[name=prompt]", "Tell me a secret")
    lina.page.click("form.inbox-link-form button[type=submit]")
    expect(lina.page.locator(".inbox-link .link-url")).to_have_value(re.compile(r"/u/[a-z0-9]+$"))
    handle = InboxLink.objects.get(owner=owner).handle
    lina.open("#/inbox", "inbox")  # on her inbox, live

    visitor = Person(chromium, server, "visitor")
    visitor.goto(f"/u/{handle}")
    visitor.page.wait_for_selector('[data-page="link"] .link-card')
    expect(visitor.page.locator(".link-card")).to_contain_text("Lina")
    expect(visitor.page.locator(".link-card .prompt")).to_have_text("Tell me a secret")
    expect(visitor.page.locator(".link-card .hint")).to_contain_text("cannot reach you")
    visitor.page.fill("form.link-form textarea[name=body]", "I took your umbrella. Sorry!")
    visitor.shot("link-page")
    visitor.page.click("form.link-form button[type=submit]")
    expect(visitor.page.locator(".link-card .done")).to_be_visible()

    arrived = lina.page.locator(".card", has_text="took your umbrella")
    expect(arrived).to_be_visible(timeout=WAIT)
    expect(arrived.locator(".from-link")).to_be_visible()
    expect(arrived.locator(".card-head")).to_contain_text("Anonymous")
    lina.shot("inbox-from-link")
    for person in (lina, visitor):
        assert person.errors == []
        person.context.close()


def test_verification_search_region_and_export_in_the_page(
    chromium, s3_server, tmp_path, django_user_model
):
    """What issue 35 added, through the web client: a school wall's member verifies by a code
    mailed to them (a real SMTP server on loopback), posts signed (the verified mark and the
    region show) and anonymously (no region), searches the wall, sees their region on their
    profile, and takes a copy of their data."""
    from aiosmtpd.controller import Controller
    from mmdb_writer import MMDBWriter
    from netaddr import IPSet
    from playwright.sync_api import expect

    from tests.servers import free_port
    from tests.walls.test_verification import Inbox
    from walls.models import Wall

    writer = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="GeoLite2-City",
                        languages=["en", "zh-CN"])  # fmt: skip
    writer.insert_network(IPSet(["127.0.0.0/8"]), {
        "country": {"iso_code": "CN", "names": {"en": "China", "zh-CN": "中国"}},
        "subdivisions": [{"iso_code": "GD", "names": {"en": "Guangdong", "zh-CN": "广东"}}],
    })  # fmt: skip
    regions = tmp_path / "regions.mmdb"
    writer.to_db_file(str(regions))
    inbox, smtp_port = Inbox(), free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    server = AsgiServer(tmp_path, env={
        **s3_environment(s3_server), "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp_port),
        "IP_REGION_DB": str(regions), "TASKS_WORKER_IN_SERVER": "1",
    })  # fmt: skip
    try:
        Wall.objects.create(name="PKU", slug="pku", verification="email",
                            email_domains="pku.edu.cn", shows_region=True,
                            moderation=Wall.Moderation.POST)  # fmt: skip
        account(django_user_model, "lin_v")
        lin = Person(chromium, server, "lin_v")
        lin.goto("/app/")
        lin.fill_in_and_submit()

        # Joined but not verified: no post form, the verification instead.
        lin.open("#/w/pku", "wall")
        lin.page.click("form.join button[type=submit]")
        expect(lin.page.locator("form.join")).to_have_count(0)
        expect(lin.page.locator("form.wall-post")).to_have_count(0)
        lin.page.fill("form.verify-email input[name=email]", "lin@pku.edu.cn")
        lin.page.click("form.verify-email button[type=submit]")
        expect(lin.page.locator(".verify .sent")).to_contain_text("pku.edu.cn")
        lin.shot("wall-verify")
        lin.page.fill("form.verify-code input[name=code]", inbox.code_for("lin@pku.edu.cn"))
        lin.page.click("form.verify-code button[type=submit]")
        lin.page.wait_for_selector("form.wall-post")
        expect(lin.page.locator("h1 .verified")).to_have_count(1)

        # A signed post shows the mark and the region; an anonymous one only the mark.
        for text, anonymous in (
            ("Looking for the 图书馆 girl", False),
            ("A quiet note", True),
        ):
            lin.page.fill("form.wall-post textarea[name=body]", text)
            checkbox = lin.page.locator("form.wall-post input[name=anonymous]")
            checkbox.set_checked(anonymous)
            lin.page.click("form.wall-post button[type=submit]")
            expect(card(lin, text)).to_have_count(1)
        signed, masked = card(lin, "图书馆 girl"), card(lin, "quiet note")
        expect(signed.locator(".verified")).to_have_count(1)
        expect(signed.locator(".region")).to_have_text("IP: Guangdong")
        expect(masked.locator(".verified")).to_have_count(1)
        expect(masked.locator(".region")).to_have_count(0)

        # Search the wall.
        lin.page.fill("form.search input[name=q]", "图书馆")
        lin.page.click("form.search button[type=submit]")
        expect(lin.page.locator(".feed .post")).to_have_count(1)
        expect(lin.page.locator(".feed .post")).to_contain_text("图书馆 girl")
        lin.shot("wall-search")

        # The profile shows the region; a copy of the data is asked for and downloaded.
        lin.open("#/profile", "profile")
        expect(lin.page.locator(".avatar-row .region")).to_have_text("IP: Guangdong")
        lin.page.click("button.ask-export")
        expect(lin.page.locator(".export .status")).to_be_visible()
        # The server's own worker builds it (TASKS_WORKER_IN_SERVER); the page reads it again.
        for _ in range(40):
            lin.page.wait_for_timeout(500)
            lin.page.reload()
            lin.page.wait_for_selector(".export .export-state *", timeout=WAIT)
            if lin.page.locator(".export a.download").count():
                break
        link = lin.page.locator(".export a.download")
        expect(link).to_have_count(1)
        lin.shot("profile-export")
        downloaded = lin.page.request.get(link.get_attribute("href"))
        assert downloaded.status == 200
        assert downloaded.body()[:2] == b"PK"
        assert lin.errors == []
        lin.context.close()
    finally:
        server.stop()
        smtp.stop()

"""The desk (/admin/desk/): one screen to see an item whole and decide it, then the next
opens by itself. Oldest first across kinds; claims keep two moderators apart; a decision on
what changed since the page was drawn is refused; an anonymous author is never on the page;
strangers are turned away."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from messages_app import services as confessions
from messages_app.models import Confession, ConfessionMedia, Reply
from moderation.models import BannedPhrase, Claim, Decision, Report
from tests.factories import make_media
from walls.models import Comment, Post, PostMedia, Wall

pytestmark = pytest.mark.django_db

DESK = "/admin/desk/"
LONG = "I have watched you in the library every Tuesday for a whole term, " * 3


def current(page: str) -> str:
    """The item the page opened, as `kind:id`."""
    found = re.search(r'data-item="([a-z]+:\d+)"', page)
    return found.group(1) if found else ""


def form_of(page: str) -> dict[str, str]:
    """The hidden fields of the page's decision form."""
    form = page[page.index('class="desk-decide"') :]
    form = form[: form.index("</form>")]
    return dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', form))


def decide(client: Client, page: str, action: str, **fields: str):
    return client.post(DESK, {**form_of(page), "action": action, **fields})


def aged(item, minutes: int) -> None:
    type(item).objects.filter(pk=item.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes)
    )


@pytest.fixture
def held(alice, bob) -> Confession:
    """An anonymous confession held for review, with a photo, written long ago."""
    BannedPhrase.objects.create(phrase="library", action=BannedPhrase.OnMatch.REVIEW)
    sent = confessions.confession_send(
        sender=alice, recipient_username="bob", body=LONG, anonymous=True
    )
    assert sent.status == "pending"
    ConfessionMedia.objects.create(confession=sent, media=make_media(alice), position=0)
    aged(sent, 90)
    return sent


@pytest.fixture
def wall() -> Wall:
    return Wall.objects.create(name="North Campus", slug="north")


@pytest.fixture
def reported_post(wall, alice, bob, django_user_model) -> Post:
    post = Post.objects.create(
        wall=wall, author=alice, body="Room 204 snores", anonymous=True, status="approved"
    )
    PostMedia.objects.create(post=post, media=make_media(alice, kind="video"), position=0)
    report = Report.objects.create(
        target=post, reporter=bob, category="harassment", text="names my room"
    )
    aged(post, 600)
    aged(report, 30)  # it waits since it was reported
    return post


@pytest.fixture
def second(django_user_model) -> Client:
    user = django_user_model.objects.create_user(username="mod2", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    client = Client()
    client.force_login(user)
    return client


def test_the_oldest_item_opens_whole_with_its_reports_record_and_keys(
    moderator_client, held, reported_post, alice
):
    alice.display_name = "Secret Alice"
    alice.save()
    page = moderator_client.get(DESK).content.decode()
    assert current(page) == f"confession:{held.pk}"  # oldest first, across kinds
    assert LONG.strip() in page  # the full text, not an excerpt
    assert "desk-picture" in page
    assert 'class="desk-age late"' in page
    assert "taken down" in page  # the author's record, in numbers
    for key in ("a", "r", "h"):
        assert f'data-key="{key}"' in page
    assert "<kbd>j</kbd>" in page  # the keys are documented on the page
    # The reported post waits beneath, with its report's category.
    assert f"?item=post:{reported_post.pk}" in page
    assert "Harassment × 1" in page
    # Nobody is named: not the anonymous sender, not the anonymous poster.
    assert "alice" not in page.lower()
    assert "Secret Alice" not in page
    assert Claim.objects.get(object_id=held.pk).moderator.username == "mod"


def test_a_decision_lands_and_the_next_item_opens_by_itself(moderator_client, held, reported_post):
    page = moderator_client.get(DESK).content.decode()
    answer = decide(moderator_client, page, "reject", reason="spam", note="ad")
    assert answer.status_code == 302
    held.refresh_from_db()
    assert held.status == "rejected"
    logged = Decision.objects.get(object_id=held.pk, action="reject")
    assert (logged.moderator.username, logged.reason, logged.note) == ("mod", "spam", "ad")
    assert not Claim.objects.filter(object_id=held.pk).exists()

    following = moderator_client.get(answer["Location"]).content.decode()
    assert current(following) == f"post:{reported_post.pk}"
    assert "Reject: confession" in following  # what was done, said once
    assert "names my room" in following
    assert 'data-key="f"' in following
    # The video's poster opens the video itself in place.
    assert 'data-kind="video"' in following

    # An approved post with reports: "a" keeps it and closes the reports.
    kept = decide(moderator_client, following, "approve")
    reported_post.refresh_from_db()
    assert reported_post.status == "approved"
    assert Report.objects.get(object_id=reported_post.pk).outcome == "no_action"
    emptied = moderator_client.get(kept["Location"]).content.decode()
    assert current(emptied) == ""
    assert "Nothing waits" in emptied


def test_a_reason_is_needed_to_reject_and_nothing_changes_without_one(moderator_client, held):
    page = moderator_client.get(DESK).content.decode()
    answer = decide(moderator_client, page, "reject")
    held.refresh_from_db()
    assert held.status == "pending"
    again = moderator_client.get(answer["Location"]).content.decode()
    assert current(again) == f"confession:{held.pk}"
    assert "Choose the reason its author will see." in again


def test_a_decision_that_does_not_apply_is_refused(moderator_client, held):
    page = moderator_client.get(DESK).content.decode()
    decide(moderator_client, page, "fold", reason="spam")  # a confession does not fold
    held.refresh_from_db()
    assert held.status == "pending"
    assert not Decision.objects.filter(object_id=held.pk).exists()


def test_two_moderators_never_hold_one_item(moderator_client, second, held, reported_post):
    first = moderator_client.get(DESK).content.decode()
    assert current(first) == f"confession:{held.pk}"
    # The second is given the next one, and sees the first's nowhere in the queue.
    other = second.get(DESK).content.decode()
    assert current(other) == f"post:{reported_post.pk}"
    assert f"?item=confession:{held.pk}" not in other
    # Opened on purpose, it says who has it; a decision on it is refused with who.
    opened = second.get(f"{DESK}?item=confession:{held.pk}").content.decode()
    assert "mod is on this item until" in opened
    refused = decide(second, opened, "approve")
    assert "mod is on this item until" in second.get(refused["Location"]).content.decode()
    held.refresh_from_db()
    assert held.status == "pending"


def test_a_decision_on_what_changed_since_is_refused(moderator_client, second, held):
    page = moderator_client.get(DESK).content.decode()
    Claim.objects.update(until=timezone.now() - timedelta(seconds=1))  # the claim ran out
    theirs = second.get(DESK).content.decode()
    decide(second, theirs, "approve")
    held.refresh_from_db()
    assert held.status == "approved"
    late = decide(moderator_client, page, "reject", reason="spam")
    told = moderator_client.get(late["Location"]).content.decode()
    assert "mod2 decided this item meanwhile" in told
    held.refresh_from_db()
    assert held.status == "approved"
    assert Decision.objects.filter(object_id=held.pk).count() == 1


def test_j_skips_to_the_next_and_frees_the_item(moderator_client, held, reported_post):
    page = moderator_client.get(DESK).content.decode()
    skip = re.search(r'class="desk-next" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    following = moderator_client.get(skip).content.decode()
    assert current(following) == f"post:{reported_post.pk}"
    assert not Claim.objects.filter(object_id=held.pk, content_type__model="confession").exists()
    # Past the last, the queue starts again from the oldest.
    wrapped = re.search(r'class="desk-next" href="([^"]+)"', following).group(1)
    assert current(moderator_client.get(wrapped.replace("&amp;", "&")).content.decode()) == (
        f"confession:{held.pk}"
    )


def test_posts_fold_and_lock_and_comments_and_replies_wait_too(
    moderator_client, wall, alice, bob, reported_post
):
    pending_post = Post.objects.create(wall=wall, author=bob, body="held", status="pending")
    aged(pending_post, 60)
    comment = Comment.objects.create(post=reported_post, author=bob, body="hm", status="pending")
    aged(comment, 50)
    sent = confessions.confession_send(sender=alice, recipient_username="bob", body="hi")
    reply = Reply.objects.create(confession=sent, author=bob, body="who?", status="pending")
    aged(reply, 40)

    page = moderator_client.get(DESK).content.decode()
    assert current(page) == f"post:{pending_post.pk}"
    page = moderator_client.get(decide(moderator_client, page, "approve")["Location"]).content
    page = page.decode()
    assert current(page) == f"comment:{comment.pk}"
    assert "on the post" in page
    assert "Room 204 snores" in page
    page = moderator_client.get(
        decide(moderator_client, page, "hide", reason="hate")["Location"]
    ).content.decode()
    assert current(page) == f"reply:{reply.pk}"
    assert "who?" in page
    assert "recipient" in page
    page = moderator_client.get(decide(moderator_client, page, "approve")["Location"]).content
    page = page.decode()
    assert current(page) == f"post:{reported_post.pk}"  # reported 30 min ago
    decide(moderator_client, page, "fold", reason="spam")
    reported_post.refresh_from_db()
    assert reported_post.folded_reason == "spam"
    reply.refresh_from_db()
    comment.refresh_from_db()
    assert (comment.status, reply.status) == ("hidden", "approved")

    locked = moderator_client.get(f"{DESK}?item=post:{reported_post.pk}").content.decode()
    decide(moderator_client, locked, "lock")
    reported_post.refresh_from_db()
    assert reported_post.comments_locked


def test_the_queue_filters_by_kind_and_wall(moderator_client, held, reported_post, wall):
    page = moderator_client.get(f"{DESK}?kind=post").content.decode()
    assert current(page) == f"post:{reported_post.pk}"
    elsewhere = moderator_client.get(f"{DESK}?wall=south").content.decode()
    assert current(elsewhere) == ""
    here = moderator_client.get(f"{DESK}?wall=north").content.decode()
    assert current(here) == f"post:{reported_post.pk}"


def test_the_item_page_decides_too_and_then_the_desk_goes_on(moderator_client, held, reported_post):
    page = moderator_client.get(f"/admin/messages_app/confession/{held.pk}/change/")
    html = page.content.decode()
    assert 'class="desk-decide"' in html
    assert 'data-key="a"' in html
    answer = decide(moderator_client, html, "approve")
    held.refresh_from_db()
    assert held.status == "approved"
    assert current(moderator_client.get(answer["Location"]).content.decode()) == (
        f"post:{reported_post.pk}"
    )


def test_the_index_leads_to_the_desk_with_what_waits(moderator_client, held, reported_post):
    index = moderator_client.get("/admin/").content.decode()
    assert 'href="/admin/desk/"' in index
    assert "2 items wait for a decision." in index


def test_strangers_are_turned_away(client, django_user_model, held, alice):
    staff = django_user_model.objects.create_user(username="staff", is_staff=True)
    for who in (None, alice, staff):
        visitor = Client()
        if who is not None:
            visitor.force_login(who)
        answer = visitor.get(DESK)
        # Signed out or not staff: the admin's sign-in; staff who decide nothing: 403.
        assert answer.status_code == (403 if who is staff else 302)
        posted = visitor.post(
            DESK, {"kind": "confession", "id": held.pk, "action": "approve", "seen": "0"}
        )
        assert posted.status_code in (302, 403)
        # The sign-in page or a refusal, never a decision's answer.
        assert posted.status_code == 403 or posted["Location"].startswith("/admin/login/")
    held.refresh_from_db()
    assert held.status == "pending"


def test_a_page_costs_the_same_queries_whatever_the_queue(
    moderator_client, alice, bob, wall, settings
):
    settings.CONFESSIONS_PER_HOUR = 100
    BannedPhrase.objects.create(phrase="maybe", action=BannedPhrase.OnMatch.REVIEW)

    def add(n: int) -> None:
        for i in range(n):
            sent = confessions.confession_send(
                sender=alice, recipient_username="bob", body=f"maybe {i}"
            )
            ConfessionMedia.objects.create(confession=sent, media=make_media(alice), position=0)
            post = Post.objects.create(wall=wall, author=alice, body=f"p{i}", status="pending")
            PostMedia.objects.create(post=post, media=make_media(alice), position=0)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert moderator_client.get(DESK).status_code == 200
        return len(captured)

    add(2)
    few = queries()
    add(12)
    assert queries() == few

"""Issue 10, hole 2: a moderator's admin session, walked for every list and every URL parameter
that names a person. Nothing may narrow a list to one sender's (or author's, or uploader's)
rows; superusers keep those lookups."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from messages_app import services
from messages_app.models import Confession
from tests.factories import make_media

pytestmark = pytest.mark.django_db

# Every admin list that shows confessions, replies, reports, decisions or media.
LISTS = {
    "confession": "/admin/messages_app/confession/",
    "queue": "/admin/messages_app/queuedconfession/",
    "reply": "/admin/messages_app/reply/",
    "report": "/admin/moderation/report/",
    "decision": "/admin/moderation/decision/",
    "media": "/admin/media_app/media/",
}

# Lookups that name a person who may be an anonymous sender, per list.
PERSON_LOOKUPS = {
    "confession": ["sender", "sender_id", "sender__id__exact", "sender__exact", "sender__username",
                   "sender__pk", "sender__in", "replies__author", "attachments__media__owner",
                   "sender__username__startswith", "sent_by"],
    "queue": ["sender", "sender_id", "sender__id__exact", "replies__author__username"],
    "reply": ["author", "author_id", "author__id__exact", "author__username", "confession__sender",
              "confession__sender_id"],
    "report": ["confession__sender", "confession__sender_id", "confession__replies__author",
               "post__author", "comment__author_id"],
    "decision": ["confession__sender", "confession__sender__username", "reply__author",
                 "post__author__username", "comment__author"],
    "media": ["owner", "owner_id", "owner__id__exact", "owner__username"],
}  # fmt: skip


@pytest.fixture
def moderator(moderator):
    # Even a moderator somebody also gave the media screen must not reach owners through it.
    moderator.user_permissions.add(Permission.objects.get(codename="view_media"))
    return moderator


@pytest.fixture
def evidence(settings, alice, bob, django_user_model):
    """Alice's anonymous confession (pending, reported, with a reply and a photo) among
    others, so a filter that worked would visibly narrow each list."""
    carol = django_user_model.objects.create_user(username="carol")
    settings.MODERATION_CHECKERS = ["tests.messages.checkers.ReviewEverything"]
    photo = make_media(alice)
    pending = services.confession_send(sender=alice, recipient_username="bob", body="held",
                                       anonymous=True, media_ids=[photo.pk])  # fmt: skip
    settings.MODERATION_CHECKERS = []
    secret = services.confession_send(sender=alice, recipient_username="bob", body="secret",
                                      anonymous=True)  # fmt: skip
    other = services.confession_send(sender=carol, recipient_username="bob", body="other",
                                     anonymous=True)  # fmt: skip
    for confession in (secret, other):
        services.reply_create(user=confession.sender, confession_id=confession.pk, body="r")
        services.report_create(reporter=bob, confession_id=confession.pk, category="spam")
    make_media(carol)
    return {"alice": alice, "pending": pending, "secret": secret, "other": other}


@pytest.mark.parametrize(
    ("name", "lookup"),
    [(name, lookup) for name, lookups in PERSON_LOOKUPS.items() for lookup in lookups],
)
def test_a_moderator_cannot_filter_any_list_by_a_person(
    moderator_client, superuser_client, evidence, name, lookup
):
    alice = evidence["alice"]
    value = "alice" if "username" in lookup else str(alice.pk)
    response = moderator_client.get(LISTS[name], {lookup: value})
    # Refused outright (Django answers a disallowed lookup with 400), never narrowed.
    assert response.status_code == 400, (name, lookup, response.status_code)
    # A superuser keeps the lookups Django allows on the model's own person fields.
    if lookup.split("__")[0] in ("sender", "sender_id", "author", "author_id", "owner",
                                 "owner_id") and "username" not in lookup:  # fmt: skip
        allowed = superuser_client.get(LISTS[name], {lookup: value})
        assert allowed.status_code == 200, (name, lookup)
        assert allowed.context["cl"].result_count > 0


def test_the_lists_and_their_own_filters_still_work_for_moderators(moderator_client, evidence):
    for name, url in LISTS.items():
        assert moderator_client.get(url).status_code == 200, name
    narrowed = moderator_client.get(LISTS["confession"], {"status__exact": "pending"})
    assert [c.pk for c in narrowed.context["cl"].result_list] == [evidence["pending"].pk]
    by_date = moderator_client.get(LISTS["confession"], {"created_at__year": "2020"})
    assert list(by_date.context["cl"].result_list) == []
    reports = moderator_client.get(LISTS["report"], {"category__exact": "spam"})
    assert len(reports.context["cl"].result_list) == 2


def test_no_column_a_moderator_can_sort_by_groups_rows_by_sender(moderator_client, evidence):
    for name, url in LISTS.items():
        page = moderator_client.get(url)
        columns = len(page.context["cl"].list_display)
        for index in range(columns):
            response = moderator_client.get(url, {"o": str(index)})
            assert response.status_code == 200
            ordering = " ".join(map(str, response.context["cl"].get_ordering(
                response.wsgi_request, response.context["cl"].root_queryset)))  # fmt: skip
            for person in ("sender", "author", "owner"):
                assert person not in ordering, (name, index, ordering)


def test_searching_never_reaches_a_sender_or_author(moderator_client, evidence):
    for name, url in LISTS.items():
        everything = list(moderator_client.get(url).context["cl"].result_list)
        found = list(moderator_client.get(url, {"q": "alice"}).context["cl"].result_list)
        # Nothing matches her name, or (a list without search) the search is ignored.
        assert found in ([], everything), name


def test_autocomplete_does_not_list_people_to_moderators(moderator_client, evidence):
    for field in ("sender", "recipient"):
        response = moderator_client.get(
            "/admin/autocomplete/",
            {"app_label": "messages_app", "model_name": "confession", "field_name": field,
             "term": "ali"},
        )  # fmt: skip
        assert response.status_code in (403, 404), field
        assert b"alice" not in response.content


def test_the_change_page_of_an_anonymous_confession_names_nobody(moderator_client, evidence):
    for confession in (evidence["pending"], evidence["secret"]):
        page = moderator_client.get(f"{LISTS['confession']}{confession.pk}/change/")
        assert page.status_code == 200
        assert "alice" not in page.content.decode()
    assert Confession.objects.filter(sender__username="alice").count() == 2


def test_blocks_media_and_notifications_are_read_only_even_for_superusers(
    superuser_client, evidence, bob
):
    from accounts.models import Block
    from media_app.models import Media

    block = Block.objects.create(blocker=bob, blocked=evidence["alice"], anonymous=True)
    media = Media.objects.filter(attached_at__isnull=False).first()
    for url in (f"/admin/accounts/block/{block.pk}/delete/",
                f"/admin/media_app/media/{media.pk}/delete/",
                "/admin/accounts/block/add/"):  # fmt: skip
        assert superuser_client.post(url, {"post": "yes"}).status_code == 403, url
    assert Block.objects.filter(pk=block.pk).exists()
    assert Media.objects.filter(pk=media.pk).exists()

"""The queue row shows the picture: a thumbnail in the row of any item with an image or a
video poster, through the same signed URLs as the API's, never naming the anonymous sender."""

from __future__ import annotations

import pytest

from messages_app import services as confessions
from messages_app.models import ConfessionMedia
from tests.factories import make_media
from walls.models import Post, PostMedia, Wall

pytestmark = pytest.mark.django_db


def row(page: str, model: str, pk: int) -> str:
    """The list's row of one item."""
    start = page.index(f"/admin/{model}/{pk}/change/")
    return page[page.rindex("<tr", 0, start) : page.index("</tr>", start)]


def test_the_confession_and_post_lists_show_each_rows_thumbnails(
    moderator_client, alice, bob, django_assert_max_num_queries
):
    photos = [make_media(alice), make_media(alice, kind="video")]
    sent = confessions.confession_send(
        sender=alice, recipient_username="bob", body="look", anonymous=True
    )
    for position, media in enumerate(photos):
        ConfessionMedia.objects.create(confession=sent, media=media, position=position)
    plain = confessions.confession_send(sender=bob, recipient_username="alice", body="text")

    page = moderator_client.get("/admin/messages_app/confession/").content.decode()
    # The image's thumbnail and the video's poster, as signed URLs (the API's, fresh).
    assert row(page, "messages_app/confession", sent.pk).count("max-height:64px") == 2
    assert row(page, "messages_app/confession", plain.pk).count("max-height:64px") == 0
    assert "alice" not in row(page, "messages_app/confession", sent.pk)

    wall = Wall.objects.create(name="Town", slug="town", moderation=Wall.Moderation.PRE)
    post = Post.objects.create(wall=wall, author=alice, body="see", anonymous=True)
    PostMedia.objects.create(post=post, media=make_media(alice), position=0)
    posts = moderator_client.get("/admin/walls/post/").content.decode()
    assert row(posts, "walls/post", post.pk).count("max-height:64px") == 1
    assert "alice" not in posts


def test_the_pictures_cost_one_query_for_the_whole_page(moderator_client, alice, bob):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert moderator_client.get("/admin/messages_app/confession/").status_code == 200
        return len(captured)

    def send_with_photo() -> None:
        sent = confessions.confession_send(sender=alice, recipient_username="bob", body="x")
        ConfessionMedia.objects.create(confession=sent, media=make_media(alice), position=0)

    send_with_photo()
    few = queries()
    for _ in range(5):
        send_with_photo()
    assert queries() == few

"""HTTP doors of the walls app: parse, call a service or selector, render."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import CheckedByThePage, SignedIn
from accounts.throttles import (
    FollowWriteThrottle,
    SearchThrottle,
    SettingsWriteThrottle,
    client_address,
)
from core.errors import ApplicationError
from core.pagination import BY_OFFSET, Keyset, KeysetPagination, OldestFirst
from core.parsing import parse
from core.words import Muted
from media_app.rendering import Urls
from moderation.models import Report
from moderation.rendering import report_render
from walls import mutes, selectors, services, verification
from walls.api import serializers as s
from walls.rendering import PostPayload, comment_render, post_row_render, wall_render


class WallListApi(APIView):
    @extend_schema(operation_id="walls_list", responses={200: s.WallListOutput})
    def get(self, request: SignedIn) -> Response:
        """The walls you may read (open ones, and invite-only ones you joined)."""
        walls = selectors.walls_for(user_id=request.user.pk)
        return Response({"results": [wall_render(wall) for wall in walls]})


class WallJoinApi(APIView):
    @extend_schema(operation_id="walls_join", request=s.JoinInput, responses={200: s.WallOutput})
    def post(self, request: SignedIn, slug: str) -> Response:
        """Join a wall: an open one freely, an invite-only one with its code."""
        wall = services.wall_join(
            user=request.user,
            slug=slug,
            client=client_address(request),
            **parse(s.JoinInput, request),
        )
        return Response(wall_render(selectors.wall_get(user_id=request.user.pk, slug=wall.slug)))


class WallVerifyApi(APIView):
    @extend_schema(
        operation_id="walls_verify", request=s.VerifyInput, responses={202: s.VerifySentOutput}
    )
    def post(self, request: SignedIn, slug: str) -> Response:
        """Send a six-digit code to your school address (an `email` wall): confirm it at
        `/verify/confirm`. Limited per account and per address; a new code replaces the last."""
        waiting = verification.email_code_send(
            user=request.user, slug=slug, **parse(s.VerifyInput, request)
        )
        body = {"email_domain": waiting.email_domain, "expires_at": waiting.expires_at}
        return Response(body, status=status.HTTP_202_ACCEPTED)


class WallVerifyConfirmApi(APIView):
    @extend_schema(
        operation_id="walls_verify_confirm",
        request=s.VerifyConfirmInput,
        responses={200: s.WallOutput},
    )
    def post(self, request: SignedIn, slug: str) -> Response:
        """The code you were sent: you are a verified member (joined if you were not)."""
        verification.email_code_confirm(
            user=request.user, slug=slug, **parse(s.VerifyConfirmInput, request)
        )
        return Response(wall_render(selectors.wall_get(user_id=request.user.pk, slug=slug)))


def _post_shown(request: SignedIn, post_id: int, *, unless_muted: bool = False) -> PostPayload:
    """One post as the feed shows it, read through the visibility selector (`unless_muted`:
    a post holding a word the reader mutes is not found)."""
    row = selectors.post_shown(user_id=request.user.pk, post_id=post_id)
    if unless_muted and mutes.post_hidden(
        mutes.muted_for(request.user), row, viewer_id=request.user.pk
    ):
        raise Http404
    return post_row_render(row, viewer_id=request.user.pk, urls=Urls(request))


def _feed_rendered(request: SignedIn, rows: list, urls: Urls, muted: Muted) -> list:
    """Rows rendered, a muted one as None (the page's cursor still counts it)."""
    viewer = request.user.pk
    return [
        None
        if mutes.post_hidden(muted, row, viewer_id=viewer)
        else post_row_render(row, viewer_id=viewer, urls=urls)
        for row in rows
    ]


def _shown(items: list) -> list:
    return [item for item in items if item is not None]


def _hot_page(request: SignedIn, slug: str) -> Response:
    """`hot` pages by position in the ranking (the cursor holds an offset): scores move as
    time passes, so a later page may repeat or skip a post that moved meanwhile. The wall is
    read in the page's own statement (`feed_hot_page`)."""
    try:
        keyset = Keyset.of(request, by=BY_OFFSET, max_offset=selectors.HOT_DEPTH)
    except ApplicationError:
        selectors.readable_wall(user_id=request.user.pk, slug=slug)  # a stranger's 404 first
        raise
    wall, page, more = selectors.feed_hot_page(
        user_id=request.user.pk, slug=slug, limit=keyset.limit, offset=keyset.offset
    )
    muted = mutes.muted_words(wall.muted_words)
    shown = _shown(_feed_rendered(request, page, Urls(request), muted))
    return keyset.offset_response(request, shown, more=more)


def _search_page(request: SignedIn, wall_id: int, query: str, urls: Urls, muted: Muted) -> Response:
    keyset = Keyset.of(request)
    rows = selectors.search_page(
        user_id=request.user.pk, wall_id=wall_id, query=query, keyset=keyset
    )
    page = keyset.response(request, rows, _feed_rendered(request, rows, urls, muted))
    page.data["results"] = _shown(page.data["results"])
    return page


class WallPostsApi(CheckedByThePage, generics.GenericAPIView):
    serializer_class = s.PostOutput
    pagination_class = KeysetPagination
    throttle_classes = (SearchThrottle,)

    @extend_schema(
        operation_id="walls_posts",
        parameters=[s.FeedQuery],
        responses={200: s.PostOutput(many=True)},
    )
    def get(self, request: SignedIn, slug: str) -> Response:
        """A wall's feed: `new` newest first (the first page starts with the posts moderators
        pinned), or `hot` (see docs/api.md for the formula); with `q`, the posts that match
        it, newest first."""
        query = parse(s.FeedQuery, request, query=True)
        if query["q"].strip():
            wall = selectors.readable_wall(user_id=request.user.pk, slug=slug)
            urls, muted = Urls(request), mutes.muted_words(wall.muted_words)
            return _search_page(request, wall.id, query["q"].strip(), urls, muted)
        if query["sort"] == "hot":
            return _hot_page(request, slug)
        # `new`: the wall is read in the page's own statement (`feed_new_page`).
        try:
            keyset = Keyset.of(request)
        except ApplicationError:
            selectors.readable_wall(user_id=request.user.pk, slug=slug)  # a stranger's 404 first
            raise
        wall, pinned, rows = selectors.feed_new_page(
            user_id=request.user.pk, slug=slug, keyset=keyset
        )
        urls, muted = Urls(request), mutes.muted_words(wall.muted_words)
        page = keyset.response(request, rows, _feed_rendered(request, rows, urls, muted))
        pinned_shown = _feed_rendered(request, pinned, urls, muted)
        page.data["results"] = _shown(pinned_shown + page.data["results"])
        return page

    @extend_schema(operation_id="walls_post", request=s.PostInput, responses={201: s.PostOutput})
    def post(self, request: SignedIn, slug: str) -> Response:
        """Post to a wall you are a member of."""
        data = parse(s.PostInput, request)
        post = services.post_create(
            user=request.user,
            slug=slug,
            body=data["body"],
            to=data["to"],
            anonymous=data["anonymous"],
            media_ids=data["media"],
        )
        return Response(_post_shown(request, post.pk), status=status.HTTP_201_CREATED)


class PostDetailApi(APIView):
    @extend_schema(operation_id="posts_get", responses={200: s.PostOutput})
    def get(self, request: SignedIn, post_id: int) -> Response:
        """One wall post, as the feed shows it to you."""
        return Response(_post_shown(request, post_id, unless_muted=True))

    @extend_schema(operation_id="posts_delete", responses={204: None})
    def delete(self, request: SignedIn, post_id: int) -> Response:
        """Its author deletes it."""
        services.post_delete(user=request.user, post_id=post_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PostLikeApi(APIView):
    @extend_schema(operation_id="posts_like", request=None, responses={200: s.PostOutput})
    def post(self, request: SignedIn, post_id: int) -> Response:
        """Like it (idempotent)."""
        services.like_add(user=request.user, post_id=post_id)
        return self._fresh(request, post_id)

    @extend_schema(operation_id="posts_unlike", responses={200: s.PostOutput})
    def delete(self, request: SignedIn, post_id: int) -> Response:
        """Take your like back (idempotent)."""
        services.like_remove(user=request.user, post_id=post_id)
        return self._fresh(request, post_id)

    def _fresh(self, request: SignedIn, post_id: int) -> Response:
        return Response(_post_shown(request, post_id))


class PostCommentsApi(generics.GenericAPIView):
    serializer_class = s.CommentOutput
    pagination_class = OldestFirst

    @extend_schema(operation_id="posts_comments", responses={200: s.CommentOutput(many=True)})
    def get(self, request: SignedIn, post_id: int) -> Response:
        """Its comments, oldest first; a reply names its parent (`parent_id`)."""
        viewer = request.user.pk
        post = selectors.post_get(user_id=viewer, post_id=post_id)
        muted = mutes.muted_for(request.user)
        if mutes.post_hidden(muted, vars(post), viewer_id=viewer):
            raise Http404
        page = self.paginate_queryset(selectors.comments_of(user_id=viewer, post=post))
        urls = Urls(request)
        return self.get_paginated_response(
            [
                comment_render(comment, post, viewer_id=viewer, urls=urls)
                for comment in page or []
                if not mutes.comment_hidden(
                    muted, comment.body, comment.author_id, viewer_id=viewer
                )
            ]
        )

    @extend_schema(
        operation_id="posts_comment", request=s.CommentInput, responses={201: s.CommentOutput}
    )
    def post(self, request: SignedIn, post_id: int) -> Response:
        """Comment on a wall post, or answer a comment (`parent`)."""
        data = parse(s.CommentInput, request)
        comment = services.comment_create(
            user=request.user,
            post_id=post_id,
            body=data["body"],
            anonymous=data["anonymous"],
            parent_id=data.get("parent"),
        )
        return Response(
            comment_render(comment, comment.post, viewer_id=request.user.pk, urls=Urls(request)),
            status=status.HTTP_201_CREATED,
        )


class CommentDetailApi(APIView):
    @extend_schema(operation_id="comments_delete", responses={204: None})
    def delete(self, request: SignedIn, comment_id: int) -> Response:
        """Its author, or the post's author, deletes it."""
        services.comment_delete(user=request.user, comment_id=comment_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _report_response(report: Report) -> Response:
    return Response(report_render(report), status=status.HTTP_201_CREATED)


class PostReportApi(APIView):
    @extend_schema(
        operation_id="posts_report", request=s.WallReportInput, responses={201: s.WallReportOutput}
    )
    def post(self, request: SignedIn, post_id: int) -> Response:
        """Report a wall post to the moderators, once per post."""
        report = services.report_create(
            user=request.user, post_id=post_id, **parse(s.WallReportInput, request)
        )
        return _report_response(report)


class CommentReportApi(APIView):
    @extend_schema(
        operation_id="comments_report",
        request=s.WallReportInput,
        responses={201: s.WallReportOutput},
    )
    def post(self, request: SignedIn, comment_id: int) -> Response:
        """Report a wall comment to the moderators, once per comment."""
        report = services.report_create(
            user=request.user, comment_id=comment_id, **parse(s.WallReportInput, request)
        )
        return _report_response(report)


class MutesApi(APIView):
    throttle_classes = (SettingsWriteThrottle,)

    @extend_schema(operation_id="me_mutes", responses={200: s.MutesOutput})
    def get(self, request: SignedIn) -> Response:
        """The words you mute: posts and comments holding one never reach you (feeds, posts,
        threads, notifications)."""
        return Response({"words": request.user.muted_words or []})

    @extend_schema(
        operation_id="me_mutes_set", request=s.MutesInput, responses={200: s.MutesOutput}
    )
    def put(self, request: SignedIn) -> Response:
        """Replace the words you mute (at most 50)."""
        words = mutes.mutes_set(user=request.user, words=parse(s.MutesInput, request)["words"])
        return Response({"words": words})


class PostFollowApi(APIView):
    throttle_classes = (FollowWriteThrottle,)

    @extend_schema(operation_id="posts_following", responses={200: s.FollowOutput})
    def get(self, request: SignedIn, post_id: int) -> Response:
        """Whether you follow it (known to you alone)."""
        return self._state(request, post_id)

    @extend_schema(operation_id="posts_follow", request=None, responses={200: s.FollowOutput})
    def post(self, request: SignedIn, post_id: int) -> Response:
        """Follow it (idempotent): you are told of its new comments (`wall.commented` with
        `following: true`)."""
        services.follow_add(user=request.user, post_id=post_id)
        return self._state(request, post_id)

    @extend_schema(operation_id="posts_unfollow", responses={200: s.FollowOutput})
    def delete(self, request: SignedIn, post_id: int) -> Response:
        """Stop following it (idempotent)."""
        services.follow_remove(user=request.user, post_id=post_id)
        return self._state(request, post_id)

    def _state(self, request: SignedIn, post_id: int) -> Response:
        return Response(
            {"following": selectors.following(user_id=request.user.pk, post_id=post_id)}
        )

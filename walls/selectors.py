"""Who may see which wall, post and comment, and whom behind them: every read of the walls app
goes through here, and every anonymity decision is made here (`post_author_shown`,
`comment_author_shown`).

The rules, the same as the confessions': an anonymous author is shown to nobody but themselves;
"the author" of an anonymous post who comments on it is shown as the post's author, never who.
A named block hides the blocked person's signed posts and comments from the blocker; it never
hides an anonymous one (that would tell the blocker who wrote it). A wall is readable by
anyone signed in when it is open, by its members when it is invite-only; a stranger gets 404
for it and everything on it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from django.conf import settings
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Power
from django.db.models.lookups import Exact
from django.http import Http404
from django.utils import timezone

from accounts import selectors as account_selectors
from accounts.models import User
from authoring.people import person_values
from core.compiled import CompiledQuery
from core.moderated import Status
from core.pagination import Keyset, after
from media_app.selectors import Attachments
from walls.models import Comment, Follow, Like, Membership, Post, PostMedia, Wall

Row = dict[str, Any]


class EpochSeconds(Func):
    """A timestamp as seconds since 1970 (PostgreSQL; SQLite for `make run`'s default)."""

    output_field = FloatField()
    template = "EXTRACT(EPOCH FROM %(expressions)s)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Not strftime('%s', ...): the backend would read that '%s' as a parameter's place.
        template = "((julianday(%(expressions)s) - 2440587.5) * 86400.0)"
        return self.as_sql(compiler, connection, template=template, **extra)


def is_member(*, user_id: int, wall_id: int) -> bool:
    return Membership.objects.filter(user_id=user_id, wall_id=wall_id).exists()


def _joined(user_id: int) -> Exists:
    return Exists(Membership.objects.filter(wall_id=OuterRef("pk"), user_id=user_id))


def _readable_walls(user_id: int) -> Q:
    return ~Q(verification=Wall.Verification.CODE) | Q(_joined(user_id))


def walls_for(*, user_id: int) -> QuerySet[Wall]:
    """The walls `user_id` may see, with `joined` and `verified` (a verified member)."""
    verified = Membership.objects.filter(
        wall_id=OuterRef("pk"), user_id=user_id, verified_at__isnull=False
    )
    return Wall.objects.filter(_readable_walls(user_id)).annotate(
        joined=_joined(user_id), verified=Exists(verified)
    )


def wall_get(*, user_id: int, slug: str) -> Wall:
    wall = walls_for(user_id=user_id).filter(slug=slug).first()
    if wall is None:
        raise Http404
    return wall


def _readable_wall_named(viewer: int, slug: str) -> QuerySet[Wall]:
    """The wall `slug` names, where `viewer`, an active account, may read it: the rule of
    `readable_wall`, and of the `new` feed's page that reads its wall itself (`_feed_new`)."""
    return Wall.objects.filter(
        _readable_walls(viewer), account_selectors.viewer_active(viewer), slug=slug
    )


def _muted_words_of(viewer: int) -> Subquery:
    return Subquery(User.objects.filter(pk=viewer).values("muted_words")[:1])


_readable_wall = CompiledQuery(
    lambda viewer, slug: (
        _readable_wall_named(viewer, slug)
        .annotate(
            any_pinned=Exists(Post.objects.filter(wall_id=OuterRef("pk"), pinned=True)),
            muted_words=_muted_words_of(viewer),
        )
        .values("id", "any_pinned", "muted_words")
    ),
    viewer=int,
    slug=str,
)


@dataclass(frozen=True, slots=True)
class ReadableWall:
    id: int
    any_pinned: bool
    muted_words: list[str]


def readable_wall(*, user_id: int, slug: str) -> ReadableWall:
    """`wall_get`'s rule for the feed, which needs only the wall's id, precompiled, in the
    statement that also checks the reader's account (`accounts.selectors.viewer_active`: no
    row for a banned one) and reads their muted words: the id, whether any post of the wall
    is pinned at all (which of them the viewer sees is `feed_new_page`'s to say; when none
    is, it need not ask), and the muted words."""
    rows = _readable_wall.rows(viewer=user_id, slug=slug)
    if not rows:
        raise Http404
    return ReadableWall(rows[0]["id"], rows[0]["any_pinned"], rows[0]["muted_words"] or [])


def _hidden_by_block(viewer_id: int) -> Q:
    """Signed work of someone the viewer blocks by name."""
    return Q(anonymous=False, author__in=account_selectors.named_blocks(blocker_id=viewer_id))


def _visible_posts(viewer_id: int) -> Q:
    public = Q(status=Status.APPROVED) & ~_hidden_by_block(viewer_id)
    return (public | Q(author_id=viewer_id)) & Q(deleted_at__isnull=True)


def visible_comments(viewer_id: int, *, of_outer_post: bool = False) -> Q:
    """The comments `viewer_id` may see (`of_outer_post`: of the post an outer query is at,
    read from its row rather than joined again)."""

    def post(field: str) -> Any:
        return OuterRef(field) if of_outer_post else F(f"post__{field}")

    by_anonymous_poster = Q(Exact(post("anonymous"), True)) & Q(author=post("author"))
    public = Q(status=Status.APPROVED) & ~(_hidden_by_block(viewer_id) & ~by_anonymous_poster)
    return (public | Q(author_id=viewer_id)) & Q(deleted_at__isnull=True)


def comment_visible_to(comment_id: int, viewer_id: int) -> bool:
    return Comment.objects.filter(visible_comments(viewer_id), pk=comment_id).exists()


def _reaction_counts() -> dict[str, Any]:
    """A post's like and comment counts, counted from rows, so a like never waits on a lock
    on the post."""
    likes = Like.objects.filter(post=OuterRef("pk")).order_by().values("post")
    comments = (
        Comment.objects.filter(post=OuterRef("pk"), status=Status.APPROVED, deleted_at__isnull=True)
        .order_by()
        .values("post")
    )
    return {
        "like_count": Coalesce(Subquery(likes.annotate(n=Count("id")).values("n")), 0),
        "comment_count": Coalesce(Subquery(comments.annotate(n=Count("id")).values("n")), 0),
    }


def _counts(viewer_id: int) -> dict[str, Any]:
    """`_reaction_counts`, and whether the viewer likes the post."""
    return {
        **_reaction_counts(),
        "liked": Exists(Like.objects.filter(post=OuterRef("pk"), user_id=viewer_id)),
    }


def _visible_post(viewer: int, post: int) -> QuerySet[Post]:
    """The post, if `viewer` may see it, on a wall they may read."""
    readable = Wall.objects.filter(_readable_walls(viewer))
    return Post.objects.filter(_visible_posts(viewer), pk=post, wall__in=readable)


def post_get(*, user_id: int, post_id: int) -> Post:
    """A post `user_id` may see (on a wall they may read), for a write; else 404."""
    post = _visible_post(user_id, post_id).select_related("author", "wall").first()
    if post is None:
        raise Http404
    return post


def following(*, user_id: int, post_id: int) -> bool:
    """Whether `user_id` follows a post they may see (else 404)."""
    post = post_get(user_id=user_id, post_id=post_id)
    return Follow.objects.filter(post=post, user_id=user_id).exists()


def comments_of(*, user_id: int, post: Post) -> QuerySet[Comment]:
    """The post's comments `user_id` may see, oldest first (replies carry their parent)."""
    return (
        Comment.objects.filter(visible_comments(user_id), post=post)
        .select_related("author__avatar", "post")
        .order_by("created_at", "id")
    )


def comment_get(*, user_id: int, comment_id: int) -> Comment:
    comment = (
        Comment.objects.filter(visible_comments(user_id), pk=comment_id)
        .select_related("post")
        .first()
    )
    if comment is None:
        raise Http404
    post_get(user_id=user_id, post_id=comment.post_id)  # the post must be theirs to see too
    return comment


def post_author_shown(*, anonymous: bool, author_id: int, viewer_id: int | None) -> bool:
    """The anonymity rule for a post: who wrote it is shown unless it is anonymous and not
    the viewer's own (`viewer_id` None: a moderator's desk, where nothing is their own)."""
    return not anonymous or author_id == viewer_id


def comment_masked(*, anonymous: bool, author_id: int, post: Post) -> bool:
    """Whether a comment hides who wrote it from others: an anonymous one, and any of an
    anonymous post's author on it (shown as "the author", never who). Nothing that would
    point at them (a name, a region) goes with it."""
    return anonymous or (post.anonymous and author_id == post.author_id)


def comment_author_shown(
    comment: Comment, post: Post, *, viewer_id: int | None
) -> tuple[bool, bool]:
    """`(shown, post_author)` for a comment: whether its author is shown, and whether it says
    "the post's author". An anonymous post's author commenting on it is always "the author"
    and never who; on a signed post, an anonymous comment of its author is just anonymous."""
    by_post_author = comment.author_id == post.author_id
    masked = comment_masked(anonymous=comment.anonymous, author_id=comment.author_id, post=post)
    post_author = by_post_author and (post.anonymous or not comment.anonymous)
    return (not masked or comment.author_id == viewer_id), post_author


# --- previews of notifications (realtime.previews) ---------------------------------------------


def post_previews(viewer_id: int, datas: list[Row]) -> list[str | None]:
    """The body of each `post_id`, where `viewer_id` may still see that post."""
    readable = Wall.objects.filter(_readable_walls(viewer_id))
    wanted = {data.get("post_id") for data in datas} - {None}
    bodies: dict[Any, str] = dict(
        Post.objects.filter(
            _visible_posts(viewer_id), pk__in=wanted, wall__in=readable
        ).values_list("id", "body")
    )
    return [bodies.get(data.get("post_id")) for data in datas]


def comment_previews(viewer_id: int, datas: list[Row]) -> list[str | None]:
    """The body of each `comment_id`, where `viewer_id` may still see it and its post."""
    readable = Wall.objects.filter(_readable_walls(viewer_id))
    posts = Post.objects.filter(_visible_posts(viewer_id), wall__in=readable)
    wanted = {data.get("comment_id") for data in datas} - {None}
    bodies: dict[Any, str] = dict(
        Comment.objects.filter(
            visible_comments(viewer_id), pk__in=wanted, post__in=posts
        ).values_list("id", "body")
    )
    return [bodies.get(data.get("comment_id")) for data in datas]


# --- the read model of the feed: compiled once, read as rows (core.compiled) --

POST_VALUES = (
    "id",
    "body",
    "to",
    "anonymous",
    "verified",
    "region",
    "wall__shows_region",
    "status",
    "pinned",
    "folded_reason",
    "comments_locked",
    "created_at",
    "author_id",
    "wall__slug",
    *person_values("author__"),
    "like_count",
    "comment_count",
    "liked",
)


def _newest(
    posts: QuerySet[Post, Row],
    after_at: datetime | None,
    after_id: int | None,
    *,
    limit: int,
    cursor: bool,
) -> QuerySet[Post, Row]:
    if cursor:
        posts = posts.filter(after(after_at, after_id, ascending=False))
    return posts.order_by("-created_at", "-id")[: limit + 1]


# A post's media, a column of its row (`_feed_rows`).
_post_media = Attachments(PostMedia, "post")


def _feed_rows(viewer: int, wall: Any, **narrower: Any) -> QuerySet[Post, Row]:
    """A wall's posts as `viewer` sees them, as rows with their counts (`wall`: its id, or
    `_readable_wall_id`'s subquery)."""
    rows: QuerySet[Post, Row] = (
        Post.objects.filter(_visible_posts(viewer), wall_id=wall, **narrower)
        .annotate(**_counts(viewer), media=_post_media.column())
        .values(*POST_VALUES, "media")
    )
    return rows


def _readable_wall_id(viewer: int, slug: str) -> Subquery:
    """`_readable_wall_named`'s id (else NULL) as a scalar subquery, which PostgreSQL runs
    once before the page, so the page still walks the feed's index in order."""
    return Subquery(_readable_wall_named(viewer, slug).values("id")[:1])


# The `new` feed's page with what `readable_wall` reads, in one statement: the wall found by
# its slug inside it, and on each row its id, whether any of its posts is pinned and the
# viewer's muted words (each an uncorrelated subquery: run once). No row says nothing about
# the wall: `feed_new_page` then asks `readable_wall`.
_feed_new = CompiledQuery(
    lambda viewer, slug, after_at, after_id, **shape: _newest(
        _feed_rows(viewer, _readable_wall_id(viewer, slug), pinned=False).annotate(
            any_pinned=Exists(Post.objects.filter(wall__slug=slug, pinned=True)),
            muted_words=_muted_words_of(viewer),
        ),
        after_at,
        after_id,
        **shape,
    ).values(*POST_VALUES, "media", "wall_id", "any_pinned", "muted_words"),
    viewer=int,
    slug=str,
    after_at=datetime,
    after_id=int,
)
_feed_pinned = CompiledQuery(
    lambda viewer, wall: _feed_rows(viewer, wall, pinned=True).order_by("-created_at", "-id"),
    viewer=int,
    wall=int,
)


def feed_new_page(
    *, user_id: int, slug: str, keyset: Keyset
) -> tuple[ReadableWall, list[Row], list[Row]]:
    """A page of the `new` feed of the wall `slug` names, as rows with their media: the wall
    (as `readable_wall` reads it: 404 where the viewer may not read it), the posts moderators
    pinned (first page only, and only on a wall with a pinned post), and the page's other
    posts, `limit + 1` of them when more follow (for the cursor). One statement for a page
    with posts; an empty one asks `readable_wall` why."""
    rows = _feed_new.rows(viewer=user_id, slug=slug, **keyset.statement())
    if rows:
        first = rows[0]
        wall = ReadableWall(first["wall_id"], first["any_pinned"], first["muted_words"] or [])
    else:
        wall = readable_wall(user_id=user_id, slug=slug)
    pinned = (
        _feed_pinned.rows(viewer=user_id, wall=wall.id) if keyset.first and wall.any_pinned else []
    )
    return wall, pinned, rows


SEARCH_MAX_CHARS = 50


def like_pattern(text: str) -> str:
    """`%text%` for LIKE, its own %, _ and \\ escaped as Django escapes them for `contains`
    (backslash is the escape)."""
    return f"%{connection.ops.prep_for_like_query(text)}%"


class Matches(Func):
    """`column` matches a LIKE `pattern` in any case: `UPPER(column) LIKE UPPER(pattern)`,
    or, `indexed`, `walls_search_text(column) LIKE walls_search_text(pattern)`.

    `walls_search_text` (PostgreSQL, migration walls 0017) is UPPER in PL/pgSQL, declared
    costly, under trigram indexes: the planner then reads an index rather than scan a wall's
    posts (to it UPPER costs nothing, so a scan looked cheaper than the index for a 20,000-post
    wall, and took ten times as long). SQLite (`make run`) scans with UPPER either way."""

    output_field = BooleanField()

    def __init__(self, column: str, pattern: str, *, indexed: bool = False) -> None:
        super().__init__(F(column), Value(pattern))
        self.indexed = indexed

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> Any:
        column, column_params = compiler.compile(self.source_expressions[0])
        pattern, pattern_params = compiler.compile(self.source_expressions[1])
        function = "UPPER"
        if self.indexed and connection.vendor == "postgresql":
            function = "walls_search_text"
        sql = f"{function}({column}) LIKE {function}({pattern})"
        if connection.vendor != "postgresql":
            sql += " ESCAPE '\\'"
        return sql, (*column_params, *pattern_params)


# A search walks the wall's posts newest first, this many at a time: a common word fills its
# page in the first window, in about a millisecond.
SEARCH_WINDOW = 500
# From this many characters, a word the first window does not find enough of is looked up
# in the trigram indexes (pg_trgm takes its trigrams from three characters), which find a
# rare one among any number of posts; a shorter query goes on window by window.
TRIGRAM_CHARS = 3
# Before any post: a window's edge where fewer than SEARCH_WINDOW posts are left.
_NO_EDGE_AT = datetime(1970, 1, 1, tzinfo=UTC)


def _edge(
    wall: int, after_at: datetime | None, after_id: int | None, *, cursor: bool, size: int
) -> QuerySet[Post, Row]:
    """The `size`-th newest post of the wall past the cursor: a window's far end."""
    posts = cast(QuerySet[Post, Row], Post.objects.filter(wall_id=wall).values("created_at", "id"))
    if cursor:  # as a plain range the index walks from, besides `_newest`'s exact rule
        posts = posts.filter(created_at__lte=after_at)
    return _newest(posts, after_at, after_id, limit=size - 1, cursor=cursor)[size - 1 : size]


_window_edge = CompiledQuery(_edge, wall=int, after_at=datetime, after_id=int)


def _window(
    wall: int, after_at: datetime | None, after_id: int | None, *, cursor: bool, size: int
) -> Q:
    """The next `size` posts past the cursor (all that are left, when fewer are): the
    window's edge is a subquery of the statement (`_edge`), which PostgreSQL runs once first.
    The page's statement then walks the feed's index from the cursor in order and stops at a
    full page or at the edge, whichever comes first (knowing the edge only when it runs, the
    planner does not take the window for a few hundred posts to sort)."""
    edge = _edge(wall, after_at, after_id, cursor=cursor, size=size)
    edge_at = Coalesce(Subquery(edge.values("created_at")), Value(_NO_EDGE_AT))
    edge_id = Coalesce(Subquery(edge.values("id")), Value(0))
    # The edge twice: as a plain range the feed's index walks, and exactly (ties by id); the
    # cursor as a plain range too (`_newest` says it exactly).
    window = Q(created_at__gte=edge_at) & (
        Q(created_at__gt=edge_at) | Q(created_at=edge_at, id__gte=edge_id)
    )
    return window & Q(created_at__lte=after_at) if cursor else window


def _indexed(viewer: int, wall: int, pattern: str) -> Q:
    """The posts whose text, or a visible comment's, matches `pattern`, by the trigram
    indexes: a UNION of the ids each of the three ways finds, each by its own index (an OR
    of them would walk every post)."""
    comments = Comment.objects.filter(visible_comments(viewer), post__wall_id=wall).order_by()
    posts = Post.objects.filter(wall_id=wall).order_by()
    ids = (
        posts.filter(Matches("body", pattern, indexed=True))
        .values("id")
        .union(
            posts.filter(Matches("to", pattern, indexed=True)).values("id"),
            comments.filter(Matches("body", pattern, indexed=True)).values("post_id"),
        )
    )
    return Q(pk__in=ids)


def _search(
    viewer: int,
    wall: int,
    pattern: str,
    after_at: datetime | None,
    after_id: int | None,
    *,
    limit: int,
    cursor: bool,
    way: str,
    size: int = 0,
) -> QuerySet[Post, Row]:
    """The posts that match, from the cursor on: of the next window of `size` posts
    (`way="window"`), or of the trigram indexes ("indexed")."""
    rows = _feed_rows(viewer, wall)
    if way == "indexed":
        rows = rows.filter(_indexed(viewer, wall, pattern))
    else:
        # A comment is asked only of a post whose own text does not match.
        comments = Comment.objects.filter(
            visible_comments(viewer, of_outer_post=True),
            Matches("body", pattern),
            post_id=OuterRef("pk"),
        )
        rows = rows.filter(
            _window(wall, after_at, after_id, cursor=cursor, size=size),
            Q(Matches("body", pattern)) | Q(Matches("to", pattern)) | Q(Exists(comments)),
        )
    return _newest(rows, after_at, after_id, limit=limit, cursor=cursor)


_search_kinds: dict[str, Any] = {
    "viewer": int,
    "wall": int,
    "pattern": str,
    "after_at": datetime,
    "after_id": int,
}
_searched = CompiledQuery(_search, **_search_kinds)
# The pattern decides the trigram indexes' plan: it is planned for each one.
_searched_indexed = CompiledQuery(_search, custom_plans=True, **_search_kinds)


def search_page(*, user_id: int, wall_id: int, query: str, keyset: Keyset) -> list[Row]:
    """A page of the wall's posts `user_id` may see whose text, or a visible comment's, holds
    `query` (any case), newest first, pinned or not, as the feed's rows with their media
    (`limit + 1` when more follow). Every rule of the feed holds (hidden, pending, deleted,
    blocked); muted words are the caller's to apply, as for the feed.

    The wall is walked SEARCH_WINDOW posts at a time from the cursor; a query of
    TRIGRAM_CHARS characters or more that the first window does not fill a page with goes
    to the trigram indexes instead. Either way, the same page."""
    limit = keyset.limit
    values = {"viewer": user_id, "wall": wall_id, "pattern": like_pattern(query)}
    at, at_id, cursor = keyset.after_at, keyset.after_id, keyset.after_id is not None
    found: list[Row] = []
    while True:
        found += _searched.rows(
            **values,
            after_at=at,
            after_id=at_id,
            limit=limit,
            cursor=cursor,
            way="window",
            size=SEARCH_WINDOW,
        )
        if len(found) > limit:
            return found[: limit + 1]
        if len(query) >= TRIGRAM_CHARS:
            return _searched_indexed.rows(**values, **keyset.statement(), way="indexed")
        edge = _window_edge.rows(
            wall=wall_id, after_at=at, after_id=at_id, cursor=cursor, size=SEARCH_WINDOW
        )
        if not edge:  # that window held every post left
            return found
        at, at_id, cursor = edge[0]["created_at"], edge[0]["id"], True


# How deep `hot` ranks: a wall's ranking keeps no more posts, and a cursor past it is refused.
HOT_DEPTH = 10_000


def _hot(wall: int, now: datetime, since: datetime) -> QuerySet[Post, Row]:
    """A wall's public posts by

        score = (likes + 2 × comments) / (hours since posted + 2) ^ 1.5

    over the last WALL_HOT_DAYS days (likes and comments with time decay, as Hacker News
    ranks; a comment weighs two likes), newest first among equals (so posts nobody reacted to
    yet follow in `new` order). The `new` order is `feed_new_page`'s."""
    moment = EpochSeconds(Value(now, output_field=DateTimeField()))
    hours = ExpressionWrapper(
        (moment - EpochSeconds(F("created_at"))) / 3600.0, output_field=FloatField()
    )
    score = ExpressionWrapper(
        (F("like_count") + 2 * F("comment_count")) / Power(hours + Value(2.0), Value(1.5)),
        output_field=FloatField(),
    )
    return (
        Post.objects.filter(
            wall_id=wall, status=Status.APPROVED, deleted_at__isnull=True, created_at__gte=since
        )
        .annotate(**_reaction_counts())
        .annotate(score=score)
        .order_by("-score", "-created_at", "-id")
        .values("id")
    )


_hot_ranking = CompiledQuery(_hot, window=True, wall=int, now=datetime, since=datetime)
_one_post = CompiledQuery(
    lambda viewer, post: (
        _visible_post(viewer, post)
        .annotate(**_counts(viewer), media=_post_media.column())
        .values(*POST_VALUES, "media")
    ),
    viewer=int,
    post=int,
)


def post_shown(*, user_id: int, post_id: int) -> Row:
    """`post_get` as the feed's row, with its counts and media: what the API shows of one post."""
    rows = _one_post.rows(viewer=user_id, post=post_id)
    if not rows:
        raise Http404
    return rows[0]


@dataclass(slots=True)
class _Ranking:
    posts: list[int]
    until: datetime


# Per process: a wall's `hot` ranking, and the lock its refresh takes.
_rankings: dict[int, _Ranking] = {}
_refreshing: dict[int, threading.Lock] = {}


def hot_ranking(wall_id: int) -> list[int]:
    """The ids of a wall's public posts in `hot` order (`_hot`), at most HOT_DEPTH + 100 of
    them, computed at most once every WALL_HOT_REFRESH_SECONDS per process.

    Ranking scores every post of the last days (their likes and comments counted): on a busy
    wall, tens of milliseconds of the database's time, where a page of it costs a fraction of
    one. So a process keeps the order a while; what each reader may see of it is still
    decided at every read (`feed_hot_page`). While one thread refreshes an expired ranking,
    the others page through the one they have."""
    kept = _rankings.get(wall_id)
    now = timezone.now()
    if kept is not None and now < kept.until:
        return kept.posts
    lock = _refreshing.setdefault(wall_id, threading.Lock())
    if kept is None:
        lock.acquire()
    elif not lock.acquire(blocking=False):
        return kept.posts
    try:
        kept = _rankings.get(wall_id)
        if kept is not None and timezone.now() < kept.until:
            return kept.posts
        since = now - timedelta(days=settings.WALL_HOT_DAYS)
        rows = _hot_ranking.rows(
            wall=wall_id, now=now, since=since, limit=HOT_DEPTH + 100, offset=0
        )
        posts = [row["id"] for row in rows]
        until = now + timedelta(seconds=settings.WALL_HOT_REFRESH_SECONDS)
        _rankings[wall_id] = _Ranking(posts, until)
        return posts
    finally:
        lock.release()


# Per process: the wall each slug named when last read (`feed_hot_page`).
_wall_named: dict[str, int] = {}
# Not a post: what `feed_hot_page` asks for, as many times as a page holds, when it keeps no
# ranking for the slug (the same statement as with one).
_NO_POST = -1

# A `hot` page with what `readable_wall` reads, in one statement: the posts at the page's
# places in the kept ranking, on the wall the slug names where the viewer may read it
# (`_readable_wall_id`), each row with the wall's id and the viewer's muted words.
_hot_page = CompiledQuery(
    lambda viewer, slug, posts: (
        _feed_rows(viewer, _readable_wall_id(viewer, slug))
        .filter(pk__in=posts)
        .annotate(muted_words=_muted_words_of(viewer))
        .values(*POST_VALUES, "media", "wall_id", "muted_words")
    ),
    viewer=int,
    slug=str,
    posts="list[int]",
)


def feed_hot_page(
    *, user_id: int, slug: str, limit: int, offset: int
) -> tuple[ReadableWall, list[Row], bool]:
    """The wall `slug` names (as `readable_wall` reads it: 404 where the viewer may not read
    it), the posts at positions `offset` to `offset + limit` of its `hot` ranking that
    `user_id` may see, as rows with their media (fewer than `limit` where some are not theirs
    to see: hidden since, or signed by someone they block), and whether the ranking goes on.

    One statement while the process keeps the wall's ranking fresh and the page shows a
    post. Otherwise `readable_wall` decides, after the same first statement, asked of no
    post where no ranking is kept: a stranger's 404 costs the same two statements whether
    or not someone who may read the wall made the process keep its ranking (and nobody but
    a reader makes it rank, which takes far longer)."""
    end = offset + limit
    wall_id = _wall_named.get(slug)
    kept = _rankings.get(wall_id) if wall_id is not None else None
    if kept is not None and timezone.now() >= kept.until:
        kept = None  # expired: ranked again below, once the wall's read lets this viewer in
    wanted = kept.posts[offset:end] if kept is not None else []
    rows = _hot_page.rows(viewer=user_id, slug=slug, posts=wanted or [_NO_POST] * limit)
    if rows and kept is not None:
        first = rows[0]
        # `any_pinned` is the `new` feed's to ask; `hot` ranks pinned posts as any other.
        wall = ReadableWall(first["wall_id"], False, first["muted_words"] or [])
        return wall, _in_order(rows, wanted), _goes_on(kept.posts, end)
    wall = readable_wall(user_id=user_id, slug=slug)
    _wall_named[slug] = wall.id
    ranking = hot_ranking(wall.id)
    if kept is not None and ranking is kept.posts:
        # That page of the kept ranking holds nothing this viewer may see.
        return wall, [], _goes_on(ranking, end)
    wanted = ranking[offset:end]
    if not wanted:
        return wall, [], False
    rows = _hot_page.rows(viewer=user_id, slug=slug, posts=wanted)
    return wall, _in_order(rows, wanted), _goes_on(ranking, end)


def _goes_on(ranking: list[int], end: int) -> bool:
    """Whether a `hot` page ending at `end` has a next one."""
    return len(ranking) > end and end <= HOT_DEPTH


def _in_order(rows: list[Row], posts: list[int]) -> list[Row]:
    found = {row["id"]: row for row in rows}
    return [found[post] for post in posts if post in found]

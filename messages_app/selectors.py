"""Who may see which confession, and whom they may see behind it. Every read of confessions
goes through here (STYLE.md), and every decision about anonymity is made here and handed on
explicitly: renderers and event builders receive a `Viewing` (or a `sender_visible` bool) and
never work it out themselves.

The anonymity rule (`sender_visible`): a viewer sees who sent a confession when they sent it,
when it is not anonymous, or when its two people have matched.

What blocks do to what was already delivered (future deliveries are `accounts.selectors.
can_reach`'s, decided at the moment of delivery): a block acts only where its blocker can see
whom it concerns. A named block hides the blocked person's confessions whose sender the
blocker can see (named, or matched) and their replies in threads where the blocker can see
them. It never changes whether the blocker sees a confession whose sender they cannot see:
otherwise blocking candidates one by one would show which one sent it. An anonymous block
(made from an anonymous confession) hides exactly that one confession and its thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, TypedDict

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from accounts import selectors as account_selectors
from accounts.models import User
from authoring.people import person_values
from core.compiled import CompiledQuery
from core.errors import ApplicationError
from core.pagination import Keyset, after
from core.payloads import Doc
from media_app.selectors import Attachments
from messages_app.models import Confession, ConfessionMedia, Hint, Match, Reply


def sender_visible(*, viewer_id: int, sender_id: int, anonymous: bool, matched: bool) -> bool:
    """The anonymity rule, the only statement of it (its query form is
    `_sender_visible_to_recipient`, next to it)."""
    return viewer_id == sender_id or not anonymous or matched


def _pair_matched() -> Exists:
    return Exists(
        Match.objects.filter(
            user_low=Least(OuterRef("sender_id"), OuterRef("recipient_id")),
            user_high=Greatest(OuterRef("sender_id"), OuterRef("recipient_id")),
        )
    )


def _sender_visible_to_recipient() -> Q:
    """`sender_visible` as a query condition, for a viewer who is the recipient."""
    return Q(anonymous=False) | Q(_pair_matched())


# How a viewer relates to a confession: its sender, its recipient, or a viewer of an unclaimed
# share link.
Role = Literal["sender", "recipient", "viewer"]


@dataclass(frozen=True, slots=True)
class Viewing:
    """What one viewer may know of one confession."""

    viewer_id: int
    role: Role
    matched: bool
    sender_visible: bool


def _viewing(
    viewer_id: int, *, sender_id: int, recipient_id: int | None, anonymous: bool, pair_matched: bool
) -> Viewing:
    """`viewer_id`'s viewing of a confession, `pair_matched` saying whether its two people
    have matched (only a party to it sees that: anyone else views an unclaimed share link)."""
    role: Role
    if viewer_id == sender_id:
        role = "sender"
    elif viewer_id == recipient_id:
        role = "recipient"
    else:
        role = "viewer"
    matched = role != "viewer" and pair_matched
    visible = sender_visible(
        viewer_id=viewer_id, sender_id=sender_id, anonymous=anonymous, matched=matched
    )
    return Viewing(viewer_id=viewer_id, role=role, matched=matched, sender_visible=visible)


def viewing_of(confession: Confession, *, viewer: User) -> Viewing:
    parties = (confession.sender_id, confession.recipient_id)
    matched = (
        viewer.pk in parties
        and confession.recipient_id is not None
        and pair_matched(first_id=confession.sender_id, second_id=confession.recipient_id)
    )
    return _viewing(
        viewer.pk,
        sender_id=confession.sender_id,
        recipient_id=confession.recipient_id,
        anonymous=confession.anonymous,
        pair_matched=matched,
    )


def _with_related(queryset: QuerySet[Confession]) -> QuerySet[Confession]:
    """Everything a rendering needs, in a fixed number of queries whatever the page size."""
    return queryset.select_related("sender__avatar", "recipient__avatar").prefetch_related(
        Prefetch("attachments", queryset=ConfessionMedia.objects.select_related("media"))
    )


def _visible_to_recipient(user_id: int) -> Q:
    delivered = Q(
        recipient_id=user_id,
        status=Confession.Status.APPROVED,
        delivered_at__isnull=False,
        suppressed=False,
        retracted_at__isnull=True,
        removed_by_recipient_at__isnull=True,
        sender_block__isnull=True,  # the one confession an anonymous block was made from
    )
    named_block = Q(sender__in=account_selectors.named_blocks(blocker_id=user_id))
    return delivered & ~(named_block & _sender_visible_to_recipient())


def _sent_by(user_id: int) -> Q:
    return Q(sender_id=user_id, retracted_at__isnull=True)


def shared(token: str, now: datetime) -> Q:
    """The confession behind a share link, once open: approved, not retracted, and its
    scheduled time (if any) come."""
    return Q(share_token=token, status=Confession.Status.APPROVED, retracted_at__isnull=True) & (
        Q(deliver_at__isnull=True) | Q(deliver_at__lte=now)
    )


def confession_get_for_user(*, user: User, confession_id: int) -> Confession:
    """The confession if `user` is its sender (not retracted) or may see it as its recipient;
    anyone else gets 404, exactly as for an id that does not exist."""
    mine = _sent_by(user.pk) | _visible_to_recipient(user.pk)
    confession = _with_related(Confession.objects.filter(mine, pk=confession_id)).first()
    if confession is None:
        raise Http404
    return confession


def confession_get_shared(*, user: User, token: str) -> Confession:
    """A confession by its share token: while unclaimed, for any signed-in user; after the
    claim, only for its two parties. Never one under review, rejected, hidden or retracted."""
    confession = _with_related(Confession.objects.filter(shared(token, timezone.now()))).first()
    if confession is None or not _may_open_link(
        confession.sender_id, confession.recipient_id, viewer_id=user.pk
    ):
        raise link_refusal(token, viewer_id=user.pk)
    return confession


def link_refusal(token: str, *, viewer_id: int) -> Exception:
    """Why a share link does not open for `viewer_id`: 410 `retracted` when its sender took
    it back, 410 `already_claimed` when someone else claimed it (so a phone can say so, not
    "no such link"); else 404, as for a token that never existed (one under review, rejected,
    hidden or not yet due is nobody's business)."""
    link = (
        Confession.objects.filter(share_token=token, status=Confession.Status.APPROVED)
        .values("sender_id", "recipient_id", "retracted_at")
        .first()
    )
    if link is None:
        return Http404()
    if link["retracted_at"] is not None:
        return ApplicationError(
            "retracted", gettext("Its sender took this confession back."), status=410
        )
    if not _may_open_link(link["sender_id"], link["recipient_id"], viewer_id=viewer_id):
        return ApplicationError(
            "already_claimed", gettext("Someone else has already opened this link."), status=410
        )
    return Http404()


def visible_to_recipient(*, confession_id: int, recipient_id: int | None) -> bool:
    """Whether the confession is in its recipient's inbox now (none for an unclaimed link)."""
    return (
        recipient_id is not None
        and Confession.objects.filter(
            _visible_to_recipient(recipient_id), pk=confession_id
        ).exists()
    )


# The viewer id of someone signed out (no account has it): they may open an unclaimed share link
# as any stranger would, and have no blocks.
_SIGNED_OUT = 0


def _may_open_link(sender_id: int, recipient_id: int | None, *, viewer_id: int) -> bool:
    return recipient_id in (None, viewer_id) or sender_id == viewer_id


def pair_matched(*, first_id: int, second_id: int) -> bool:
    low, high = sorted((first_id, second_id))
    return Match.objects.filter(user_low_id=low, user_high_id=high).exists()


def _hideable_other(sender_id: int, recipient_id: int | None, viewing: Viewing) -> int | None:
    """The other side of the thread, if the viewer can see who they are (so a named block of
    theirs may hide their replies)."""
    if viewing.role == "sender":
        return recipient_id
    return sender_id if viewing.sender_visible else None


def _thread(viewer: Any, confession: Any, other: Any, *, hide_other: bool) -> QuerySet[Reply]:
    """`viewer`, `confession` and `other` are ids, or `OuterRef`s in a subquery."""
    replies = Reply.objects.filter(
        Q(status=Reply.Status.APPROVED, suppressed=False) | Q(author_id=viewer),
        confession_id=confession,
    ).exclude(status=Reply.Status.REJECTED)
    if hide_other:
        blocked = Exists(
            account_selectors.named_blocks(blocker_id=viewer).filter(
                blocked_id=OuterRef("author_id")
            )
        )
        replies = replies.exclude(Q(author_id=other) & Q(blocked))
    return replies


# --- the read model: what the API serves -------------------------------------------------------
#
# The rules above (the same Q objects), compiled to SQL once per process (core.compiled) and
# read as rows: a page is one query for the confessions, with whether each pair matched, and
# one for their media. Renderers get each row with its `Viewing`, decided here. The one read
# path of every list: tests read through it too (tests/messages/reads.py).

CONFESSION_VALUES = (
    "id",
    "body",
    "anonymous",
    "status",
    "created_at",
    "delivered_at",
    "read_at",
    "sender_id",
    "recipient_id",
    "share_token",
    "via_link_id",
    *person_values("sender__"),
    *person_values("recipient__"),
    "unread",
    "reply_count",
    "last_activity_at",
)
REPLY_VALUES = (
    "id",
    "body",
    "created_at",
    "author_id",
    "status",
    *person_values("author__"),
)

Row = dict[str, Any]


_NEVER = datetime(1970, 1, 1, tzinfo=UTC)


def _thread_summary(viewer: int) -> dict[str, Any]:
    """What a list shows of each confession's thread as `viewer` sees it: `reply_count`,
    `last_activity_at` (its delivery, or its latest reply) and `unread` (a recipient has not
    read it yet, or the other side replied since the viewer last marked it read).

    The thread is `_thread`'s, with the recipient as the side a named block may hide: that is
    `_hideable_other` for a sender, and for a recipient it hides nothing, as in the thread
    itself (a sender they blocked by name and can see is not listed at all, and one they
    cannot see is never hidden: counting fewer replies would tell them who it is)."""
    thread = _thread(viewer, OuterRef("pk"), OuterRef("recipient_id"), hide_other=True)
    thread = thread.order_by()
    count = thread.values("confession_id").annotate(n=Count("id")).values("n")
    latest = thread.order_by("-created_at").values("created_at")[:1]
    since = thread.exclude(author_id=viewer).filter(created_at__gt=OuterRef("seen_at"))
    went_out = Coalesce(F("delivered_at"), F("created_at"))
    unread = Q(recipient_id=viewer, read_at__isnull=True) | Q(Exists(since))
    return {
        "seen_at": Case(
            When(sender_id=viewer, then=Coalesce(F("sender_seen_at"), Value(_NEVER))),
            default=Coalesce(F("recipient_seen_at"), F("read_at"), Value(_NEVER)),
        ),
        "reply_count": Coalesce(Subquery(count), 0),
        "last_activity_at": Greatest(went_out, Coalesce(Subquery(latest), went_out)),
        # Case, not the bare condition: a share link's null recipient makes it NULL in SQL.
        "unread": Case(
            When(unread, then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
    }


# A confession's media, a column of its row (`_confession_rows`).
_media = Attachments(ConfessionMedia, "confession")


def _confession_rows(
    queryset: QuerySet[Confession], viewer: int, *, own: bool = True
) -> QuerySet[Confession, Row]:
    """Rows to render, as `viewer` sees them. With `own` (lists that may hold the viewer's own
    sends), also `waiting_until`: a scheduled confession's time while it has not gone out,
    else null (one column, null in nearly every row: the inbox, never the viewer's own, goes
    without)."""
    queryset = queryset.annotate(matched=_pair_matched(), media=_media.column()).annotate(
        **_thread_summary(viewer)
    )
    if not own:
        return queryset.values(*CONFESSION_VALUES, "matched", "media")
    waiting_until = Case(When(delivered_at__isnull=True, suppressed=False, then=F("deliver_at")))
    return queryset.annotate(waiting_until=waiting_until).values(
        *CONFESSION_VALUES, "matched", "waiting_until", "media"
    )


def _page(
    queryset: QuerySet[Any, Row],
    after_at: datetime | None,
    after_id: int | None,
    *,
    limit: int,
    cursor: bool,
    ascending: bool = False,
) -> QuerySet[Any, Row]:
    if cursor:
        queryset = queryset.filter(after(after_at, after_id, ascending=ascending))
    order = ("created_at", "id") if ascending else ("-created_at", "-id")
    return queryset.order_by(*order)[: limit + 1]


_inbox = CompiledQuery(
    lambda viewer, after_at, after_id, **shape: _page(
        _confession_rows(
            Confession.objects.filter(
                _visible_to_recipient(viewer), account_selectors.viewer_active(viewer)
            ),
            viewer,
            own=False,
        ),
        after_at,
        after_id,
        **shape,
    ),
    viewer=int,
    after_at=datetime,
    after_id=int,
)
_sent = CompiledQuery(
    lambda viewer, after_at, after_id, **shape: _page(
        _confession_rows(
            Confession.objects.filter(_sent_by(viewer), account_selectors.viewer_active(viewer)),
            viewer,
        ),
        after_at,
        after_id,
        **shape,
    ),
    viewer=int,
    after_at=datetime,
    after_id=int,
)
_one = CompiledQuery(
    lambda viewer, confession: _confession_rows(
        Confession.objects.filter(
            _sent_by(viewer) | _visible_to_recipient(viewer),
            account_selectors.viewer_active(viewer),
            pk=confession,
        ),
        viewer,
    ),
    viewer=int,
    confession=int,
)
_by_link = CompiledQuery(
    lambda viewer, token, now: _confession_rows(
        Confession.objects.filter(shared(token, now)), viewer
    ),
    viewer=int,
    token=str,
    now=datetime,
)


def _viewing_of_row(row: Row, viewer_id: int) -> Viewing:
    return _viewing(
        viewer_id,
        sender_id=row["sender_id"],
        recipient_id=row["recipient_id"],
        anonymous=row["anonymous"],
        pair_matched=row["matched"],
    )


def _shown(rows: list[Row], viewer_id: int) -> list[tuple[Row, Viewing]]:
    """Rows (their media read in their statement: `_confession_rows`) and their viewing."""
    return [(row, _viewing_of_row(row, viewer_id)) for row in rows]


def inbox_page(*, user_id: int, keyset: Keyset) -> tuple[list[Row], list[tuple[Row, Viewing]]]:
    """One page of what `user_id` received (approved, delivered, not removed, not hidden by a
    block: `_visible_to_recipient`), newest first, as rows (with their media) and what the
    viewer may know of each. The first list is the page's rows as fetched (`limit + 1` of them when
    more follow), for the cursor."""
    rows = _inbox.rows(viewer=user_id, **keyset.statement())
    return rows, _shown(rows[: keyset.limit], user_id)


def sent_page(*, user_id: int, keyset: Keyset) -> tuple[list[Row], list[tuple[Row, Viewing]]]:
    """One page of everything `user_id` sent and has not retracted, whatever its status, as
    `inbox_page`."""
    rows = _sent.rows(viewer=user_id, **keyset.statement())
    return rows, _shown(rows[: keyset.limit], user_id)


def confession_shown(*, user_id: int, confession_id: int) -> tuple[Row, Viewing]:
    """`confession_get_for_user` as a row with its media: 404 for anyone else."""
    return _shown([_own_or_received(user_id, confession_id)], user_id)[0]


def _own_or_received(user_id: int, confession_id: int) -> Row:
    rows = _one.rows(viewer=user_id, confession=confession_id)
    if not rows:
        raise Http404
    return rows[0]


def shared_shown(*, user_id: int | None, token: str) -> tuple[Row, Viewing]:
    """`confession_get_shared` as a row with its media: 404 for anyone else. `user_id` None is
    someone signed out, who sees an unclaimed link as any stranger does."""
    if user_id is None:
        user_id = _SIGNED_OUT
    rows = _by_link.rows(viewer=user_id, token=token, now=timezone.now())
    if not rows or not _may_open_link(
        rows[0]["sender_id"], rows[0]["recipient_id"], viewer_id=user_id
    ):
        raise link_refusal(token, viewer_id=user_id)
    return _shown(rows, user_id)[0]


_replies = CompiledQuery(
    lambda viewer, confession, other, after_at, after_id, *, hide_other, **shape: _page(
        _thread(viewer, confession, other, hide_other=hide_other).values(*REPLY_VALUES),
        after_at,
        after_id,
        ascending=True,
        **shape,
    ),
    viewer=int,
    confession=int,
    other=int,
    after_at=datetime,
    after_id=int,
)


def thread_page(
    *, user_id: int, confession_id: int, keyset: Keyset
) -> tuple[Row, Viewing, list[Row]]:
    """A confession's thread as `user_id` may see it (404 for anyone else), oldest first,
    approved replies that reached them and their own (pending included), a named block hiding
    the blocked person's replies only where the viewer can see who wrote them (the module's
    docstring): the confession, its viewing, and the page's reply rows
    (`limit + 1` when more follow)."""
    confession = _own_or_received(user_id, confession_id)
    viewing = _viewing_of_row(confession, user_id)
    other = _hideable_other(confession["sender_id"], confession["recipient_id"], viewing)
    rows = _replies.rows(
        viewer=user_id,
        confession=confession_id,
        other=other,
        **keyset.statement(),
        hide_other=other is not None,
    )
    return confession, viewing, rows


# --- previews of notifications (realtime.previews) ---------------------------------------------


def confession_previews(viewer_id: int, datas: list[Row]) -> list[str | None]:
    """The body of each `confession_id`, where `viewer_id` may still open that confession."""
    wanted = {data.get("confession_id") for data in datas} - {None}
    bodies: dict[Any, str] = dict(
        Confession.objects.filter(
            _sent_by(viewer_id) | _visible_to_recipient(viewer_id), pk__in=wanted
        ).values_list("id", "body")
    )
    return [bodies.get(data.get("confession_id")) for data in datas]


def hint_previews(viewer_id: int, datas: list[Row]) -> list[str | None]:
    """The text of each `hint_id`, where `viewer_id` may still open its confession."""
    wanted = {data.get("hint_id") for data in datas} - {None}
    texts: dict[Any, str] = dict(
        Hint.objects.filter(
            Q(confession__in=Confession.objects.filter(_visible_to_recipient(viewer_id))),
            pk__in=wanted,
        ).values_list("id", "text")
    )
    return [texts.get(data.get("hint_id")) for data in datas]


def reply_previews(viewer_id: int, datas: list[Row]) -> list[str | None]:
    """The body of each `reply_id`, where it is in its thread as `viewer_id` sees it now."""
    bodies: dict[Any, str] = {}
    by_confession: dict[Any, set[Any]] = {}
    for data in datas:
        by_confession.setdefault(data.get("confession_id"), set()).add(data.get("reply_id"))
    for confession_id, reply_ids in by_confession.items():
        rows = _one.rows(viewer=viewer_id, confession=confession_id) if confession_id else []
        if not rows:
            continue  # gone, or never theirs: nothing to preview
        viewing = _viewing_of_row(rows[0], viewer_id)
        other = _hideable_other(rows[0]["sender_id"], rows[0]["recipient_id"], viewing)
        thread = _thread(viewer_id, confession_id, other, hide_other=other is not None)
        bodies.update(thread.filter(pk__in=reply_ids - {None}).values_list("id", "body"))
    return [bodies.get(data.get("reply_id")) for data in datas]


# --- badges and matches ------------------------------------------------------------------------


class CountsPayload(TypedDict):
    inbox_unread: Annotated[
        int, Doc("received confessions that are unread (new, or replied to since you read)")
    ]
    sent_unread: Annotated[int, Doc("sent confessions with unread replies")]
    notifications_unread: int


def unread_counts(*, user_id: int) -> CountsPayload:
    """Badge numbers: received and sent confessions that are `unread` (as their list items
    say), and unread notifications."""
    from realtime import selectors as realtime_selectors

    summary = _thread_summary(user_id)
    received = Confession.objects.filter(_visible_to_recipient(user_id))
    sent = Confession.objects.filter(_sent_by(user_id))
    return {
        "inbox_unread": received.annotate(**summary).filter(Q(unread=True)).count(),
        "sent_unread": sent.annotate(**summary).filter(Q(unread=True)).count(),
        "notifications_unread": realtime_selectors.notifications_unread_count(user_id=user_id),
    }


def matches_of(*, user_id: int) -> QuerySet[Match]:
    """`user_id`'s matches, with anyone they block by name or who is banned left out."""
    blocked = account_selectors.named_blocks(blocker_id=user_id).values("blocked_id")
    return (
        Match.objects.filter(Q(user_low_id=user_id) | Q(user_high_id=user_id))
        .exclude(user_low_id__in=blocked)
        .exclude(user_high_id__in=blocked)
        .filter(user_low__is_active=True, user_high__is_active=True)
        .select_related("user_low__avatar", "user_high__avatar")
    )


def match_confessions(*, user_id: int, others: list[int]) -> dict[int, dict[str, list[int]]]:
    """For each of `others` (people `user_id` matched with), the confessions between the two
    that `user_id` may open: `sent` (theirs to them) and `received`, newest first."""
    found: dict[int, dict[str, list[int]]] = {
        other: {"sent": [], "received": []} for other in others
    }
    between = Confession.objects.filter(
        (_sent_by(user_id) & Q(recipient_id__in=others))
        | (_visible_to_recipient(user_id) & Q(sender_id__in=others))
    ).order_by("-created_at", "-id")
    for pk, sender_id, recipient_id in between.values_list("id", "sender_id", "recipient_id"):
        if sender_id == user_id:
            found[recipient_id]["sent"].append(pk)
        else:
            found[sender_id]["received"].append(pk)
    return found

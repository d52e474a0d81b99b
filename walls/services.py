"""Every write of the walls app: joining, posting, liking, commenting, reporting, and the
moderation that follows from the wall's mode and the checker chain."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext, gettext_lazy

from accounts import services as account_services
from accounts.models import User
from authoring.rates import check_rate, in_the_window
from authoring.sanctions import check_may_write
from authoring.text import clean_text
from core.compiled import CompiledQuery
from core.errors import ApplicationError
from core.moderated import Status
from media_app import services as media_services
from moderation import checkers
from moderation import services as moderation
from moderation.images import IMAGE_HOLD, holds
from moderation.models import Decision, ReasonCategory, Report
from realtime.services import notify
from walls import aliases, events, mutes, selectors, verification
from walls.models import (
    Comment,
    Follow,
    Like,
    LikeDigest,
    Membership,
    Post,
    PostMedia,
    Wall,
)

TO_MAX_CHARS = 50
COMMENT_MAX_CHARS = 500


def wall_join(*, user: User, slug: str, code: str = "", client: str = "") -> Wall:
    """Join an open wall, or an invite-only one with its code (403 `invalid_invite_code`).
    Joining twice is harmless. An invite-only wall answers the same to a wrong code whether
    or not the user could see it (its slug travels with its code). Wrong codes are counted per
    account and per client address (`client`), and past WALL_INVITE_GUESSES_PER_HOUR (ten
    times that per address: a campus shares one) the door answers 429 until the hour ends,
    whatever the code."""
    wall = Wall.objects.filter(slug=slug).first()
    if wall is None:
        raise Http404
    if wall.invite_only and not selectors.is_member(user_id=user.pk, wall_id=wall.pk):
        limit = settings.WALL_INVITE_GUESSES_PER_HOUR
        counters = [(f"invite-guesses:user:{user.pk}", limit)]
        if client:
            counters.append((f"invite-guesses:client:{client}", 10 * limit))
        guesses = verification.HourlyLimit(
            counters, gettext("Too many wrong invite codes: try again in %(minutes)d minutes.")
        )
        guesses.refuse_past_the_limit()
        if not code or not constant_time_compare(code, wall.invite_code):
            guesses.count()
            message = gettext("This wall is invite-only: ask its members for the code.")
            raise ApplicationError("invalid_invite_code", message, status=403)
    membership, _ = Membership.objects.get_or_create(wall=wall, user=user)
    if wall.invite_only and membership.verified_at is None:
        # In by the code: that is what verifies a `code` wall's member.
        Membership.objects.filter(pk=membership.pk).update(verified_at=timezone.now())
    return wall


def _require_member(user: User, wall: Wall) -> None:
    if not selectors.is_member(user_id=user.pk, wall_id=wall.pk):
        raise ApplicationError("not_a_member", gettext("Join this wall first."), status=403)


def _verdict_status(text: str, author: User, wall: Wall) -> tuple[str, str]:
    """The status new work starts in: the checker chain (a block is a 400 and stores
    nothing), then the wall's mode (pre-moderation: nothing public until approved)."""
    verdict = checkers.check_or_refuse(text, author=author, done="posted")
    if verdict.kind == "review":
        return Status.PENDING, verdict.reason
    if wall.moderation == Wall.Moderation.PRE:
        return Status.PENDING, "pre-moderated wall"
    return Status.APPROVED, ""


_POSTS_PER_HOUR = gettext_lazy("At most %(limit)d posts an hour.")
_recent_posts = CompiledQuery(in_the_window(Post, "author_id"), author=int, since=datetime)


def post_create(
    *,
    user: User,
    slug: str,
    body: str,
    to: str = "",
    anonymous: bool = True,
    media_ids: list[int] | tuple[int, ...] = (),
) -> Post:
    """A member posts to a wall: the same text rules and checker chain as confessions, up to
    nine images through the media pipeline (an image under WeChat's check holds the post)."""
    wall = selectors.wall_get(user_id=user.pk, slug=slug)
    _require_member(user, wall)
    verified = verification.require_verified(user, wall)
    check_may_write(user)
    account_services.require_phone_to_post(user)
    body = clean_text(body)
    to = to.strip()
    if len(to) > TO_MAX_CHARS or "\x00" in to:
        raise ValidationError(
            {"to": [gettext("At most %(count)d characters.") % {"count": TO_MAX_CHARS}]}
        )
    media = media_services.media_for_attachment(owner=user, media_ids=list(media_ids))
    check_rate(
        _recent_posts,
        author_id=user.pk,
        limit=settings.WALL_POSTS_PER_HOUR,
        message=_POSTS_PER_HOUR,
    )
    status, note = _verdict_status(f"{to}\n{body}", user, wall)
    if status == Status.APPROVED and holds(media):
        status, note = Status.PENDING, IMAGE_HOLD
    with transaction.atomic():
        post = Post.objects.create(
            wall=wall,
            author=user,
            body=body,
            to=to,
            anonymous=anonymous,
            verified=verified,
            region=None if anonymous else user.ip_region,
            status=status,
            moderation_note=note[:255],
        )
        media_services.media_attach(media=media)
        PostMedia.objects.bulk_create(
            PostMedia(post=post, media=item, position=index) for index, item in enumerate(media)
        )
    return post


@transaction.atomic
def post_delete(*, user: User, post_id: int) -> None:
    """Its author deletes it (gone for everyone; the row stays for moderators)."""
    if not Post.objects.filter(pk=post_id, author=user, deleted_at__isnull=True).update(
        deleted_at=timezone.now()
    ):
        raise Http404


def _open_post(user: User, post_id: int) -> Post:
    """A post `user` may see and act on: public, on a wall they are a member of."""
    post = selectors.post_get(user_id=user.pk, post_id=post_id)
    if post.status != Status.APPROVED:
        raise ApplicationError("not_public", gettext("This post is not public."), status=409)
    _require_member(user, post.wall)
    return post


def like_add(*, user: User, post_id: int) -> None:
    """Idempotent. The author hears of likes in digests, not one notification each."""
    post = _open_post(user, post_id)
    verification.require_verified(user, post.wall)
    with transaction.atomic():
        try:
            with transaction.atomic():
                like = Like.objects.create(post=post, user=user)
        except IntegrityError:
            return  # liked already
        if post.author_id != user.pk:
            _digest_likes_soon(post, since=like.created_at)


def _digest_likes_soon(post: Post, *, since: datetime) -> None:
    from walls import tasks

    _, made = LikeDigest.objects.get_or_create(post=post, defaults={"since": since})
    if made:
        due = timezone.now() + timedelta(seconds=settings.WALL_LIKE_DIGEST_SECONDS)
        tasks.like_digest.using(run_after=due).enqueue(post.pk)


@transaction.atomic
def like_remove(*, user: User, post_id: int) -> None:
    post = selectors.post_get(user_id=user.pk, post_id=post_id)
    Like.objects.filter(post=post, user=user).delete()


@transaction.atomic
def like_digest_send(*, post_id: int) -> int:
    """Tell a post's author of the likes since the last digest (one notification); returns
    how many were new."""
    digest = LikeDigest.objects.select_for_update().filter(post_id=post_id).first()
    if digest is None:
        return 0
    post = Post.objects.select_related("author").get(pk=post_id)
    counts = (
        Like.objects.filter(post=post)
        .exclude(user=post.author)
        .aggregate(total=Count("id"), new=Count("id", filter=Q(created_at__gte=digest.since)))
    )
    digest.delete()
    new: int = counts["new"]
    if new and post.deleted_at is None and post.author.is_active:
        event = events.liked(post_id=post.pk, new=new, total=counts["total"])
        notify(user=post.author, preview=post.body, **event)
    return new


def comment_create(
    *, user: User, post_id: int, body: str, anonymous: bool = False, parent_id: int | None = None
) -> Comment:
    """A member comments on a public post, or replies to a top-level comment on it. The post's
    author (and the parent comment's) is told, unless a block stands between them."""
    post = _open_post(user, post_id)
    if post.comments_locked:
        raise ApplicationError(
            "comments_locked", gettext("Moderators closed this post to comments."), status=403
        )
    verified = verification.require_verified(user, post.wall)
    check_may_write(user)
    account_services.require_phone_to_post(user)
    body = clean_text(body)
    if len(body) > COMMENT_MAX_CHARS:
        raise ValidationError(
            {"body": [gettext("At most %(count)d characters.") % {"count": COMMENT_MAX_CHARS}]}
        )
    parent = None
    if parent_id is not None:
        parent = Comment.objects.filter(
            selectors.visible_comments(user.pk), pk=parent_id, post=post, parent__isnull=True
        ).first()
        if parent is None:
            raise ValidationError(
                {"parent": [gettext("No such comment on this post to reply to.")]}
            )
    status, note = _verdict_status(body, user, post.wall)
    masked = selectors.comment_masked(anonymous=anonymous, author_id=user.pk, post=post)
    with transaction.atomic():
        comment = Comment.objects.create(
            post=post,
            parent=parent,
            author=user,
            body=body,
            anonymous=anonymous,
            verified=verified,
            region=None if masked else user.ip_region,
            alias=aliases.alias_of(post=post, author_id=user.pk, anonymous=anonymous),
            status=status,
            moderation_note=note[:255],
        )
        if status == Status.APPROVED:
            _announce_comment(comment, post)
    return comment


def follow_add(*, user: User, post_id: int) -> None:
    """Follow a public post (idempotent): its new comments are told to you."""
    post = _open_post(user, post_id)
    Follow.objects.get_or_create(post=post, user=user)


def follow_remove(*, user: User, post_id: int) -> None:
    """Stop following (idempotent), whatever became of the post since."""
    post = selectors.post_get(user_id=user.pk, post_id=post_id)
    Follow.objects.filter(post=post, user=user).delete()


def comment_followers_tell(*, comment_id: int) -> int:
    """Tell a post's followers of a comment that appeared on it, each as `_announce_comment`
    tells the post's author: only what they can see, its author shown only where they may
    see who, never a word they mute. Its author and the people told already (the post's
    author, the parent comment's) are not told twice. Returns how many were told."""
    comment = (
        Comment.objects.filter(pk=comment_id, status=Status.APPROVED, deleted_at__isnull=True)
        .select_related("post", "parent", "author")
        .first()
    )
    if comment is None:
        return 0
    post = comment.post
    told_already = {comment.author_id, post.author_id}
    if comment.parent is not None:
        told_already.add(comment.parent.author_id)
    followers = Follow.objects.filter(post=post).exclude(user_id__in=told_already)
    told = 0
    for follow in followers.select_related("user").iterator(chunk_size=500):
        with transaction.atomic():
            told += _tell_of_comment(comment, post, follow.user, reply=False, following=True)
    return told


def _tell_of_comment(
    comment: Comment, post: Post, recipient: User, *, reply: bool, following: bool
) -> int:
    """`wall.commented` to one person, if they may see the comment and mute none of its words."""
    if not recipient.is_active or not selectors.comment_visible_to(comment.pk, recipient.pk):
        return 0
    if mutes.comment_hidden(
        mutes.muted_for(recipient), comment.body, comment.author_id, viewer_id=recipient.pk
    ):
        return 0  # they mute a word of it: no notification, no push, no subscribe message
    shown, _ = selectors.comment_author_shown(comment, post, viewer_id=recipient.pk)
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        alias = aliases.comment_alias(comment)
    notify(
        user=recipient,
        preview=comment.body,
        **events.commented(
            post_id=post.pk,
            comment_id=comment.pk,
            reply=reply,
            following=following,
            author=comment.author,
            author_visible=shown,
            alias=alias,
        ),
    )
    return 1


def _announce_comment(comment: Comment, post: Post) -> None:
    """The post's author, and the parent comment's, are told of a comment exactly when they
    can see it (`selectors.visible_comments`: a name they block hides only signed work).
    Not `can_reach`: the comment is public, and a block that kept back only its notification
    would name the author of an anonymous comment they can read, or tell them that a signed
    commenter is the anonymous sender they blocked."""
    told = set()
    targets = [(post.author, False)]
    if comment.parent is not None:
        targets.append((comment.parent.author, True))
    for recipient, reply in targets:
        if recipient.pk in told or recipient.pk == comment.author_id:
            continue
        told.add(recipient.pk)
        _tell_of_comment(comment, post, recipient, reply=reply, following=False)
    if Follow.objects.filter(post=post).exists():
        from walls import tasks

        # In the comment's transaction (the tasks' queue is a table): both or neither.
        tasks.comment_followers_tell.enqueue(comment.pk)


@transaction.atomic
def comment_delete(*, user: User, comment_id: int) -> None:
    """Its author deletes it; the post's author may delete any comment on their post."""
    comment = selectors.comment_get(user_id=user.pk, comment_id=comment_id)
    if user.pk not in (comment.author_id, comment.post.author_id):
        raise Http404
    Comment.objects.filter(pk=comment.pk).update(deleted_at=timezone.now())


def report_create(
    *,
    user: User,
    category: str,
    text: str = "",
    post_id: int | None = None,
    comment_id: int | None = None,
) -> Report:
    """A member reports a post or a comment they can see (once each). At REPORTS_TO_HIDE
    distinct reporters with open reports it is hidden until a moderator decides."""
    target: Post | Comment
    if post_id is not None:
        target = _open_post(user, post_id)
    elif comment_id is not None:
        comment = selectors.comment_get(user_id=user.pk, comment_id=comment_id)
        _require_member(user, comment.post.wall)
        target = comment
    else:
        raise ValueError("report_create needs a post_id or a comment_id")
    if target.author_id == user.pk:
        raise ValidationError(gettext("You cannot report your own."))
    return moderation.report_file(target=target, reporter=user, category=category, text=text)


def image_approve(*, target_id: int, note: str) -> None:
    """A post held only for its images, all passed (`moderation.images`)."""
    _decide_by_images(post_id=target_id, action="approve", note=note)


def image_reject(*, target_id: int, reason: str, note: str) -> None:
    """A post carrying an image WeChat rejected (`moderation.images`); its author is told."""
    _decide_by_images(post_id=target_id, action="reject", reason=reason, note=note)


def _decide_by_images(**decision: Any) -> None:
    try:
        post_decide(moderator=None, **decision)
    except ApplicationError:
        pass  # its author deleted it meanwhile: nothing to decide, and the verdict stands


# --- moderators' decisions (the admin desk) -----------------------------------------------------

_TO_STATUS = {"approve": Status.APPROVED, "reject": Status.REJECTED, "hide": Status.HIDDEN}


def _decide(
    model: type[Post] | type[Comment],
    target_id: int,
    *,
    moderator: User | None,
    action: str,
    reason: str,
    note: str,
) -> tuple[Any, str]:
    """Lock the post or comment, apply `action`, record it, resolve its open reports; returns
    the target and its status before."""
    target = (
        model._default_manager.select_for_update()
        .select_related("author")
        .filter(pk=target_id, deleted_at__isnull=True)
        .first()
    )
    if target is None:
        raise ApplicationError("not_found", gettext("It was deleted meanwhile."), status=404)
    before = target.status
    changes: dict[str, Any] = {}
    if action in _TO_STATUS:
        changes["status"] = _TO_STATUS[action]
    elif action in ("pin", "unpin"):
        changes["pinned"] = action == "pin"
    elif action in ("fold", "unfold"):
        changes["folded_reason"] = reason if action == "fold" else ""
    elif action in ("lock", "unlock"):
        changes["comments_locked"] = action == "lock"
    model._default_manager.filter(pk=target.pk).update(**changes)
    moderation.decision_record(
        target=target,
        moderator=moderator,
        action=action,
        from_status=before,
        to_status=changes.get("status", before),
        reason=reason,
        note=note,
    )
    removed = action in (Decision.Action.REJECT, Decision.Action.HIDE)
    moderation.reports_resolve(
        target, Report.Outcome.REMOVED if removed else Report.Outcome.NO_ACTION
    )
    return target, before


def _tell_author(
    target: Post | Comment, *, post_id: int, status: str, reason: str, comment_id: int | None = None
) -> None:
    if target.author.is_active:
        notify(
            user=target.author,
            **events.moderated(
                post_id=post_id, comment_id=comment_id, status=status, reason=reason
            ),
        )


@transaction.atomic
def post_decide(
    *, moderator: User | None, post_id: int, action: str, reason: str = "", note: str = ""
) -> None:
    """A moderator approves, rejects, hides, pins or unpins a post, folds it (shown collapsed
    with its reason) or unfolds it, locks or unlocks its comments. Reject, hide and fold need a
    reason category (told to its author for reject and hide, shown with the fold)."""
    if action in ("reject", "hide", "fold") and reason not in ReasonCategory.values:
        raise ApplicationError("reason_required", gettext("Choose the reason its author will see."))
    post, before = _decide(
        Post, post_id, moderator=moderator, action=action, reason=reason, note=note
    )
    if action in ("reject", "hide") and before != _TO_STATUS[action]:
        _tell_author(post, post_id=post.pk, status=_TO_STATUS[action], reason=reason)


@transaction.atomic
def comment_decide(
    *, moderator: User | None, comment_id: int, action: str, reason: str = "", note: str = ""
) -> None:
    """A moderator approves, rejects or hides a comment. An approved one that was waiting is
    announced as a comment that passed at once would have been."""
    if action not in _TO_STATUS:
        raise ApplicationError("bad_action", gettext("Comments are approved, rejected or hidden."))
    if action in ("reject", "hide") and reason not in ReasonCategory.values:
        raise ApplicationError("reason_required", gettext("Choose the reason its author will see."))
    comment, before = _decide(
        Comment, comment_id, moderator=moderator, action=action, reason=reason, note=note
    )
    if action == "approve" and before == Status.PENDING:
        comment.status = Status.APPROVED
        _announce_comment(comment, Post.objects.select_related("author").get(pk=comment.post_id))
    elif action in ("reject", "hide") and before != _TO_STATUS[action]:
        _tell_author(
            comment,
            post_id=comment.post_id,
            comment_id=comment.pk,
            status=_TO_STATUS[action],
            reason=reason,
        )


def post_restore(*, moderator: User | None, target_id: int, note: str) -> None:
    """An appeal overturned a post's take-down or fold (`moderation.appeals`): public again,
    and unfolded."""
    post = Post.objects.filter(pk=target_id).values("status", "folded_reason").first()
    if post is None:
        raise ApplicationError("not_found", gettext("It was deleted meanwhile."), status=404)
    if post["status"] != Status.APPROVED:
        post_decide(moderator=moderator, post_id=target_id, action="approve", note=note)
    if post["folded_reason"]:
        post_decide(moderator=moderator, post_id=target_id, action="unfold", note=note)


def comment_restore(*, moderator: User | None, target_id: int, note: str) -> None:
    """An appeal overturned a comment's take-down: shown again, and announced."""
    comment_decide(moderator=moderator, comment_id=target_id, action="approve", note=note)

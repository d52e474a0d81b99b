"""Confessions and replies at the moderators' desk (`moderation.desk`): how the desk shows
one and decides it, through the decisions' services. An anonymous sender is never shown: the
desk judges the content, not the person."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, gettext_lazy

from accounts.models import User
from media_app.rendering import Urls, media_values_render
from media_app.selectors import Attachments
from messages_app.models import Confession, ConfessionMedia, Reply
from messages_app.services import decisions
from moderation.desk import DeskDecision, DeskKind, Shown, common_decisions

_attachments = Attachments(ConfessionMedia, "confession")


def _confessions() -> Any:
    # A confession its sender retracted reaches nobody: nothing is left to decide.
    return Confession.objects.filter(retracted_at__isnull=True).select_related(
        "sender", "recipient"
    )


def _show_confessions(items: list[Confession], request: Any) -> dict[int, Shown]:
    urls = Urls(request)
    carried = _attachments.attach([{"id": item.pk} for item in items])
    shown = {}
    for item, found in zip(items, carried, strict=True):
        context = []
        if item.recipient is not None:
            context.append((gettext("to"), item.recipient.username))
        if item.anonymous:
            context.append((gettext("sender"), gettext("anonymous")))
        shown[item.pk] = Shown(
            text=item.body,
            context=context,
            pictures=[media_values_render(m, urls, "media__") for m in found["media"]],
            author=None if item.anonymous else item.sender.username,
        )
    return shown


def _decide_confession(
    *, moderator: User, target_id: int, action: str, reason: str, note: str
) -> None:
    if action == "approve":
        decisions.confession_approve(moderator=moderator, confession_id=target_id, note=note)
    elif action == "dismiss_reports":
        decisions.reports_dismiss(moderator=moderator, confession_id=target_id, note=note)
    elif action == "reject":
        decisions.confession_reject(
            moderator=moderator, confession_id=target_id, reason=reason, note=note
        )
    elif action == "hide":
        decisions.confession_hide(
            moderator=moderator, confession_id=target_id, reason=reason, note=note
        )


CONFESSIONS = DeskKind(
    name="confession",
    label=gettext_lazy("confession"),
    model=Confession,
    permission="messages_app.moderate_confession",
    queryset=_confessions,
    show=_show_confessions,
    decide=_decide_confession,
    # Keeping a delivered confession closes its reports through reports_dismiss.
    decisions=common_decisions(keep="dismiss_reports"),
)


def _replies() -> Any:
    return Reply.objects.select_related("confession")


def _show_replies(items: list[Reply], request: Any) -> dict[int, Shown]:
    shown = {}
    for item in items:
        confession = item.confession
        # The role, never the author: the author may be an anonymous sender.
        side = gettext("sender") if item.author_id == confession.sender_id else gettext("recipient")
        shown[item.pk] = Shown(
            text=item.body,
            context=[
                (gettext("from"), side),
                (gettext("on the confession"), confession.body[:200]),
            ],
        )
    return shown


def _decide_reply(*, moderator: User, target_id: int, action: str, reason: str, note: str) -> None:
    if action == "approve":
        decisions.reply_approve(moderator=moderator, reply_id=target_id, note=note)
    elif action == "reject":
        decisions.reply_reject(moderator=moderator, reply_id=target_id, reason=reason, note=note)


REPLIES = DeskKind(
    name="reply",
    label=gettext_lazy("reply"),
    model=Reply,
    permission="messages_app.moderate_reply",
    queryset=_replies,
    show=_show_replies,
    decide=_decide_reply,
    decisions=(
        DeskDecision(
            "approve",
            gettext_lazy("Approve"),
            "a",
            applies=lambda item, reported: item.status == Reply.Status.PENDING,
        ),
        DeskDecision(
            "reject",
            gettext_lazy("Reject"),
            "r",
            needs_reason=True,
            applies=lambda item, reported: item.status == Reply.Status.PENDING,
        ),
    ),
)

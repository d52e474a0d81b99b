"""Moderators' decisions about confessions and replies, and reports of confessions, on the
record `moderation.services` keeps (the checker chain that runs before them is
`moderation.checkers`). Every decision writes a line of the audit log and resolves the
confession's open reports, telling each reporter `report.resolved`. Senders learn the outcome
and the reason category, never who decided."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext

from accounts.models import User
from core.errors import ApplicationError
from messages_app import events, selectors
from messages_app.models import Confession, Reply
from messages_app.services.sending import deliver, deliver_reply, is_due
from moderation import services as moderation
from moderation.models import Decision, Report
from realtime.services import notify

Status = Confession.Status
Action = Decision.Action


def _locked(confession_id: int) -> Confession:
    confession = (
        Confession.objects.select_for_update(of=("self",))
        .filter(pk=confession_id)
        .select_related("sender", "recipient")
        .first()
    )
    if confession is None:
        raise Http404
    return confession


def _transition(confession: Confession, allowed: tuple[str, ...], verb: str) -> None:
    """409 `invalid_transition` unless the confession's status allows `verb`, in a whole
    sentence a moderator can read (it said "A hidden by moderators confession cannot be
    hidden" of one that reports had hidden)."""
    if confession.status in allowed:
        return
    if confession.status == Status.HIDDEN:
        message = gettext("This confession is hidden already (by reports or by a moderator).")
    elif confession.status == Status.REJECTED:
        message = gettext("This confession was rejected: nobody but its sender sees it.")
    elif confession.status == Status.APPROVED:
        message = gettext("This confession is approved already.")
    else:
        message = gettext("This confession is still waiting for review.")
    raise ApplicationError("invalid_transition", message, status=409)


def _decide(
    *,
    moderator: User | None,
    confession: Confession,
    action: str,
    to_status: str,
    reason: str = "",
    note: str = "",
    reply: Reply | None = None,
) -> Decision:
    target = reply or confession
    from_status = target.status
    if to_status != from_status:
        target.status = to_status
        target.save(update_fields=["status"])
    return moderation.decision_record(
        target=target,
        moderator=moderator,
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        note=note,
    )


def _resolve_reports(confession: Confession, outcome: str) -> None:
    for report in moderation.reports_resolve(confession, outcome):
        notify(
            user=report.reporter,
            **events.report_resolved(
                report_id=report.pk, confession_id=confession.pk, outcome=outcome
            ),
        )


def _tell_sender(confession: Confession, status: str, reason: str) -> None:
    notify(
        user=confession.sender,
        **events.confession_moderated(confession_id=confession.pk, status=status, reason=reason),
    )


@transaction.atomic
def confession_approve(*, moderator: User | None, confession_id: int, note: str = "") -> Confession:
    """Approve a pending (or hidden, or rejected) confession. One never delivered is delivered
    now, by the delivery rule as it stands now (a block or ban since the send holds): the
    recipient is notified and a match may fire. Open reports end with no action."""
    confession = _locked(confession_id)
    _transition(confession, (Status.PENDING, Status.HIDDEN, Status.REJECTED), "approved")
    _decide(
        moderator=moderator,
        confession=confession,
        action=Action.APPROVE,
        to_status=Status.APPROVED,
        note=note,
    )
    undelivered = confession.delivered_at is None and not confession.suppressed
    # One scheduled for later is delivered by its task at the time.
    if undelivered and confession.recipient_id is not None and is_due(confession):
        deliver(confession)
    _resolve_reports(confession, Report.Outcome.NO_ACTION)
    return confession


@transaction.atomic
def confession_reject(
    *, moderator: User | None, confession_id: int, reason: str, note: str = ""
) -> Confession:
    """Reject it: it reaches nobody (or no longer), and the sender is told the reason
    category."""
    return _take_down(
        confession_id,
        moderator=moderator,
        action=Action.REJECT,
        allowed=(Status.PENDING, Status.APPROVED, Status.HIDDEN),
        to_status=Status.REJECTED,
        reason=reason,
        note=note,
    )


@transaction.atomic
def confession_hide(
    *, moderator: User, confession_id: int, reason: str, note: str = ""
) -> Confession:
    """Hide a confession: a delivered one disappears from the inbox. The sender is told."""
    return _take_down(
        confession_id,
        moderator=moderator,
        action=Action.HIDE,
        allowed=(Status.APPROVED, Status.PENDING),
        to_status=Status.HIDDEN,
        reason=reason,
        note=note,
    )


def _take_down(
    confession_id: int,
    *,
    moderator: User | None,
    action: str,
    allowed: tuple[str, ...],
    to_status: str,
    reason: str,
    note: str,
) -> Confession:
    """Reject or hide: the change, its record, the sender told, the open reports closed."""
    confession = _locked(confession_id)
    _transition(confession, allowed, to_status)
    _decide(
        moderator=moderator,
        confession=confession,
        action=action,
        to_status=to_status,
        reason=reason,
        note=note,
    )
    _tell_sender(confession, to_status, reason)
    _resolve_reports(confession, Report.Outcome.REMOVED)
    return confession


@transaction.atomic
def reports_dismiss(*, moderator: User, confession_id: int, note: str = "") -> Confession:
    """The reports were unfounded: they close with no action, and a confession the reports
    had hidden comes back."""
    confession = _locked(confession_id)
    if not confession.reports.filter(resolved_at=None).exists():
        raise ApplicationError(
            "no_open_reports", gettext("This confession has no open reports."), status=409
        )
    restored = Status.APPROVED if confession.status == Status.HIDDEN else confession.status
    _decide(
        moderator=moderator,
        confession=confession,
        action=Action.DISMISS_REPORTS,
        to_status=restored,
        note=note,
    )
    _resolve_reports(confession, Report.Outcome.NO_ACTION)
    return confession


def _reportable_by(user: User, confession_id: int, share_token: str | None) -> Confession:
    try:
        confession = selectors.confession_get_for_user(user=user, confession_id=confession_id)
    except Http404:
        if not share_token:
            raise
        confession = selectors.confession_get_shared(user=user, token=share_token)
        if confession.pk != confession_id:
            raise Http404 from None
    if confession.sender_id == user.pk:
        raise PermissionDenied
    return confession


def report_create(
    *,
    reporter: User,
    confession_id: int,
    category: str,
    text: str = "",
    share_token: str | None = None,
) -> Report:
    """The recipient (or a signed-in viewer of the share link, who proves it with the token)
    reports a confession. Once per user (409 after). When REPORTS_TO_HIDE distinct users have
    open reports on it, it is hidden until a moderator decides."""
    confession = _reportable_by(reporter, confession_id, share_token)
    return moderation.report_file(
        target=confession, reporter=reporter, category=category, text=text
    )


@transaction.atomic
def reply_approve(
    *, moderator: User | None, reply_id: int, note: str = "", restore: bool = False
) -> Reply:
    """Release a reply held for review (with `restore`, one rejected: an appeal overturned
    it): delivered now, by the delivery rule as it stands now, the other side sees it and is
    told."""
    reply = (
        Reply.objects.select_for_update().select_related("confession", "author").get(pk=reply_id)
    )
    allowed = (Reply.Status.PENDING, Reply.Status.REJECTED) if restore else (Reply.Status.PENDING,)
    if reply.status not in allowed:
        raise ApplicationError(
            "invalid_transition", gettext("Only a pending reply can be approved."), status=409
        )
    _decide(
        moderator=moderator,
        confession=reply.confession,
        reply=reply,
        action=Action.APPROVE,
        to_status=Reply.Status.APPROVED,
        note=note,
    )
    confession = Confession.objects.select_related("sender", "recipient").get(
        pk=reply.confession_id
    )
    deliver_reply(confession, reply)
    return reply


@transaction.atomic
def reply_reject(*, moderator: User, reply_id: int, reason: str, note: str = "") -> Reply:
    """Refuse a reply held for review; its author is told the reason category."""
    reply = Reply.objects.select_for_update().select_related("confession").get(pk=reply_id)
    if reply.status != Reply.Status.PENDING:
        raise ApplicationError(
            "invalid_transition", gettext("Only a pending reply can be rejected."), status=409
        )
    _decide(
        moderator=moderator,
        confession=reply.confession,
        reply=reply,
        action=Action.REJECT,
        to_status=Reply.Status.REJECTED,
        reason=reason,
        note=note,
    )
    notify(
        user=reply.author,
        **events.confession_moderated(
            confession_id=reply.confession_id,
            reply_id=reply.pk,
            status="rejected",
            reason=reason,
        ),
    )
    return reply


def image_approve(*, target_id: int, note: str) -> None:
    """A confession held only for its images, all passed (`moderation.images`)."""
    confession_approve(moderator=None, confession_id=target_id, note=note)


def image_reject(*, target_id: int, reason: str, note: str) -> None:
    """A confession carrying an image WeChat rejected (`moderation.images`)."""
    confession_reject(moderator=None, confession_id=target_id, reason=reason, note=note)


def appeal_restore(*, moderator: User | None, target_id: int, note: str) -> None:
    """An appeal overturned a take-down (`moderation.appeals`): approved, as a moderator
    would, and delivered if it never was."""
    confession_approve(moderator=moderator, confession_id=target_id, note=note)


def reply_restore(*, moderator: User | None, target_id: int, note: str) -> None:
    """An appeal overturned a reply's rejection (`moderation.appeals`): delivered, as an
    approval would have."""
    reply_approve(moderator=moderator, reply_id=target_id, note=note, restore=True)

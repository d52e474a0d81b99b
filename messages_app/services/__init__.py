"""Every write of the confessions app (DESIGN.md §2), one module per concern:
`sending` (send, deliver, claim, read, reply, retract, block), `hints` (an anonymous sender's
hints and reveal) and `moderation` (reports and moderators' decisions)."""

from messages_app.services.crushes import crush_add, crush_remove, crushes_of
from messages_app.services.decisions import (
    confession_approve,
    confession_hide,
    confession_reject,
    reply_approve,
    reply_reject,
    report_create,
    reports_dismiss,
)
from messages_app.services.hints import confession_reveal, hint_add, hints_of
from messages_app.services.inbox_links import link_message, link_of, link_open, link_update
from messages_app.services.sending import (
    confession_block_sender,
    confession_claim,
    confession_delete,
    confession_deliver_scheduled,
    confession_mark_read,
    confession_reschedule,
    confession_send,
    reply_create,
)
from messages_app.services.sharing import share_code, share_token_of_scene

__all__ = [
    "link_message",
    "link_of",
    "link_open",
    "link_update",
    "crush_add",
    "crush_remove",
    "crushes_of",
    "confession_reveal",
    "hint_add",
    "hints_of",
    "confession_approve",
    "confession_block_sender",
    "confession_claim",
    "confession_delete",
    "confession_deliver_scheduled",
    "confession_hide",
    "confession_mark_read",
    "confession_reject",
    "confession_reschedule",
    "confession_send",
    "reply_approve",
    "reply_create",
    "reply_reject",
    "report_create",
    "share_code",
    "share_token_of_scene",
    "reports_dismiss",
]

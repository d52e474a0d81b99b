"""Every event the confessions app tells users about: declared once in `realtime.events` (which
docs/api.md's event table is made from) and built here, and only here, by the functions below.
Services call these builders and pass the result to `realtime.services.notify`.

Who someone is appears as `{"username", "display_name"}` (no URLs: they would expire in a
stored notification), and only where the rules let the receiver see who: the builders take
that decision as an argument (`sender_visible`), made by `messages_app.selectors`.
"""

from __future__ import annotations

from typing import Any

from accounts.models import User
from realtime.events import declare, person

RECEIVED = declare(
    "confession.received",
    to="the recipient, when a confession is delivered to them",
    data="`confession_id`, `anonymous`, `sender` (null unless they may see who), `has_media`",
)
READ = declare(
    "confession.read",
    to="the sender, the first time the recipient reads it",
    data="`confession_id`",
)
REPLIED = declare(
    "confession.replied",
    to="the other side of the thread, when a reply reaches them",
    data="`confession_id`, `reply_id`, `from` (`sender`/`recipient`), `author` (null for an "
    "anonymous sender)",
)
MATCHED = declare(
    "confession.matched",
    to="both people, when two have confessed to each other",
    data="`confession_id` (the one you received), `with` (who)",
)
MODERATED = declare(
    "confession.moderated",
    to="the author, when moderators reject or hide their confession or reject their reply",
    data="`confession_id`, `reply_id` (replies only), `status`, `reason` (a category)",
)
RETRACTED = declare(
    "confession.retracted",
    to="the recipient, when the sender takes back a confession in their inbox",
    data="`confession_id`",
)
CLAIMED = declare(
    "confession.claimed",
    to="the sender, when someone claims their share link",
    data="`confession_id`, `by` (who claimed it, as `sent` shows them)",
)
HINTED = declare(
    "confession.hinted",
    to="the recipient, when the anonymous sender gives a hint",
    data="`confession_id`, `hint_id`, `text`",
)
REVEALED = declare(
    "confession.revealed",
    to="the recipient, when the anonymous sender chooses to be known",
    data="`confession_id`, `sender` (who)",
)
CRUSH_RECEIVED = declare(
    "crush.received",
    to="someone put on a secret-crush list (CRUSH_TELL_TARGET), unless it is mutual at once",
    data="nothing: not who",
)
CRUSH_MATCHED = declare(
    "crush.matched",
    to="both people, when two have put each other on their secret-crush lists",
    data="`with` (who)",
)
REPORT_RESOLVED = declare(
    "report.resolved",
    to="each reporter, when moderators decide about what they reported",
    data="`report_id`, `confession_id`, `outcome` (`removed`/`no_action`)",
)

Event = dict[str, Any]


def confession_received(
    *, confession_id: int, anonymous: bool, sender: User, sender_visible: bool, has_media: bool
) -> Event:
    return {
        "type": RECEIVED,
        "data": {
            "confession_id": confession_id,
            "anonymous": anonymous,
            "sender": person(sender) if sender_visible else None,
            "has_media": has_media,
        },
    }


def confession_read(*, confession_id: int) -> Event:
    return {"type": READ, "data": {"confession_id": confession_id}}


def confession_replied(
    *, confession_id: int, reply_id: int, from_sender: bool, author: User, author_visible: bool
) -> Event:
    return {
        "type": REPLIED,
        "data": {
            "confession_id": confession_id,
            "reply_id": reply_id,
            "from": "sender" if from_sender else "recipient",
            "author": person(author) if author_visible else None,
        },
    }


def confession_matched(*, confession_id: int, other: User) -> Event:
    # A match is exactly when both may see who: the one place a person is always named.
    return {"type": MATCHED, "data": {"confession_id": confession_id, "with": person(other)}}


def confession_moderated(
    *, confession_id: int, status: str, reason: str, reply_id: int | None = None
) -> Event:
    data: dict[str, Any] = {"confession_id": confession_id}
    if reply_id is not None:
        data["reply_id"] = reply_id
    return {"type": MODERATED, "data": {**data, "status": status, "reason": reason}}


def confession_retracted(*, confession_id: int) -> Event:
    return {"type": RETRACTED, "data": {"confession_id": confession_id}}


def confession_claimed(*, confession_id: int, by: User) -> Event:
    return {"type": CLAIMED, "data": {"confession_id": confession_id, "by": person(by)}}


def confession_hinted(*, confession_id: int, hint_id: int, text: str) -> Event:
    return {
        "type": HINTED,
        "data": {"confession_id": confession_id, "hint_id": hint_id, "text": text},
    }


def confession_revealed(*, confession_id: int, sender: User) -> Event:
    # The sender chose to be named: the one place an anonymous sender is, by their own hand.
    return {"type": REVEALED, "data": {"confession_id": confession_id, "sender": person(sender)}}


def crush_received() -> Event:
    return {"type": CRUSH_RECEIVED, "data": {}}


def crush_matched(*, other: User) -> Event:
    # Both listed each other: the one place a crush is named.
    return {"type": CRUSH_MATCHED, "data": {"with": person(other)}}


def report_resolved(*, report_id: int, confession_id: int, outcome: str) -> Event:
    return {
        "type": REPORT_RESOLVED,
        "data": {
            "report_id": report_id,
            "confession_id": confession_id,
            "outcome": outcome,
        },
    }

"""The confessions' reads as the API serves them (`messages_app.selectors`' pages), reduced to
ids, for tests that ask who sees what."""

from __future__ import annotations

from core.pagination import Keyset
from messages_app import selectors

EVERYTHING = Keyset(limit=100)


def inbox_shown(user) -> list[tuple[dict, selectors.Viewing]]:
    """The first page of `user`'s inbox: each row with what they may know of it."""
    return selectors.inbox_page(user_id=user.pk, keyset=EVERYTHING)[1]


def inbox(user) -> list[int]:
    return [row["id"] for row, _ in inbox_shown(user)]


def sent(user) -> list[int]:
    return [row["id"] for row, _ in selectors.sent_page(user_id=user.pk, keyset=EVERYTHING)[1]]


def thread(user, confession) -> list[int]:
    """The replies of `confession`'s thread as `user` sees it, oldest first."""
    _, _, rows = selectors.thread_page(
        user_id=user.pk, confession_id=confession.pk, keyset=EVERYTHING
    )
    return [row["id"] for row in rows]

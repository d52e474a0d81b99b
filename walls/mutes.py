"""Muted words: posts, comments and their notifications holding one of a reader's muted words
never reach that reader (feeds, the post itself, threads, `wall.commented` and what it would
push: the socket and the subscribe message). Matched as the word filter matches
(`core.words`: full-width forms, spacing, punctuation and case folded), so "ex" mutes "E X".
A reader's own posts and comments always reach them.

The words live on the user row (`User.muted_words`), read with it on every request: a reader
without mutes costs nothing, one with them a Python check per row shown."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from accounts.models import User
from core.words import Muted, distinct_words

MUTED_WORDS_MAX = 50
MUTED_WORD_MAX_CHARS = 40


def muted_for(user: User) -> Muted:
    return muted_words(user.muted_words)


def muted_words(words: list[str]) -> Muted:
    """`muted_for` of words read with the page (`walls.selectors.readable_wall`)."""
    return Muted(words or ())


def mutes_set(*, user: User, words: list[str]) -> list[str]:
    """Replace the user's muted words; returns them as kept (trimmed, each once)."""
    kept, unmatchable = distinct_words(words)
    if unmatchable:
        message = gettext("A muted word needs a letter or a digit: %(word)s")
        raise ValidationError({"words": [message % {"word": unmatchable[0] or '""'}]})
    if len(kept) > MUTED_WORDS_MAX:
        raise ValidationError(
            {"words": [gettext("At most %(count)d muted words.") % {"count": MUTED_WORDS_MAX}]}
        )
    user.muted_words = kept
    user.save(update_fields=["muted_words"])
    return user.muted_words


def post_hidden(muted: Muted, row: dict, *, viewer_id: int) -> bool:
    """Whether a post (a feed row: `body`, `to`, `author_id`) is muted for this reader."""
    return bool(muted) and row["author_id"] != viewer_id and muted.hides(row["body"], row["to"])


def comment_hidden(muted: Muted, body: str, author_id: int, *, viewer_id: int) -> bool:
    return bool(muted) and author_id != viewer_id and muted.hides(body)

"""Matching words as people disguise them: the word filter's (moderation.checkers) and a
reader's muted words (walls) fold text the same way, so "Ｂ.a-d  W o r d" is "badword" to both."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """What a disguise leaves: full-width and compatibility forms folded (NFKC), case folded,
    and every space, punctuation mark and symbol dropped. "Ｂ.a-d  W o r d" -> "badword"."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _NOT_LETTER_OR_DIGIT.sub("", folded)


def distinct_words(words: Iterable[str]) -> tuple[list[str], list[str]]:
    """A list of words a person keeps (muted words, a link's filter words): each trimmed and
    kept once by its folding, as typed first. Returns `(kept, unmatchable)`: the second holds
    those that fold to nothing (no letter or digit: they could never match)."""
    kept: dict[str, str] = {}
    unmatchable = []
    for word in words:
        word = word.strip()
        needle = normalise(word)
        if needle:
            kept.setdefault(needle, word)
        else:
            unmatchable.append(word)
    return list(kept.values()), unmatchable


class Muted:
    """A reader's muted words, folded once: `hides(text, ...)` says whether any of the texts
    holds one of them. Falsy when there are none, so a reader without mutes costs nothing."""

    __slots__ = ("needles",)

    def __init__(self, words: Iterable[str]) -> None:
        self.needles = [needle for needle in dict.fromkeys(map(normalise, words)) if needle]

    def __bool__(self) -> bool:
        return bool(self.needles)

    def hides(self, *texts: str) -> bool:
        if not self.needles:
            return False
        for text in texts:
            haystack = normalise(text)
            if any(needle in haystack for needle in self.needles):
                return True
        return False

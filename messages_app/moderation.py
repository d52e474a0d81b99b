"""The moderation chain every confession and reply passes before it is stored.

Checkers are listed in settings.MODERATION_CHECKERS (dotted paths to classes); each answers
pass, review or block with a reason, and the strictest answer wins. A checker that fails (it
raises, including a timeout from its own bounded I/O) sends the text to review: never to
delivery, never to a 500. A new checker (WeChat's msg_sec_check, say) is a class with a `name`
and a `check(text) -> Verdict`, added to the setting.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Literal, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

Action = Literal["pass", "review", "block"]
_SEVERITY = {"pass": 0, "review": 1, "block": 2}


@dataclass(frozen=True)
class Verdict:
    action: Action
    reason: str = ""


class Checker(Protocol):
    name: str

    def check(self, text: str) -> Verdict: ...


_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """What a disguise leaves: full-width and compatibility forms folded (NFKC), case folded,
    and every space, punctuation mark and symbol dropped. "Ｂ.a-d  W o r d" -> "badword"."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _NOT_LETTER_OR_DIGIT.sub("", folded)


class BannedPhraseChecker:
    """The word list kept in the admin (`BannedPhrase`)."""

    name = "banned_phrases"

    def check(self, text: str) -> Verdict:
        from messages_app.models import BannedPhrase

        haystack = normalise(text)
        verdict = Verdict("pass")
        for phrase, action in BannedPhrase.objects.values_list("phrase", "action"):
            needle = normalise(phrase)
            if needle and needle in haystack and _SEVERITY[action] > _SEVERITY[verdict.action]:
                verdict = Verdict(action, f"banned phrase: {phrase}")
        return verdict


@cache
def _load(path: str) -> Checker:
    return import_string(path)()


def checkers() -> list[Checker]:
    return [_load(path) for path in settings.MODERATION_CHECKERS]


def moderate(text: str) -> Verdict:
    """How `text` may proceed: the strictest verdict of the chain."""
    strictest = Verdict("pass")
    for checker in checkers():
        try:
            verdict = checker.check(text)
        except Exception as exc:
            logger.warning("moderation checker %s failed: %s: %s", checker.name,
                           type(exc).__name__, exc)  # fmt: skip
            verdict = Verdict("review", f"{checker.name} failed")
        if _SEVERITY[verdict.action] > _SEVERITY[strictest.action]:
            strictest = verdict
    return strictest

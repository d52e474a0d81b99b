"""The checker chain every text passes before it is stored: confessions, replies, wall posts
and comments, profiles (moderators' decisions afterwards are `moderation.services`).

Checkers are listed in settings.MODERATION_CHECKERS (dotted paths to classes); each answers
a verdict (pass, review or block) with a reason, and the strictest verdict wins. A checker that
fails (it raises, including a timeout from its own bounded I/O) sends the text to review: never
to delivery, never to a 500. A new checker is a class with a `name` and a
`check(text, *, author) -> Verdict`, added to the setting; `WeChatContentChecker` below is one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from typing import Literal, Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy

from accounts import risk
from accounts.models import User
from core.compiled import CompiledQuery
from core.errors import ApplicationError
from core.words import normalise
from moderation.models import BannedPhrase
from wechat import client as wechat

logger = logging.getLogger(__name__)

VerdictKind = Literal["pass", "review", "block"]
_SEVERITY = {"pass": 0, "review": 1, "block": 2}


@dataclass(frozen=True)
class Verdict:
    kind: VerdictKind
    reason: str = ""


class Checker(Protocol):
    name: str

    # `purpose`: "post" (confessions, replies) or "profile" (display name, bio).
    def check(self, text: str, *, author: User | None, purpose: str = "post") -> Verdict: ...


class BannedPhraseChecker:
    """The word list kept in the admin (`BannedPhrase`)."""

    name = "banned_phrases"

    def check(self, text: str, *, author: User | None = None, purpose: str = "post") -> Verdict:
        haystack = normalise(text)
        verdict = Verdict("pass")
        for row in _banned_phrases().rows():
            phrase, on_match = row["phrase"], row["action"]
            needle = normalise(phrase)
            if needle and needle in haystack and _SEVERITY[on_match] > _SEVERITY[verdict.kind]:
                verdict = Verdict(on_match, f"banned phrase: {phrase}")
        return verdict


@cache
def _banned_phrases() -> CompiledQuery:
    # Read on every check (an admin's new phrase holds at once), by a precompiled query.
    return CompiledQuery(lambda: BannedPhrase.objects.values("phrase", "action"))


@cache
def _load(path: str) -> Checker:
    return import_string(path)()


def chain() -> list[Checker]:
    return [_load(path) for path in settings.MODERATION_CHECKERS]


def check(text: str, *, author: User | None = None, purpose: str = "post") -> Verdict:
    """How `text`, written by `author`, may proceed: the strictest verdict of the chain."""
    strictest = Verdict("pass")
    for checker in chain():
        try:
            verdict = checker.check(text, author=author, purpose=purpose)
        except Exception as exc:
            logger.warning(
                "moderation checker %s failed: %s: %s", checker.name, type(exc).__name__, exc
            )
            verdict = Verdict("review", f"{checker.name} failed")
        if _SEVERITY[verdict.kind] > _SEVERITY[strictest.kind]:
            strictest = verdict
    return strictest


_CANNOT_BE = {
    "sent": gettext_lazy("This text cannot be sent: it breaks the community rules."),
    "posted": gettext_lazy("This text cannot be posted: it breaks the community rules."),
}


def check_or_refuse(text: str, *, author: User, done: str) -> Verdict:
    """`check`, where a block refuses the text: 400 `content_rejected` ("This text cannot be
    <done>"), so nothing is stored. Otherwise the verdict, pass or review; a new account
    WeChat ranks risky (`accounts.risk`) has its text reviewed."""
    verdict = check(text, author=author)
    if verdict.kind == "block":
        raise ApplicationError("content_rejected", str(_CANNOT_BE[done]))
    if verdict.kind == "pass" and risk.held_for_review(author):
        return Verdict("review", "new account WeChat ranks risky")
    return verdict


class WeChatContentChecker:
    """WeChat's content security check (`wxa/msg_sec_check`, version 2), which WeChat asks
    mini programs to run on what users publish. Version 2 judges text in the context of its
    author's openid, so it checks only authors who signed in with WeChat; others pass through
    to the rest of the chain. WeChat's `risky` blocks, `review` holds; an error or a timeout
    raises, which the chain turns into review."""

    name = "wechat_msg_sec_check"
    # WeChat's scenes: 1 a profile, 4 a social post such as a confession or a reply.
    SCENES = {"profile": 1, "post": 4}

    def check(self, text: str, *, author: User | None = None, purpose: str = "post") -> Verdict:
        if author is None or not author.wechat_openid:
            return Verdict("pass")
        try:
            client = wechat.get_client()
        except wechat.WeChatNotConfigured:
            return Verdict("pass")
        answer = client.call(
            "wxa/msg_sec_check",
            {
                "content": text,
                "version": 2,
                "scene": self.SCENES.get(purpose, 4),
                "openid": author.wechat_openid,
            },
        )
        result = answer.get("result") or {}
        suggest = result.get("suggest")
        label = result.get("label", "")
        if suggest == "risky":
            return Verdict("block", f"wechat: risky ({label})")
        if suggest == "review":
            return Verdict("review", f"wechat: review ({label})")
        if suggest == "pass":
            return Verdict("pass")
        raise ValueError(f"unexpected msg_sec_check answer: {suggest!r}")


def profile_check(text: str, *, author: User, purpose: str = "profile") -> tuple[str, str]:
    """The chain for accounts' profile texts (registered in `accounts.text_checks`)."""
    verdict = check(text, author=author, purpose=purpose)
    return verdict.kind, verdict.reason

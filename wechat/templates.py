"""The subscribe-message templates the server is configured with (settings.
WECHAT_SUBSCRIBE_TEMPLATES), and what goes into their data.

What a subscribe message says shows on a lock screen: it names nobody and quotes nothing. Its
fields are fixed texts per event and the time, in its user's language; the confession itself
opens in the mini program (`page`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from core.moderated import ReasonCategory

# WeChat's users read times in China's zone.
SHANGHAI = ZoneInfo("Asia/Shanghai")

# In the user's language (accounts.User.language; Chinese when not known), from the catalog.
TITLES = {
    "confession.received": gettext_noop("New confession"),
    "confession.replied": gettext_noop("New reply"),
    "confession.matched": gettext_noop("It's a match"),
}
# A sanction's title says which (moderation.sanctioned's `kind`).
SANCTION_TITLES = {
    "warning": gettext_noop("A warning from the moderators"),
    "mute": gettext_noop("You are muted"),
    "ban": gettext_noop("Your account is suspended"),
}
OTHER_TITLE = gettext_noop("New message")
HINT = gettext_noop("Tap to open")
FOR_GOOD = gettext_noop("Until further notice")
# `reason` and `until` are the reason category and the end of what moderators decided about the
# user (moderation.sanctioned); "-" for an event without them.
FIELDS = ("title", "time", "hint", "reason", "until")
# Events about the account itself: told even to a user who may not sign in (a ban).
ABOUT_THE_ACCOUNT = frozenset({"moderation.sanctioned", "moderation.appeal_decided"})
DEFAULT_LANGUAGE = "zh-hans"
TIME_FORMATS = {"zh-hans": "%Y年%m月%d日 %H:%M", "en": "%Y-%m-%d %H:%M"}
# What the mini program opens in (message/subscribe/send's `lang`).
WECHAT_LANGS = {"zh-hans": "zh_CN", "en": "en_US"}


@dataclass(frozen=True)
class Template:
    event: str
    id: str
    data: dict[str, str]  # template key -> our field


def _template(event: str, spec: dict) -> Template:
    return Template(event=event, id=spec["id"], data=dict(spec["data"]))


def configured() -> list[Template]:
    return [_template(event, spec) for event, spec in settings.WECHAT_SUBSCRIBE_TEMPLATES.items()]


def for_event(event: str) -> Template | None:
    spec = settings.WECHAT_SUBSCRIBE_TEMPLATES.get(event)
    return _template(event, spec) if spec else None


def _time(at: datetime) -> str:
    time_format = TIME_FORMATS.get(translation.get_language(), TIME_FORMATS["en"])
    return at.astimezone(SHANGHAI).strftime(time_format)


def field_value(field: str, event: str, at: datetime, data: Mapping[str, Any]) -> str:
    """A field's text in the active language (`data`: the notification's)."""
    if field == "title":
        if event == "moderation.sanctioned" and data.get("kind") in SANCTION_TITLES:
            return gettext(SANCTION_TITLES[data["kind"]])
        return gettext(TITLES.get(event, OTHER_TITLE))
    if field == "time":
        return _time(at)
    if field == "reason":
        reason = data.get("reason")
        return str(ReasonCategory(reason).label) if reason in ReasonCategory.values else ""
    if field == "until":
        if data.get("until"):
            return _time(datetime.fromisoformat(data["until"]))
        return gettext(FOR_GOOD) if data.get("kind") in ("mute", "ban") else ""
    return gettext(HINT)


# The most characters each kind of key takes (WECHAT.md): a longer value is cut, since
# WeChat refuses it (47003) rather than cutting it.
_LIMITS = {
    "thing": 20,
    "number": 32,
    "letter": 32,
    "symbol": 5,
    "character_string": 32,
    "phrase": 5,
    "name": 10,
}


def fit(key: str, value: str) -> str:
    """`value` cut to what a key of its kind (`thing1` is a thing) takes; never empty."""
    kind = re.sub(r"\d+$", "", key)
    limit = _LIMITS.get(kind)
    if limit is not None and len(value) > limit:
        value = value[: limit - 1] + "…" if kind == "thing" else value[:limit]
    return value or "-"


def data_for(
    template: Template,
    at: datetime,
    language: str = DEFAULT_LANGUAGE,
    data: Mapping[str, Any] | None = None,
) -> dict[str, dict[str, str]]:
    with translation.override(language or DEFAULT_LANGUAGE):
        return {
            key: {"value": fit(key, field_value(field, template.event, at, data or {}))}
            for key, field in template.data.items()
        }

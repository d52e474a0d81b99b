"""The subscribe-message templates the server is configured with (settings.
WECHAT_SUBSCRIBE_TEMPLATES), and what goes into their data.

What a subscribe message says shows on a lock screen: it names nobody and quotes nothing. Its
fields are fixed texts per event and the time, in its user's language; the confession itself
opens in the mini program (`page`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

# WeChat's users read times in China's zone.
SHANGHAI = ZoneInfo("Asia/Shanghai")

# In the user's language (accounts.User.language; Chinese when not known), from the catalog.
TITLES = {
    "confession.received": gettext_noop("New confession"),
    "confession.replied": gettext_noop("New reply"),
    "confession.matched": gettext_noop("It's a match"),
}
OTHER_TITLE = gettext_noop("New message")
HINT = gettext_noop("Tap to open")
FIELDS = ("title", "time", "hint")
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


def field_value(field: str, event: str, at: datetime) -> str:
    """A field's text in the active language."""
    if field == "title":
        return gettext(TITLES.get(event, OTHER_TITLE))
    if field == "time":
        time_format = TIME_FORMATS.get(translation.get_language(), TIME_FORMATS["en"])
        return at.astimezone(SHANGHAI).strftime(time_format)
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
    template: Template, at: datetime, language: str = DEFAULT_LANGUAGE
) -> dict[str, dict[str, str]]:
    with translation.override(language or DEFAULT_LANGUAGE):
        return {
            key: {"value": fit(key, field_value(field, template.event, at))}
            for key, field in template.data.items()
        }

"""The subscribe-message templates the server is configured with (settings.
WECHAT_SUBSCRIBE_TEMPLATES), and what goes into their data.

What a subscribe message says shows on a lock screen: it names nobody and quotes nothing. Its
fields are fixed texts per event and the time; the confession itself opens in the mini program
(`page`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings

# WeChat's users read times in China's zone.
SHANGHAI = ZoneInfo("Asia/Shanghai")

TITLES = {
    "confession.received": "你收到了一封新的表白",
    "confession.replied": "你的表白有了新的回复",
    "confession.matched": "你们互相表白了",
}
HINT = "点击打开小程序查看"
FIELDS = ("title", "time", "hint")


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
    if field == "title":
        return TITLES.get(event, "你有一条新消息")
    if field == "time":
        return at.astimezone(SHANGHAI).strftime("%Y年%m月%d日 %H:%M")
    return HINT


# The most characters each kind of key takes (WECHAT.md): a longer value is cut, since
# WeChat refuses it (47003) rather than cutting it.
_LIMITS = {"thing": 20, "number": 32, "letter": 32, "symbol": 5, "character_string": 32,
           "phrase": 5, "name": 10}  # fmt: skip


def fit(key: str, value: str) -> str:
    """`value` cut to what a key of its kind (`thing1` is a thing) takes; never empty."""
    kind = re.sub(r"\d+$", "", key)
    limit = _LIMITS.get(kind)
    if limit is not None and len(value) > limit:
        value = value[: limit - 1] + "…" if kind == "thing" else value[:limit]
    return value or "-"


def data_for(template: Template, at: datetime) -> dict[str, dict[str, str]]:
    return {
        key: {"value": fit(key, field_value(field, template.event, at))}
        for key, field in template.data.items()
    }

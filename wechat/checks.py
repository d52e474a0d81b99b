from __future__ import annotations

from django.conf import settings
from django.core import checks

from realtime import events
from wechat.templates import FIELDS


@checks.register()
def subscribe_templates_are_known(app_configs, **kwargs) -> list[checks.CheckMessage]:
    known = {event.name for event in events.registered()}
    problems = []
    for event, spec in settings.WECHAT_SUBSCRIBE_TEMPLATES.items():
        if event not in known:
            problems.append(f"no event {event!r}")
        problems += [
            f"{event}: no field {field!r}" for field in spec["data"].values() if field not in FIELDS
        ]
    return [
        checks.Error(f"WECHAT_SUBSCRIBE_TEMPLATES: {problem}", id="wechat.E001")
        for problem in problems
    ]

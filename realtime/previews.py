"""What a notification list shows of each notification without a request per item: a short
`preview` of the text it is about, where the viewer may still see it (never who sent an
anonymous one: a preview is a body, and a body is shown to whoever it was delivered to).

Decided when the notification is read, not stored with it: a confession retracted, hidden or
removed since, or a reply in a thread a block now hides, previews as null. The app that
declares an event type registers its provider here (core.registry), under the type:
`providers.register(provider, key=event_type)`. `provider(viewer_id, [data, ...])` returns
one preview (or None) per data, for a whole page in a few queries. A live push carries the
preview its sender passed to `notify`: the text being delivered, which the recipient may see
at that moment by definition.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

from core.registry import Registry

PREVIEW_CHARS = 60

Provider = Callable[[int, list[dict]], list[str | None]]
providers: Registry[Provider] = Registry("realtime.preview_providers")


def has_provider(event_type: str) -> bool:
    return event_type in providers


def snippet(text: str | None) -> str | None:
    """The first PREVIEW_CHARS characters, on one line."""
    if text is None:
        return None
    line = " ".join(text.split())
    return line if len(line) <= PREVIEW_CHARS else line[: PREVIEW_CHARS - 1] + "…"


def previews_of(viewer_id: int, notifications: Sequence) -> list[str | None]:
    """One preview (or None) per notification of `viewer_id`, in order."""
    by_type: dict[str, list[int]] = defaultdict(list)
    for index, notification in enumerate(notifications):
        if notification.type in providers:
            by_type[notification.type].append(index)
    found: list[str | None] = [None] * len(notifications)
    for event_type, indexes in by_type.items():
        datas = [notifications[index].data for index in indexes]
        provider = providers.get(event_type)
        if provider is None:  # never: by_type holds registered types only
            continue
        for index, preview in zip(indexes, provider(viewer_id, datas), strict=True):
            found[index] = snippet(preview)
    return found


def frames_of(viewer_id: int, notifications: Sequence) -> list[dict]:
    """Socket frames of `viewer_id`'s notifications, with their previews."""
    previews = previews_of(viewer_id, notifications)
    return [n.as_frame(preview) for n, preview in zip(notifications, previews, strict=True)]

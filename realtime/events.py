"""The registry of event types (DESIGN.md §2: the lower app owns the registry, the apps that
notify register in their `AppConfig.ready()`). Each app that notifies keeps one module that
declares its types here and builds their payloads (`messages_app/events.py`); `notify` refuses a
type nobody registered. A new type needs no migration: `Notification.type` is a string.

docs/api.md's event table is `events_table()`: a test holds the two together.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class EventType:
    name: str
    to: str  # who gets it, and when
    data: str  # the keys of its `data`, for docs/api.md


_registry: dict[str, EventType] = {}


def register(name: str, *, to: str, data: str) -> str:
    """Declare an event type; returns its name, for the declaring module to build with."""
    event = EventType(name=name, to=to, data=data)
    if _registry.get(name, event) != event:
        raise ValueError(f"event type {name!r} is registered twice, differently")
    _registry[name] = event
    return name


def person(user: User) -> dict[str, str]:
    """Who someone is in an event's data: no URLs (they would expire in a stored notification),
    and only where the declaring app's rules let the receiver see who."""
    return {"username": user.username, "display_name": user.display_name}


def is_registered(name: str) -> bool:
    return name in _registry


def registered() -> list[EventType]:
    return sorted(_registry.values(), key=lambda event: event.name)


def events_table() -> str:
    """docs/api.md's table of events, one row per registered type."""
    rows = ["| type | to whom, when | `data` |", "| --- | --- | --- |"]
    rows += [f"| `{e.name}` | {e.to} | {e.data} |" for e in registered()]
    return "\n".join(rows)

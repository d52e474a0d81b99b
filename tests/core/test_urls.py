"""The API's URLs are tried most-read first (confessions_backend.urls): safe only while no
path of one app can be taken by a pattern of another that comes before it."""

from __future__ import annotations

import re

from django.urls import URLPattern, URLResolver, get_resolver, resolve

SAMPLE = {"int": "7", "str": "someone", "slug": "town", "path": "a/b"}


def _patterns(resolvers, prefix: str = ""):
    for entry in resolvers:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and entry.name:
            yield route, entry


def test_every_path_resolves_to_its_own_view():
    seen = 0
    for route, pattern in _patterns(get_resolver().url_patterns):
        if route.startswith(("admin/", "^")) or "(?P" in route:
            continue  # the admin's own regex URLs are Django's
        path = "/" + re.sub(r"<(\w+):\w+>", lambda m: SAMPLE[m[1]], route)
        match = resolve(path)
        assert match.func is pattern.callback, (path, match.url_name, pattern.name)
        seen += 1
    assert seen > 40  # the whole API was walked

"""Middleware that guards every request before any view or the ORM sees it."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import middleware as auth_middleware
from django.contrib.messages import middleware as messages_middleware
from django.contrib.sessions import middleware as session_middleware
from django.http import HttpRequest, HttpResponse

from core.errors import error_response


class RefuseNulMiddleware:
    """A NUL character in the path or the query string is a 400, for every URL.

    PostgreSQL cannot store or compare text with NUL in it: `/users/ab%00cd` reached the
    database and failed there (psycopg.DataError, a 500). No name, token or parameter of
    ours can hold one, so it is refused before routing. (Bodies are checked by their
    serializers: DRF's CharField refuses NUL.)
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The query string is still percent-encoded here; the path is decoded.
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return error_response(400, message="The URL must not contain a NUL character.")
        return self.get_response(request)


# The versioned, token-authenticated API; errors.API_PREFIX ("/api/") also covers the docs.
VERSIONED_API_PREFIX = "/api/v1/"


def _browser_only(middleware: type) -> type:
    """`middleware`, passed by on the versioned API, whose requests carry a bearer token and
    never a session, a CSRF cookie or a flash message; everywhere else (the admin, the docs,
    the signed media URLs) it runs as Django's own.

    DRF's views authenticate by token, so on the API these only cost (about 6 % of an inbox
    request's CPU): a lazy session, a messages storage, a lazy user. Django's CSRF middleware
    stays whole, everywhere: `check --deploy` looks for it by name, and it costs little.
    The class stays a subclass of Django's, so the admin's checks for the session, the
    authentication and the messages middleware still find them."""

    def __call__(self, request: HttpRequest):
        if request.path_info.startswith(VERSIONED_API_PREFIX):
            return self.get_response(request)  # a coroutine in an async chain, as wanted
        return middleware.__call__(self, request)

    name = f"{middleware.__module__}.{middleware.__name__}"
    doc = f"{name}, not on {VERSIONED_API_PREFIX}."
    namespace = {"__call__": __call__, "__module__": __name__, "__doc__": doc}
    return type(middleware.__name__, (middleware,), namespace)


SessionMiddleware = _browser_only(session_middleware.SessionMiddleware)
AuthenticationMiddleware = _browser_only(auth_middleware.AuthenticationMiddleware)
MessageMiddleware = _browser_only(messages_middleware.MessageMiddleware)

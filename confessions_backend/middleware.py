"""Middleware that guards every request before any view or the ORM sees it."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from confessions_backend.errors import error_response


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

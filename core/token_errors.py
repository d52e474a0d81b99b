"""An authentication error of our own, apart from `errors` so that the authentication class
can raise it without importing the whole error envelope (which DRF's settings would import
back)."""

from __future__ import annotations

from rest_framework_simplejwt.exceptions import InvalidToken


class TokenExpired(InvalidToken):
    """A token we signed whose time is up: 401 `token_expired`, so a client knows to refresh
    (a missing or forged one is `not_authenticated`)."""

    default_code = "token_expired"

"""The one error envelope of the API (DESIGN.md §3), whatever raised the error.

    {"error": {"code": "<machine_code>", "message": "<human text>", "fields": {...}}}

`exception_handler` is DRF's EXCEPTION_HANDLER: it renders DRF's exceptions, Django's `Http404`,
`PermissionDenied` and `ValidationError`, our `ApplicationError`, an unreachable dependency
(database, Redis, S3: 503) and anything unexpected (500, logged, no traceback in the body).
`ApiErrorEnvelopeMiddleware` covers what never reaches a DRF view under `/api/`: unknown URLs,
errors in plain Django views, and Django's own 4xx/5xx pages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import botocore.exceptions
import redis.exceptions
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback
from rest_framework_simplejwt.exceptions import AuthenticationFailed as JWTAuthenticationFailed
from rest_framework_simplejwt.exceptions import InvalidToken

from core.token_errors import TokenExpired

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"


class ApplicationError(Exception):
    """An error a service raises on purpose, rendered as it is.

    `code` is the stable machine code clients switch on; `message` is for people; `fields`
    maps input fields to their problems (only for validation errors); `details` are more keys
    of the envelope's `error` a client may act on (a sanction's `reason` and `until`).
    """

    status_code = 400

    def __init__(
        self,
        code: str,
        message: str,
        *,
        fields: Mapping[str, Sequence[str]] | None = None,
        status: int | None = None,
        headers: Mapping[str, str] | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = dict(details or {})
        self.fields = {key: list(value) for key, value in fields.items()} if fields else None
        if status is not None:
            self.status_code = status
        self.headers = dict(headers or {})


_UNAVAILABLE = _("A service we depend on is unavailable; try again soon.")


class ServiceUnavailable(ApplicationError):
    """A dependency (database, Redis, S3, WeChat) did not answer; the client may retry."""

    status_code = 503

    def __init__(
        self,
        message: str = _UNAVAILABLE,
        *,
        code: str = "service_unavailable",
    ) -> None:
        super().__init__(code, message)


# Exceptions that mean "a dependency is away", not "our code is wrong".
DEPENDENCY_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    botocore.exceptions.EndpointConnectionError,
    botocore.exceptions.ConnectTimeoutError,
    botocore.exceptions.ReadTimeoutError,
    botocore.exceptions.ConnectionClosedError,
)

# Codes for statuses that reach the middleware without an exception to name them.
_STATUS_CODES = {
    400: ("bad_request", _("The request could not be understood.")),
    401: ("not_authenticated", _("Authentication credentials were not provided or are invalid.")),
    403: ("permission_denied", _("You do not have permission to perform this action.")),
    404: ("not_found", _("Not found.")),
    405: ("method_not_allowed", _("Method not allowed.")),
    406: ("not_acceptable", _("Could not satisfy the request's Accept header.")),
    413: ("payload_too_large", _("The request body is too large.")),
    415: ("unsupported_media_type", _("Unsupported media type in request.")),
    429: ("throttled", _("Request was throttled.")),
    500: ("internal_error", _("Internal server error.")),
    502: ("service_unavailable", _UNAVAILABLE),
    503: ("service_unavailable", _UNAVAILABLE),
    504: ("service_unavailable", _UNAVAILABLE),
}
_INVALID_INPUT = _("Invalid input.")


def envelope(code: str, message: str, fields: Mapping[str, Any] | None = None) -> dict[str, Any]:
    # str(): a message may be lazy (translated into the request's language only now).
    error: dict[str, Any] = {"code": code, "message": str(message)}
    if fields:
        error["fields"] = fields
    return {"error": error}


def _flatten(detail: Any) -> list[str]:
    if isinstance(detail, Mapping):
        return [text for value in detail.values() for text in _flatten(value)]
    if isinstance(detail, (list, tuple)):
        return [text for value in detail for text in _flatten(value)]
    return [str(detail)]


def _field_errors(detail: Any) -> dict[str, list[str]]:
    """DRF's ValidationError detail as `{field: [messages]}`, one level deep whatever nested.

    A nested object's field is named `parent.child`, a list item's `parent[index]`
    (`{"media[0]": ["A valid integer is required."]}`), so every value is a list of strings,
    as the `Error` schema says.
    """
    fields: dict[str, list[str]] = {}
    if isinstance(detail, Mapping):
        for key, value in detail.items():
            _collect_field_errors(fields, str(key), value)
    else:
        fields[api_settings.NON_FIELD_ERRORS_KEY] = _flatten(detail)
    return fields


def _collect_field_errors(fields: dict[str, list[str]], name: str, detail: Any) -> None:
    if isinstance(detail, Mapping):
        for key, value in detail.items():
            inner = f"{name}[{key}]" if isinstance(key, int) else f"{name}.{key}"
            _collect_field_errors(fields, inner, value)
    elif isinstance(detail, (list, tuple)) and any(
        isinstance(value, (Mapping, list, tuple)) for value in detail
    ):
        # A list of nested objects (`many=True`): an empty item is one without errors.
        for index, value in enumerate(detail):
            if value:
                _collect_field_errors(fields, f"{name}[{index}]", value)
    else:
        # Once each: two validators of one field may say the same thing.
        messages = fields.setdefault(name, [])
        messages.extend(m for m in dict.fromkeys(_flatten(detail)) if m not in messages)


def _django_validation_fields(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if key == "__all__" else key): value
            for key, value in exc.message_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: list(exc.messages)}


def _render(exc: BaseException) -> tuple[int, dict[str, Any], dict[str, str]]:
    """Status, body and headers for any exception."""
    if isinstance(exc, ApplicationError):
        body = envelope(exc.code, exc.message, exc.fields)
        body["error"].update(exc.details)
        return exc.status_code, body, exc.headers
    if isinstance(exc, DjangoValidationError):
        fields = _django_validation_fields(exc)
        return 400, envelope("validation_error", _INVALID_INPUT, fields), {}
    if isinstance(exc, RequestDataTooBig):
        return 413, envelope("payload_too_large", _STATUS_CODES[413][1]), {}
    if isinstance(exc, SuspiciousOperation):
        logger.warning("suspicious request: %s: %s", type(exc).__name__, exc)
        return 400, envelope("bad_request", _STATUS_CODES[400][1]), {}
    if isinstance(exc, Http404):
        return 404, envelope("not_found", _STATUS_CODES[404][1]), {}
    if isinstance(exc, DjangoPermissionDenied):
        return 403, envelope("permission_denied", _STATUS_CODES[403][1]), {}
    if isinstance(exc, DEPENDENCY_ERRORS):
        logger.warning("dependency unavailable: %s: %s", type(exc).__name__, exc)
        code, message = _STATUS_CODES[503]
        return 503, envelope(code, message), {}
    if isinstance(exc, drf.APIException):
        headers: dict[str, str] = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if isinstance(exc, drf.Throttled) and exc.wait is not None:
            headers["Retry-After"] = str(int(exc.wait))
        if isinstance(exc, drf.ValidationError):
            body = envelope("validation_error", _INVALID_INPUT, _field_errors(exc.detail))
            return exc.status_code, body, headers
        if isinstance(exc, TokenExpired):
            return (
                exc.status_code,
                envelope("token_expired", _("The access token has expired: refresh it.")),
                headers,
            )
        if isinstance(
            exc,
            (drf.NotAuthenticated, drf.AuthenticationFailed, InvalidToken, JWTAuthenticationFailed),
        ):
            code = "not_authenticated"
        elif isinstance(exc, drf.Throttled):
            code = "throttled"
        else:
            code = exc.default_code
        detail = exc.detail
        if isinstance(detail, Mapping) and "detail" in detail:
            # simplejwt's errors carry {"detail", "code"}: the code is the envelope's, not a
            # word of the message ("User not found or inactive user_inactive").
            detail = detail["detail"]
        message = " ".join(_flatten(detail)) if not isinstance(detail, str) else detail
        if isinstance(exc, InvalidToken):
            # simplejwt puts every token it tried into `detail`; one sentence is enough.
            message = _("Token is invalid or expired.")
        return exc.status_code, envelope(code, message), headers
    logger.error("unhandled exception", exc_info=(type(exc), exc, exc.__traceback__))
    code, message = _STATUS_CODES[500]
    return 500, envelope(code, message), {}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF's EXCEPTION_HANDLER: every exception a view raises becomes the envelope."""
    # Like DRF's own handler: an open atomic block must not commit half a request.
    set_rollback()
    status, body, headers = _render(exc)
    return Response(body, status=status, headers=headers)


def error_response(status: int, *, message: str | None = None) -> JsonResponse:
    code, default_message = _STATUS_CODES.get(
        status, ("internal_error" if status >= 500 else "bad_request", _("Request failed."))
    )
    return JsonResponse(envelope(code, message or default_message), status=status)


class ApiErrorEnvelopeMiddleware:
    """Under `/api/`, no error is ever an HTML page.

    DRF views already answer in the envelope. What else can fail under `/api/` (a URL that
    resolves to nothing, a plain Django view, Django's own 400/403/404/500 pages) is turned
    into the envelope here; exceptions are rendered by the same `_render` as DRF's.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            replacement = error_response(response.status_code)
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):
                if header in response:
                    replacement[header] = response[header]
            return replacement
        return response

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not request.path.startswith(API_PREFIX):
            return None
        status, body, headers = _render(exc)
        return JsonResponse(body, status=status, headers=headers)

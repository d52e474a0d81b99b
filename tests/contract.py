"""The suite as a witness of the error contract: every error envelope any test receives from
an API view in this process is recorded with the view and method that sent it, and the last
test of the run (tests/core/test_error_contract.py) fails if one is not listed in its
operation of the OpenAPI document.

The recorder is a middleware put in front of the error envelope's for the whole session. It
watches answers; it changes none. Servers the tests start in other processes (uvicorn,
gunicorn) are not watched: the schemathesis run holds those to the document.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.http import HttpRequest, HttpResponse

RECORDER = "tests.contract.ErrorRecorder"
LAST = "test_every_error_the_suite_received_is_listed"


@dataclass(frozen=True)
class Seen:
    view: type
    method: str
    status: int
    code: str


# What was seen, with the first test that saw it.
seen: dict[Seen, str] = {}
current_test = ""


class ErrorRecorder:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code >= 400 and not response.streaming:
            record(request, response)
        return response


def record(request: HttpRequest, response: HttpResponse) -> None:
    match = getattr(request, "resolver_match", None)
    view = getattr(getattr(match, "func", None), "cls", None)
    if view is None or not request.path.startswith("/api/"):
        return
    try:
        code = json.loads(response.content)["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return
    entry = Seen(view, request.method.lower(), response.status_code, code)
    seen.setdefault(entry, current_test)


@pytest.fixture(scope="session", autouse=True)
def _record_error_answers() -> None:
    middleware = list(settings.MIDDLEWARE)
    if RECORDER not in middleware:
        middleware.insert(middleware.index("core.errors.ApiErrorEnvelopeMiddleware"), RECORDER)
        settings.MIDDLEWARE = middleware


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    global current_test  # noqa: PLW0603 - one run, one test at a time
    current_test = item.nodeid


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The contract's check runs last, after every test has had its say."""
    last = [item for item in items if item.name == LAST]
    items[:] = [item for item in items if item.name != LAST] + last


def listed_errors() -> dict[tuple[type, str], set[tuple[int, str]]]:
    """Per (view class, method): the (status, code) pairs its OpenAPI operation lists."""
    from drf_spectacular.generators import SchemaGenerator

    generator = SchemaGenerator()
    schema = generator.get_schema(request=None, public=True)
    listed: dict[tuple[type, str], set[tuple[int, str]]] = {}
    for path, _, method, callback in generator.endpoints:
        operation = schema["paths"].get(path, {}).get(method.lower())
        if operation is None:
            continue
        pairs = listed.setdefault((callback.cls, method.lower()), set())
        for status, response in operation["responses"].items():
            if status.isdigit() and int(status) >= 400:
                for media in response.get("content", {}).values():
                    code = media["schema"]["properties"]["error"]["properties"]["code"]
                    pairs.update((int(status), value) for value in code["enum"])
    return listed


def unlisted(
    observed: dict[Seen, str], listed: dict[tuple[type, str], set[tuple[int, str]]]
) -> list[str]:
    """Each observed error answer its operation does not list, with the test that saw it.

    An answer of a view and method that is no operation (405 to a method the view lacks,
    the schema's own views) and a 500 (a bug, which the tests that provoke one assert
    themselves) are not the contract's."""
    problems = []
    for entry, test in sorted(observed.items(), key=lambda item: item[1]):
        operation = listed.get((entry.view, entry.method))
        if operation is None or entry.status >= 500 and entry.status != 503:
            continue
        if (entry.status, entry.code) not in operation:
            problems.append(
                f"{entry.method.upper()} {entry.view.__module__}.{entry.view.__qualname__}"
                f" answered {entry.status} `{entry.code}`, which its operation does not list"
                f" (first seen in {test})"
            )
    return problems

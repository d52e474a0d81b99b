"""The suite as a witness of the error contract: every error envelope any test receives from
an API view in this process is recorded with the view and method that sent it, and the last
test of the run (tests/core/test_error_contract.py) fails if one is not listed in its
operation of the OpenAPI document.

With API_EXAMPLES_OUT=<file> (bin/api-examples) it also keeps the first success of each
operation, its JSON request and answer, and writes them there at the end: the examples of the
OpenAPI document (docs/api-examples.json), real answers of the real code.

The recorder is a middleware put in front of the error envelope's for the whole session. It
watches answers; it changes none. Servers the tests start in other processes (uvicorn,
gunicorn) are not watched: the schemathesis run holds those to the document.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


EXAMPLES_OUT = os.environ.get("API_EXAMPLES_OUT", "")
JWT = re.compile(r"^eyJ[\w-]+\.[\w-]+\.[\w-]+$")
# The first success of each (view, method): (query, request body, status, answer).
examples: dict[tuple[type, str], tuple[dict, Any, int, Any]] = {}

# What was seen, with the first test that saw it.
seen: dict[Seen, str] = {}
current_test = ""


class ErrorRecorder:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        json_sent = request.content_type == "application/json"
        body = request.body if EXAMPLES_OUT and json_sent else b""
        response = self.get_response(request)
        if response.status_code >= 400 and not response.streaming:
            record(request, response)
        elif EXAMPLES_OUT and response.status_code < 300 and not response.streaming:
            keep_example(request, body, response)
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


def keep_example(request: HttpRequest, body: bytes, response: HttpResponse) -> None:
    match = getattr(request, "resolver_match", None)
    view = getattr(getattr(match, "func", None), "cls", None)
    key = (view, (request.method or "").lower())
    if view is None or key in examples or not request.path.startswith("/api/v1/"):
        return
    try:
        # An upload's request is a file: its example is the answer only.
        sent = json.loads(body) if body else None
        answer = json.loads(response.content) if response.content else None
    except ValueError:
        return
    query = {name: request.GET[name] for name in request.GET}
    examples[key] = (query, _scrubbed(sent), response.status_code, _scrubbed(answer))


def _scrubbed(value: Any) -> Any:
    """Tokens shortened to their look, lists to two items: an example, not a dump."""
    if isinstance(value, dict):
        return {key: _scrubbed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrubbed(item) for item in value[:2]]
    if isinstance(value, str) and JWT.match(value):
        return "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIn0.c2lnbmF0dXJl"
    if isinstance(value, str) and value.startswith("http://127.0.0.1:"):
        # The test's S3 (or server) on loopback, and its signature: a stand-in of each.
        value = re.sub(r"^http://127\.0\.0\.1:\d+", "https://media.example.com", value)
        return re.sub(r"(X-Amz-(?:Credential|Signature|Security-Token))=[^&]+", r"\1=...", value)
    return value


def pytest_sessionfinish(session: pytest.Session) -> None:
    if not EXAMPLES_OUT or not examples:
        return
    written = {}
    for view, method, operation in operations():
        found = examples.get((view, method))
        if found:
            query, sent, status, answer = found
            written[operation["operationId"]] = {
                "query": query, "request": sent, "status": status, "response": answer,
            }  # fmt: skip
    text = json.dumps(dict(sorted(written.items())), ensure_ascii=False, indent=1)
    Path(EXAMPLES_OUT).write_text(text + "\n", encoding="utf-8")


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


def operations() -> Iterator[tuple[type, str, dict]]:
    """Each operation of the OpenAPI document with the view class and method that serve it."""
    from drf_spectacular.generators import SchemaGenerator

    generator = SchemaGenerator()
    schema = generator.get_schema(request=None, public=True)
    for path, _, method, callback in generator.endpoints:
        operation = schema["paths"].get(path, {}).get(method.lower())
        if operation is not None:
            yield callback.cls, method.lower(), operation


def listed_errors() -> dict[tuple[type, str], set[tuple[int, str]]]:
    """Per (view class, method): the (status, code) pairs its OpenAPI operation lists."""
    listed: dict[tuple[type, str], set[tuple[int, str]]] = {}
    for view, method, operation in operations():
        pairs = listed.setdefault((view, method), set())
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

"""OpenAPI post-processing: each operation's errors, status by status, its summary and examples."""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

from core import contract

ERROR_COMPONENT: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "example": "validation_error"},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                    "description": (
                        "Only for validation errors: the problems of each field. A field inside"
                        " a list or an object is named by its place: `media[0]`, `parts[1].size`."
                    ),
                },
            },
        }
    },
}


STATUS_NAMES = {
    400: "Bad request",
    401: "Not signed in",
    403: "Forbidden",
    404: "Not found",
    406: "Not acceptable",
    409: "Conflict",
    410: "Gone",
    413: "Too large",
    415: "Unsupported media type",
    429: "Too many requests",
    503: "Unavailable",
}

RETRY_AFTER = {
    "description": "Seconds to wait before trying again.",
    "schema": {"type": "integer", "minimum": 0},
}


def add_error_envelope(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    """Each operation lists the statuses and error codes it can answer with (core.contract),
    with the error envelope's shape narrowed to those codes; its summary is the first sentence
    of its description; its examples are a real request and answer (`recorded_examples`)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_COMPONENT
    views = {
        (path, method.lower()): callback.cls
        for path, _, method, callback in generator.endpoints or ()
    }
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            view = views.get((path, method))
            if view is None:
                continue
            answers = contract.answers_of(
                view,
                method,
                path_parameters=any(p.get("in") == "path" for p in operation.get("parameters", ())),
                body="requestBody" in operation,
            )
            responses = operation.setdefault("responses", {})
            fields = _input_names(result, operation)
            for status, codes in sorted(answers.errors.items()):
                responses[str(status)] = _error_response(status, codes, fields)
            _summarise(operation)
            example = recorded_examples().get(operation.get("operationId", ""))
            if example:
                _exemplify(operation, example)
    return result


EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "api-examples.json"


@functools.cache
def recorded_examples() -> dict[str, Any]:
    """docs/api-examples.json: per operation id, the first success of it in a run of the test
    suite (bin/api-examples), as it was sent and answered."""
    try:
        return json.loads(EXAMPLES.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def _exemplify(operation: dict[str, Any], example: dict[str, Any]) -> None:
    for parameter in operation.get("parameters", ()):
        if parameter.get("in") == "query" and parameter["name"] in example["query"]:
            parameter["example"] = example["query"][parameter["name"]]
    media = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if media is not None and example["request"] is not None:
        media["example"] = example["request"]
    answer = operation["responses"].get(str(example["status"]), {})
    content = answer.get("content", {}).get("application/json")
    if content is not None and example["response"] is not None:
        content["example"] = example["response"]


def _error_response(status: int, codes: dict[str, str], fields: list[str]) -> dict[str, Any]:
    lines = [f"{STATUS_NAMES.get(status, 'Error')}, in the error envelope. Its `code`:"]
    for code, message in sorted(codes.items()):
        lines.append(f"- `{code}`: {message}" if message else f"- `{code}`")
    if "validation_error" in codes and fields:
        names = ", ".join(f"`{name}`" for name in fields)
        lines.append(f"\nA `validation_error`'s `fields` are among: {names}, `non_field_errors`.")
    error = copy.deepcopy(ERROR_COMPONENT)
    error["properties"]["error"]["properties"]["code"] = {
        "type": "string",
        "enum": sorted(codes),
    }
    response: dict[str, Any] = {
        "description": "\n".join(lines),
        "content": {"application/json": {"schema": error}},
    }
    if status == 429:
        response["headers"] = {"Retry-After": RETRY_AFTER}
    return response


def _input_names(result: dict[str, Any], operation: dict[str, Any]) -> list[str]:
    """The names a validation error's `fields` can carry: the body's and the query's."""
    names = [p["name"] for p in operation.get("parameters", ()) if p.get("in") == "query"]
    for media in operation.get("requestBody", {}).get("content", {}).values():
        schema = media.get("schema", {})
        ref = schema.get("$ref", "")
        if ref.startswith("#/components/schemas/"):
            schema = result["components"]["schemas"].get(ref.rpartition("/")[2], {})
        names.extend(name for name in schema.get("properties", {}) if name not in names)
    return names


def _summarise(operation: dict[str, Any]) -> None:
    description = (operation.get("description") or "").strip()
    if description and not operation.get("summary"):
        first = description.split("\n\n")[0].replace("\n", " ")
        end = first.find(". ")
        operation["summary"] = (first[: end + 1] if end != -1 else first).rstrip(":")

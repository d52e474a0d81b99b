"""OpenAPI post-processing: every operation documents the one error envelope."""

from __future__ import annotations

from typing import Any

ERROR_COMPONENT = {
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


def add_error_envelope(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_COMPONENT
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            operation.setdefault("responses", {}).setdefault(
                "default",
                {
                    "description": "Any error, in the error envelope (see docs/api.md).",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                },
            )
    return result

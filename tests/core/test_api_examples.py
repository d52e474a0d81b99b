"""Every operation of the OpenAPI document carries a real example (docs/api-examples.json,
recorded by bin/api-examples from a run of the suite), and each example still fits its
operation's schemas: a change to what an operation takes or answers that leaves its example
behind fails here (run bin/api-examples and commit the file)."""

from __future__ import annotations

import copy

import jsonschema
import pytest
import yaml
from django.test import Client

from core.schema import recorded_examples

pytestmark = [pytest.mark.django_db]

# The one door whose answer is no JSON (a PNG): its schema describes it.
UNRECORDED = {"confessions_share_code"}


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        return yaml.safe_load(Client().get("/api/schema").content)


def operations(schema: dict):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def json_schema(schema: dict, node: dict) -> dict:
    """An OpenAPI 3.0 schema as JSON Schema: references inlined, `nullable` as a null type."""
    if "$ref" in node:
        return json_schema(schema, schema["components"]["schemas"][node["$ref"].rpartition("/")[2]])
    node = copy.copy(node)
    for key in ("properties", "patternProperties"):
        if key in node:
            node[key] = {name: json_schema(schema, value) for name, value in node[key].items()}
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), dict):
            node[key] = json_schema(schema, node[key])
    for key in ("allOf", "anyOf", "oneOf"):
        if key in node:
            node[key] = [json_schema(schema, value) for value in node[key]]
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


def test_every_operation_has_a_recorded_example(schema):
    recorded = recorded_examples()
    missing = [
        name
        for name, operation in operations(schema)
        if operation["operationId"] not in recorded and operation["operationId"] not in UNRECORDED
    ]
    assert not missing, f"no example (bin/api-examples): {missing}"


def test_each_example_fits_its_operation(schema):
    checked = 0
    for name, operation in operations(schema):
        example = recorded_examples().get(operation["operationId"])
        if example is None:
            continue
        answer = operation["responses"][str(example["status"])]
        content = answer.get("content", {}).get("application/json")
        if content is not None and example["response"] is not None:
            assert content["example"] == example["response"], name
            jsonschema.validate(example["response"], json_schema(schema, content["schema"]))
            checked += 1
        body = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if body is not None and example["request"] is not None:
            assert body["example"] == example["request"], name
            jsonschema.validate(example["request"], json_schema(schema, body["schema"]))
            checked += 1
    assert checked >= 50

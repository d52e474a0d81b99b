"""The one way up (core.registry): every lower package hears from a higher one through a
`Registry`, filled in `AppConfig.ready()` with `register`, and each is listed in
docs/architecture.md."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from core.registry import Registry

ROOT = Path(settings.BASE_DIR)
APPS = ("accounts", "authoring", "background", "core", "media_app", "messages_app",
        "moderation", "realtime", "walls", "webclient", "wechat")  # fmt: skip


@pytest.fixture
def registry():
    made: list[str] = []

    def make(**options) -> Registry:
        name = f"test.{len(made)}"
        made.append(name)
        return Registry(name, **options)

    yield make
    for name in made:
        Registry.every.pop(name)


def test_a_list_keeps_each_listener_once_and_calls_them_in_order(registry):
    heard = []
    listeners = registry()
    first, second = (lambda **kw: heard.append(("first", kw))), (lambda **kw: heard.append(kw))
    listeners.register(first)
    listeners.register(second)
    listeners.register(first)
    listeners.call(user_id=1)
    assert heard == [("first", {"user_id": 1}), {"user_id": 1}]


def test_a_key_is_taken_once_and_an_equal_entry_again_is_no_change(registry):
    keyed = registry(key=len)
    assert keyed.register("ab") == "ab"
    keyed.register("ab")
    with pytest.raises(ImproperlyConfigured, match="registered twice"):
        keyed.register("cd")
    keyed.register("x", key="named")
    assert keyed.items() == {2: "ab", "named": "x"}
    assert keyed.get(2) == "ab"
    assert "named" in keyed
    assert keyed.get(3) is None


def test_a_single_registry_holds_one(registry):
    single = registry(single=True)
    assert single.one() is None
    single.register(str.upper)
    single.register(str.upper)
    with pytest.raises(ImproperlyConfigured, match="registered twice"):
        single.register(str.lower)
    assert single.one() is str.upper


def test_two_registries_of_one_name_are_refused(registry):
    made = registry()
    with pytest.raises(ImproperlyConfigured, match="two registries"):
        Registry(made.name)


def test_every_registry_is_filled_once_the_apps_are_ready():
    empty = [name for name, found in Registry.every.items() if not found.items()]
    assert empty == []


def test_every_registry_is_documented_and_every_documented_one_exists():
    architecture = (ROOT / "docs" / "architecture.md").read_text()
    section = architecture.split("## The registries", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \|", section, re.MULTILINE))
    assert documented == set(Registry.every)


def test_no_app_keeps_another_way_up():
    """No signal of our own, no hand-made `register` or `on_...` hook: a registry or nothing."""
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts or path == ROOT / "core" / "registry.py":
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.FunctionDef) and (
                    node.name == "register" or node.name.startswith("on_")
                ):
                    found.append(f"{path.relative_to(ROOT)}: def {node.name}")
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Signal":
                    found.append(f"{path.relative_to(ROOT)}: Signal()")
    assert found == []

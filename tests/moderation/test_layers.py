"""Who may import whom (DESIGN.md §2): a lower app never imports a higher one; it owns a
registry the higher one fills in its `AppConfig.ready()`. In particular the confessions never
import the walls, and moderation knows no feature."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Lower first; apps on one level do not import each other.
LEVELS = [
    {"background"},
    {"accounts"},
    {"media_app", "realtime"},
    {"wechat", "moderation"},
    {"messages_app"},
    {"walls"},
    {"webclient"},
]
LEVEL = {app: index for index, apps in enumerate(LEVELS) for app in apps}


def imported_apps(app: str) -> dict[str, set[str]]:
    """The other apps each module of `app` imports (anywhere in it, functions included)."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in LEVEL and top != app:
                    found.setdefault(str(path.relative_to(ROOT)), set()).add(top)
    return found


@pytest.mark.parametrize("app", sorted(LEVEL))
def test_an_app_imports_only_apps_below_it(app):
    wrong = {
        module: sorted(other for other in others if LEVEL[other] >= LEVEL[app])
        for module, others in imported_apps(app).items()
    }
    assert {module: others for module, others in wrong.items() if others} == {}


def test_the_check_sees_imports():
    # Guards the guard: the walls do import the confessions' text rules and moderation.
    everything = set().union(*imported_apps("walls").values())
    assert {"messages_app", "moderation", "accounts"} <= everything

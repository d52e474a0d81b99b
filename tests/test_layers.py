"""Who may import whom (docs/architecture.md): every package of the project has a level, and a
module imports only packages below its own. A lower app never reaches up: it owns a registry
(`core.registry`) that a higher one fills in its `AppConfig.ready()`. In particular the
confessions and the walls stand side by side, and moderation knows no feature."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Lower first; packages on one level do not import each other. `wechat.client` (the HTTP
# client of WeChat's server API) is a unit of its own: login needs it, far below the `wechat`
# app's subscribe messages and push, and it imports nothing of the project but `core`.
LEVELS = [
    {"core"},
    {"background", "wechat.client"},
    {"accounts"},
    {"media_app", "realtime"},
    {"wechat", "moderation", "authoring"},
    {"messages_app", "walls"},
    {"webclient", "ops", "exports"},
    {"confessions_backend"},
]
LEVEL = {unit: index for index, units in enumerate(LEVELS) for unit in units}
NOT_SHIPPED = {"tests", "bench", "deploy", "docs", "locale", "bin"}


def unit_of(dotted: str) -> str | None:
    """The unit a module belongs to: the longest listed prefix of its dotted name."""
    parts = dotted.split(".")
    for length in range(len(parts), 0, -1):
        if ".".join(parts[:length]) in LEVEL:
            return ".".join(parts[:length])
    return None


def module_of(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def imports(path: Path) -> set[str]:
    """The project's units a module imports (anywhere in it, functions included)."""
    found = set()
    module = module_of(path)
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # `from wechat import client` imports the unit `wechat.client`, not `wechat`.
            names = [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
            base = ".".join(package[: len(package) - node.level + 1])
            origin = ".".join(filter(None, [base, node.module]))
            names = [f"{origin}.{alias.name}" for alias in node.names]
        else:
            continue
        found |= {unit for unit in map(unit_of, names) if unit}
    return found


def imported_units(unit: str) -> dict[str, set[str]]:
    """The other units each module of `unit` imports, migrations aside."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / unit.replace(".", "/")).parent.rglob("*.py")):
        if "migrations" in path.parts or unit_of(module_of(path)) != unit:
            continue
        others = imports(path) - {unit}
        if others:
            found[str(path.relative_to(ROOT))] = others
    return found


def test_every_package_has_a_level():
    packages = {
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in NOT_SHIPPED
    }
    assert packages - set(LEVEL) == set()
    assert {unit.split(".")[0] for unit in LEVEL} <= packages


@pytest.mark.parametrize("unit", sorted(LEVEL))
def test_a_unit_imports_only_units_below_it(unit):
    wrong = {
        module: sorted(other for other in others if LEVEL[other] >= LEVEL[unit])
        for module, others in imported_units(unit).items()
    }
    assert {module: others for module, others in wrong.items() if others} == {}


def test_the_check_sees_imports():
    # Guards the guard: the project wires everything; the wechat app uses its client; both
    # features stand on the authors' rules.
    everything = set().union(*imported_units("confessions_backend").values())
    assert {"core", "background", "realtime", "media_app", "wechat"} <= everything
    assert "wechat.client" in set().union(*imported_units("wechat").values())
    assert "wechat" not in set().union(*imported_units("wechat.client").values())
    for feature in ("messages_app", "walls"):
        assert "authoring" in set().union(*imported_units(feature).values())


def test_no_module_imports_another_modules_private_names():
    """What is shared is named as shared: no `from x import _y` in the project's code."""
    found = []
    for unit in LEVEL:
        for path in sorted((ROOT / unit.replace(".", "/")).parent.rglob("*.py")):
            if "migrations" in path.parts or unit_of(module_of(path)) != unit:
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.ImportFrom) and node.module != "__future__":
                    private = [a.name for a in node.names if a.name.startswith("_")]
                    if private:
                        found.append(f"{path.relative_to(ROOT)}: {node.module} {private}")
    assert found == []

"""mypy's baseline (mypy-baseline.txt, checked by `make lint`) holds only what came before the
checker, outside the strict modules: services, selectors and the API are clean, always."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

BASELINE = Path(settings.BASE_DIR) / "mypy-baseline.txt"
STRICT = re.compile(r"^[\w/]+/(services(/\w+)?\.py|selectors\.py|api/\w+\.py):")


def test_the_strict_modules_have_nothing_in_the_baseline():
    lines = BASELINE.read_text().splitlines()
    assert lines, "the baseline file is read from where make lint writes it"
    assert [line for line in lines if STRICT.match(line)] == []


def test_the_pattern_sees_a_strict_module():
    assert STRICT.match("walls/services.py:0: error: x")
    assert STRICT.match("messages_app/services/sending.py:0: error: x")
    assert STRICT.match("accounts/api/views.py:0: error: x")
    assert not STRICT.match("core/errors.py:0: error: x")

"""The marks tests/conftest.py adds by name still name real tests.

A renamed test would silently lose its ``slow`` mark (and slow the fast loop
down) or its ``live`` mark; this keeps the tables honest.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import LIVE_TESTS, SLOW_TESTS

TESTS = Path(__file__).resolve().parent


def _test_names(file: str) -> set[str]:
    tree = ast.parse((TESTS / file).read_bytes(), file)
    return {n.name for n in ast.walk(tree)
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name.startswith("test")}


@pytest.mark.parametrize("table", [SLOW_TESTS, LIVE_TESTS], ids=["slow", "live"])
def test_every_name_marked_by_conftest_is_a_test(table: dict[str, set[str]]) -> None:
    for file, names in table.items():
        assert (TESTS / file).exists(), f"conftest marks tests in a missing file {file}"
        missing = names - {"*"} - _test_names(file)
        assert not missing, f"conftest marks tests that {file} no longer has: {sorted(missing)}"


def test_live_tests_are_also_slow() -> None:
    for file, names in LIVE_TESTS.items():
        assert names <= SLOW_TESTS.get(file, set()), file

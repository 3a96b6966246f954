"""Deeply nested YAML is one marked error in every reader, never a RecursionError."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from coach.config import read_yaml
from coach.errors import RoutineError, UsageError
from coach.routines.yamlsrc import compose
from coach.yamlnest import MAX_NESTING, NestingError, check_nesting

FLOW_600 = "segments: " + "[" * 600 + "]" * 600 + "\n"
BLOCK_600 = "".join("  " * i + f"k{i}:\n" for i in range(600))


@pytest.mark.parametrize("text", [FLOW_600, BLOCK_600])
def test_plain_pyyaml_recurses_on_these_files(text: str) -> None:
    # the reason for the check: without it PyYAML itself overflows the stack
    with pytest.raises(RecursionError):
        yaml.safe_load(text)


def test_nesting_at_the_limit_is_read_and_one_deeper_is_refused_where_it_starts() -> None:
    at_limit = "[" * MAX_NESTING + "]" * MAX_NESTING
    check_nesting(at_limit)
    assert yaml.safe_load(at_limit) is not None
    with pytest.raises(NestingError) as err:
        check_nesting("[" * (MAX_NESTING + 1) + "]" * (MAX_NESTING + 1))
    mark = err.value.problem_mark
    assert mark is not None and (mark.line, mark.column) == (0, MAX_NESTING)  # the first bracket too deep


@pytest.mark.parametrize("text", [FLOW_600, BLOCK_600])
def test_a_routine_file_gives_file_line_col(text: str) -> None:
    with pytest.raises(RoutineError) as err:
        compose(text.encode(), "deep.yaml")
    assert "nested more than 64 levels deep" in str(err.value)
    assert str(err.value).startswith("deep.yaml:")


@pytest.mark.parametrize("text", [FLOW_600, BLOCK_600])
def test_a_programme_or_schedule_file_gives_one_line(tmp_path: Path, text: str) -> None:
    path = tmp_path / "programme.yaml"
    path.write_text(text)
    with pytest.raises(UsageError) as err:
        read_yaml(path, "programme")
    message = str(err.value)
    assert message.startswith(f"{path}:") and "\n" not in message
    assert "nested more than 64 levels deep" in message


def test_check_and_compile_refuse_a_deep_user_file_with_exit_2(run, tmp_path: Path) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("id: deep\ntitle: Deep\n" + FLOW_600)
    for command in ("check", "compile"):
        result = run(command, str(deep), code=2)
        assert f"{deep}:3:" in result.output and "nested more than" in result.output
        assert "Traceback" not in result.output

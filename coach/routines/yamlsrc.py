"""Safe YAML with positions: bytes -> composed nodes -> checked plain values.

PyYAML's composer gives every node a start mark (line and column), which is
what lets a routine error point at the offending node. Nothing is ever
constructed from a tag: only the core scalar types, sequences and mappings are
accepted, so ``!!python/object`` and friends are refused with a position.
Aliases are allowed but the number of nodes visited is capped, which defuses
"billion laughs" alias bombs.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

import yaml

from coach.errors import Problem, RoutineError, bad_character, shorten
from coach.routines.durations import parse_duration, unit_hint
from coach.routines.spoken import speech_problem
from coach.yamlnest import check_nesting, yaml_number

MAX_FILE_BYTES = 1_000_000
MAX_NODES = 20_000
MAX_DEPTH = 40

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null")}


def compose(data: bytes, source: str) -> yaml.Node:
    """Parse ``data`` into a YAML node tree, refusing unsafe or broken input."""
    if len(data) > MAX_FILE_BYTES:
        raise RoutineError.at(source, 1, 1, f"file is too large ({len(data):,} bytes; "
                              f"the limit is {MAX_FILE_BYTES:,})")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        col = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        raise RoutineError.at(source, line, col, "file is not UTF-8 text "
                              f"(byte 0x{data[err.start]:02x})") from None
    text = text.removeprefix("\ufeff")
    try:
        check_nesting(text)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise RoutineError.at(source, line, col, yaml_message(err)) from None
    except yaml.YAMLError as err:  # pragma: no cover - every PyYAML error is marked
        raise RoutineError.at(source, 1, 1, f"invalid YAML: {err}") from None
    if node is None:
        raise RoutineError.at(source, 1, 1, "file is empty")
    _check_tree(node, source)
    return node


def yaml_message(err: yaml.MarkedYAMLError) -> str:
    """One plain line for a PyYAML parse error."""
    problem = " ".join(str(err.problem or "").split())
    if "block end" in problem or "mapping values are not allowed" in problem:
        return ("invalid YAML: bad indentation or a missing ':' (lines in one list or "
                f"mapping must line up; {problem})")
    if "found character '\\t'" in problem:
        return "invalid YAML: tabs cannot indent YAML; use spaces"
    context = " ".join(str(err.context or "").split())
    return "invalid YAML: " + "; ".join(p for p in (context, problem) if p)


def _check_tree(root: yaml.Node, source: str) -> None:
    count = 0
    stack: list[tuple[yaml.Node, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise RoutineError.at(source, *position(root), f"too many YAML nodes (over "
                                  f"{MAX_NODES:,}); are aliases expanding out of control?")
        if depth > MAX_DEPTH:
            raise RoutineError.at(source, *position(node), "YAML is nested too deeply")
        if isinstance(node, yaml.ScalarNode):
            if node.tag not in _SCALAR_TAGS:
                raise RoutineError.at(source, *position(node), f"YAML tag {node.tag!r} "
                                      "is not allowed in a routine")
        elif isinstance(node, yaml.SequenceNode):
            _check_collection_tag(node, _TAG + "seq", source)
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            _check_collection_tag(node, _TAG + "map", source)
            for key, value in node.value:
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))


def _check_collection_tag(node: yaml.Node, expected: str, source: str) -> None:
    if node.tag != expected:
        raise RoutineError.at(source, *position(node), f"YAML tag {node.tag!r} is not "
                              "allowed in a routine")


def position(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def suggest(name: str, choices: Any) -> str:
    """`` (did you mean 'x'?)`` or an empty string."""
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


class Reader:
    """Reads typed values out of nodes, collecting every problem it meets.

    Methods return ``None`` (and record a problem) when a value is wrong, so a
    validator can carry on and report all errors in one run.
    """

    def __init__(self, source: str, language: str = "en"):
        self.source = source
        self.language = language  # whose voice says the spoken texts
        self.problems: list[Problem] = []

    def error(self, node: yaml.Node, message: str) -> None:
        line, col = position(node)
        self.problems.append(Problem(self.source, line, col, message))

    def raise_if_any(self) -> None:
        if self.problems:
            problems = sorted(set(self.problems), key=lambda p: (p.line, p.col, p.message))
            raise RoutineError(problems)

    # -- structure ---------------------------------------------------------
    def mapping(self, node: yaml.Node, what: str, allowed: dict[str, bool]
                ) -> dict[str, yaml.Node] | None:
        """Keys of a mapping node. ``allowed`` maps key -> required."""
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} must be a mapping of keys to values, got {kind_of(node)}")
            return None
        out: dict[str, yaml.Node] = {}
        for key_node, value in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str) or key_node.tag != _TAG + "str":
                self.error(key_node, f"{what}: keys must be words, got {kind_of(key_node)}")
            elif key in out:
                self.error(key_node, f"{what}: {key!r} is given twice")
            elif key not in allowed:
                self.error(key_node, f"{what}: unknown key {key!r}{suggest(key, allowed)}")
            else:
                out[key] = value
        for key, required in allowed.items():
            if required and key not in out:
                self.error(node, f"{what}: missing required key {key!r}")
        return out

    def items(self, node: yaml.Node, what: str) -> Iterator[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, f"{what} must be a list, got {kind_of(node)}")
            return
        if not node.value:
            self.error(node, f"{what} must not be empty")
        yield from node.value

    def pairs(self, node: yaml.Node, what: str) -> Iterator[tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} must be a mapping, got {kind_of(node)}")
            return
        yield from node.value

    # -- scalars -----------------------------------------------------------
    def text(self, node: yaml.Node, what: str, max_len: int = 500, spoken: bool = False
             ) -> str | None:
        """The text of a scalar, whitespace collapsed; refused when it holds characters
        that cannot be printed (:func:`bad_character`) or, when ``spoken``, words the
        voice cannot say (:func:`speech_problem`)."""
        if not isinstance(node, yaml.ScalarNode) or node.tag != _TAG + "str":
            self.error(node, f"{what} must be text, got {kind_of(node)}")
            return None
        problem = bad_character(str(node.value), allow="\t\n\r")
        if problem is not None:
            self.error(node, f"{what} {problem}")
            return None
        value = " ".join(str(node.value).split())
        if not value:
            self.error(node, f"{what} must not be empty")
            return None
        if len(value) > max_len:
            self.error(node, f"{what} is too long ({len(value)} characters; at most {max_len})")
            return None
        problem = speech_problem(value, self.language) if spoken else None
        if problem is not None:
            self.error(node, f"{what} {problem}")
            return None
        return value

    def texts(self, node: yaml.Node, what: str) -> tuple[str, ...] | None:
        """One spoken text or a list of them."""
        if isinstance(node, yaml.ScalarNode):
            one = self.text(node, what, spoken=True)
            return None if one is None else (one,)
        values = [self.text(item, what, spoken=True) for item in self.items(node, what)]
        if any(v is None for v in values) or not values:
            return None
        return tuple(v for v in values if v is not None)

    def number(self, node: yaml.Node, what: str, low: float, high: float,
               integer: bool = False) -> float | None:
        ok_tags = {_TAG + "int"} if integer else {_TAG + "int", _TAG + "float"}
        if not isinstance(node, yaml.ScalarNode) or node.tag not in ok_tags:
            kind = "a whole number" if integer else "a number"
            self.error(node, f"{what} must be {kind}, got {kind_of(node)}")
            return None
        try:
            value = float(yaml_number(node))
        except ValueError as err:
            self.error(node, f"{what} {err}" if "digits" in str(err) or "finite" in str(err)
                       else f"{what} must be a number, got {shorten(node.value)}")
            return None
        if not low <= value <= high:
            self.error(node, f"{what} must be between {low:g} and {high:g}, got {node.value}")
            return None
        return value

    def duration(self, node: yaml.Node, what: str, low_s: float = 0.0,
                 high_s: float = 4 * 3600) -> float | None:
        if not isinstance(node, yaml.ScalarNode) or node.tag != _TAG + "str":
            bare = isinstance(node, yaml.ScalarNode) and node.tag in (_TAG + "int", _TAG + "float")
            self.error(node, f"{what} needs a unit: {shorten(node.value)} alone could be seconds "
                       f"or minutes; {unit_hint(node.value)}" if bare else
                       f"{what} expected a duration like 90s, 5m or 1m30s, got {kind_of(node)}")
            return None
        try:
            seconds = parse_duration(node.value)
        except ValueError as err:
            self.error(node, f"{what} {err}")
            return None
        if not low_s <= seconds <= high_s:
            self.error(node, f"{what} must be between {_fmt(low_s)} and {_fmt(high_s)}, "
                       f"got {shorten(node.value)}")
            return None
        return seconds

    def choice(self, node: yaml.Node, what: str, choices: Any) -> str | None:
        value = self.text(node, what)
        if value is None:
            return None
        if value not in choices:
            self.error(node, f"{what} must be one of {', '.join(choices)}, got {value!r}"
                       f"{suggest(value, choices)}")
            return None
        return value


def _fmt(seconds: float) -> str:
    from coach.routines.durations import format_duration

    return format_duration(seconds)


def kind_of(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    tag = node.tag.removeprefix(_TAG)
    names = {"str": "text", "int": "a number", "float": "a number", "bool": "true/false",
             "null": "nothing"}
    value = node.value if tag != "null" else ""
    return f"{names.get(tag, tag)} {shorten(value)}" if value != "" else names.get(tag, tag)

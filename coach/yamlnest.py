"""YAML (and JSON) bounded before the parser builds anything: nesting, and numbers.

PyYAML's composer and constructor recurse once per level of nesting, so a small
file of a few hundred nested ``[`` or indented keys raises ``RecursionError``
(a traceback, in every command that reads the file). :func:`check_nesting` walks
the token stream instead, which PyYAML scans without recursion, and stops at the
first collection deeper than the limit with a marked error that the readers
already turn into ``FILE:LINE:COL: message``.

Numbers are bounded the same way for every reader: :func:`yaml_number` turns an
``int`` or ``float`` scalar into a finite value of at most
:data:`MAX_NUMBER_CHARS` characters, or says why not. PyYAML itself builds ints
of any size (``float()`` of a 400-digit one raises ``OverflowError``) and
``.inf``/``.nan``; :class:`BoundedLoader` is ``SafeLoader`` with these numbers,
for the coach's own files (programme, schedules).
"""

from __future__ import annotations

import math
import re

import yaml

#: Far deeper than any routine, programme or schedule needs; far below Python's stack.
MAX_NESTING = 64

_OPEN = (yaml.BlockMappingStartToken, yaml.BlockSequenceStartToken,
         yaml.FlowMappingStartToken, yaml.FlowSequenceStartToken)
_CLOSE = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)


class NestingError(yaml.MarkedYAMLError):
    """A collection nested deeper than :data:`MAX_NESTING`."""


def check_nesting(text: str, limit: int = MAX_NESTING) -> None:
    """Raise :class:`NestingError` (or PyYAML's own scanner error) for ``text``
    nested more than ``limit`` collections deep."""
    depth = 0
    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        if isinstance(token, _OPEN):
            depth += 1
            if depth > limit:
                raise NestingError(problem=f"nested more than {limit} levels deep "
                                   "(lists or mappings inside each other)",
                                   problem_mark=token.start_mark)
        elif isinstance(token, _CLOSE):
            depth -= 1


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def json_loads(text: str | bytes, limit: int = MAX_NESTING) -> object:
    """``json.loads`` of ``text``, refused with :class:`ValueError` when its arrays and
    objects nest more than ``limit`` deep: the json module recurses once per level, and
    a ``RecursionError`` caught in the process leaves CPython 3.11's own parsers (``ast``)
    unusable afterwards, so the depth is counted before it parses."""
    import json

    raw = text.decode("utf-8") if isinstance(text, bytes) else text
    depth = 0
    for bracket in _JSON_BRACKET.findall(_JSON_STRING.sub("", raw)):
        depth += 1 if bracket in "[{" else -1
        if depth > limit:
            raise ValueError(f"nested more than {limit} levels deep")
    return json.loads(raw)


#: No number in a routine, programme or schedule needs more characters than this.
MAX_NUMBER_CHARS = 20

_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"


def yaml_number(node: yaml.ScalarNode) -> int | float:
    """The value of an ``int`` or ``float`` scalar node: finite and short, else
    ValueError with a reason a walker can act on (the caller adds the place)."""
    text = str(node.value).strip()
    if len(text) > MAX_NUMBER_CHARS:
        raise ValueError(f"has too many digits ({len(text):,} characters; at most "
                         f"{MAX_NUMBER_CHARS})")
    constructor = yaml.constructor.SafeConstructor()
    value: int | float
    if node.tag == _INT:
        value = constructor.construct_yaml_int(node)
    else:
        value = constructor.construct_yaml_float(node)
    if not math.isfinite(value):
        raise ValueError(f"must be a finite number, got {text}")
    return value


class BoundedLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` whose ints and floats go through :func:`yaml_number`
    (a too long or infinite number is a marked error, not a value)."""

    def construct_bounded_number(self, node: yaml.Node) -> int | float:
        assert isinstance(node, yaml.ScalarNode)
        try:
            return yaml_number(node)
        except ValueError as err:
            raise yaml.constructor.ConstructorError(
                None, None, f"the number {err}", node.start_mark) from None


BoundedLoader.add_constructor(_INT, BoundedLoader.construct_bounded_number)
BoundedLoader.add_constructor(_FLOAT, BoundedLoader.construct_bounded_number)

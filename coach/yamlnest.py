"""YAML nesting bounded before PyYAML builds anything.

PyYAML's composer and constructor recurse once per level of nesting, so a small
file of a few hundred nested ``[`` or indented keys raises ``RecursionError``
(a traceback, in every command that reads the file). :func:`check_nesting` walks
the token stream instead, which PyYAML scans without recursion, and stops at the
first collection deeper than the limit with a marked error that the readers
already turn into ``FILE:LINE:COL: message``.
"""

from __future__ import annotations

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

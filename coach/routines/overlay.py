"""A technique's or routine's text in another language: the text overlay (pure).

A technique or routine file is written in one language (its ``language:``,
English by default). Its words in other languages come as *overlays*: the same
text keys as the file, with the text translated and nothing else. A user puts
them in the file itself::

    text:
      de:
        name: Mein Abendgang
        intro: ["Wir gehen los: locker und aufrecht."]

and the built-in files have theirs in ``coach/data/text/LANG/techniques/ID.yaml``
(and ``.../routines/ID.yaml``), whose whole content is one overlay. Pools of
lines (``form``, ``encouragement``, ...) may have more or fewer lines than the
original; lists of parts (``stretches``, ``segments``, ``reminders``) go part
for part. :func:`parse_overlay` validates one (``FILE:LINE:COL`` errors);
:mod:`coach.routines.texts` lays it over the model.
"""

from __future__ import annotations

import string
from collections.abc import Collection
from dataclasses import dataclass

import yaml

from coach.routines.yamlsrc import Reader, position, suggest

#: Text keys of each kind of part: key -> "one" (one line of text), "many" (a line or a
#: pool of lines) or the kind of the parts in its list.
SHAPES: dict[str, dict[str, str]] = {
    "technique": {"name": "one", "description": "one", "intro": "many", "safety": "many",
                  "form": "many", "encouragement": "many", "closing": "many",
                  "openers": "many", "stretches": "stretch"},
    "stretch": {"name": "one", "say": "many", "left": "one", "right": "one"},
    "routine": {"title": "one", "description": "one", "reminders": "reminder",
                "segments": "segment"},
    "reminder": {"say": "many"},
    "segment": {"title": "one", "intro": "many", "form": "many", "say": "many",
                "safety": "many", "reminders": "reminder", "segments": "segment"},
}
_LENGTHS = {"name": 80, "title": 120, "description": 1000}


@dataclass(frozen=True)
class TextOverlay:
    """One part's text in one language: its lines by key, and its parts' overlays."""

    kind: str  # a key of SHAPES
    source: str
    line: int
    col: int
    texts: tuple[tuple[str, tuple[str, ...]], ...] = ()
    parts: tuple[tuple[str, tuple[TextOverlay, ...]], ...] = ()

    def has(self, key: str) -> bool:
        return any(k == key for k, _ in self.texts) or any(k == key for k, _ in self.parts)

    def lines(self, key: str) -> tuple[str, ...] | None:
        return next((v for k, v in self.texts if k == key), None)

    def one(self, key: str) -> str | None:
        found = self.lines(key)
        return None if found is None else found[0]

    def children(self, key: str) -> tuple[TextOverlay, ...] | None:
        return next((v for k, v in self.parts if k == key), None)

    def keys(self) -> list[str]:
        return [k for k, _ in self.texts] + [k for k, _ in self.parts]


def parse_overlay(r: Reader, node: yaml.Node, kind: str, placeholders: Collection[str]
                  ) -> TextOverlay | None:
    """The overlay of a ``kind`` part at ``node``; problems go to ``r`` (then None)."""
    shape = SHAPES[kind]
    keys = r.mapping(node, f"{kind} text", {k: False for k in shape})
    if keys is None:
        return None
    texts: list[tuple[str, tuple[str, ...]]] = []
    parts: list[tuple[str, tuple[TextOverlay, ...]]] = []
    ok = True
    for key, value in keys.items():
        what = shape[key]
        if what == "one":
            one = r.text(value, key, _LENGTHS.get(key, 500), spoken=key != "description")
            check_placeholders(r, value, placeholders)
            ok = ok and one is not None
            if one is not None:
                texts.append((key, (one,)))
        elif what == "many":
            many = r.texts(value, key)
            check_placeholders(r, value, placeholders)
            ok = ok and many is not None
            if many is not None:
                texts.append((key, many))
        else:
            children = [parse_overlay(r, item, what, placeholders)
                        for item in r.items(value, key)]
            ok = ok and bool(children) and all(c is not None for c in children)
            parts.append((key, tuple(c for c in children if c is not None)))
    if not ok:
        return None
    line, col = position(node)
    return TextOverlay(kind, r.source, line, col, tuple(texts), tuple(parts))


def parse_overlays(r: Reader, node: yaml.Node, kind: str, placeholders: Collection[str],
                   languages: Collection[str]) -> tuple[tuple[str, TextOverlay], ...]:
    """A file's ``text:`` key: an overlay per language code (those of ``languages``)."""
    from coach.routines.language import text_language

    out: list[tuple[str, TextOverlay]] = []
    for code_node, value in r.pairs(node, "text"):
        code = r.text(code_node, "language code", 20)
        if code is None:
            continue
        base = text_language(code)
        if base != code or base not in languages:
            r.error(code_node, f"text: no language {code!r}{suggest(code, languages)}; "
                    f"the coach speaks {', '.join(sorted(languages))}")
            continue
        if any(c == base for c, _ in out):
            r.error(code_node, f"text: {code!r} is given twice")
            continue
        sub = Reader(r.source, base)
        overlay = parse_overlay(sub, value, kind, placeholders)
        r.problems.extend(sub.problems)
        if overlay is not None:
            out.append((base, overlay))
    return tuple(out)


def check_placeholders(r: Reader, node: yaml.Node | None, names: Collection[str]) -> None:
    """Every ``{placeholder}`` in the text at ``node`` (a line or a list) is one of
    ``names``, written plainly."""
    if node is None:
        return
    nodes = node.value if isinstance(node, yaml.SequenceNode) else [node]
    for item in nodes:
        if not isinstance(item, yaml.ScalarNode):
            continue
        try:
            fields = [(f, spec, conv) for _, f, spec, conv in string.Formatter().parse(
                str(item.value)) if f is not None]
        except ValueError as err:
            r.error(item, f"bad placeholder in text: {err} (write {{{{ for a literal brace)")
            continue
        for name, spec, conv in fields:
            if spec or conv:
                r.error(item, f"placeholder {{{name}}} takes no format or conversion; "
                        "write it plainly")
            elif name not in names:
                r.error(item, f"unknown placeholder {{{name}}}{suggest(name, names)}; "
                        f"known: {', '.join('{' + p + '}' for p in names)}")

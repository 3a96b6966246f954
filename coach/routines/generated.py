"""The text of routines the coach builds itself (the programme's), in every language (pure).

A routine the programme builds in code has no file, so no translation file either:
:func:`in_every_language` gives it its title and description from the lines
catalogues (``programme:`` in ``coach/data/lines/LANG.yaml``) and a text overlay for
every other language the coach speaks, so a programme walk in German is German from
its title to its section names. A section title, or a segment's own line to say, is
found in the English catalogue by its words (``"Warm-up"`` is ``warm_up``); one the
catalogue lacks stays as it is in every language (the language tests name it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from coach.routines.lines import CoachLines
from coach.routines.model import Repeat, Routine, Segment
from coach.routines.overlay import TextOverlay

#: Values of a title that are themselves catalogue keys (said in the title's language).
_KEYED = ("label", "slot")
#: A programme segment's own spoken lines, found in the catalogue by their words as its
#: title is.
_SPOKEN = ("intro", "form", "say", "safety")


def in_every_language(routine: Routine, title: str, values: Mapping[str, object],
                      description: str) -> Routine:
    """``routine`` titled by the catalogue's ``title`` line (with ``values``; a
    ``label`` or ``slot`` value is a key of the catalogue, ``""`` for none) and
    described by its ``description`` line, in English, with the same in every other
    language as its ``texts``."""
    from coach.routines.language import TEXT_LANGUAGES
    from coach.routines.library import load_lines

    english = load_lines("en")
    named = {text: key for key, text in english.programme.items()}
    out = dataclasses.replace(routine, title=say_title(english, title, values),
                              description=english.programme[description])
    texts = tuple((code, _overlay(out, load_lines(code), title, values, description, named))
                  for code in TEXT_LANGUAGES if code != "en")
    return dataclasses.replace(out, texts=texts)


def say_title(lines: CoachLines, title: str, values: Mapping[str, object]) -> str:
    """The catalogue's ``title`` line with ``values`` (a ``{walk}`` in it is the
    ``walk`` line with the same values: "Week 2: {walk}")."""
    filled = {name: (_keyed(lines, name, value) if name in _KEYED else value)
              for name, value in values.items()}
    template = lines.programme[title]
    if "{walk}" in template:
        filled["walk"] = lines.programme["walk"].format(**filled)
    return template.format(**filled)


def week_title(lines: CoachLines, title: str, week: int, day: int) -> str:
    """A programme session's ``title`` with its day: "Week 2, day 3: 12-minute walk,
    then stretches" (a title without its week keeps all its words)."""
    week_head = lines.programme["week_walk"].split("{walk}")[0].format(week=week)
    return lines.programme["file_title"].format(week=week, day=day,
                                                title=title.removeprefix(week_head))


def _keyed(lines: CoachLines, name: str, value: object) -> str:
    if not value:
        return ""
    said = lines.programme[str(value)]
    return f" {said}" if name == "label" else said  # "walk with side-steps"


def _overlay(routine: Routine, lines: CoachLines, title: str, values: Mapping[str, object],
             description: str, named: Mapping[str, str]) -> TextOverlay:
    def section(title: str) -> str:
        key = named.get(title)
        return title if key is None else lines.programme[key]

    def part(seg: Segment | Repeat) -> TextOverlay:
        if isinstance(seg, Repeat):
            return TextOverlay("segment", routine.source, 1, 1,
                               parts=(("segments", tuple(part(s) for s in seg.segments)),))
        texts: list[tuple[str, tuple[str, ...]]] = (
            [("title", (section(seg.title),))] if seg.title else [])
        for key in _SPOKEN:  # a segment's own words (an intro, a line to say)
            said = getattr(seg, key) or ()
            if said:
                texts.append((key, tuple(section(line) for line in said)))
        return TextOverlay("segment", routine.source, 1, 1, tuple(texts))

    return TextOverlay("routine", routine.source, 1, 1,
                       (("title", (say_title(lines, title, values),)),
                        ("description", (lines.programme[description],))),
                       (("segments", tuple(part(s) for s in routine.segments)),))

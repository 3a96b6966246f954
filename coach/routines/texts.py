"""A technique or routine in the session's language: its overlay laid over it (pure).

:func:`technique_in` and :func:`routine_in` return the part with every text in
``language``: itself when it is written in that language, else its overlay
for it (see :mod:`coach.routines.overlay`) laid over it. An overlay must give
every text the original has, and no other: a session never mixes languages.
A part with no text in the language is refused in one line naming the file and
how to add it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, TypeVar

from coach.errors import Problem, RoutineError, UsageError
from coach.routines.language import language_name
from coach.routines.model import Reminder, Repeat, Routine, Segment, Stretch, Technique
from coach.routines.overlay import TextOverlay

P = TypeVar("P")
_POOLS = ("intro", "safety", "form", "encouragement", "closing", "openers")


def technique_in(tech: Technique, language: str) -> Technique:
    """``tech`` with its text in ``language`` (see the module docstring)."""
    if tech.text_language == language:
        return tech
    overlay = dict(tech.texts).get(language)
    if overlay is None:
        raise UsageError(f"technique {tech.id!r} has no {language_name(language)} "
                         f"({language}) text; its file needs a `text: {language}:` part "
                         f"with its words in {language_name(language)}")
    check = _Checker(overlay)
    have = {f.name for f in dataclasses.fields(tech)}
    fields: dict[str, Any] = {key: check.lines(key, getattr(tech, key))
                                 for key in _POOLS if key in have}
    stretches = check.parts("stretches", tech.stretches)
    out = dataclasses.replace(
        tech, name=check.one("name", tech.name),
        description=check.one("description", tech.description),
        **fields,
        stretches=tuple(_stretch(check.sub(o), s) for o, s in stretches),
        text_language=language, texts=())
    check.done()
    return out


def techniques_in(techniques: Mapping[str, Technique], language: str) -> dict[str, Technique]:
    return {tid: technique_in(t, language) for tid, t in techniques.items()}


def routine_in(routine: Routine, language: str) -> Routine:
    """``routine`` with its own text in ``language`` (its techniques: :func:`technique_in`)."""
    if routine.text_language == language:
        return routine
    overlay = dict(routine.texts).get(language)
    if overlay is None:
        name = language_name(language)
        raise UsageError(f"{routine.source}: the routine is written in "
                         f"{language_name(routine.text_language)}, and has no {name} "
                         f"({language}) text; add a `text: {language}:` part with its "
                         f"words in {name}, or set `language:` to the one it is written in")
    check = _Checker(overlay)
    out = dataclasses.replace(
        routine, title=check.one("title", routine.title),
        description=check.one("description", routine.description),
        reminders=_reminders(check, routine.reminders),
        segments=_segments(check, routine.segments), text_language=language, texts=())
    check.done()
    return out


def _segments(check: _Checker, segments: tuple[Segment | Repeat, ...]
              ) -> tuple[Segment | Repeat, ...]:
    out: list[Segment | Repeat] = []
    for overlay, seg in check.parts("segments", segments):
        inner = check.sub(overlay)
        if isinstance(seg, Repeat):
            out.append(dataclasses.replace(seg, segments=_segments(inner, seg.segments)))
        else:
            out.append(dataclasses.replace(
                seg, title=inner.maybe_one("title", seg.title),
                intro=inner.maybe_lines("intro", seg.intro),
                form=inner.maybe_lines("form", seg.form),
                say=inner.lines("say", seg.say), safety=inner.lines("safety", seg.safety),
                reminders=_reminders(inner, seg.reminders)))
        inner.done()
    return tuple(out)


def _reminders(check: _Checker, reminders: tuple[Reminder, ...]) -> tuple[Reminder, ...]:
    out = []
    for overlay, rem in check.parts("reminders", reminders):
        inner = check.sub(overlay)
        out.append(dataclasses.replace(rem, phrases=inner.lines("say", rem.phrases)))
        inner.done()
    return tuple(out)


def _stretch(check: _Checker, stretch: Stretch) -> Stretch:
    name = check.one("name", stretch.name)
    say: tuple[str, ...]
    if getattr(stretch, "sided", False):
        say = (check.one("left", stretch.say[0]), check.one("right", stretch.say[1]))
    else:
        say = check.lines("say", stretch.say)
    check.done()
    return dataclasses.replace(stretch, name=name, say=say)


class _Checker:
    """Takes the overlay's text key by key, and reports what is missing or left over."""

    def __init__(self, overlay: TextOverlay):
        self.overlay = overlay
        self.used: set[str] = set()
        self.problems: list[str] = []

    def sub(self, overlay: TextOverlay) -> _Checker:
        return _Checker(overlay)

    def _take(self, key: str, wanted: bool) -> bool:
        if wanted:
            self.used.add(key)
        if wanted and not self.overlay.has(key):
            self.problems.append(f"{key} is missing (the original has it)")
        return wanted and self.overlay.has(key)

    def one(self, key: str, original: str) -> str:
        if not self._take(key, bool(original)):
            return original
        return self.overlay.one(key) or original

    def maybe_one(self, key: str, original: str | None) -> str | None:
        return self.one(key, original) if original else original

    def lines(self, key: str, original: tuple[str, ...]) -> tuple[str, ...]:
        if not self._take(key, bool(original)):
            return original
        return self.overlay.lines(key) or original

    def maybe_lines(self, key: str, original: tuple[str, ...] | None
                    ) -> tuple[str, ...] | None:
        return self.lines(key, original) if original is not None else None

    def parts(self, key: str, originals: tuple[P, ...]) -> list[tuple[TextOverlay, P]]:
        if not self._take(key, bool(originals)):
            return []
        children = self.overlay.children(key) or ()
        if len(children) != len(originals):
            self.problems.append(f"{key}: {len(children)} given, the original has "
                                 f"{len(originals)} (one for each, in order)")
            return []
        return list(zip(children, originals, strict=True))

    def done(self) -> None:
        extra = [k for k in self.overlay.keys() if k not in self.used]
        self.problems += [f"{k}: the original has none, so there is nothing to translate"
                          for k in extra]
        if self.problems:
            o = self.overlay
            raise RoutineError([Problem(o.source, o.line, o.col, f"{o.kind} text: {p}")
                                for p in self.problems])


def translation_warnings(routine: Routine) -> list[Problem]:
    """What is wrong with the translations a user's routine carries (its ``text:``
    parts), as problems to warn of: a text the original has that a language leaves out,
    a part too many or too few, and a line left in the original language word for word
    (a session in that language would read it with the wrong voice). The routine in its
    own language is fine, so these are warnings, not errors; a session in the language
    refuses the missing ones."""
    out: list[Problem] = []
    original = _routine_lines(routine)
    for language, overlay in routine.texts:
        try:
            routine_in(routine, language)
        except RoutineError as err:
            out += list(err.problems)
            continue
        except UsageError:  # pragma: no cover - the overlay is there
            continue
        out += [Problem(o.source, o.line, o.col,
                        f"{o.kind} text: {key}: {line!r} is the original word for word; "
                        f"translate it into {language_name(language)}")
                for o, key, line in _overlay_lines(overlay)
                if line in original and len(line.split()) >= 3]
    return out


def _routine_lines(routine: Routine) -> set[str]:
    lines = {routine.title, routine.description}
    lines.update(p for r in routine.reminders for p in r.phrases)

    def walk(segments: tuple[Segment | Repeat, ...]) -> None:
        for seg in segments:
            if isinstance(seg, Repeat):
                walk(seg.segments)
                continue
            lines.update((seg.title or "", *(seg.intro or ()), *(seg.form or ()), *seg.say,
                          *seg.safety, *(p for r in seg.reminders for p in r.phrases)))
    walk(routine.segments)
    return lines


def _overlay_lines(overlay: TextOverlay) -> list[tuple[TextOverlay, str, str]]:
    """(overlay, key, line) of every line of ``overlay`` and of its parts."""
    out = [(overlay, key, line) for key, lines in overlay.texts for line in lines]
    for _, parts in overlay.parts:
        for part in parts:
            out += _overlay_lines(part)
    return out

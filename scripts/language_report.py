"""Per shipped language: how many texts it has (equal to English's: nothing missing), and
what the compiler says of every built-in routine in it (cues, warnings, dropped cues).

    python scripts/language_report.py             # counts, compiles, stale translations
    python scripts/language_report.py --stamp de  # after bringing de's translations up to date

Compiles with the words-per-minute estimate (no speech engine), so it is quick. A
translation whose English was reworded since it was stamped is named, one per line
(coach.routines.fingerprints); the report then exits 1.
"""

from __future__ import annotations

import dataclasses
import sys
from importlib import resources

import yaml

from coach.routines import fingerprints
from coach.routines.language import TEXT_LANGUAGES
from coach.routines.library import builtin_routine_ids, load_techniques, resolve_routine
from coach.routines.model import Repeat, Routine, Segment, Technique
from coach.routines.texts import form_lines, routine_in, technique_in
from coach.session import compile_with_library

POOLS = ("intro", "safety", "form", "encouragement", "closing", "openers")


def catalogue_entries(data: object) -> int:
    if isinstance(data, dict):
        return sum(catalogue_entries(v) for v in data.values())
    if isinstance(data, list):
        return sum(catalogue_entries(v) for v in data)
    return 1


def technique_texts(t: Technique) -> int:
    pools = sum(len(getattr(t, key, ())) for key in POOLS)
    return 2 + pools + sum(1 + len(s.say) for s in t.stretches)


def segment_texts(segments: tuple[Segment | Repeat, ...]) -> int:
    n = 0
    for s in segments:
        if isinstance(s, Repeat):
            n += segment_texts(s.segments)
            continue
        n += (bool(s.title) + len(s.intro or ()) + len(s.form or ()) + len(s.say)
              + len(s.safety) + sum(len(r.phrases) for r in s.reminders))
    return n


def routine_texts(r: Routine) -> int:
    return (1 + bool(r.description) + sum(len(x.phrases) for x in r.reminders)
            + segment_texts(r.segments))


def stamp(lang: str) -> int:
    """Record the English of every ``lang`` translation as it is now (atomic write)."""
    from pathlib import Path

    from coach.files import write_atomic

    text, count = fingerprints.stamped(lang)
    write_atomic(Path(fingerprints.sources_file(lang)), text)
    print(f"{lang}: {count} translations stamped")
    return count


def main(argv: list[str]) -> int:
    if argv[:1] == ["--stamp"] and len(argv) == 2 and argv[1] in TEXT_LANGUAGES:
        stamp(argv[1])
        return 0
    if argv:
        print("usage: language_report.py [--stamp LANG]", file=sys.stderr)
        return 2
    for lang in TEXT_LANGUAGES:
        path = resources.files("coach").joinpath("data", "lines", f"{lang}.yaml")
        catalogue = yaml.safe_load(path.read_text("utf-8"))
        techs = [technique_in(t, lang) for t in load_techniques().values()]
        routines = [routine_in(resolve_routine(r), lang) for r in builtin_routine_ids()]
        print(f"{lang}: lines catalogue {len(catalogue)} keys / "
              f"{catalogue_entries(catalogue)} entries; technique texts "
              f"{sum(map(technique_texts, techs))} in {len(techs)} techniques; routine texts "
              f"{sum(map(routine_texts, routines))} in {len(routines)} routines")
    techniques = load_techniques()
    for lang in TEXT_LANGUAGES:
        row = []
        for rid in builtin_routine_ids():
            routine = resolve_routine(rid)
            speech = dataclasses.replace(routine.speech, language=lang)
            timeline = compile_with_library(dataclasses.replace(routine, speech=speech))
            dropped = sum(w.action != "moved" for w in timeline.warnings)
            form = form_lines(routine, techniques, lang)
            turns = sum(c.text in form for c in timeline.cues)
            row.append(f"{rid}={len(timeline.cues)}/{len(timeline.warnings)}/{dropped}/{turns}")
        print(f"{lang} cues/warnings/dropped-or-cut/of them form-grid turns: {' '.join(row)}")
    found = [s for lang in TEXT_LANGUAGES if lang != "en" for s in fingerprints.stale(lang)]
    for lang in TEXT_LANGUAGES:
        if lang != "en":
            print(f"{lang}: {len(fingerprints.stored(lang))} translations fingerprinted, "
                  f"{sum(s.language == lang for s in found)} stale")
    for item in found:
        print(item)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Distinct sentences against total cues over the first weeks of a programme.

    python scripts/count_sentences.py [--weeks N] [--minutes M] [--days D]

Sets up a programme in memory (no files: comfortable minutes M, D days a week,
started on a Monday), projects its sessions as if every walk went as planned
(:func:`coach.programme.plan.upcoming_sessions`), compiles each with the
built-in techniques and lines (the words-per-minute estimate, as the goldens)
and prints, per week: sessions, spoken cues (countdown numbers apart), sentences
said, distinct sentences, the compiler's warnings (moved or dropped cues), and how
many sessions open with the same five lines as another (``--talk``: at that level).
"""

from __future__ import annotations

import argparse
import dataclasses
import re
from collections import Counter
from datetime import date

from coach.programme.plan import make_state, upcoming_sessions
from coach.session import compile_with_library

SENTENCE = re.compile(r"(?<=[.!?])\s+")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE.split(text) if s.strip()]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--weeks", type=int, default=1)
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--days", type=int, default=5)
    ap.add_argument("--talk", choices=("quiet", "normal", "chatty"), default="normal")
    args = ap.parse_args()
    start = date(2026, 11, 30)  # a Monday
    state = make_state(args.minutes, args.days, False, start)
    sessions = upcoming_sessions(state, [], start, args.weeks)
    by_week: dict[int, list] = {}
    for s in sessions:
        by_week.setdefault(s.week, []).append(s)
    print("week  sessions  cues  sentences  distinct  warnings  repeated-openings")
    for week, group in sorted(by_week.items()):
        cues = 0
        said: Counter[str] = Counter()
        openings: list[tuple[str, ...]] = []
        warnings = 0
        for s in group:
            tl = compile_with_library(dataclasses.replace(s.routine, talk=args.talk))
            warnings += len(tl.warnings)
            spoken = [c for c in tl.cues if c.kind != "countdown"]
            cues += len(spoken)
            for c in spoken:
                said.update(sentences(c.text))
            openings.append(tuple(c.text for c in spoken[1:6]))  # after the welcome
        same = sum(1 for o in openings if openings.count(o) > 1)
        print(f"{week:4}  {len(group):8}  {cues:4}  {sum(said.values()):9}  {len(said):8}"
              f"  {warnings:8}  {same} of {len(group)} open alike")


if __name__ == "__main__":
    main()

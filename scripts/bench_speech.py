"""Cold synthesis speed of the speech engines, side by side, in x realtime.

    python scripts/bench_speech.py [--rounds 3] [--rate 160]

Speaks every unique cue of the built-in routines with each engine (nothing
cached) and prints, per engine: the median over phrases of seconds of audio
per second of wall time over every synthesis, the total ratio, the slowest phrase, and how long
the engine took to start. Then the phrase cache: a cold warm-up of the same
phrases into an empty cache folder vs. reading them back from disk.
Goal: >= 400x realtime for the default engine. Prints; never fails on timing.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from coach.routines.library import builtin_routine_ids, resolve_routine
from coach.routines.model import SpeechSettings
from coach.session import compile_with_library
from coach.speech import ENGINES, SpeechEngine, default_engine_name, open_engine
from coach.speech.phrase_cache import PhraseCache


def cue_texts() -> list[str]:
    texts: dict[str, None] = {}
    for rid in builtin_routine_ids():
        for cue in compile_with_library(resolve_routine(rid)).cues:
            texts[cue.text] = None
    return list(texts)


def speed(engine: SpeechEngine, texts: list[str], settings: SpeechSettings,
          rounds: int) -> tuple[list[float], float, float]:
    """x realtime of every synthesis (each phrase ``rounds`` times), total audio s, wall s."""
    ratios, audio_total, wall_total = [], 0.0, 0.0
    for _ in range(rounds):
        for text in texts:
            t0 = time.perf_counter()
            clip = engine.synthesize(text, settings)
            wall = time.perf_counter() - t0
            ratios.append(clip.duration_s / wall)
            audio_total += clip.duration_s
            wall_total += wall
    return ratios, audio_total, wall_total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3, help="syntheses per phrase")
    parser.add_argument("--rate", type=int, default=160, help="words per minute")
    args = parser.parse_args()
    settings = SpeechSettings(rate_wpm=args.rate)
    texts = cue_texts()
    print(f"{len(texts)} unique cue phrases from the built-in routines, {args.rate} wpm, "
          f"{args.rounds} rounds each (default engine: {default_engine_name()})\n")
    print(f"{'engine':<9} {'start s':>8} {'median x':>9} {'total x':>8} {'slowest x':>10} "
          f"{'audio s':>8}  version")
    medians = {}
    for name in ENGINES:
        t0 = time.perf_counter()
        engine = open_engine(name)
        engine.synthesize("Ready.", settings)  # start-up (pyttsx3: its worker process)
        start_s = time.perf_counter() - t0
        ratios, audio_s, wall_s = speed(engine, texts, settings, args.rounds)
        medians[name] = statistics.median(ratios)
        print(f"{name:<9} {start_s:>8.3f} {medians[name]:>8.0f}x {audio_s / wall_s:>7.0f}x "
              f"{min(ratios):>9.0f}x {audio_s / args.rounds:>8.1f}  {engine.version}")
        close = getattr(engine, "close", None)
        if close is not None:
            close()
    a, b = ENGINES
    print(f"\nratio {a}/{b} (median x realtime): {medians[a] / medians[b]:.2f}")
    goal = medians[default_engine_name()]
    print(f"default engine: {goal:.0f}x realtime (goal >= 400x): "
          f"{'met' if goal >= 400 else 'NOT met'}")

    with tempfile.TemporaryDirectory() as tmp:
        engine = open_engine(None)
        cold = PhraseCache(engine, settings, cache_dir=Path(tmp))
        t0 = time.perf_counter()
        cold.warm(texts)
        cold_s = time.perf_counter() - t0
        warm = PhraseCache(engine, settings, cache_dir=Path(tmp))
        t0 = time.perf_counter()
        warm.warm(texts)
        warm_s = time.perf_counter() - t0
        audio_s = sum(warm.speech_s(t) for t in texts)
    print(f"\nphrase cache, {len(texts)} phrases, {audio_s:.1f} s of speech: "
          f"cold warm-up {cold_s:.3f} s ({audio_s / cold_s:.0f}x realtime), "
          f"from disk {warm_s:.3f} s ({audio_s / warm_s:.0f}x), ratio {cold_s / warm_s:.1f}")


if __name__ == "__main__":
    main()

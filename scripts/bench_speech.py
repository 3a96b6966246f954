"""Cold synthesis speed of the speech engines side by side: x realtime, start-up, peak RSS.

    python scripts/bench_speech.py [--phrases 30] [--rate 160] [--calibrate]

Speaks the first N unique cues of the built-in routines (nothing cached), each
configuration in its own fresh process so its start-up and peak memory are its own:

- espeak-ng in-process;
- Piper in-process with onnxruntime at 1 and at 2 threads (model load time given);
- Piper in 2 worker processes of 1 thread each, phrases in parallel (what the coach
  does: coach.speech.workers), vs the same 2 threads inside one process;
- espeak-ng in 2 worker processes.

x realtime = seconds of speech / seconds of wall time over every phrase. Peak RSS
is the process's (plus its workers' for the worker rows). ``--calibrate`` prints
Piper's words per minute at several length scales (the rate mapping's data).
Prints; never fails on timing.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import time

from coach.routines.library import builtin_routine_ids, resolve_routine
from coach.routines.model import SpeechSettings
from coach.session import compile_with_library


def cue_texts(limit: int) -> list[str]:
    texts: dict[str, None] = {}
    for rid in builtin_routine_ids():
        for cue in compile_with_library(resolve_routine(rid)).cues:
            texts[cue.text] = None
    return list(texts)[:limit]


def run_one(config: str, limit: int, rate: int) -> dict[str, float]:
    """One configuration, measured in this process (called in a fresh one)."""
    from concurrent.futures import ThreadPoolExecutor

    texts = cue_texts(limit)
    settings = SpeechSettings(rate_wpm=rate)
    t0 = time.perf_counter()
    parallel = 1
    if config == "espeak":
        from coach.speech.libespeak import EspeakEngine

        engine: object = EspeakEngine()
    elif config.startswith("piper-threads-"):
        from coach.speech.piper_engine import PiperEngine, piper_voices

        engine = PiperEngine(threads=int(config.rsplit("-", 1)[1]))
        engine.load(piper_voices()[0])  # type: ignore[attr-defined]
    else:  # "piper-2-workers" / "espeak-2-workers"
        from coach.speech.workers import WorkerEngine

        engine = WorkerEngine(config.split("-")[0], workers=2, threads=1)
        parallel = 2
        with ThreadPoolExecutor(2) as pool:  # start both workers (and their models)
            list(pool.map(lambda t: engine.synthesize(t, settings),  # type: ignore[attr-defined]
                          ["Ready.", "Ready now."]))
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    with ThreadPoolExecutor(parallel) as pool:
        clips = list(pool.map(lambda t: engine.synthesize(t, settings),  # type: ignore[attr-defined]
                              texts))
    wall_s = time.perf_counter() - t0
    audio_s = sum(c.duration_s for c in clips)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    close = getattr(engine, "close", None)
    if close is not None:
        close()
        children_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"load_s": load_s, "x_realtime": audio_s / wall_s, "audio_s": audio_s,
            "wall_s": wall_s, "rss_mb": rss_mb, "worker_rss_mb": children_mb}


def calibrate(limit: int) -> None:
    import numpy as np
    from piper import SynthesisConfig

    from coach.audio.clip import Clip
    from coach.speech.piper_engine import PiperEngine, piper_voices

    texts = cue_texts(limit)
    words = sum(len(re.findall(r"\w+", t)) for t in texts)
    voice = PiperEngine(threads=2).load(piper_voices()[0])
    for scale in (0.5, 0.75, 1.0, 1.25, 1.5, 2.0):
        speech_s = 0.0
        for text in texts:
            audio = np.concatenate([c.audio_float_array for c in voice.synthesize(
                text, SynthesisConfig(length_scale=scale, normalize_audio=False))])
            speech_s += Clip((audio * 32767).astype(np.int16), 22050).trimmed().duration_s
        print(f"length scale {scale:.2f}: {words / speech_s * 60:.0f} words per minute")


CONFIGS = ("espeak", "espeak-2-workers", "piper-threads-1", "piper-threads-2",
           "piper-2-workers")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--phrases", type=int, default=30)
    parser.add_argument("--rate", type=int, default=160)
    parser.add_argument("--calibrate", action="store_true")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.phrases, args.rate)))
        return
    if args.calibrate:
        calibrate(args.phrases)
        return
    print(f"{args.phrases} unique cue phrases of the built-in routines at {args.rate} wpm, "
          f"cold, each configuration in a fresh process\n")
    print(f"{'configuration':<18} {'start s':>8} {'x realtime':>11} {'speech s':>9} "
          f"{'peak RSS MB':>12} {'workers MB':>11}")
    results = {}
    for config in CONFIGS:
        done = subprocess.run([sys.executable, __file__, "--one", config, "--phrases",
                               str(args.phrases), "--rate", str(args.rate)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            print(f"{config:<18} failed: {done.stderr.strip().splitlines()[-1:]}")
            continue
        r = results[config] = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{config:<18} {r['load_s']:>8.2f} {r['x_realtime']:>10.1f}x {r['audio_s']:>9.1f} "
              f"{r['rss_mb']:>12.0f} {r['worker_rss_mb']:>11.0f}")
    if {"piper-threads-2", "piper-2-workers"} <= set(results):
        ratio = results["piper-2-workers"]["x_realtime"] / results["piper-threads-2"]["x_realtime"]
        print(f"\nPiper, 2 processes x 1 thread vs 1 process x 2 threads: {ratio:.2f}x")
    if {"espeak", "piper-threads-1"} <= set(results):
        ratio = results["espeak"]["x_realtime"] / results["piper-threads-1"]["x_realtime"]
        print(f"espeak-ng vs Piper (1 thread each): {ratio:.0f}x faster")


if __name__ == "__main__":
    main()

"""Export speed and memory, measured side by side in one run (medians of N runs).

    python scripts/bench_export.py [--runs 3]
    python scripts/bench_export.py --programme [--runs 3]   (issue 9.4; takes minutes)

Prints:
* a 30-minute session (brisk-30) exported to MP3 with a warm phrase cache,
  against a bare lameenc encode of the very same PCM (goal: ratio <= 1.3);
* peak RSS of a whole export of a 30- and a 120-minute session, each in a
  fresh process (goal: flat, <= 100 MB);
* cold synthesis speed of the session's phrases, in x realtime (goal >= 400x).

With ``--programme``: ``coach export --program --weeks 8`` (a fresh 5-days-a-week
plan: 40 sessions) in a fresh process, warm phrase cache, into an empty folder,
with ``--jobs 1`` and ``--jobs 2`` paired run by run: wall time, CPU use
((user + sys) / wall of the process and its workers) and the speed-up; then a
second identical export into the full folder (goal: near-instant, no file touched).

Runs in a private COACH_HOME, so your phrase cache is neither used nor touched.
This script imports lameenc itself only to time the bare encoder.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_ROUTINE = "brisk-30"
BITRATE_KBPS = 64
BLOCK_SAMPLES = 8192


def routine_of(minutes: int):  # type: ignore[no-untyped-def]
    """brisk-30, repeated to ``minutes`` (a multiple of 30)."""
    from coach.routines.library import resolve_routine
    from coach.routines.model import Repeat

    base = resolve_routine(BASE_ROUTINE)
    if minutes == 30:
        return base
    times = minutes // 30
    return dataclasses.replace(base, id=f"brisk-{minutes}", title=f"Brisk {minutes}",
                               segments=(Repeat(times, base.segments),))


def export_once(minutes: int, out: Path) -> tuple[float, object, object]:
    """Prepare (warm cache) and export; returns (export seconds, timeline, renderer)."""
    from coach.export.writer import write_session
    from coach.session import prepare_session

    renderer = prepare_session(routine_of(minutes)).renderer
    t0 = time.perf_counter()
    write_session(renderer, out, BITRATE_KBPS)
    return time.perf_counter() - t0, renderer.timeline, renderer


def bare_lameenc_s(blocks: list[bytes], sample_rate_hz: int) -> float:
    """lameenc alone on the same int16 PCM, same settings as coach.audio.encoder."""
    import lameenc

    t0 = time.perf_counter()
    enc = lameenc.Encoder()
    enc.set_in_sample_rate(sample_rate_hz)
    enc.set_out_sample_rate(sample_rate_hz)
    enc.set_channels(1)
    enc.set_bit_rate(BITRATE_KBPS)
    enc.set_quality(5)
    size = 0
    for block in blocks:
        size += len(enc.encode(block))
    size += len(enc.flush())
    return time.perf_counter() - t0


def cold_synthesis(runs: int, home: Path) -> tuple[float, float, int]:
    """Median x realtime of synthesising the session's phrases into an empty cache."""
    from coach.session import compile_with_library
    from coach.speech import open_engine
    from coach.speech.phrase_cache import PhraseCache

    routine = routine_of(30)
    engine = open_engine(routine.speech.engine)
    engine.synthesize("Warming up the engine.", routine.speech)  # library load, not measured
    texts = sorted({c.text for c in compile_with_library(routine).cues})
    speeds, audio_s = [], 0.0
    for run in range(runs):
        cache = PhraseCache(engine, routine.speech, cache_dir=home / f"cold-{run}",
                            pronunciations=routine.pronunciations)
        t0 = time.perf_counter()
        cache.warm(texts)
        wall = time.perf_counter() - t0
        audio_s = sum(cache.speech_s(t) for t in texts)
        speeds.append(audio_s / wall)
    return statistics.median(speeds), audio_s, len(texts)


def rss_child(minutes: int) -> None:
    """In a fresh process: export once, print peak RSS (MB) and the time as JSON.

    ``minutes == 0``: only load what an export loads, to show the floor.
    """
    if minutes == 0:
        import coach.audio.render
        import coach.export.tags  # noqa: F401
        from coach.speech import open_engine

        routine = routine_of(30)
        open_engine(routine.speech.engine).synthesize("Hello.", routine.speech)
        print(json.dumps({"peak_rss_mb": peak_rss_mb(), "export_s": 0.0}))
        return
    with tempfile.TemporaryDirectory() as tmp:
        seconds, timeline, _ = export_once(minutes, Path(tmp) / "walk.mp3")
    print(json.dumps({"peak_rss_mb": peak_rss_mb(), "export_s": seconds,
                      "duration_s": timeline.duration_s}))  # type: ignore[attr-defined]


def peak_rss_mb() -> float:
    """This process's peak resident memory.

    VmHWM belongs to the address space made at exec; ru_maxrss is not reset by
    exec on Linux and would report the (bigger) parent that forked us.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_rss(minutes: int, runs: int) -> tuple[float, float]:
    results = []
    for _ in range(runs):
        done = subprocess.run([sys.executable, __file__, "--rss-child", str(minutes)],
                              capture_output=True, text=True, check=True)
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return (statistics.median(r["peak_rss_mb"] for r in results),
            statistics.median(r["export_s"] for r in results))


def timed_export(out: Path, jobs: int) -> tuple[float, float]:
    """One ``coach export --program --weeks 8`` in a fresh process: (wall s, CPU s)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "coach", "export", "--program", "--weeks", "8",
                    "-o", str(out), "--jobs", str(jobs)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def programme(runs: int, home: Path) -> None:
    subprocess.run([sys.executable, "-m", "coach", "plan", "--minutes", "8", "--days", "5",
                    "--no-figure-8", "--no-red-flags"], check=True, stdout=subprocess.DEVNULL)
    timed_export(home / "warm-up", 2)  # fills the phrase cache
    files = len(list((home / "warm-up").glob("*.mp3")))
    rows: dict[int, list[tuple[float, float]]] = {1: [], 2: []}
    ratios = []
    for run in range(runs):  # paired: load from the other sessions hits both alike
        for jobs in (1, 2):
            rows[jobs].append(timed_export(home / f"run-{run}-jobs-{jobs}", jobs))
        ratios.append(rows[1][-1][0] / rows[2][-1][0])
    print(f"coach export --program --weeks 8: {files} sessions, warm cache, "
          f"{os.cpu_count()} cores, medians of {runs} runs")
    for jobs, label in ((1, "serial (--jobs 1)"), (2, "parallel (--jobs 2)")):
        wall = statistics.median(w for w, _ in rows[jobs])
        use = statistics.median(c / w for w, c in rows[jobs])
        print(f"  {label:<20} wall {wall:6.1f} s   CPU use (user+sys)/wall {use:4.2f}")
    print(f"  speed-up (median of paired runs) {statistics.median(ratios):.2f}x  (aim >= 1.7x)")
    target = home / "run-0-jobs-2"
    before = {p.name: p.stat().st_mtime_ns for p in target.iterdir()}
    again = [timed_export(target, 2)[0] for _ in range(runs)]
    untouched = before == {p.name: p.stat().st_mtime_ns for p in target.iterdir()}
    print(f"  second identical run   wall {statistics.median(again):6.2f} s   "
          f"files untouched: {untouched}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--programme", action="store_true",
                        help="time a whole programme export, serial against parallel")
    parser.add_argument("--rss-child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss_child is not None:
        rss_child(args.rss_child)
        return
    with tempfile.TemporaryDirectory() as home:
        os.environ["COACH_HOME"] = home
        print(f"Private COACH_HOME {home}; medians of {args.runs} runs.\n")
        if args.programme:
            programme(args.runs, Path(home))
            return

        speed, audio_s, phrases = cold_synthesis(args.runs, Path(home))
        print(f"cold synthesis: {phrases} phrases, {audio_s:.1f} s of speech: "
              f"{speed:,.0f}x realtime (goal >= 400x)")

        from coach.session import prepare_session

        for minutes in (30, 120):  # warm the phrase cache the children will use
            prepare_session(routine_of(minutes))
        print("\npeak RSS of a whole export, each in a fresh process (warm cache):")
        floor, _ = measure_rss(0, args.runs)
        print(f"  imports + speech engine only: {floor:6.1f} MB")
        for minutes in (30, 120):
            rss, seconds = measure_rss(minutes, args.runs)
            print(f"  {minutes:3d}-minute session: {rss:6.1f} MB  (export {seconds:.2f} s)")
        print("  goal: flat, <= 100 MB")

        from coach.audio.encoder import to_pcm16

        exports, bares, ratios = [], [], []
        for run in range(args.runs):  # paired runs: load from elsewhere hits both alike
            seconds, timeline, renderer = export_once(30, Path(home) / f"walk-{run}.mp3")
            pcm = [to_pcm16(b).tobytes() for b in renderer.blocks(BLOCK_SAMPLES)]  # type: ignore
            bare = bare_lameenc_s(pcm, renderer.sample_rate_hz)  # type: ignore
            del pcm
            exports.append(seconds)
            bares.append(bare)
            ratios.append(seconds / bare)
        export_s, bare_s = statistics.median(exports), statistics.median(bares)
        duration_s = timeline.duration_s  # type: ignore[attr-defined]
        print(f"\n30-minute session ({duration_s / 60:.0f} min), MP3 {BITRATE_KBPS} kbps:")
        print(f"  coach export (warm cache) {export_s:7.2f} s  ({duration_s / export_s:,.0f}x "
              "realtime)")
        print(f"  bare lameenc, same PCM    {bare_s:7.2f} s  ({duration_s / bare_s:,.0f}x "
              "realtime)")
        print(f"  ratio (median of paired runs) {statistics.median(ratios):.2f}  (goal <= 1.3)")


if __name__ == "__main__":
    main()

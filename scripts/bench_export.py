"""Export speed and memory, measured side by side in one run (medians of N runs).

    python scripts/bench_export.py [--runs 3] [--cold-runs N]
    python scripts/bench_export.py --programme [--runs 3]   (issue 9.4; takes minutes)

Prints, in one run:
* ``coach export brisk-30`` through the real CLI, each in a fresh process: cold (a
  fresh COACH_HOME, so every phrase is synthesised with the default engine, Piper
  when the ``voice`` extra is installed) and warm (the same home again): wall time,
  CPU (user+sys, the process and its workers) and peak RSS of the process tree;
* the export ratio against a bare lameenc encode of the very same PCM, side by side:
  the warm renderer + encoder in-process (goal: ratio <= 1.3), the warm CLI
  export, and the cold CLI export with the neural voice (the bare encode is the same
  denominator for all three);
* peak RSS of a whole warm export of a 30- and a 120-minute session, each in a fresh
  process (goal: flat, <= 100 MB), with the heavy modules it loaded (a warm export
  loads none of piper, onnxruntime, pyloudnorm, scipy: shown, not assumed);
* cold synthesis speed of the session's phrases with espeak-ng, in x realtime
  (goal >= 400x).

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
    """Median x realtime of synthesising the session's phrases with espeak-ng into an
    empty cache."""
    from coach.session import compile_with_library
    from coach.speech import open_engine
    from coach.speech.phrase_cache import PhraseCache

    routine = routine_of(30)
    speech = dataclasses.replace(routine.speech, engine="espeak")
    engine = open_engine("espeak")
    engine.synthesize("Warming up the engine.", speech)  # library load, not measured
    texts = sorted({c.text for c in compile_with_library(routine).cues})
    speeds, audio_s = [], 0.0
    for run in range(runs):
        cache = PhraseCache(engine, speech, cache_dir=home / f"cold-{run}",
                            pronunciations=routine.pronunciations)
        t0 = time.perf_counter()
        cache.warm(texts)
        wall = time.perf_counter() - t0
        audio_s = sum(cache.speech_s(t) for t in texts)
        speeds.append(audio_s / wall)
    return statistics.median(speeds), audio_s, len(texts)


#: Modules a warm export must not load (the neural model, the loudness meter).
HEAVY = ("piper", "onnxruntime", "pyloudnorm", "scipy")


def rss_child(minutes: int) -> None:
    """In a fresh process: export once from the warm cache, print peak RSS (MB), the
    time and which heavy modules it loaded, as JSON.

    ``minutes == 0``: only import what a warm export imports, to show the floor.
    """
    if minutes == 0:
        import coach.audio.render
        import coach.export.tags
        import coach.export.writer
        import coach.session  # noqa: F401

        print(json.dumps({"peak_rss_mb": peak_rss_mb(), "export_s": 0.0, "loaded": []}))
        return
    with tempfile.TemporaryDirectory() as tmp:
        seconds, timeline, _ = export_once(minutes, Path(tmp) / "walk.mp3")
    print(json.dumps({"peak_rss_mb": peak_rss_mb(), "export_s": seconds,
                      "duration_s": timeline.duration_s,  # type: ignore[attr-defined]
                      "loaded": [m for m in HEAVY if m in sys.modules]}))


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


def measure_rss(minutes: int, runs: int) -> tuple[float, float, set[str]]:
    results = []
    for _ in range(runs):
        done = subprocess.run([sys.executable, __file__, "--rss-child", str(minutes)],
                              capture_output=True, text=True, check=True)
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return (statistics.median(r["peak_rss_mb"] for r in results),
            statistics.median(r["export_s"] for r in results),
            {m for r in results for m in r["loaded"]})


@dataclasses.dataclass(frozen=True)
class Command:
    """One finished command: wall and CPU (user+sys, with its workers) seconds, and the
    peak RSS of the largest process of its tree (MB)."""

    wall_s: float
    cpu_s: float
    peak_rss_mb: float


def run_command(args: list[str], home: Path) -> Command:
    """``args`` in a fresh process with COACH_HOME ``home``, measured by wait4."""
    env = dict(os.environ, COACH_HOME=str(home))
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}): {err.decode()[-500:]}")
    return Command(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def cli_exports(runs: int, home: Path) -> tuple[list[Command], list[Command], Path]:
    """``coach export brisk-30`` cold (a fresh home) then warm (the same home), paired
    run by run; returns (cold, warm, the first run's home, now warm)."""
    cold, warm = [], []
    for run in range(runs):
        where = home / f"cli-{run}"
        where.mkdir()
        command = [sys.executable, "-m", "coach", "export", BASE_ROUTINE, "--bitrate",
                   str(BITRATE_KBPS)]
        cold.append(run_command([*command, "-o", str(where / "cold.mp3")], where))
        warm.append(run_command([*command, "-o", str(where / "warm.mp3")], where))
    return cold, warm, home / "cli-0"


def describe(label: str, commands: list[Command], audio_s: float) -> str:
    wall = statistics.median(c.wall_s for c in commands)
    cpu = statistics.median(c.cpu_s for c in commands)
    rss = statistics.median(c.peak_rss_mb for c in commands)
    runs = ", ".join(f"{c.wall_s:.1f}" for c in commands)
    return (f"  {label:<34} wall {wall:7.2f} s ({audio_s / wall:5.0f}x realtime; runs {runs})"
            f"  CPU {cpu:6.1f} s  peak RSS {rss:5.0f} MB")


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
    parser.add_argument("--cold-runs", type=int, default=None,
                        help="cold CLI exports (each synthesises every phrase; default --runs)")
    parser.add_argument("--programme", action="store_true",
                        help="time a whole programme export, serial against parallel")
    parser.add_argument("--rss-child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.cold_runs = args.cold_runs or args.runs
    if args.rss_child is not None:
        rss_child(args.rss_child)
        return
    with tempfile.TemporaryDirectory() as home:
        os.environ["COACH_HOME"] = home
        print(f"Private COACH_HOME {home}; medians of {args.runs} runs.\n")
        if args.programme:
            programme(args.runs, Path(home))
            return

        from coach.speech import default_engine_name

        engine = os.environ.get("COACH_ENGINE") or default_engine_name()
        print(f"load average {os.getloadavg()[0]:.1f} at the start ({os.cpu_count()} cores)")
        cold, warm, warm_home = cli_exports(args.cold_runs, Path(home))
        duration_s = routine_of(30).duration_s  # planned; the export's length is the same
        print(f"coach export {BASE_ROUTINE} through the CLI, each in a fresh process "
              f"(default engine: {engine}):")
        print(describe(f"cold ({engine}, fresh cache)", cold, duration_s))
        print(describe("warm (same cache again)", warm, duration_s))

        os.environ["COACH_HOME"] = str(warm_home)  # the CLI's warm cache, levels included
        from coach.session import prepare_session

        prepare_session(routine_of(120))  # the few phrases only a 4x repeat places
        print("\npeak RSS of a whole export, each in a fresh process (warm cache):")
        floor, _, _ = measure_rss(0, args.runs)
        print(f"  imports of a warm export only: {floor:6.1f} MB")
        for minutes in (30, 120):
            rss, seconds, loaded = measure_rss(minutes, args.runs)
            print(f"  {minutes:3d}-minute session: {rss:6.1f} MB  (export {seconds:.2f} s; "
                  f"loaded {', '.join(sorted(loaded)) or 'none'} of {', '.join(HEAVY)})")
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
        cold_s = statistics.median(c.wall_s for c in cold)
        warm_s = statistics.median(c.wall_s for c in warm)
        print(f"\nexport ratio against a bare encode, {BASE_ROUTINE} "
              f"({duration_s / 60:.0f} min), MP3 {BITRATE_KBPS} kbps:")
        rows = [("bare lameenc, same PCM (in-process)", bare_s, 1.0),
                ("render + encode, warm (in-process)", export_s, statistics.median(ratios)),
                ("coach export, warm (CLI, fresh process)", warm_s, warm_s / bare_s),
                (f"coach export, cold with {engine} (CLI)", cold_s, cold_s / bare_s)]
        for label, seconds, ratio in rows:
            print(f"  {label:<42} {seconds:7.2f} s  ({duration_s / seconds:5.0f}x realtime)"
                  f"  ratio {ratio:6.2f}")
        print("  goal: warm in-process ratio <= 1.3 (median of paired runs); the CLI rows add "
              "start-up and preparation, the cold one the synthesis")

        speed, audio_s, phrases = cold_synthesis(args.runs, Path(home))
        print(f"\ncold synthesis with espeak-ng: {phrases} phrases, {audio_s:.1f} s of "
              f"speech: {speed:,.0f}x realtime (goal >= 400x)")
        print(f"load average {os.getloadavg()[0]:.1f} at the end")

if __name__ == "__main__":
    main()

"""Time from `coach walk ROUTINE` to its first spoken word, cold and warm, per engine.

    python scripts/bench_first_word.py [--routine gentle-start] [--engines piper,espeak]

Needs Debian's pulseaudio + pulseaudio-utils: starts a private null sink
(/work/shared/tools/pulse-null-sink, or $PULSE_NULL_SINK), records its monitor
with parec, starts the walk (a fresh COACH_HOME: cold; the same again: warm) and
reports when the first sample above -40 dBFS arrives, measured from the launch.
Also `coach export brisk-30` wall time, cold, warm (a new file from the warm cache) and
again into the same file (unchanged: skipped), and `coach --help`. ``--after-plan``:
also the first word of `coach walk plan` after `coach plan` and its background pre-warm.
Prints; never fails on timing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

RATE = 22050
THRESHOLD = int(32767 * 0.01)  # -40 dBFS
TOOL = os.environ.get("PULSE_NULL_SINK", "/work/shared/tools/pulse-null-sink")


def pulse_env(folder: Path) -> dict[str, str]:
    out = subprocess.run([TOOL, "start", str(folder), str(RATE)], capture_output=True,
                         text=True, check=True).stdout
    env = dict(os.environ)
    for line in out.splitlines():
        for pair in line.removeprefix("export ").split():
            key, _, value = pair.partition("=")
            env[key] = value
    return env


def first_word_s(env: dict[str, str], home: Path, routine: str, engine: str | None) -> float:
    walk_env = dict(env, COACH_HOME=str(home))
    walk_env.pop("COACH_ENGINE", None)
    if engine:
        walk_env["COACH_ENGINE"] = engine
    rec = subprocess.Popen(["parec", "--device=coach.monitor", f"--rate={RATE}", "--channels=1",
                            "--format=s16le", "--latency-msec=5"], env=env,
                           stdout=subprocess.PIPE)
    assert rec.stdout is not None
    rec.stdout.read(RATE // 10 * 2)  # recording is running
    t0 = time.perf_counter()
    walk = subprocess.Popen([sys.executable, "-m", "coach", "walk", routine, "--pain-before",
                             "2", "--pain-after", "2"], env=walk_env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    heard = float("nan")
    try:
        while time.perf_counter() - t0 < 300:
            block = np.frombuffer(rec.stdout.read(256 * 2), np.int16)
            if len(block) and np.abs(block.astype(np.int32)).max() > THRESHOLD:
                heard = time.perf_counter() - t0
                break
    finally:
        walk.send_signal(signal.SIGINT)
        try:
            walk.wait(30)
        except subprocess.TimeoutExpired:
            walk.kill()
            walk.wait()
        rec.kill()
        rec.wait()
    return heard


def after_plan_s(env: dict[str, str], home: Path, engine: str) -> tuple[float, float]:
    """`coach plan` (a fresh home) with its background pre-warm waited on, then the
    first word of `coach walk plan` (today's session): (pre-warm wall s, first word s)."""
    import re
    import select

    plan_env = dict(env, COACH_HOME=str(home), COACH_ENGINE=engine, COACH_PREWARM="1")
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "coach", "plan", "--minutes", "8", "--days",
                           "5", "--no-figure-8", "--no-red-flags"], env=plan_env,
                          capture_output=True, text=True, check=True)
    found = re.search(r"in the background \(pid (\d+):", done.stderr)
    if found is None:
        raise SystemExit(f"coach plan started no pre-warm: {done.stderr}")
    try:  # wait for the detached process (not our child) to end: its pidfd turns readable
        fd = os.pidfd_open(int(found.group(1)))
        select.select([fd], [], [])
        os.close(fd)
    except ProcessLookupError:
        pass  # already done
    warmed = time.perf_counter() - t0
    return warmed, first_word_s(env, home, "plan", engine)


def timed(args: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "coach", *args], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--routine", default="gentle-start")
    parser.add_argument("--engines", default="piper,espeak")
    parser.add_argument("--runs", type=int, default=1, help="cold+warm pairs (medians)")
    parser.add_argument("--no-export", action="store_true", help="only the first word")
    parser.add_argument("--after-plan", action="store_true",
                        help="also: coach plan, its pre-warm waited for, then coach walk plan")
    args = parser.parse_args()
    if shutil.which("pulseaudio") is None or shutil.which("parec") is None:
        sys.exit("needs pulseaudio and pulseaudio-utils")
    with tempfile.TemporaryDirectory(prefix="coach-first-word-") as tmp:
        pulse = Path(tmp, "pulse")
        env = pulse_env(pulse)
        try:
            for engine in args.engines.split(","):
                colds, warms = [], []
                for run in range(args.runs):
                    home = Path(tmp, f"home-{engine}-{run}")
                    colds.append(first_word_s(env, home, args.routine, engine))
                    warms.append(first_word_s(env, home, args.routine, engine))
                print(f"{engine:<7} coach walk {args.routine}: first spoken word after "
                      f"{statistics.median(colds):.2f} s cold, "
                      f"{statistics.median(warms):.2f} s warm (medians of {args.runs}; "
                      f"cold {' '.join(f'{c:.2f}' for c in colds)}, "
                      f"warm {' '.join(f'{w:.2f}' for w in warms)}; load "
                      f"{os.getloadavg()[0]:.1f})", flush=True)
                if args.after_plan:
                    warmed, heard = after_plan_s(env, Path(tmp, f"plan-{engine}"), engine)
                    print(f"{engine:<7} coach plan, its background pre-warm done after "
                          f"{warmed:.2f} s; then coach walk plan: first spoken word after "
                          f"{heard:.2f} s; load {os.getloadavg()[0]:.1f}", flush=True)
                if args.no_export:
                    continue
                export_env = dict(env, COACH_HOME=str(Path(tmp, f"export-{engine}")),
                                  COACH_ENGINE=engine)
                out = str(Path(tmp, "brisk-30.mp3"))
                warm_out = str(Path(tmp, "brisk-30-warm.mp3"))
                cold_s = timed(["export", "brisk-30", "-o", out], export_env)
                # a new file: rendered and encoded again from the warm cache
                warm_s = timed(["export", "brisk-30", "-o", warm_out], export_env)
                same_s = timed(["export", "brisk-30", "-o", warm_out], export_env)
                print(f"{engine:<7} coach export brisk-30: {cold_s:.2f} s cold, "
                      f"{warm_s:.2f} s warm (a new file), {same_s:.2f} s again (file "
                      f"unchanged: skipped); load {os.getloadavg()[0]:.1f}", flush=True)
        finally:
            subprocess.run([TOOL, "stop", str(pulse)], check=False)
    helps = sorted(timed(["--help"], dict(os.environ)) for _ in range(7))
    print(f"coach --help: median {helps[3] * 1000:.0f} ms over 7 runs (includes the "
          f"interpreter's start)")


if __name__ == "__main__":
    main()

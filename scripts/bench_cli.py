"""How long `coach --help` and `coach compile` take to start: medians of N runs.

    python scripts/bench_cli.py [--runs 15]

Prints medians of wall time and of CPU time (user+sys of the child: less hit by a
loaded machine) and the ratio to a bare `python -c pass` measured in the same run,
with the load average.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def median_ms(cmd: list[str], runs: int) -> tuple[float, float]:
    """Medians of (wall, user+sys CPU) in ms."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    coach = str(Path(sys.executable).with_name("coach"))
    if not Path(coach).exists():
        coach = shutil.which("coach") or "coach"
    load = os.getloadavg()[0]
    base = median_ms([sys.executable, "-c", "pass"], runs)
    rows = [
        ("python -c pass", base),
        ("coach --help", median_ms([coach, "--help"], runs)),
        ("coach compile figure-8 -f json", median_ms([coach, "compile", "figure-8", "-f", "json",
                                                      "-q"], runs)),
    ]
    print(f"medians of {runs} runs; load average {load:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after (2 cores)")
    for name, (wall, cpu) in rows:
        print(f"{name:<34} wall {wall:7.1f} ms (x{wall / base[0]:4.2f})   "
              f"cpu {cpu:6.1f} ms (x{cpu / base[1]:4.2f} of bare python)")


if __name__ == "__main__":
    main()

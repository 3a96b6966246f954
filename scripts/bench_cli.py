"""How long `coach --help` and `coach compile` take to start: medians of N runs.

    python scripts/bench_cli.py [--runs 15]

Prints medians and the ratio to a bare `python -c pass` measured in the same run.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def median_ms(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    coach = str(Path(sys.executable).with_name("coach"))
    if not Path(coach).exists():
        coach = shutil.which("coach") or "coach"
    base = median_ms([sys.executable, "-c", "pass"], runs)
    rows = [
        ("python -c pass", base),
        ("coach --help", median_ms([coach, "--help"], runs)),
        ("coach compile figure-8 -f json", median_ms([coach, "compile", "figure-8", "-f", "json",
                                                      "-q"], runs)),
    ]
    for name, ms in rows:
        print(f"{name:<34} median {ms:7.1f} ms   x{ms / base:5.2f} of bare python")


if __name__ == "__main__":
    main()

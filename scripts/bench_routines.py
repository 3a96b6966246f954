"""How `coach routines` (list_routines) grows with the number of user routines.

    python scripts/bench_routines.py [--sizes 500,1000,2000] [--runs 3]

For each size: a fresh COACH_HOME with that many small routines, the median time of
list_routines() over the runs, and the time per routine. Linear means the last
column stays flat (it grew with the size when each entry re-listed the folder).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

ROUTINE = "title: Walk {i}\nsegments:\n  - technique: walk\n    duration: 5m\n"


def median_s(size: int, runs: int) -> float:
    from coach.routines import library

    with tempfile.TemporaryDirectory() as home:
        folder = Path(home) / "config" / "routines"
        folder.mkdir(parents=True)
        for i in range(size):
            (folder / f"r{i}.yaml").write_text(ROUTINE.format(i=i))
        os.environ["COACH_HOME"] = home
        library._load_techniques.cache_clear()
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            entries = library.list_routines()
            times.append(time.perf_counter() - t0)
        assert len(entries) >= size
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="500,1000,2000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"{'routines':>8}  {'median s':>8}  {'ms per routine':>14}")
    for size in (int(s) for s in args.sizes.split(",")):
        t = median_s(size, args.runs)
        print(f"{size:>8}  {t:8.2f}  {t / size * 1000:14.2f}")


if __name__ == "__main__":
    main()

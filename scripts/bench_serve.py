"""`coach serve` numbers: time to first byte of an episode cold and warm, and the
server's memory idle, after a render and while several players download at once.

Each run starts `coach serve --host 127.0.0.1 --port 0 --days 1` as a real process on
loopback (http.client) with no programme (the feed holds today's gentle-start):

* "fresh install": a new COACH_HOME, so the episode's first byte waits for the voice
  (every phrase synthesised) and the render;
* "cold episode": the same home restarted with the episode files removed (the voice's
  phrases cached): the render alone;
* "warm": the same file again, from the episode cache.

The background renderer starts with the server, so a cold request meets a render
already under way (as a phone subscribing right after `coach serve` does). "idle" is
the server's RSS when it has printed its URLs; the render's peak counts the synthesis
worker processes too (Piper's are large). Prints medians of --runs runs, and the
load average before and after; never fails.

    .venv/bin/python scripts/bench_serve.py --clients 8 --runs 3
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def tree_kib(pid: int) -> int:
    """RSS of ``pid`` and its descendants (the synthesis workers a render starts)."""
    total, todo = 0, [pid]
    while todo:
        one = todo.pop()
        try:
            total += rss_kib(one)
            for task in os.listdir(f"/proc/{one}/task"):
                with open(f"/proc/{one}/task/{task}/children") as f:
                    todo += [int(child) for child in f.read().split()]
        except (OSError, ValueError):
            continue
    return total


class Peak:
    """The peak of ``measure()`` sampled every 20 ms while inside."""

    def __init__(self, measure: Callable[[], int]) -> None:
        self.measure, self.peak = measure, 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample)

    def _sample(self) -> None:
        while not self._done.is_set():
            self.peak = max(self.peak, self.measure())
            time.sleep(0.02)

    def __enter__(self) -> Peak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()


def ttfb(host: str, port: int, path: str) -> tuple[float, int]:
    """Seconds to the response's first byte, and the body's size (read to the end)."""
    conn = http.client.HTTPConnection(host, port, timeout=600)
    started = time.perf_counter()
    conn.request("GET", path)
    resp = conn.getresponse()
    first = resp.read(1)
    elapsed = time.perf_counter() - started
    size = len(first) + len(resp.read())
    conn.close()
    return elapsed, size


def download(host: str, port: int, path: str, sizes: list[int]) -> None:
    conn = http.client.HTTPConnection(host, port, timeout=600)
    conn.request("GET", path)
    resp = conn.getresponse()
    total = 0
    while chunk := resp.read(16384):
        total += len(chunk)
        time.sleep(0.002)  # a player on Wi-Fi, not a loopback firehose
    sizes.append(total)
    conn.close()


def start_server(home: str) -> tuple[subprocess.Popen[str], str, int, str]:
    """A `coach serve` process: (process, host, port, the token's path ``/TOKEN/``)."""
    env = {**os.environ, "COACH_HOME": home, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.Popen([sys.executable, "-m", "coach.cli", "serve", "--host", "127.0.0.1",
                             "--port", "0", "--days", "1"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=env)
    assert proc.stdout is not None
    while True:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit("coach serve did not start")
        if line.startswith("Page: "):
            parts = urlsplit(line[6:].strip())
            return proc, parts.hostname or "127.0.0.1", parts.port or 80, parts.path


def audio_path(host: str, port: int, base: str) -> tuple[str, dict[str, object]]:
    conn = http.client.HTTPConnection(host, port, timeout=60)
    conn.request("GET", base + "api/sessions")
    sessions = json.loads(conn.getresponse().read())
    conn.close()
    return urlsplit(sessions[0]["audio_url"]).path, sessions[0]


def stop(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(2)
    proc.wait(60)


def concurrent(host: str, port: int, path: str, clients: int, pid: int
               ) -> tuple[int, float, list[int]]:
    """Peak RSS (KiB) while ``clients`` download ``path`` at once, the wall time, sizes."""
    sizes: list[int] = []
    with Peak(lambda: rss_kib(pid)) as peak:
        started = time.perf_counter()
        threads = [threading.Thread(target=download, args=(host, port, path, sizes))
                   for _ in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall_s = time.perf_counter() - started
    return peak.peak, wall_s, sizes


def one_run(clients: int, warm_runs: int) -> dict[str, float]:
    home = tempfile.mkdtemp(prefix="coach-bench-serve-")
    out: dict[str, float] = {}
    proc, host, port, base = start_server(home)
    try:
        out["idle_kib"] = rss_kib(proc.pid)
        path, session = audio_path(host, port, base)
        with Peak(lambda: tree_kib(proc.pid)) as tree:
            out["fresh_s"], size = ttfb(host, port, path)
        out["render_tree_kib"] = tree.peak
    finally:
        stop(proc)
    serve_dir = os.path.join(home, "cache", "serve")
    for name in os.listdir(serve_dir):
        os.unlink(os.path.join(serve_dir, name))
    proc, host, port, base = start_server(home)
    try:
        path, session = audio_path(host, port, base)
        out["cold_s"], size = ttfb(host, port, path)
        out["after_render_kib"] = rss_kib(proc.pid)
        out["warm_s"] = statistics.median(ttfb(host, port, path)[0] for _ in range(warm_runs))
        peak, out["wall_s"], sizes = concurrent(host, port, path, clients, proc.pid)
        out["peak_kib"] = peak
        out["complete"] = float(len(sizes) == clients and all(s == size for s in sizes))
        out["size_mb"] = size / 1e6
        out["minutes"] = float(session["session_minutes"])  # type: ignore[arg-type]
    finally:
        stop(proc)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warm", type=int, default=9, help="warm requests per run")
    args = parser.parse_args()
    load_before = os.getloadavg()
    runs = []
    for n in range(args.runs):
        runs.append(one_run(args.clients, args.warm))
        print(f"run {n + 1}: " + ", ".join(f"{k} {v:.4g}" for k, v in runs[-1].items()),
              flush=True)
    load_after = os.getloadavg()

    def med(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    print(f"engine: {os.environ.get('COACH_ENGINE', 'default')}; episode: gentle-start "
          f"({med('minutes'):g} min, {med('size_mb'):.2f} MB); medians of {args.runs} runs")
    print(f"time to first byte: fresh install {med('fresh_s'):.2f} s, cold episode "
          f"{med('cold_s'):.2f} s, warm {med('warm_s') * 1000:.1f} ms "
          f"(cold/warm {med('cold_s') / med('warm_s'):.0f}x)")
    print(f"server RSS: idle {med('idle_kib') / 1024:.0f} MiB, after the render "
          f"{med('after_render_kib') / 1024:.0f} MiB, peak while {args.clients} clients "
          f"download at once {med('peak_kib') / 1024:.0f} MiB ({med('wall_s'):.1f} s; every "
          f"download complete in every run: {all(r['complete'] for r in runs)}); server and "
          f"its synthesis workers at the peak of the fresh-install render "
          f"{med('render_tree_kib') / 1024:.0f} MiB")
    print(f"load average (1, 5, 15 min): before {load_before[0]:.1f} {load_before[1]:.1f} "
          f"{load_before[2]:.1f}, after {load_after[0]:.1f} {load_after[1]:.1f} "
          f"{load_after[2]:.1f}; {os.cpu_count()} cores")


if __name__ == "__main__":
    main()

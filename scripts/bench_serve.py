"""`coach serve` numbers: time to first byte of an episode cold (rendered on this request)
and warm (from the cache), and the server's memory while several players download at once.

Runs `coach serve --host 127.0.0.1 --port 0` as a real process with a fresh COACH_HOME
(no programme: the feed holds today's gentle-start, 10 minutes) and talks to it over
loopback with http.client. Prints medians; never fails.

    .venv/bin/python scripts/bench_serve.py --clients 8 --runs 5
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
from urllib.parse import urlsplit


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="coach-bench-serve-")
    env = {**os.environ, "COACH_HOME": home, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.Popen([sys.executable, "-m", "coach.cli", "serve", "--host", "127.0.0.1",
                             "--port", "0", "--days", "1"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        assert proc.stdout is not None
        page = ""
        while not page:
            line = proc.stdout.readline()
            if not line:
                raise SystemExit("coach serve did not start")
            if line.startswith("Page: "):
                page = line[6:].strip()
        parts = urlsplit(page)
        host, port = parts.hostname or "127.0.0.1", parts.port or 80
        base = parts.path
        conn = http.client.HTTPConnection(host, port, timeout=60)
        conn.request("GET", base + "api/sessions")
        sessions = json.loads(conn.getresponse().read())
        conn.close()
        audio = urlsplit(sessions[0]["audio_url"]).path
        idle_kib = rss_kib(proc.pid)
        cold_s, size = ttfb(host, port, audio)
        after_render_kib = rss_kib(proc.pid)
        warm = [ttfb(host, port, audio)[0] for _ in range(args.runs)]
        warm_s = statistics.median(warm)
        sizes: list[int] = []
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], rss_kib(proc.pid))
                time.sleep(0.02)

        sampler = threading.Thread(target=sample)
        sampler.start()
        started = time.perf_counter()
        clients = [threading.Thread(target=download, args=(host, port, audio, sizes))
                   for _ in range(args.clients)]
        for c in clients:
            c.start()
        for c in clients:
            c.join()
        wall_s = time.perf_counter() - started
        done.set()
        sampler.join()
        print(f"episode: {sessions[0]['title']} ({sessions[0]['session_minutes']} min, "
              f"{size / 1e6:.2f} MB)")
        print(f"time to first byte: cold {cold_s:.2f} s (rendered on this request), "
              f"warm median {warm_s * 1000:.1f} ms of {args.runs} (cold/warm "
              f"{cold_s / warm_s:.0f}x)")
        print(f"server RSS: idle {idle_kib / 1024:.0f} MiB, after the render "
              f"{after_render_kib / 1024:.0f} MiB, peak while {args.clients} clients download "
              f"at once {peak[0] / 1024:.0f} MiB ({wall_s:.1f} s, every download complete: "
              f"{all(s == size for s in sizes) and len(sizes) == args.clients})")
    finally:
        proc.send_signal(2)
        proc.wait(20)


if __name__ == "__main__":
    main()

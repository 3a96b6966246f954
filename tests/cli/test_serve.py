"""``coach serve``: a real process on a loopback port, stopped with Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest


def _start(*args: str, command: tuple[str, ...] = ("serve",)
           ) -> tuple[subprocess.Popen[str], dict[str, str]]:
    proc = subprocess.Popen([sys.executable, "-m", "coach.cli", *command, *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            encoding="utf-8", env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    urls: dict[str, str] = {}
    deadline = time.monotonic() + 30
    assert proc.stdout is not None
    while "Page" not in urls and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if line.startswith(("Feed: ", "Page: ")):
            urls[line[:4]] = line[6:].strip()
    return proc, urls


def _stop(proc: subprocess.Popen[str], signum: int = signal.SIGINT) -> tuple[int, str, str]:
    if proc.poll() is None:
        proc.send_signal(signum)
    try:
        out, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    return proc.returncode, out, err


def _refused(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=5)
    except urllib.error.URLError as err:
        return isinstance(err.reason, ConnectionRefusedError)
    return False


@pytest.mark.slow
def test_serve_prints_feed_and_page_urls_serves_them_and_stops_on_ctrl_c():
    proc, urls = _start("--host", "127.0.0.1", "--port", "0")
    try:
        assert set(urls) == {"Feed", "Page"}, urls
        feed, page = urls["Feed"], urls["Page"]
        assert feed.startswith("http://127.0.0.1:") and feed.endswith("/feed.xml")
        assert feed == page + "feed.xml"
        token = page.rstrip("/").rsplit("/", 1)[1]
        assert len(token) >= 32
        with urllib.request.urlopen(page + "cover.png", timeout=20) as resp:
            assert resp.status == 200
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(page.replace(token, "x" * len(token)) + "cover.png")
        assert err.value.code == 404
    finally:
        code, out, err = _stop(proc)
    assert code == 0, err
    assert "Stopped." in out
    assert "\x1b" not in out  # the QR's colours only on a terminal
    assert token not in err  # the request log hides it
    assert "GET /…/cover.png 200" in err and "GET /…/cover.png 404" in err


def test_every_interface_needs_the_flag(run):
    result = run("serve", "--host", "0.0.0.0", code=2)
    assert "--all-interfaces" in result.output


def test_bad_port_and_days_are_usage_errors(run):
    assert "--port must be from 0 to 65535" in run("serve", "--host", "127.0.0.1", "--port",
                                                    "70000", code=2).output
    assert "--days must be from 1 to 14" in run("serve", "--days", "0", code=2).output


@pytest.mark.slow
def test_new_token_replaces_the_stored_one(run):
    from coach.web.token import load_token

    old = load_token()
    proc, urls = _start("--host", "127.0.0.1", "--port", "0", "--new-token")
    try:
        assert old not in urls["Page"]
        assert load_token() in urls["Page"]
    finally:
        _stop(proc)


@pytest.mark.slow
def test_sigterm_stops_serve_as_ctrl_c_does():
    proc, urls = _start("--host", "127.0.0.1", "--port", "0")
    try:
        assert set(urls) == {"Feed", "Page"}, urls
        with urllib.request.urlopen(urls["Page"] + "cover.png", timeout=20) as resp:
            assert resp.status == 200
    finally:
        started = time.monotonic()
        code, out, err = _stop(proc, signal.SIGTERM)
    assert code == 143, err  # 128 + SIGTERM, as every command a signal ends
    assert time.monotonic() - started < 20
    assert "Stopped." in out and "Traceback" not in err
    assert _refused(urls["Page"] + "cover.png")


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_schedule_run_serve_schedules_and_serves_in_one_process(run, signum):
    import json
    from datetime import datetime, timedelta

    at = (datetime.now() + timedelta(hours=6)).strftime("%H:%M")  # not due during the test
    run("schedule", "add", "gentle-start", "--at", at)
    proc, urls = _start("--serve", "--host", "127.0.0.1", "--port", "0",
                        command=("schedule", "run"))
    try:
        assert set(urls) == {"Feed", "Page"}, urls
        assert proc.stdout is not None
        waiting = proc.stdout.readline()
        while waiting and not waiting.startswith("Waiting for"):
            waiting = proc.stdout.readline()
        assert waiting.startswith(f"Waiting for gentle-start-{at.replace(':', '')}"), waiting
        with urllib.request.urlopen(urls["Page"] + "api/sessions", timeout=30) as resp:
            sessions = json.load(resp)
        hhmm = at.replace(":", "")
        assert any(s["id"].endswith(f"-{hhmm}-gentle-start") for s in sessions), sessions
    finally:
        code, out, err = _stop(proc, signum)
    assert code == (0 if signum == signal.SIGINT else 143), err
    assert "Stopped." in out and "Traceback" not in err
    assert _refused(urls["Page"] + "cover.png")
    token = urls["Page"].rstrip("/").rsplit("/", 1)[1]
    assert "GET /…/api/sessions 200" in err and token not in err


def test_listening_options_need_serve(run):
    run("schedule", "add", "gentle-start", "--at", "07:30")
    assert "go with --serve" in run("schedule", "run", "--port", "8000", code=2).output

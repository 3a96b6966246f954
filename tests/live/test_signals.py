"""SIGTERM and SIGHUP end a walk as Ctrl-C does: the terminal is restored and the walk saved.

A real `coach walk --text` process on a pseudo-terminal (its keys come from the pty, so
the terminal is in cbreak mode while it walks); the signal arrives after the first cue.
"""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.live]


def _env(tmp_path: Path, coach_home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PULSE", "XDG_"))}
    (tmp_path / "run").mkdir()
    env.update({"PULSE_SERVER": f"unix:{tmp_path}/run/none", "XDG_RUNTIME_DIR":
                str(tmp_path / "run"), "COACH_HOME": str(coach_home), "PYTHONUNBUFFERED": "1",
                "COACH_ENGINE": "espeak"})
    return env


def _read_until(fd: int, marker: bytes, timeout_s: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout_s
    while marker not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                seen += os.read(fd, 4096)
            except OSError:
                break
    return seen


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_restores_the_terminal_and_saves_the_walk(tmp_path, coach_home, signum):
    env = _env(tmp_path, coach_home)
    main_fd, child_fd = pty.openpty()
    before = termios.tcgetattr(child_fd)
    proc = subprocess.Popen([sys.executable, "-m", "coach", "walk", "gentle-start", "--text",
                             "--pain-before", "3"], env=env, stdin=child_fd, stdout=child_fd,
                            stderr=child_fd, start_new_session=True)
    try:
        seen = _read_until(main_fd, b"Welcome.", 120)
        assert b"Welcome." in seen, seen[-500:]
        assert not termios.tcgetattr(child_fd)[3] & termios.ECHO  # cbreak while walking
        proc.send_signal(signum)
        proc.wait(timeout=30)
        seen += _read_until(main_fd, b"history", 5)
    finally:
        if proc.poll() is None:
            proc.kill()
    after = termios.tcgetattr(child_fd)
    os.close(child_fd)
    os.close(main_fd)
    assert after[3] & termios.ECHO and after == before  # echo back, settings as they were
    assert proc.returncode == 130, seen[-500:]
    history = subprocess.run([sys.executable, "-m", "coach", "history", "--json"], env=env,
                             capture_output=True, text=True, timeout=60)
    (walk,) = json.loads(history.stdout)
    assert (walk["routine"], walk["completed"], walk["ended_reason"], walk["pain_before"]) == (
        "gentle-start", False, "interrupted", 3)

"""A read-only home (issue 12): the history is read, and speech works without the cache.

Root ignores file permissions, so the home is made read-only for real: the coach
runs in its own mount namespace with COACH_HOME bind-mounted read-only (EROFS for
root too). ``unshare`` needs the right to make a mount namespace (root, or user
namespaces for others); where it cannot, the test is skipped with that reason.
The MP3 is read back by mutagen; the home is compared file by file before and after.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

#: Runs "$@" with $1 bind-mounted read-only (inside a private mount namespace).
_READ_ONLY = ('mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift '
              '&& exec "$@"')


def _read_only_prefix(folder: Path) -> list[str]:
    """The command prefix that runs a command with ``folder`` read-only, or skip."""
    unshare = shutil.which("unshare")
    if unshare is None or not sys.platform.startswith("linux"):
        pytest.skip("no unshare(1): cannot make a read-only mount")
    flags = ["--mount"] if os.geteuid() == 0 else ["--mount", "--map-root-user"]
    prefix = [unshare, *flags, "sh", "-c", _READ_ONLY, "sh", str(folder)]
    probe = subprocess.run([*prefix, "sh", "-c", f'! touch "{folder}/probe"'],
                           capture_output=True, text=True)
    if probe.returncode != 0 or (folder / "probe").exists():
        pytest.skip(f"cannot make a read-only mount here: {probe.stderr.strip()[-120:]}")
    return prefix


def _coach(env: dict[str, str], *args: str, prefix: list[str] = ()) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, sys.executable, "-m", "coach", *args], env=env, text=True,
                          capture_output=True, timeout=300)


def _files(home: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(home)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(home.rglob("*"))}


def test_a_read_only_home_reads_the_history_and_speaks_uncached(tmp_path: Path) -> None:
    from mutagen.mp3 import MP3

    home = tmp_path / "home"
    home.mkdir()
    env = dict(os.environ, COACH_HOME=str(home), COACH_ENGINE="espeak")
    logged = _coach(env, "log", "gentle-start", "-m", "8", "--pain-before", "3",
                    "--pain-after", "2")
    assert logged.returncode == 0, logged.stderr
    assert not (home / "cache").exists()  # nothing synthesised yet: every phrase uncached
    before = _files(home)
    prefix = _read_only_prefix(home)

    history = _coach(env, "history", prefix=prefix)
    assert history.returncode == 0, history.stderr
    assert "gentle-start" in history.stdout and "3/2/-" in history.stdout
    assert "Traceback" not in history.stderr

    out = tmp_path / "out" / "walk.mp3"
    export = _coach(env, "export", "gentle-start", "-o", str(out), prefix=prefix)
    assert export.returncode == 0, export.stderr
    notes = [ln for ln in export.stderr.splitlines() if "speaking uncached" in ln]
    assert len(notes) == 1 and "read-only" in notes[0].lower(), export.stderr
    assert MP3(out).info.length > 60  # the whole session, spoken

    walk = _coach(env, "walk", "gentle-start", "--text", prefix=prefix)
    assert walk.returncode == 1  # a walk that could not be saved is refused before it starts
    assert "cannot be written (read-only)" in walk.stderr and "Traceback" not in walk.stderr
    assert _files(home) == before  # and nothing in the home changed


def test_a_worker_that_cannot_be_started_is_an_error_each_time_not_a_hang(monkeypatch,
                                                                        tmp_path: Path):
    # found by the test above as an unprivileged user: exec of the venv's interpreter failed
    # with PermissionError, the worker slot was never given back, the next phrase waited forever
    from coach.errors import EngineError
    from coach.routines.model import SpeechSettings
    from coach.speech.workers import WorkerEngine

    not_runnable = tmp_path / "python"
    not_runnable.write_text("")  # not executable: PermissionError at exec
    monkeypatch.setattr(sys, "executable", str(not_runnable))
    engine = WorkerEngine("espeak", workers=1)
    errors: list[str] = []

    def say_twice() -> None:
        for _ in range(2):
            try:
                engine.synthesize("Hello there.", SpeechSettings())
            except EngineError as err:
                errors.append(str(err))

    thread = threading.Thread(target=say_twice, daemon=True)
    thread.start()
    thread.join(30)
    assert not thread.is_alive(), "the second phrase waited forever for a worker"
    assert len(errors) == 2 and all("cannot start the espeak-ng worker" in e for e in errors)

"""Keys from a real pseudo-terminal (no user terminal needed)."""

from __future__ import annotations

import io
import os
import termios
import time

from coach.keys import NoKeys, TerminalKeys


def wait_for(keys: TerminalKeys, n: int) -> list[str]:
    got: list[str] = []
    deadline = time.monotonic() + 5
    while len(got) < n and time.monotonic() < deadline:
        got += keys.poll()
        time.sleep(0.01)
    return got


def test_keys_from_a_pty_in_cbreak_mode_and_terminal_restored():
    master, slave = os.openpty()
    try:
        before = termios.tcgetattr(slave)
        with os.fdopen(os.dup(slave), "r") as stream, TerminalKeys(stream) as keys:
            assert keys.active
            mode = termios.tcgetattr(slave)
            assert not mode[3] & termios.ICANON and not mode[3] & termios.ECHO
            assert mode[3] & termios.ISIG  # Ctrl-C still interrupts
            os.write(master, b" nrq")  # no Enter needed in cbreak mode
            assert wait_for(keys, 4) == [" ", "n", "r", "q"]
        assert termios.tcgetattr(slave) == before
    finally:
        os.close(master)
        os.close(slave)


def test_terminal_restored_when_the_walk_is_interrupted():
    master, slave = os.openpty()
    try:
        before = termios.tcgetattr(slave)
        try:
            with os.fdopen(os.dup(slave), "r") as stream, TerminalKeys(stream):
                raise KeyboardInterrupt
        except KeyboardInterrupt:
            pass
        assert termios.tcgetattr(slave) == before
    finally:
        os.close(master)
        os.close(slave)


def test_no_terminal_means_no_keys(tmp_path):
    path = tmp_path / "stdin.txt"
    path.write_text("q q q")
    with path.open() as stream, TerminalKeys(stream) as keys:
        assert not keys.active
        assert keys.poll() == []
    with TerminalKeys(io.StringIO("q")) as keys:  # no file descriptor at all
        assert not keys.active and keys.poll() == []
    assert NoKeys().poll() == []

"""Keys from a real pseudo-terminal (no user terminal needed)."""

from __future__ import annotations

import io
import os
import termios
import time

import pytest

from coach.live.keys import ESCAPE_WAIT_S, EscapeFilter, NoKeys, TerminalKeys


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


# F1-F4 (xterm), arrows, F5/Delete, Shift+F1, Linux console F1, application-mode arrow
SEQUENCES = (b"\x1bOP", b"\x1bOQ", b"\x1bOR", b"\x1bOS", b"\x1b[A", b"\x1b[D", b"\x1b[15~",
             b"\x1b[3~", b"\x1b[1;2P", b"\x1b[[A", b"\x1bOA")


@pytest.mark.slow
def test_escape_sequences_from_a_pty_yield_no_keys():
    master, slave = os.openpty()
    try:
        with os.fdopen(os.dup(slave), "r") as stream, TerminalKeys(stream) as keys:
            os.write(master, b"".join(SEQUENCES))
            os.write(master, b"n")  # a real key after them, so we know they were read
            assert wait_for(keys, 1) == ["n"]
            os.write(master, b"\x1b[1")  # a sequence split over two reads
            time.sleep(ESCAPE_WAIT_S / 4)
            os.write(master, b"5~r")
            assert wait_for(keys, 1) == ["r"]
            os.write(master, b"\x1b")  # the Escape key alone does not eat the next key
            time.sleep(ESCAPE_WAIT_S * 3)
            os.write(master, b"q")
            assert wait_for(keys, 1) == ["q"]
            time.sleep(ESCAPE_WAIT_S * 2)
            assert keys.poll() == []
    finally:
        os.close(master)
        os.close(slave)


def test_escape_filter_keeps_plain_keys_between_sequences():
    sequences = EscapeFilter()
    text = "".join(s.decode() for s in SEQUENCES)
    assert sequences.feed(f"P{text}p {text}Q\x1b\x1bOPq") == ["P", "p", " ", "Q", "q"]
    assert [k for ch in f"{text}R" for k in sequences.feed(ch)] == ["R"]  # byte by byte


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

"""`coach walk` and `coach devices` as a new user meets them on a machine with no sound card.

Mostly the CLI runs for real in a subprocess, with no PulseAudio server
reachable and no sound card: it must explain in one line why there is no audio,
print the cues at their times, record the walk, and never show a traceback. The
choice of routine runs in process, through the shared `cli` fixture.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

TINY = """\
title: Tiny walk
segments:
  - technique: walk
    duration: 18s
"""


@pytest.fixture
def no_sound_env(tmp_path: Path, coach_home: Path) -> dict[str, str]:
    """No sound server anywhere (a dead PULSE_SERVER, empty runtime and home)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PULSE", "XDG_"))}
    for sub in ("run", "home"):
        (tmp_path / sub).mkdir()
    env.update({"PULSE_SERVER": f"unix:{tmp_path}/run/no-such-socket",
                "XDG_RUNTIME_DIR": str(tmp_path / "run"), "HOME": str(tmp_path / "home"),
                "COACH_HOME": str(coach_home), "PYTHONUNBUFFERED": "1"})
    return env


def coach(env: dict[str, str], *args: str, timeout_s: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "coach", *args], env=env, text=True,
                          capture_output=True, stdin=subprocess.DEVNULL, timeout=timeout_s)


@pytest.mark.slow
@pytest.mark.live
def test_walk_without_a_sound_card_prints_the_session_and_records_it(no_sound_env, tmp_path):
    routine = tmp_path / "tiny.yaml"
    routine.write_text(TINY)
    started = time.monotonic()
    result = coach(no_sound_env, "walk", str(routine), "--pain-before", "3", "--pain-after", "2")
    took_s = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "ALSA" not in result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("No audio: no sound output could be opened")
    assert "Showing the session as text instead" in lines[0]
    assert lines[1] == "[00:00] == Walking =="
    assert lines[2].startswith("[00:01] Welcome. Today: one minute of walking.")
    assert lines[3].startswith("[00:0") and "] This is guidance, not medical advice." in lines[3]
    assert lines[-2] == "Walked 0.3 of 0.3 minutes, completed. Saved in your history."
    assert lines[-1].startswith("Next: You have no programme yet, so nothing changes")
    assert took_s >= 18  # printed in real time, not all at once
    history = json.loads(coach(no_sound_env, "history", "--json").stdout)
    assert len(history) == 1
    walk = history[0]
    assert (walk["routine"], walk["completed"], walk["pain_before"], walk["pain_after"]) == (
        "tiny", True, 3, 2)
    assert walk["walked_min"] == pytest.approx(0.3)


@pytest.mark.slow
@pytest.mark.live
def test_ctrl_c_ends_cleanly_and_records_an_early_end(no_sound_env):
    proc = subprocess.Popen([sys.executable, "-m", "coach", "walk", "gentle-start", "--text"],
                            env=no_sound_env, text=True, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    first = [proc.stdout.readline() for _ in range(3)]
    assert first[0].startswith("No audio: you asked for text (--text).")
    assert first[2].startswith("[00:01] Welcome.")
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert "Traceback" not in err
    assert "Stopped." in out and "ended early (interrupted)" in out
    history = json.loads(coach(no_sound_env, "history", "--json").stdout)
    assert [(w["routine"], w["completed"], w["ended_reason"]) for w in history] == [
        ("gentle-start", False, "interrupted")]


def test_devices_says_there_are_none(no_sound_env):
    result = coach(no_sound_env, "devices")
    assert result.returncode == 0
    assert result.stdout.startswith("No sound outputs found")
    assert result.stderr == ""


@pytest.mark.slow
@pytest.mark.live
def test_unknown_device_falls_back_to_text_with_the_reason(no_sound_env, tmp_path):
    routine = tmp_path / "tiny.yaml"
    routine.write_text(TINY)
    proc = subprocess.Popen([sys.executable, "-m", "coach", "walk", str(routine), "--device",
                             "speakers"], env=no_sound_env, text=True,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdout is not None
    first = proc.stdout.readline()
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=30)
    assert first.startswith("No audio: no sound outputs found, so --device 'speakers' cannot "
                            "be used.")


def test_pain_prompt_takes_only_0_to_10_and_never_crashes():
    from click.testing import CliRunner

    from coach.cli.live import ask_pain

    with CliRunner().isolation(input="²\n11\nlots\n5\n") as streams:
        assert ask_pain("after") == 5
    assert streams[0].getvalue().count(b"Please type a whole number") == 3


def test_with_no_routine_named_the_walk_is_todays_programme_session(cli):
    first = cli("walk", "--text", "--estimate", "--pain-before", "1", "--pain-after", "1")
    assert first.exit_code == 0, first.output
    assert first.output.startswith("No programme yet (`coach plan` sets one up): walking "
                                   "gentle-start.")
    assert cli("plan", "--minutes", "7", "--days", "3", "--no-red-flags", "--no-figure-8").exit_code == 0
    second = cli("walk", "--text", "--estimate", "--pain-before", "1", "--pain-after", "1")
    assert second.exit_code == 0, second.output
    assert second.output.startswith("Today's session: ")
    assert "7-minute walk" in second.output.splitlines()[0]

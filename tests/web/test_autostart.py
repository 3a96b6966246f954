"""The systemd user unit and the crontab @reboot line that keep `coach serve` running.

The crontab line is run by a real ``sh`` (after undoing cron's own ``\\%``) and must
start the coach's program with exactly the words given; the unit is checked by
``systemd-analyze verify`` (which looks the program up by the path it parsed) where
that tool can run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from coach.errors import UsageError
from coach.web.autostart import (
    autostart_lines,
    crontab_line,
    serve_command,
    systemd_unit,
)

ODD = "we%ird $HOME `x` ;'q"  # what a shell, cron or systemd would read as its own


def _fake_coach(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A program named ``coach`` that writes the words it was started with as JSON."""
    folder.mkdir(parents=True)
    script = folder / "coach"
    script.write_text(f"#!{sys.executable}\nimport json, os, sys\n"
                      "open(os.environ['ARGV_OUT'], 'w').write(json.dumps("
                      "[sys.argv[1:], os.environ.get('COACH_HOME')]))\n")
    script.chmod(0o755)
    monkeypatch.setattr("sys.argv", [str(script), "serve"])
    return script


def test_the_crontab_line_starts_the_coach_with_exactly_its_options(tmp_path, monkeypatch):
    script = _fake_coach(tmp_path / ODD, monkeypatch)
    command = serve_command(f"host{ODD}", 8765, 5, True)
    assert command == [str(script.resolve()), "serve", "--host", f"host{ODD}", "--port",
                       "8765", "--days", "5", "--all-interfaces"]
    home = f"/tmp/home {ODD}"
    line = crontab_line(command, home)
    assert line.startswith("@reboot ") and line.endswith(" >/dev/null 2>&1")
    assert "\n" not in line and "%" not in line.replace("\\%", "")  # cron: % is a newline
    shell = line.removeprefix("@reboot ").replace("\\%", "%")  # what cron hands to sh
    out = tmp_path / "argv.json"
    subprocess.run(["sh", "-c", shell], check=True, timeout=30,
                   env={**os.environ, "ARGV_OUT": str(out)})
    assert json.loads(out.read_text()) == [command[1:], home]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_systemd_parses_the_unit_back_to_the_same_program(tmp_path, monkeypatch):
    script = _fake_coach(tmp_path / "my coach%x$y", monkeypatch)
    command = serve_command(f"host{ODD}", 8765, 3, False)
    name, text = systemd_unit(command, f"/tmp/{ODD}")
    assert name == "coach-serve.service"
    keys = [row.split("=", 1)[0] for row in text.splitlines() if "=" in row]
    assert keys == ["Description", "Type", "Environment", "ExecStart", "Restart", "RestartSec",
                    "WantedBy"]
    exec_start = next(r for r in text.splitlines() if r.startswith("ExecStart="))
    assert exec_start == ('ExecStart="' + str(script.resolve()).replace("%", "%%")
                          + '" "serve" "--host" "hostwe%%ird $$HOME `x` ;\'q" "--port" '
                          '"8765" "--days" "3"')
    assert 'Environment="COACH_HOME=/tmp/we%%ird $HOME `x` ;\'q"' in text
    unit = tmp_path / name
    unit.write_text(text)
    runtime = tmp_path / "run"
    runtime.mkdir()
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime)}

    def verify() -> subprocess.CompletedProcess[str]:
        return subprocess.run(["systemd-analyze", "verify", "--user", str(unit)], env=env,
                              capture_output=True, text=True, timeout=60)

    found = verify()
    if "Failed to initialize manager" in found.stderr:
        pytest.skip(f"systemd-analyze cannot run here: {found.stderr.strip()}")
    assert found.returncode == 0, found.stderr
    script.rename(script.with_name("gone"))  # systemd looks for the very path it parsed
    missing = verify()
    assert missing.returncode != 0
    assert f"Command {script.resolve()} is not executable" in missing.stderr


def test_a_path_systemd_refuses_still_gets_the_crontab_line(tmp_path, monkeypatch):
    _fake_coach(tmp_path / 'q"uote', monkeypatch)
    lines = autostart_lines(serve_command(None, 8765, 3, False))
    assert lines[0].startswith("# (no systemd unit: systemd does not run a program")
    assert lines[-1].startswith("@reboot ") and "serve --port 8765 --days 3" in lines[-1]


@pytest.mark.parametrize("home", ["/tmp/a\nExecStart=/bin/sh", "/tmp/a\r* * * * * x", "a\x1b[2J"])
def test_a_control_character_is_refused_not_written(home, monkeypatch, run):
    monkeypatch.setenv("COACH_HOME", home)
    result = run("serve", "--port", "8765", "--print-autostart", code=2)
    assert "control character" in result.output and "\x1b" not in result.output
    assert "ExecStart" not in result.output.split("\n", 1)[1]


def test_the_command_prints_both_without_serving(run, coach_home: Path):
    result = run("serve", "--host", "127.0.0.1", "--port", "8765", "--print-autostart")
    out = result.output
    assert "Feed:" not in out and "Serving" not in out
    assert "systemctl --user enable --now coach-serve.service" in out
    assert f'Environment="COACH_HOME={coach_home}"' in out
    exec_start = next(r for r in out.splitlines() if r.startswith("ExecStart="))
    assert exec_start.endswith('"serve" "--host" "127.0.0.1" "--port" "8765" "--days" "3"')
    cron = out.splitlines()[-1]
    assert cron.startswith(f"@reboot COACH_HOME={coach_home} ")
    assert "--host 127.0.0.1 --port 8765 --days 3 >/dev/null 2>&1" in cron
    from coach.web.token import token_path

    assert not token_path().exists()  # no token made, none rotated


@pytest.mark.parametrize("args, message", [
    (["--port", "0"], "--port 0 picks another port at each start"),
    (["--port", "70000"], "--port must be from 0 to 65535"),
    (["--days", "0"], "--days must be from 1 to 14"),
    (["--host", "0.0.0.0"], "--all-interfaces"),
    (["--new-token"], "rotate the token first"),
])
def test_bad_options_are_refused_as_serve_refuses_them(args, message, run):
    assert message in run("serve", *args, "--print-autostart", code=2).output


def test_serve_command_never_rotates_the_token():
    assert "--new-token" not in serve_command(None, 8765, 3, False)
    with pytest.raises(UsageError):
        serve_command(None, 0, 3, False)

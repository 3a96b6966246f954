"""Keeping ``coach serve`` running: a systemd user unit and a crontab ``@reboot`` line.

``coach serve --print-autostart`` prints both, as ``coach schedule ics`` prints its
timers. The command is :func:`coach.scheduling.calendar.coach_command` (an
absolute path) with the options the user gave, as a list of words; each file
quotes them its own way: the crontab line with :func:`shlex.join` (cron runs
``sh``) and ``%`` escaped (cron turns it into a newline), the unit with
systemd's double quotes (``\\``, ``\"``), ``%%`` (a specifier) and ``$$`` (a
variable). What no quoting can keep on one line (a newline or another control
character in the coach's path or in ``COACH_HOME``) is refused.
"""

from __future__ import annotations

import os
import shlex

from coach.errors import UsageError

UNIT_NAME = "coach-serve.service"


def serve_command(host: str | None, port: int, days: int, all_interfaces: bool) -> list[str]:
    """``[/abs/path/coach, serve, --port, P, ...]`` for the options given (never
    --new-token: a restart must keep the phone's URLs)."""
    from coach.scheduling.calendar import coach_command

    if port == 0:
        raise UsageError("--port 0 picks another port at each start, so the phone would "
                         "lose the feed: give a fixed --port to keep it running")
    args = ["serve"]
    if host is not None:
        args += ["--host", host]
    args += ["--port", str(port), "--days", str(days)]
    if all_interfaces:
        args.append("--all-interfaces")
    command = shlex.split(coach_command()) + args
    for word in command:
        _check_one_line(word, "the coach's command")
    return command


def coach_home() -> str | None:
    """``COACH_HOME`` when it is set: the service must use the same folders."""
    home = os.environ.get("COACH_HOME")
    if home:
        _check_one_line(home, "COACH_HOME")
    return home or None


def crontab_line(command: list[str], home: str | None = None) -> str:
    """``@reboot`` with the command; its output goes nowhere (cron would keep a
    never-ending server's output until it ends: use the systemd unit for a log)."""
    env = f"COACH_HOME={shlex.quote(home)} " if home else ""
    return f"@reboot {_cron(env + shlex.join(command))} >/dev/null 2>&1"


def systemd_unit(command: list[str], home: str | None = None) -> tuple[str, str]:
    """(file name, text) of a user service that starts at login (or boot, with lingering)
    and restarts after a failure (e.g. the network was not up yet)."""
    program, *args = command
    if any(c in program for c in "\"'\\"):
        raise UsageError(f"systemd does not run a program whose path has a quote or a "
                         f"backslash in it: {program}")
    env = f"Environment={_systemd_word('COACH_HOME=' + home, dollar=False)}\n" if home else ""
    exec_start = " ".join([_systemd_word(program, dollar=False),
                           *(_systemd_word(word) for word in args)])
    text = ("[Unit]\nDescription=Walking coach: podcast feed and pain page (coach serve)\n\n"
            f"[Service]\nType=simple\n{env}ExecStart={exec_start}\n"
            "Restart=on-failure\nRestartSec=30\n\n[Install]\nWantedBy=default.target\n")
    return UNIT_NAME, text


def autostart_lines(command: list[str], home: str | None = None) -> list[str]:
    """What ``coach serve --print-autostart`` prints: both ways, with how to install them."""
    try:
        name, text = systemd_unit(command, home)
    except UsageError as err:
        unit = [f"# (no systemd unit: {err})", ""]
    else:
        unit = ["# systemd (a user service, logs in `journalctl --user -u coach-serve`):",
                f"#   save as ~/.config/systemd/user/{name}, then",
                f"#   systemctl --user daemon-reload && systemctl --user enable --now {name}",
                "#   and, to start at boot without logging in: loginctl enable-linger",
                f"# --- {name}", *text.rstrip("\n").split("\n"), ""]
    return [*unit, "# or crontab -e (starts at boot; no log):", crontab_line(command, home)]


def _check_one_line(text: str, what: str) -> None:
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in text):
        raise UsageError(f"{what} has a control character (such as a newline), which "
                         "cannot be written into a crontab line or a systemd unit: "
                         f"{text!r}")


def _cron(text: str) -> str:
    return text.replace("%", "\\%")


def _systemd_word(word: str, dollar: bool = True) -> str:
    """One word in systemd's double quotes: backslash and quote escaped, ``%`` doubled,
    and in ExecStart ``$`` doubled (Environment= expands no variables)."""
    text = word.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%")
    return f'"{text.replace("$", "$$") if dollar else text}"'

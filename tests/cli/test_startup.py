"""`coach --help` imports only the CLI's core: commands load when asked for (issue 9).

Times are measured in scripts/bench_cli.py, never here; these check what is imported."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("numpy", "scipy", "pyloudnorm", "piper", "onnxruntime", "starlette", "uvicorn",
         "segno", "mutagen", "yaml", "sqlite3", "lameenc", "sounddevice")

PROBE = """
import json, sys
from coach.cli import main
args, load_all = %r, %r
if load_all:
    main.commands
try:
    if args is not None:
        main(args, prog_name="coach", standalone_mode=False)
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)))
"""


def loaded_after(args: list[str] | None, load_all: bool = False) -> tuple[set[str], str]:
    done = subprocess.run([sys.executable, "-c", PROBE % (args, load_all)], capture_output=True,
                          text=True, check=True)
    *shown, modules = done.stdout.strip().splitlines()
    return set(json.loads(modules)), "\n".join(shown)


def test_help_loads_no_command_module_and_nothing_heavy():
    modules, shown = loaded_after(["--help"])
    assert "Commands:" in shown and "walk" in shown
    assert not [m for m in modules if m.split(".")[0] in HEAVY]
    assert not [m for m in modules if m.startswith("coach.cli.") and m != "coach.cli.options"]


def test_import_of_the_cli_loads_nothing_heavy():
    modules, _ = loaded_after(None)
    assert not [m for m in modules if m.split(".")[0] in HEAVY]


def test_a_command_loads_its_own_module_only():
    modules, shown = loaded_after(["walk", "--help"])
    assert "Walk a routine now" in shown
    assert "coach.cli.live" in modules
    assert "coach.cli.export" not in modules and "coach.cli.serve" not in modules
    assert not [m for m in modules if m.split(".")[0] in ("piper", "onnxruntime", "starlette")]


def test_the_lazy_table_is_every_command_with_its_module_and_help():
    from coach.cli import LAZY_COMMANDS, main

    real = {name: (cmd.callback.__module__.rsplit(".", 1)[1], cmd.get_short_help_str(1000))
            for name, cmd in main.commands.items()}
    assert real == LAZY_COMMANDS


def test_help_is_the_same_lazy_and_with_every_command_loaded():
    lazy_modules, lazy = loaded_after(["--help"])
    modules, loaded = loaded_after(["--help"], load_all=True)
    assert "coach.cli.serve" in modules and "coach.cli.serve" not in lazy_modules
    assert lazy == loaded

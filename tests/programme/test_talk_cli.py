"""``--talk`` on compile, show, walk (text) and export (issue 11.7): the command line's
level wins over the routine's ``talk:`` key, and a bad level is a usage error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coach.routines.library import load_techniques

FORM = {line for t in load_techniques().values() if "form" not in t.quiet for line in t.form}


def cues(run, *args: str) -> list[dict]:
    out = run("compile", *args, "--estimate", "--format", "json").stdout
    return json.loads(out)["cues"]


def test_compile_and_show_take_talk(run) -> None:
    by = {talk: cues(run, "heel-toe", "--talk", talk) for talk in ("quiet", "normal", "chatty")}
    assert len(by["quiet"]) < len(by["normal"]) < len(by["chatty"])
    assert not {c["text"] for c in by["quiet"]} & FORM
    assert {c["text"] for c in by["normal"]} & FORM
    assert cues(run, "heel-toe") == by["normal"]  # the routine's own: normal
    shown = run("show", "heel-toe", "--estimate", "--talk", "quiet").stdout
    assert f"{len(by['quiet'])} spoken cues" in shown


def test_the_option_overrides_the_routines_key(run, tmp_path: Path) -> None:
    walk = tmp_path / "quiet-walk.yaml"
    walk.write_text("title: Quiet walk\ntalk: quiet\nsegments:\n"
                    "  - technique: heel-toe\n    duration: 6m\n")
    quiet = cues(run, str(walk))
    assert not {c["text"] for c in quiet} & FORM
    assert len(cues(run, str(walk), "--talk", "chatty")) > len(quiet)


def test_walk_text_speaks_less_when_quiet(run) -> None:
    said = {talk: run("walk", "gentle-start", "--text", "--estimate", "--talk", talk,
                      "--pain-before", "2", "--pain-after", "2").stdout
            for talk in ("quiet", "chatty")}
    assert said["quiet"].count("\n") < said["chatty"].count("\n")
    assert not [line for line in FORM if line in said["quiet"]]


@pytest.mark.parametrize("command", ["compile", "show", "walk", "export"])
def test_a_bad_level_is_refused(run, command: str) -> None:
    result = run(command, "heel-toe", "--talk", "loud", code=2)
    assert "'loud' is not one of 'quiet', 'normal', 'chatty'" in result.output


def test_export_takes_talk(run, tmp_path: Path) -> None:
    """The exported file's lyrics (FILE.lrc) hold the quiet session's cues only."""
    lrc = {}
    for talk in ("quiet", "normal"):
        out = tmp_path / f"{talk}.mp3"
        run("export", "gentle-start", "-o", str(out), "--talk", talk, "--engine", "espeak")
        lrc[talk] = out.with_suffix(".lrc").read_text(encoding="utf-8")
    assert lrc["quiet"].count("\n") < lrc["normal"].count("\n")
    assert not [line for line in FORM if line in lrc["quiet"]]

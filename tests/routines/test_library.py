"""The built-in content: technique library, routines and their JSON Schemas.

Checks the package data as shipped (``coach/data``): every file parses, matches
its schema, uses only known techniques and placeholders, and the routines last
as long as their descriptions promise.
"""

from __future__ import annotations

import json
import os
import re
import string
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from coach.routines.durations import parse_duration
from coach.routines.library import load_techniques, resolve_routine
from coach.routines.loader import PLACEHOLDERS, load_routine
from coach.routines.model import Routine
from coach.session import compile_with_library

DATA = resources.files("coach").joinpath("data")

TECHNIQUE_IDS = {
    "warm-up", "posture-check", "heel-toe", "backward", "side-step", "figure-8",
    "incline-up", "incline-down", "pace-change", "rest", "cool-down", "walk",
    "cool-down-gentle", "cool-down-seated",
}
COOL_DOWNS = {"cool-down", "cool-down-gentle", "cool-down-seated"}
WALKING = TECHNIQUE_IDS - {"warm-up", "rest", "posture-check", "pace-change"} - COOL_DOWNS
#: Minimum and maximum length of each built-in routine, in minutes.
ROUTINE_MINUTES = {
    "gentle-start": (9, 11),
    "figure-8": (10, 12),
    "heel-toe": (14, 16),
    "backward": (16, 18),
    "side-step": (14, 16),
    "brisk-30": (33, 37),  # thirty minutes of walking, then the stretches
    "flare-up": (7, 9),
}
MAX_CUE_WORDS = 22


def _files(kind: str) -> dict[str, Any]:
    folder = DATA.joinpath(kind)
    return {p.name[:-5]: yaml.safe_load(p.read_text(encoding="utf-8"))
            for p in folder.iterdir() if p.name.endswith(".yaml")}


def _schema(kind: str) -> dict[str, Any]:
    return json.loads(DATA.joinpath(f"{kind}.schema.json").read_text(encoding="utf-8"))


TECHNIQUES = _files("techniques")
ROUTINES = _files("routines")


def _segments(items: list[dict[str, Any]], times: int = 1) -> Iterator[tuple[dict[str, Any], int]]:
    """Every plain segment with how many times it is done (repeats expanded)."""
    for item in items:
        if "repeat" in item:
            yield from _segments(item["segments"], times * item["repeat"])
        else:
            yield item, times


def _flat(routine: dict[str, Any]) -> list[dict[str, Any]]:
    return [seg for seg, _ in _segments(routine["segments"])]


def _minutes(routine: dict[str, Any], technique: str | None = None) -> float:
    return sum(parse_duration(seg["duration"]) * n for seg, n in _segments(routine["segments"])
               if technique is None or seg["technique"] == technique) / 60


def _lines(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _spoken(doc: dict[str, Any]) -> Iterator[str]:
    """Every line a technique or routine file would have spoken."""
    for key in ("intro", "safety", "form", "encouragement", "closing", "say"):
        yield from _lines(doc.get(key))
    for stretch in doc.get("stretches", ()):
        says = _lines(stretch.get("say")) + _lines(stretch.get("left")) \
            + _lines(stretch.get("right"))
        for say in says:
            yield f"{stretch['name']}. {say}"
    for reminder in doc.get("reminders", ()):
        yield from _lines(reminder["say"])
    for seg, _ in _segments(doc.get("segments", [])):
        yield from _spoken(seg)


# -- the files are there and well formed -------------------------------------------
def test_every_technique_and_routine_is_shipped() -> None:
    assert set(TECHNIQUES) == TECHNIQUE_IDS
    assert set(ROUTINES) == set(ROUTINE_MINUTES)


@pytest.mark.parametrize("tid", sorted(TECHNIQUES))
def test_technique_id_matches_file_name(tid: str) -> None:
    assert TECHNIQUES[tid]["id"] == tid


@pytest.mark.parametrize("kind", ["routine", "technique"])
def test_files_match_their_schema(kind: str) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = _schema(kind)
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    docs = ROUTINES if kind == "routine" else TECHNIQUES
    for name, doc in docs.items():
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                  for e in validator.iter_errors(doc)]
        assert not errors, f"{kind}s/{name}.yaml: {errors}"


def _schema_properties(node: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        for key, value in node.get("properties", {}).items():
            yield key, value
        for value in node.values():
            yield from _schema_properties(value)
    elif isinstance(node, list):
        for value in node:
            yield from _schema_properties(value)


@pytest.mark.parametrize("kind", ["routine", "technique"])
def test_schema_describes_every_property_and_allows_no_others(kind: str) -> None:
    schema = _schema(kind)
    properties = list(_schema_properties(schema))
    assert len(properties) > 10
    for key, prop in properties:
        assert prop.get("description"), f"{key} has no description"
    objects = [schema] + [d for d in schema["$defs"].values() if d.get("type") == "object"]
    for obj in objects:
        assert obj["additionalProperties"] is False


def test_routine_schema_rejects_bad_routines() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = _schema("routine")
    validator = jsonschema.validators.validator_for(schema)(schema)
    walk = {"technique": "walk", "duration": "5m"}
    bad = [
        {"segments": [walk]},
        {"title": "T", "segments": []},
        {"title": "T", "segments": [dict(walk, duration="5 minutes")]},
        {"title": "T", "segments": [dict(walk, duration="")]},
        {"title": "T", "segments": [dict(walk, duration=-30)]},
        {"title": "T", "segments": [dict(walk, duration=90)]},  # a bare number: no unit
        {"title": "T", "segments": [dict(walk, pace="fast")]},
        {"title": "T", "segments": [dict(walk, colour="red")]},
        {"title": "T", "segments": [{"repeat": 0, "segments": [walk]}]},
        {"title": "T", "segments": [{"repeat": 2, "segments": [{"technique": "walk"}]}]},
        {"title": "T", "segments": [walk], "reminders": [{"every": "2m"}]},
        {"title": "T", "segments": [walk], "cadence": 500},
    ]
    for doc in bad:
        assert list(validator.iter_errors(doc)), doc
    good = {"title": "T", "segments": [
        {"technique": "my-own", "duration": "90s"},
        {"repeat": 2, "segments": [{"repeat": 2, "segments": [dict(walk, duration="1m30s")]}]},
    ], "pronunciations": {"figure-8": "figure eight"}}
    assert not list(validator.iter_errors(good))


# -- what the routines contain --------------------------------------------------------
@pytest.mark.parametrize("rid", sorted(ROUTINE_MINUTES))
def test_routine_uses_known_techniques_from_warm_up_to_cool_down(rid: str) -> None:
    flat = _flat(ROUTINES[rid])
    unknown = {seg["technique"] for seg in flat} - set(TECHNIQUES)
    assert not unknown
    assert flat[0]["technique"] == "warm-up"
    assert flat[-1]["technique"] in COOL_DOWNS


@pytest.mark.parametrize("rid", sorted(ROUTINE_MINUTES))
def test_routine_lasts_as_promised(rid: str) -> None:
    low, high = ROUTINE_MINUTES[rid]
    assert low <= _minutes(ROUTINES[rid]) <= high


def test_backward_routine_has_about_ten_minutes_of_backward_walking() -> None:
    assert 9 <= _minutes(ROUTINES["backward"], "backward") <= 11


def test_brisk_30_alternates_easy_and_brisk_in_a_repeat() -> None:
    routine = ROUTINES["brisk-30"]
    repeats = [item for item in routine["segments"] if "repeat" in item]
    assert repeats and repeats[0]["repeat"] >= 2
    paces = [seg.get("pace") for seg in repeats[0]["segments"]]
    assert {"easy", "brisk"} <= set(paces)
    assert all(seg["technique"] == "pace-change" for seg in repeats[0]["segments"])
    assert "cadence" in routine and "cadence" in ROUTINES["heel-toe"]


def test_flare_up_is_slow_and_short() -> None:
    walking = [seg for seg in _flat(ROUTINES["flare-up"])
               if seg["technique"] not in {"warm-up"} | COOL_DOWNS]
    assert walking
    for seg in walking:
        pace = seg.get("pace") or TECHNIQUES[seg["technique"]].get("pace")
        assert pace == "slow"


# -- what the techniques say ------------------------------------------------------------
def _said(tid: str, *keys: str) -> str:
    doc = TECHNIQUES[tid]
    return " ".join(line for key in keys for line in _lines(doc.get(key))).lower()


@pytest.mark.parametrize("tid", ["backward", "side-step"])
def test_backward_and_side_step_speak_a_clear_path_line(tid: str) -> None:
    safety = [line.lower() for line in _lines(TECHNIQUES[tid].get("safety"))]
    assert any("clear" in line and "path" in line for line in safety)


@pytest.mark.parametrize("tid", sorted(WALKING - {"walk"}))
def test_walking_techniques_say_when_to_ease_off_or_stop(tid: str) -> None:
    safety = _said(tid, "safety")
    assert re.search(r"\b(stop|slow down|ease off)\b", safety), tid


@pytest.mark.parametrize("tid", sorted(WALKING | {"posture-check", "pace-change", "warm-up"}))
def test_walking_techniques_have_four_to_ten_form_cues(tid: str) -> None:
    form = _lines(TECHNIQUES[tid].get("form"))
    assert 4 <= len(form) <= 10  # heel-toe: 10, so a week of walks varies (issue 11)
    assert len(set(form)) == len(form)


def test_key_facts_are_spoken_where_they_belong() -> None:
    assert "shoes" in _said("warm-up", "intro")
    assert all("shoe" not in _said(t, "form", "encouragement") for t in WALKING)
    assert "rail" in _said("posture-check", "safety") + _said("walk", "form", "safety")
    assert "talk" in _said("pace-change", "safety", "form")
    assert "push off firmly" in _said("incline-up", "intro", "form")
    assert "slow and steady" in _said("incline-down", "intro", "form")
    heel_toe = _said("heel-toe", "form")  # the programme's flat-ground walks use it: no hills
    assert "heel" in heel_toe and not re.search(r"hill|slope|climb|uphill|downhill|drops", heel_toe)
    assert re.search(r"stand|sit", _said("rest", "intro"))
    assert re.search(r"carry on|continue", _said("rest", "closing", "intro"))


def test_cool_down_stretches_back_hips_and_legs() -> None:
    cool = TECHNIQUES["cool-down"]
    names = " ".join(s["name"] for s in cool["stretches"]).lower()
    for stretch in ("hip flexor", "twist", "hamstring"):
        assert stretch in names
    assert all("position" not in s for s in cool["stretches"])  # outdoors: nowhere to sit
    for tid in COOL_DOWNS:
        stretches = TECHNIQUES[tid]["stretches"]
        assert all("left" in s and "right" in s for s in stretches), tid  # always in pairs
        assert all(25 <= parse_duration(s.get("hold", 30)) <= 35 for s in stretches)
        assert 2 <= TECHNIQUES[tid]["rounds"] <= 3
        assert "breath" in _said(tid, "intro", "safety")
    seated = TECHNIQUES["cool-down-seated"]["stretches"]
    assert any("twist" in s["name"].lower() and s.get("position") == "sitting" for s in seated)


def test_the_flare_up_cool_down_has_no_forward_bending() -> None:
    tid = next(s["technique"] for s in ROUTINES["flare-up"]["segments"]
               if s["technique"].startswith("cool-down"))
    said = " ".join(f"{s['name']} {s.get('left', '')} {s.get('right', '')} {s.get('say', '')}"
                    for s in TECHNIQUES[tid]["stretches"]).lower()
    assert not re.search(r"toe touch|hamstring|hinge|lean forward|reach .*toes", said), said


# -- every spoken line -----------------------------------------------------------------
def _all_spoken() -> Iterator[tuple[str, str]]:
    for tid, doc in TECHNIQUES.items():
        for line in _spoken(doc):
            yield f"techniques/{tid}", line
    for rid, doc in ROUTINES.items():
        for line in _spoken(doc):
            yield f"routines/{rid}", line


def test_cues_are_short_and_use_known_placeholders() -> None:
    lines = list(_all_spoken())
    assert len(lines) > 100
    for where, line in lines:
        assert len(line.split()) <= MAX_CUE_WORDS, f"{where}: too long: {line!r}"
        names = {f for _, f, _, _ in string.Formatter().parse(line) if f is not None}
        assert names <= set(PLACEHOLDERS), f"{where}: {line!r}"
        assert "\u2014" not in line and "--" not in line, f"{where}: dash in {line!r}"


def test_no_line_is_repeated_within_a_technique() -> None:
    for tid, doc in TECHNIQUES.items():
        lines = list(_spoken(doc))
        assert len(set(lines)) == len(lines), tid


def test_rep_placeholders_only_inside_repeats() -> None:
    def walk(items: list[dict[str, Any]], inside: bool) -> None:
        for item in items:
            if "repeat" in item:
                walk(item["segments"], True)
                continue
            for line in _spoken(item):
                if "{rep" in line:
                    assert inside, line

    for doc in ROUTINES.values():
        walk(doc["segments"], False)


# -- through the real loader, compiler and CLI --------------------------------------------
def test_library_loads_every_technique_as_written() -> None:
    library = load_techniques()
    assert set(library) >= TECHNIQUE_IDS
    for tid in TECHNIQUE_IDS:
        technique, doc = library[tid], TECHNIQUES[tid]
        assert technique.name == doc["name"]
        assert len(technique.form) == len(_lines(doc.get("form")))
        assert len(technique.safety) == len(_lines(doc.get("safety")))
    assert library["cool-down"].rounds == TECHNIQUES["cool-down"]["rounds"]
    assert library["pace-change"].countdown_s == TECHNIQUES["pace-change"]["countdown"]


def _check_compiles_cleanly(routine: Routine) -> None:
    timeline = compile_with_library(routine)
    assert timeline.duration_s == pytest.approx(routine.duration_s)
    problems = [w for w in timeline.warnings if w.action in ("dropped", "shortened")]
    assert not problems, f"{routine.id}: {problems}"
    spoken = {cue.section for cue in timeline.cues}
    assert spoken == set(range(len(timeline.sections))), "a section with nothing said"


@pytest.mark.parametrize("rid", sorted(ROUTINE_MINUTES))
def test_builtin_routine_compiles_without_dropping_anything(rid: str) -> None:
    routine = resolve_routine(rid)
    assert routine.duration_s == pytest.approx(_minutes(ROUTINES[rid]) * 60)
    _check_compiles_cleanly(routine)


def test_every_technique_compiles_in_a_routine() -> None:
    segments = "".join(f"  - {{technique: {tid}, duration: 2m}}\n"
                       for tid in sorted(TECHNIQUE_IDS - {"warm-up", "cool-down"}))
    text = f"title: Everything\nsegments:\n  - {{technique: warm-up, duration: 3m}}\n" \
           f"{segments}  - {{technique: cool-down, duration: 4m30s}}\n"
    routine = load_routine(text.encode(), "everything.yaml", "everything", load_techniques())
    _check_compiles_cleanly(routine)


@pytest.mark.slow
@pytest.mark.parametrize("rid", sorted(ROUTINE_MINUTES))
def test_coach_compile_and_check_accept_the_builtin(rid: str, cli: Any) -> None:
    result = cli("compile", rid, "--format", "json")
    assert result.exit_code == 0, result.output
    timeline = json.loads(result.stdout)
    assert timeline["routine"] == rid
    assert timeline["sections"][0]["technique"] == "warm-up"
    path = str(DATA.joinpath("routines", f"{rid}.yaml"))
    result = cli("check", path)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("kind", "part", "keys"), [
    ("routine", None, "_ROUTINE_KEYS"),
    ("routine", "segment", "_SEGMENT_KEYS"),
    ("routine", "repeat", "_REPEAT_KEYS"),
    ("routine", "reminder", "_REMINDER_KEYS"),
    ("technique", None, "_TECHNIQUE_KEYS"),
    ("technique", "stretch", "_STRETCH_KEYS"),
])
def test_schema_keys_match_what_the_loader_accepts(kind: str, part: str | None,
                                                   keys: str) -> None:
    import coach.routines.loader as loader
    accepted: dict[str, bool] = getattr(loader, keys)
    schema = _schema(kind)
    obj = schema if part is None else schema["$defs"][part]
    assert set(obj["properties"]) == set(accepted)
    assert set(obj["required"]) == {key for key, needed in accepted.items() if needed}


def test_schema_enums_match_the_loader() -> None:
    from coach.routines.loader import PACE_NAMES, REMINDER_KINDS

    routine = _schema("routine")
    assert set(routine["$defs"]["pace"]["enum"]) == set(PACE_NAMES)
    assert set(routine["$defs"]["reminder"]["properties"]["kind"]["enum"]) == set(REMINDER_KINDS)
    assert set(_schema("technique")["$defs"]["pace"]["enum"]) == set(PACE_NAMES)


def test_schema_accepts_the_routines_the_loader_accepts() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft7Validator(_schema("routine"))
    examples = sorted((Path(__file__).resolve().parents[1] / "golden").glob("*.yaml"))
    assert examples
    for path in examples:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        load_routine(path.read_bytes(), path.name, "x", load_techniques())
        assert not list(validator.iter_errors(doc)), path.name


# -- the user's folders: one bad entry never breaks the rest --------------------------
def _hostile_user_folders(home: Path) -> None:
    import os

    routines, techniques = home / "config" / "routines", home / "config" / "techniques"
    routines.mkdir(parents=True)
    techniques.mkdir(parents=True)
    os.mkfifo(routines / "fifo.yaml")
    (routines / "zero.yaml").symlink_to("/dev/zero")
    (routines / "x.yaml").mkdir()
    (routines / "mine.yaml").write_text("title: Mine\nsegments:\n  - technique: walk\n"
                                        "    duration: 5m\n")
    os.mkfifo(techniques / "pipe.yaml")
    (techniques / "folder.yaml").mkdir()
    (techniques / "broken.yaml").write_text("id: broken\nname: [\n")


def test_fifos_devices_and_folders_in_user_folders_are_listed_once_and_skipped(
        coach_home: Path) -> None:
    import subprocess
    import sys

    _hostile_user_folders(coach_home)
    env = {**os.environ, "COACH_HOME": str(coach_home), "COACH_ENGINE": "espeak"}
    listing = subprocess.run([sys.executable, "-m", "coach", "routines"], env=env,
                             capture_output=True, text=True, timeout=60)
    assert listing.returncode == 0, listing.stderr
    rows = {line.split()[0]: line for line in listing.stdout.splitlines() if line.strip()}
    assert "is a FIFO (named pipe), not a file" in rows["fifo"]
    assert "is a device, not a file" in rows["zero"]
    assert "is a folder, not a file" in rows["x"]
    assert "[yours]" in rows["mine"]
    warnings = listing.stderr.splitlines()
    assert len(warnings) == 3 and all(w.startswith("warning: ") for w in warnings)
    assert all(w.endswith("; technique skipped") for w in warnings)
    assert any("broken.yaml:3:1: invalid YAML" in w for w in warnings)
    shown = subprocess.run([sys.executable, "-m", "coach", "show", "mine", "--estimate"],
                           env=env, capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0 and shown.stdout.startswith("Mine (mine)")
    assert len(shown.stderr.splitlines()) == 3  # said once per run, the command still works


@pytest.mark.parametrize("name", ["fifo", "/dev/zero"])
def test_check_refuses_a_fifo_or_a_device_in_one_line_without_hanging(tmp_path: Path,
                                                                     name: str) -> None:
    import subprocess
    import sys

    path = name
    if name == "fifo":
        path = str(tmp_path / "walk.yaml")
        os.mkfifo(path)
    result = subprocess.run([sys.executable, "-m", "coach", "check", path],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"{path}: is {'a FIFO (named pipe)' if name == 'fifo' else 'a device'}, not a file"]


def test_listing_reads_the_folder_once_not_once_per_routine(coach_home: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    from coach.routines import library

    folder = coach_home / "config" / "routines"
    folder.mkdir(parents=True)
    for i in range(30):
        (folder / f"r{i}.yaml").write_text(f"title: R{i}\nsegments:\n  - technique: walk\n"
                                           "    duration: 5m\n")
    calls = []
    real = library.routine_sources
    monkeypatch.setattr(library, "routine_sources", lambda: calls.append(1) or real())
    entries = library.list_routines()
    assert len(entries) == 30 + len(library.builtin_routine_ids()) and len(calls) == 1


def test_a_technique_named_as_a_routine_is_said_to_be_a_technique(cli: Any) -> None:
    result = cli("show", "warm-up")
    assert result.exit_code == 2
    assert "'warm-up' is a technique, not a routine" in result.output
    assert "flare-up" not in result.output  # the old "did you mean" led elsewhere


def test_a_user_technique_without_the_sessions_language_breaks_only_its_own_sessions(
        coach_home: Path) -> None:
    # issue 12: a valid technique written in German (no `text: en:`) made every English
    # session fail ("technique 'mine' has no English (en) text"), built-in ones too
    from coach.errors import UsageError

    techniques = coach_home / "config" / "techniques"
    techniques.mkdir(parents=True, exist_ok=True)
    (techniques / "mine.yaml").write_text(
        "id: mine\nname: Meins\ndescription: Mein Gang.\nlanguage: de\n"
        "intro: [Geh ruhig.]\n", encoding="utf-8")
    assert compile_with_library(resolve_routine("gentle-start")).cues
    own = load_routine(b"title: x\nsegments:\n  - technique: mine\n    duration: 1m\n",
                       "x.yaml", "x", load_techniques())
    with pytest.raises(UsageError, match="technique 'mine' has no English"):
        compile_with_library(own)


def test_a_technique_language_the_coach_has_no_text_for_is_refused_at_its_place() -> None:
    from coach.errors import RoutineError
    from coach.routines.loader import load_technique

    with pytest.raises(RoutineError) as err:
        load_technique(b"id: t\nname: T\ndescription: D.\nlanguage: xx\n", "t.yaml")
    (problem,) = err.value.problems
    assert (problem.line, problem.col) == (4, 11) and "the coach has no xx" in problem.message

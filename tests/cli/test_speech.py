"""`coach voices` and the speech options through the shared `cli` fixture, real engines."""

from __future__ import annotations

import pytest

from coach.cli.speech import SpeechOverrides
from coach.routines.model import SpeechSettings


def _parts(output: str) -> dict[str, list[str]]:
    """`coach voices` output as {header: voice lines}."""
    parts: dict[str, list[str]] = {}
    for line in output.splitlines():
        if line.startswith(("  ", "* ")):
            parts[list(parts)[-1]].append(line)
        else:
            parts[line] = []
    return parts


def test_voices_lists_every_engine_under_a_header_default_first_and_marked(cli):
    result = cli("voices")
    assert result.exit_code == 0, result.output
    parts = _parts(result.output)
    headers = list(parts)
    assert headers[0].startswith("espeak (the default engine): espeak-ng 1.")  # COACH_ENGINE
    assert [h.split()[0].rstrip(":") for h in headers] == ["espeak", "piper", "pyttsx3"]
    espeak = parts[headers[0]]
    assert len(espeak) > 20
    assert espeak[0].split()[:2] == ["*", "gmw/en"]  # the default voice, first and marked
    assert sum(line.startswith("*") for part in parts.values() for line in part) == 1
    assert any(line.split()[0] == "gmw/en-US" and "en-us" in line for line in espeak)


def test_voices_filters_by_language(cli):
    result = cli("voices", "--language", "en", "--engine", "espeak")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()[1:]
    assert 3 <= len(lines) < 30
    assert all("en" in line.split("  ")[-1] for line in lines)
    assert not any("French" in line for line in lines)


def test_piper_voices_are_the_wheels_and_the_users_pairs(cli, monkeypatch, coach_home):
    from coach.speech.piper_engine import piper_installed, piper_voices

    if not piper_installed():
        result = cli("voices", "--engine", "piper")
        assert result.exit_code == 0
        assert "piper: the Piper voice is not installed: pip install" in result.output
        return
    monkeypatch.delenv("COACH_ENGINE")
    folder = coach_home / "config" / "voices"
    folder.mkdir(parents=True)
    (folder / "amy.onnx").symlink_to(piper_voices()[0].model)
    (folder / "amy.onnx.json").write_text(piper_voices()[0].config.read_text())
    (folder / "bad.onnx").write_bytes(b"x")
    (folder / "bad.onnx.json").write_text("{")
    (folder / "alone.onnx").write_bytes(b"no config")
    result = cli("voices")
    assert result.exit_code == 0, result.output
    parts = _parts(result.output)
    header = next(iter(parts))
    assert header.startswith("piper (the default engine): piper-tts ")
    assert str(folder) in header
    assert [line.split()[:2] for line in parts[header]] == [
        ["*", "joe"], ["alone", "(broken:"], ["amy", "joe"], ["bad", "(broken:"]]


def test_voices_through_pyttsx3(cli):
    result = cli("voices", "--engine", "pyttsx3", "--language", "en-us")
    assert result.exit_code == 0, result.output
    assert "gmw/en-us" in result.output.lower()


def test_an_unknown_engine_is_a_usage_error(cli):
    result = cli("voices", "--engine", "festival")
    assert result.exit_code == 2
    assert "unknown speech engine 'festival'; choose one of: piper, espeak, pyttsx3" in result.output


def test_a_language_without_voices_says_so(cli):
    result = cli("voices", "--language", "xx")
    assert result.exit_code == 0
    assert "No voices for language 'xx'" in result.output


def cues(cli, *args: str) -> list[dict]:
    """The cues `coach compile flare-up --format json` prints (with ``args``)."""
    import json

    result = cli("compile", "flare-up", "-f", "json", "-q", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["cues"]


def test_compile_times_cues_by_their_synthesised_speech(cli):
    from coach.routines.library import resolve_routine
    from coach.speech import open_engine
    from coach.speech.phrase_cache import PhraseCache

    measured = cues(cli)
    routine = resolve_routine("flare-up")
    cache = PhraseCache(open_engine(), routine.speech,  # the same folder
                        pronunciations=routine.pronunciations)
    assert all(cache.path(cue["text"]).is_file() for cue in measured)  # compile cached them
    for cue in measured:
        assert cue["speech_s"] == pytest.approx(cache.speech_s(cue["text"]), abs=0.002)


def test_compile_rate_option_changes_the_measured_lengths(cli):
    normal = {c["text"]: c["speech_s"] for c in cues(cli)}
    fast = {c["text"]: c["speech_s"] for c in cues(cli, "--rate", "240")}
    shared = set(normal) & set(fast)
    assert len(shared) > 3
    assert all(fast[t] < 0.85 * normal[t] for t in shared)


def test_compile_estimate_uses_no_engine(cli):
    from coach.routines.library import resolve_routine
    from coach.session import compile_with_library

    estimated = cues(cli, "--estimate")
    expected = compile_with_library(resolve_routine("flare-up")).cues
    assert [c["speech_s"] for c in estimated] == [c.speech_s for c in expected]


def test_compile_rejects_a_rate_out_of_range_and_an_unknown_voice(cli):
    assert cli("compile", "flare-up", "--rate", "20").exit_code == 2
    result = cli("compile", "flare-up", "--voice", "no-such-voice")
    assert result.exit_code == 2
    assert "unknown voice 'no-such-voice'" in result.output


def test_overrides_replace_only_what_was_given():
    base = SpeechSettings(voice="en-us", rate_wpm=150, volume=0.8)
    assert SpeechOverrides().apply(base) == base
    assert SpeechOverrides(rate_wpm=200, engine="pyttsx3").apply(base) == SpeechSettings(
        engine="pyttsx3", voice="en-us", rate_wpm=200, volume=0.8)


def test_prepare_warms_the_cache_so_a_later_export_starts_no_worker(cli, monkeypatch, tmp_path):
    from coach.speech.workers import WorkerEngine

    opened: list[WorkerEngine] = []

    def open_engine(name=None, workers=None):
        opened.append(WorkerEngine(name or "espeak", workers=2))
        return opened[-1]

    monkeypatch.setattr("coach.speech.open_engine", open_engine)
    first = cli("prepare", "flare-up")
    assert first.exit_code == 0, first.output
    assert "Preparing the voice, first time only: " in first.stderr
    made = int(first.stdout.split("(")[2].split()[0])
    assert made > 10 and "1 routine(s)" in first.stdout
    assert len(opened[0]._all) == 2  # both cores were used
    again = cli("prepare", "flare-up")
    assert "(0 synthesised," in again.stdout and "Preparing" not in again.stderr
    export = cli("export", "flare-up", "-o", str(tmp_path / "walk.mp3"))
    assert export.exit_code == 0, export.output
    assert all(not engine._all for engine in opened[1:])  # no worker, no model: all cached
    for engine in opened:
        engine.close()


def test_prepare_refuses_weeks_without_program_and_both_kinds(cli):
    assert cli("prepare", "--weeks", "2").exit_code == 2
    assert cli("prepare", "flare-up", "--program").exit_code == 2
    result = cli("prepare", "--program")
    assert result.exit_code == 2 and "no programme yet" in result.output


PIPER_EXPORT = """
import sys
from coach.cli import main
try:
    main(sys.argv[1:])
finally:
    print("loaded:", sorted(m for m in ("onnxruntime", "piper") if m in sys.modules),
          file=sys.stderr)
"""


@pytest.mark.slow
def test_a_warm_piper_export_never_loads_the_neural_model(tmp_path, coach_home):
    import os
    import subprocess
    import sys

    from coach.speech.piper_engine import piper_installed

    if not piper_installed():
        pytest.skip("the `voice` extra is not installed")
    env = dict(os.environ, COACH_ENGINE="piper", COACH_HOME=str(coach_home))
    run = lambda *args: subprocess.run([sys.executable, "-c", PIPER_EXPORT, *args], env=env,
                                       capture_output=True, text=True, timeout=300)
    cold = run("prepare", "flare-up")
    assert cold.returncode == 0, cold.stderr
    assert "synthesised" in cold.stdout and "(0 synthesised" not in cold.stdout
    warm = run("export", "flare-up", "-o", str(tmp_path / "walk.mp3"))
    assert warm.returncode == 0, warm.stderr
    assert "loaded: []" in warm.stderr  # neither piper nor onnxruntime in the process
    assert (tmp_path / "walk.mp3").stat().st_size > 100_000

"""A reworded English line flags its translations for re-translation: each translation
is stored with a fingerprint of the English it translates (text/LANG/sources.yaml)."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest
import yaml

from coach.routines import fingerprints
from coach.routines.language import TEXT_LANGUAGES

LANGS = [lang for lang in TEXT_LANGUAGES if lang != "en"]


@pytest.mark.parametrize("lang", LANGS)
def test_no_shipped_translation_is_stale(lang: str) -> None:
    found = fingerprints.stale(lang)
    assert not found, "\n".join(map(str, found))  # names each one to translate again
    assert len(fingerprints.stored(lang)) > 200


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the built-in data that the fingerprints read (to reword English in)."""
    copy = tmp_path / "data"
    shutil.copytree(str(resources.files("coach").joinpath("data")), copy)
    monkeypatch.setattr(fingerprints, "_data", lambda: copy)
    return copy


def reword(path: Path, change) -> None:
    doc = yaml.safe_load(path.read_text("utf-8"))
    change(doc)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")


def test_rewording_english_names_exactly_the_stale_translations(data: Path) -> None:
    reword(data / "lines" / "en.yaml", lambda d: d.update(welcome="Hello. Today: {title}."))
    reword(data / "techniques" / "cool-down.yaml",
           lambda d: d["stretches"][1].update(left="Turn slowly to the left."))
    reword(data / "routines" / "brisk-30.yaml",  # a line added to a pool
           lambda d: d["reminders"][1]["say"].append("Shoulders soft."))
    # whitespace and line wrapping alone are no rewording
    reword(data / "lines" / "en.yaml", lambda d: d.update(paused="  Paused. "))
    for lang in LANGS:
        found = fingerprints.stale(lang)
        assert [(s.file, s.path, s.why) for s in found] == [
            ("lines", "welcome", "reworded"),
            ("techniques/cool-down", "stretches.1.left", "reworded"),
            ("routines/brisk-30", "reminders.1.say", "reworded")]
        assert "translate again: 'Turn slowly to the left.'" in str(found[1])
        assert str(found[0]).startswith(f"{lang}: lines:welcome: the English was reworded")
    text, count = fingerprints.stamped("de")
    assert count > 200
    Path(fingerprints.sources_file("de")).write_text(text, "utf-8")
    assert fingerprints.stale("de") == [] and len(fingerprints.stale("fr")) == 3


def test_english_removed_and_a_translation_never_stamped(data: Path) -> None:
    reword(data / "lines" / "en.yaml", lambda d: d.pop("five_left"))
    reword(data / "text" / "es" / "sources.yaml", lambda d: d.pop("lines:closing"))
    found = {(s.file, s.path): s.why for s in fingerprints.stale("es")}
    assert found == {("lines", "five_left"): "no English", ("lines", "closing"): "new"}

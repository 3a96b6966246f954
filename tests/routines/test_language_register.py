"""Each language speaks to the walker in one register, everywhere: German and Spanish
say du / tú, French says vous (a text that switches reads as machine-made)."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from coach.routines.fingerprints import texts_at

WRONG = {  # words of the other register
    "de": re.compile(r"\b(Sie|Ihr|Ihre|Ihren|Ihrem|Ihnen)\b"),
    "es": re.compile(r"\b(usted|ustedes)\b", re.I),
    "fr": re.compile(r"\b(tu|te|toi|ton|ta|tes)\b|-toi\b", re.I),
}


def texts(lang: str):
    import yaml

    data = resources.files("coach").joinpath("data")
    files = [data / "lines" / f"{lang}.yaml"]
    for kind in ("techniques", "routines"):
        files += sorted((data / "text" / lang / kind).iterdir(), key=lambda p: p.name)
    for f in files:
        for path, value in texts_at(yaml.safe_load(f.read_text("utf-8"))):
            for line in value if isinstance(value, list) else [value]:
                yield f"{f.name}:{path}", line


@pytest.mark.parametrize("lang", sorted(WRONG))
def test_one_register_in_every_text(lang: str) -> None:
    bad = [(where, line) for where, line in texts(lang) if WRONG[lang].search(line)]
    assert not bad, bad

"""Any voice name is one of espeak-ng's own or one line, before it reaches the library (issue 12).

espeak-ng uses voice names as paths in its data folder (``..`` climbs out, a folder
segfaults) and overflowed a fixed buffer on ``en+`` plus a long variant. The
property: any name, of any characters, is refused by the engine's check (a
UsageError of one short line) or is a name espeak-ng lists, and then it speaks in a
worker process. Example count: below.
"""

from __future__ import annotations

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

from coach.errors import UsageError
from coach.routines.model import SpeechSettings

#: Names built from espeak-ng's own pieces, paths and long variants, and any text.
NAME_EXAMPLES = 300
NAMES = st.one_of(
    st.text(min_size=1, max_size=80),
    st.builds(lambda base, plus, variant: base + plus + variant,
              st.sampled_from(["en", "de", "es", "fr", "en-us", "..", "../..", "/", "mb",
                               "variants", "en/", "./en", "gmw/en", "", "x"]),
              st.sampled_from(["", "+", "/", "+../", "++"]),
              st.one_of(st.sampled_from(["f3", "m1", "klatt", "whisper", "..", "f33", ""]),
                        st.text(st.sampled_from("abcdefxyz0123456789+/."), max_size=60))))


@pytest.mark.slow
@settings(max_examples=NAME_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(name=NAMES)
def test_any_voice_name_is_refused_in_one_line_or_speaks(espeak_workers, name):
    voice = SpeechSettings(voice=name)
    try:
        espeak_workers.check(voice)
    except UsageError as err:
        message = str(err)
        assert "\n" not in message and len(message) < 200
        return
    assert ".." not in name.split("+")[0].split("/")  # a path out of the data folder is refused
    clip = espeak_workers.synthesize("Stand tall.", voice)  # in the worker: a crash is an error
    assert clip.duration_s > 0.2


@pytest.mark.parametrize("name", ["en-US", "EN", "gmw/EN-us", "en+F3", "De"])
def test_espeak_names_in_any_case_of_ascii_letters_are_its_own(espeak_workers, name):
    # espeak-ng matches names whatever their case; `check` refused "language: en-US" with
    # "did you mean 'gmw/en-US'?" although the engine says it (issue 12: check = engine)
    espeak_workers.check(SpeechSettings(voice=name))
    assert espeak_workers.synthesize("Stand tall.", SpeechSettings(voice=name)).duration_s > 0.2

"""The phrase cache, over the real espeak-ng engine (wrapped only to count its calls)."""

from __future__ import annotations

import io
import os
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from coach.audio.clip import Clip
from coach.routines.model import SpeechSettings
from coach.speech import EspeakEngine
from coach.speech.phrase_cache import PhraseCache, Respeller

PHRASE = "Stand tall and let your shoulders drop."
SETTINGS = SpeechSettings(rate_wpm=160)


class CountingEngine:
    """The real engine, counting how often it is asked to speak."""

    def __init__(self, engine: EspeakEngine) -> None:
        self.engine = engine
        self.name = engine.name
        self.version = engine.version
        self.said: list[str] = []

    def synthesize(self, text: str, settings: SpeechSettings) -> Clip:
        self.said.append(text)
        return self.engine.synthesize(text, settings)

    def voices(self):
        return self.engine.voices()

    def model_identity(self, settings: SpeechSettings) -> str:
        return self.engine.model_identity(settings)

    def check(self, settings: SpeechSettings) -> None:
        self.engine.check(settings)


@pytest.fixture(scope="module")
def espeak() -> EspeakEngine:
    return EspeakEngine()


@pytest.fixture
def engine(espeak) -> CountingEngine:
    return CountingEngine(espeak)


@pytest.fixture
def cache(engine, tmp_path) -> PhraseCache:
    return PhraseCache(engine, SETTINGS, cache_dir=tmp_path / "phrases")


def test_a_phrase_is_synthesised_once_then_served_from_memory(cache, engine):
    first = cache.clip(PHRASE)
    again = cache.clip(PHRASE)
    assert engine.said == [PHRASE]
    assert again is first
    assert first.sample_rate_hz == 22050 and first.duration_s > 1.0


def test_a_new_cache_on_the_same_folder_reads_the_disk_not_the_engine(cache, engine,
                                                                      tmp_path):
    stored = cache.clip(PHRASE)
    other = PhraseCache(engine, SETTINGS, cache_dir=tmp_path / "phrases")
    loaded = other.clip(PHRASE)
    assert engine.said == [PHRASE]
    assert np.array_equal(loaded.samples, stored.samples)
    assert other.speech_s(PHRASE) == stored.duration_s


def test_speech_s_is_the_measured_length_of_the_trimmed_clip(cache, espeak):
    direct = espeak.synthesize(PHRASE, SETTINGS)
    assert cache.speech_s(PHRASE) == pytest.approx(direct.duration_s, abs=0.05)
    clip = cache.clip(PHRASE)
    assert abs(int(clip.samples[0])) > 64 and abs(int(clip.samples[-1])) > 64


def test_the_default_folder_is_in_the_user_cache(engine, coach_home):
    cache = PhraseCache(engine, SETTINGS)
    cache.clip("Good.")
    assert cache.path("Good.").parent == coach_home / "cache" / "phrases"
    assert cache.path("Good.").is_file()


def test_only_finished_files_are_left_in_the_folder(cache):
    cache.warm(["One step.", "Two steps.", "Three steps."])
    names = sorted(p.name for p in cache.cache_dir.iterdir())
    assert len(names) == 3 and all(n.endswith(".npy") and not n.startswith(".")
                                   for n in names)


@pytest.mark.parametrize("change", [
    {"rate_wpm": 200}, {"voice": "en-us"}, {"volume": 0.5}, {"language": "en-gb"},
])
def test_the_key_changes_with_every_setting(engine, tmp_path, change):
    base = PhraseCache(engine, SETTINGS, cache_dir=tmp_path)
    changed = PhraseCache(engine, replace(SETTINGS, **change), cache_dir=tmp_path)
    assert base.key(PHRASE) != changed.key(PHRASE)


def test_the_key_changes_with_text_sample_rate_and_pronunciation(engine, tmp_path):
    base = PhraseCache(engine, SETTINGS, cache_dir=tmp_path)
    assert base.key(PHRASE) == PhraseCache(engine, SETTINGS, cache_dir=tmp_path).key(PHRASE)
    assert base.key(PHRASE) != base.key(PHRASE + " Now.")
    at_48k = PhraseCache(engine, SETTINGS, cache_dir=tmp_path, sample_rate_hz=48000)
    assert base.key(PHRASE) != at_48k.key(PHRASE)
    respelled = PhraseCache(engine, SETTINGS, cache_dir=tmp_path,
                            pronunciations=(("shoulders", "showlders"),))
    assert base.key(PHRASE) != respelled.key(PHRASE)
    assert base.key("Walk a figure eight.") == respelled.key("Walk a figure eight.")


def test_the_key_depends_on_the_engine_version(engine, tmp_path):
    base = PhraseCache(engine, SETTINGS, cache_dir=tmp_path)
    engine.version += " (patched)"
    assert PhraseCache(engine, SETTINGS, cache_dir=tmp_path).key(PHRASE) != base.key(PHRASE)


def test_a_change_of_setting_synthesises_again(engine, tmp_path):
    PhraseCache(engine, SETTINGS, cache_dir=tmp_path).clip(PHRASE)
    faster = PhraseCache(engine, replace(SETTINGS, rate_wpm=240), cache_dir=tmp_path)
    assert faster.speech_s(PHRASE) < 0.8 * PhraseCache(engine, SETTINGS,
                                                       cache_dir=tmp_path).speech_s(PHRASE)
    assert engine.said == [PHRASE, PHRASE]


@pytest.mark.parametrize("damage", [
    lambda data: b"",
    lambda data: data[: len(data) // 2],
    lambda data: b"not a numpy file at all" * 10,
    lambda data: data[:128],
])
def test_a_corrupt_file_is_synthesised_again(cache, engine, tmp_path, damage):
    good = cache.clip(PHRASE)
    path = cache.path(PHRASE)
    path.write_bytes(damage(path.read_bytes()))
    fresh = PhraseCache(engine, SETTINGS, cache_dir=tmp_path / "phrases")
    recovered = fresh.clip(PHRASE)
    assert engine.said == [PHRASE, PHRASE]
    assert abs(recovered.duration_s - good.duration_s) < 0.05  # espeak varies a little
    reread = np.load(path)  # and the file was repaired
    assert len(reread) == len(recovered.samples)


def _npy(samples: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, samples, allow_pickle=False)
    return buf.getvalue()


def _huge_header(data: bytes) -> bytes:
    """A valid .npy header claiming 10**12 samples (np.load would allocate 2 TB)."""
    header = "{'descr': '<i2', 'fortran_order': False, 'shape': (1000000000000,), }"
    header = header.ljust(118) + "\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode() + b"\0" * 64


@pytest.mark.parametrize("damage", [
    lambda data: _npy(np.array([20000], np.int16)),        # valid, one sample: was a silent walk
    lambda data: _npy(np.zeros(30000, np.int16)),          # valid length, silence
    lambda data: _npy(np.full(900000, 9000, np.int16)),    # valid, far too long for the words
    _huge_header,                                          # was a MemoryError
    lambda data: _npy(np.zeros((10, 2), np.int16)),       # wrong shape
], ids=["one-sample", "silent", "too-long", "huge-header", "2d"])
def test_a_valid_file_with_the_wrong_clip_is_rebuilt(cache, engine, tmp_path, damage):
    good = cache.clip(PHRASE)
    path = cache.path(PHRASE)
    path.write_bytes(damage(path.read_bytes()))
    fresh = PhraseCache(engine, SETTINGS, cache_dir=tmp_path / "phrases")
    assert abs(fresh.speech_s(PHRASE) - good.duration_s) < 0.05
    assert engine.said == [PHRASE, PHRASE]
    assert len(np.load(path)) == len(fresh.clip(PHRASE).samples)  # repaired on disk


def test_a_fifo_in_place_of_a_clip_is_rebuilt_without_hanging(cache, engine, tmp_path):
    cache.clip(PHRASE)
    path = cache.path(PHRASE)
    path.unlink()
    os.mkfifo(path)
    fresh = PhraseCache(engine, SETTINGS, cache_dir=tmp_path / "phrases")
    assert fresh.speech_s(PHRASE) > 1.0
    assert path.is_file() and engine.said == [PHRASE, PHRASE]


def test_a_cache_folder_that_cannot_be_written_speaks_uncached_and_says_so_once(engine,
                                                                               tmp_path):
    # issue 12, a read-only home: speech works, each phrase synthesised once for the run
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    cache = PhraseCache(engine, SETTINGS, cache_dir=blocker / "phrases")
    said: list[str] = []
    cache.note = said.append
    assert cache.clip(PHRASE).duration_s > 1.0
    cache.warm([PHRASE, "Breathe out."])
    assert cache.speech_s("Breathe out.") > 0.3
    assert engine.said == [PHRASE, "Breathe out."]
    (line,) = said
    assert line.startswith(f"note: the phrase cache {blocker / 'phrases'} cannot be written")
    assert line.endswith(": speaking uncached")


def test_clips_come_at_the_asked_sample_rate(engine, tmp_path):
    native = PhraseCache(engine, SETTINGS, cache_dir=tmp_path).clip(PHRASE)
    at_48k = PhraseCache(engine, SETTINGS, cache_dir=tmp_path, sample_rate_hz=48000)
    clip = at_48k.clip(PHRASE)
    assert clip.sample_rate_hz == 48000
    assert clip.duration_s == pytest.approx(native.duration_s, abs=0.05)  # two syntheses
    assert at_48k.speech_s(PHRASE) == clip.duration_s


def test_warm_synthesises_each_missing_phrase_once_and_reports_progress(cache, engine):
    cache.clip("Breathe out.")
    seen: list[tuple[int, int]] = []
    cache.warm(["Breathe in.", "Breathe out.", "Breathe in.", "Hold it."],
               progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 2), (2, 2)]  # only the missing phrases count
    assert engine.said == ["Breathe out.", "Breathe in.", "Hold it."]
    cache.warm(["Breathe in.", "Hold it."])
    assert len(engine.said) == 3
    assert cache.speech_s("Hold it.") > 0.3 and len(engine.said) == 3


def test_pronunciations_are_respelled_before_synthesis(engine, tmp_path):
    cache = PhraseCache(engine, SETTINGS, cache_dir=tmp_path,
                        pronunciations=(("figure-8", "figure eight"),))
    cache.clip("Now walk a Figure-8 around the cones.")
    assert engine.said == ["Now walk a figure eight around the cones."]
    plain = PhraseCache(engine, SETTINGS, cache_dir=tmp_path)
    assert plain.key("Now walk a figure eight around the cones.") == cache.key(
        "Now walk a Figure-8 around the cones.")


@pytest.mark.parametrize(("text", "spoken"), [
    ("Walk a figure-8.", "Walk a figure eight."),
    ("FIGURE-8 time", "figure eight time"),
    ("figure-8s are fun", "figure-8s are fun"),  # whole words only
    ("a configure-8 b", "a configure-8 b"),
    ("Sit on a chair. Chairs help.", "Sit on a cheer. Chairs help."),
    ("heel-toe and heel", "heel to toe and heal"),  # the longest word first, no re-respelling
])
def test_the_respeller_works_on_whole_words_ignoring_case(text, spoken):
    respell = Respeller((("figure-8", "figure eight"), ("chair", "cheer"),
                         ("heel-toe", "heel to toe"), ("heel", "heal")))
    assert respell(text) == spoken


def test_an_empty_table_leaves_text_alone():
    assert Respeller()("Any text, 100%.") == "Any text, 100%."


def test_measured_lengths_feed_the_compiler(cache):
    from coach.routines.library import resolve_routine
    from coach.session import compile_with_library

    timeline = compile_with_library(resolve_routine("flare-up"), speech_s=cache.speech_s)
    assert timeline.cues
    for cue in timeline.cues[:12]:
        assert cue.speech_s == pytest.approx(cache.speech_s(cue.text), abs=0.002)


def test_cache_files_are_plain_int16_arrays(cache):
    cache.clip(PHRASE)
    data = np.load(Path(cache.path(PHRASE)), allow_pickle=False)
    assert data.dtype == np.int16 and data.ndim == 1


words = st.text(alphabet="abc-8'", min_size=1, max_size=6)


@pytest.mark.slow
@given(text=st.text(max_size=60), table=st.lists(st.tuples(words, st.text(max_size=10)),
                                                 max_size=5))
def test_the_respeller_never_fails_on_any_text(text, table):
    assert isinstance(Respeller(table)(text), str)


@given(text=st.text(alphabet="abc-8' .", max_size=60), table=st.lists(words, max_size=5))
def test_an_identity_table_changes_nothing(text, table):
    assert Respeller([(w, w) for w in table])(text) == text


@given(text=st.text(alphabet="abc -.", max_size=40))
def test_words_outside_the_table_are_left_alone(text):
    assert Respeller([("zzz", "sleep")])(text) == text


def test_threads_share_one_cache(cache, engine):
    from concurrent.futures import ThreadPoolExecutor

    texts = ["Left.", "Right.", "Left.", "Right.", "Turn around.", "Left."] * 3
    with ThreadPoolExecutor(4) as pool:
        lengths = list(pool.map(cache.speech_s, texts))
    assert sorted(engine.said) == ["Left.", "Right.", "Turn around."]
    assert lengths[0] == lengths[2] == lengths[5]


#: Texts espeak-ng spells letter by letter or reads by name: longer than their words allow.
ODD_TEXTS = ["xsaaaa", "!e", "%ckt", "w" * 40, "@@@@ hi"]


@pytest.fixture(scope="module")
def espeak_worker():
    from coach.speech import open_engine

    engine = open_engine("espeak", workers=1)
    yield engine
    engine.close()


@pytest.mark.parametrize("rate", [80, 160, 300, 450])
def test_a_cached_clip_of_odd_text_loads_without_synthesising_again(espeak_worker, tmp_path,
                                                                    rate):
    # issue 12: these clips passed the engine's check (with espeak-ng's own phoneme count) but
    # failed the words-only check at load, so each load synthesised them again
    engine = CountingEngine(espeak_worker)
    settings = SpeechSettings(rate_wpm=rate)
    first = {t: PhraseCache(engine, settings, cache_dir=tmp_path).speech_s(t) for t in ODD_TEXTS}
    again = {t: PhraseCache(engine, settings, cache_dir=tmp_path).speech_s(t) for t in ODD_TEXTS}
    assert engine.said == ODD_TEXTS
    assert again == first


def _without_units(path: Path) -> None:
    """The file as caches before the units were stored wrote it: the plain array."""
    path.write_bytes(_npy(np.load(path)))


def test_an_older_cache_entry_loads_or_is_made_again_once_with_its_units(espeak_worker,
                                                                         tmp_path):
    engine = CountingEngine(espeak_worker)
    settings = SpeechSettings(rate_wpm=160)
    cache = PhraseCache(engine, settings, cache_dir=tmp_path)
    cache.warm([PHRASE, *ODD_TEXTS])
    for text in [PHRASE, *ODD_TEXTS]:
        _without_units(cache.path(text))
    older = PhraseCache(engine, settings, cache_dir=tmp_path)
    older.warm([PHRASE, *ODD_TEXTS])
    redone = engine.said[len(ODD_TEXTS) + 1:]
    assert redone and PHRASE not in redone  # an ordinary old clip passes its words' check
    PhraseCache(engine, settings, cache_dir=tmp_path).warm([PHRASE, *ODD_TEXTS])
    assert engine.said[len(ODD_TEXTS) + 1 + len(redone):] == []  # the redone ones: once


def _trailer(units: float) -> bytes:
    import struct

    from coach.speech.phrase_cache import UNITS_TRAILER

    return UNITS_TRAILER + struct.pack("<d", units)


@pytest.mark.parametrize("damage", [
    lambda data: data + b"x",                                      # stray byte
    lambda data: data[:-3],                                        # trailer cut
    lambda data: data[:-16] + b"coachXX1" + data[-8:],             # not our trailer
    lambda data: data[:-8] + _trailer(float("nan"))[-8:],          # nan units
    lambda data: data[:-8] + _trailer(1e9)[-8:],                   # units no text has
    lambda data: _npy(np.full(900000, 9000, np.int16)) + _trailer(1e9),
], ids=["stray", "cut", "magic", "nan", "huge", "long-clip-huge-units"])
def test_a_damaged_units_trailer_is_rebuilt(espeak_worker, tmp_path, damage):
    engine = CountingEngine(espeak_worker)
    cache = PhraseCache(engine, SETTINGS, cache_dir=tmp_path)
    good = cache.speech_s("xsaaaa")
    path = cache.path("xsaaaa")
    path.write_bytes(damage(path.read_bytes()))
    fresh = PhraseCache(engine, SETTINGS, cache_dir=tmp_path)
    assert abs(fresh.speech_s("xsaaaa") - good) < 0.05
    assert engine.said == ["xsaaaa", "xsaaaa"]
    assert len(np.load(path)) == len(fresh.clip("xsaaaa").samples)  # repaired on disk

"""Synthesis in worker processes: a real native crash (a segfault) on one phrase is one
error naming it; an export fails with exit 1, a live walk goes on (issue 12)."""

from __future__ import annotations

import ctypes
import io
import os
from datetime import datetime, timezone

import numpy as np
import pytest

from coach.errors import UsageError
from coach.routines.model import SpeechSettings
from coach.speech import PhraseError
from coach.speech.workers import WorkerEngine, answer, requests

CRASH_ON = "COACH_TEST_CRASH_ON"
AT_160 = SpeechSettings(rate_wpm=160)


def serve_crashing(conn, name: str, threads: str) -> None:
    """The real espeak worker, but a phrase starting with $COACH_TEST_CRASH_ON dereferences
    a null pointer: a real SIGSEGV in native code, as libespeak-ng's were."""
    from coach.speech.libespeak import EspeakEngine

    engine = EspeakEngine()
    for request in requests(conn):
        if request[1].startswith(os.environ.get(CRASH_ON, "\0")):
            ctypes.string_at(0)
        conn.send(answer(engine, request))


@pytest.fixture
def crashing(monkeypatch):
    monkeypatch.setenv(CRASH_ON, "Welcome")
    engine = WorkerEngine("espeak", workers=2, serve=serve_crashing)
    monkeypatch.setattr("coach.speech.open_engine", lambda name=None, workers=None: engine)
    yield engine
    engine.close()


def test_a_segfault_on_one_phrase_names_it_and_the_next_phrase_works(crashing):
    with pytest.raises(PhraseError, match=r"espeak-ng failed saying 'Welcome here.' "
                                          r"\(killed by SIGSEGV\)") as caught:
        crashing.synthesize("Welcome here.", AT_160)
    assert caught.value.text == "Welcome here."
    clip = crashing.synthesize("Walk tall.", AT_160)  # a fresh worker
    assert clip.duration_s > 0.3


def test_the_real_workers_speak_in_parallel_and_refuse_unknown_voices():
    engine = WorkerEngine("espeak", workers=2)
    try:
        from concurrent.futures import ThreadPoolExecutor

        texts = [f"Walk {n} more steps." for n in range(6)]
        with ThreadPoolExecutor(2) as pool:
            clips = list(pool.map(lambda t: engine.synthesize(t, AT_160), texts))
        assert all(c.samples.dtype == np.int16 and c.duration_s > 0.5 for c in clips)
        assert len(engine._all) == 2  # two worker processes, reused
        with pytest.raises(UsageError, match="did you mean 'en-gb'"):
            engine.check(SpeechSettings(voice="en-gbb"))
    finally:
        engine.close()


def test_an_export_with_a_crashing_phrase_fails_with_one_line_naming_it(crashing, cli,
                                                                        tmp_path):
    result = cli("export", "flare-up", "-o", str(tmp_path / "walk.mp3"))
    assert result.exit_code == 1
    errors = [ln for ln in result.output.splitlines() if ln.startswith("coach:")]
    assert len(errors) == 1 and "Traceback" not in result.output
    assert "espeak-ng failed saying 'Welcome. Today: four minutes of walking" in errors[0]
    assert "killed by SIGSEGV" in errors[0]
    assert not (tmp_path / "walk.mp3").exists()


@pytest.mark.slow
def test_a_live_walk_goes_on_past_a_crashing_phrase_and_prints_that_line(crashing, tmp_path):
    from coach.live.walk import WalkIO, WalkOptions, walk_routine
    from coach.programme.history import History
    from coach.routines.library import resolve_routine
    from tests.fakes import FakeClock, RecordingSink, ScriptedKeys

    clock = FakeClock()
    sink = RecordingSink(clock)
    out = io.StringIO()
    with History(tmp_path / "history.sqlite3") as history:
        io_ = WalkIO(clock=clock, keys=ScriptedKeys(clock, [(60.0, "q")]), out=out, sink=sink,
                     history=history, now=lambda: datetime(2026, 12, 3, tzinfo=timezone.utc))
        outcome = walk_routine(resolve_routine("flare-up"), WalkOptions(), io_)
    text = out.getvalue()
    crash_lines = [ln for ln in text.splitlines() if "killed by SIGSEGV" in ln]
    assert len(crash_lines) == 1 and "the walk goes on" in crash_lines[0]
    assert outcome.audio and outcome.ended_reason == "quit"
    assert "[00:01] Welcome." in text  # the line is still shown at its time
    assert np.abs(sink.stream).max() > 0.1  # and the rest was spoken

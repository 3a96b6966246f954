"""pyttsx3, contained: run in a worker process with a deadline on every request.

The worker's stdout goes to /dev/null (pyttsx3 prints "Audio saved to ..."), a
request that misses its deadline gets the worker killed (pyttsx3 issues #126,
#194 report hangs) and the next request starts a fresh one. The races in
pyttsx3's espeak driver that give empty and wrong-rate clips are closed in
:func:`_save_with_pyttsx3`. This module is the only one that imports pyttsx3,
and only inside the worker.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
import time
from typing import TYPE_CHECKING

import numpy as np

from coach.audio.clip import Clip
from coach.errors import EngineError, UsageError
from coach.routines.model import SpeechSettings
from coach.speech.base import (
    ATTEMPTS,
    Spoken,
    VoiceInfo,
    package_version,
    rate_wpm,
    synthesize_checked,
)
from coach.speech.libespeak import espeak_paths, library_version, phoneme_units
from coach.speech.workers import Serve, Worker, requests

if TYPE_CHECKING:
    from multiprocessing.connection import Connection


#: A worker that has not said it is ready after this long is given up on.
START_TIMEOUT_S = 30.0
#: One clip (or the voice list) may take this long; a hang is cut off after it.
CLIP_TIMEOUT_S = 30.0


def serve_pyttsx3(conn: Connection, lib_path: str, data_path: str | None = None) -> None:
    """The worker loop: answers ("synth", text, voice, rate, volume) and ("voices",).

    Runs in its own process, with stdout on /dev/null (pyttsx3 prints "Audio
    saved to ..."). pyttsx3's espeak driver loads libespeak-ng by its soname:
    the wheel's copy is preloaded so that name resolves to it, and
    ESPEAK_DATA_PATH points at its data. See :func:`_save_with_pyttsx3` for
    how each clip is made.
    """
    import tempfile

    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the worker
    if data_path:
        os.environ["ESPEAK_DATA_PATH"] = data_path
    espeak = None
    if sys.platform.startswith("linux"):
        espeak = ctypes.CDLL(lib_path, mode=ctypes.RTLD_GLOBAL)
    import pyttsx3

    engine = pyttsx3.init("espeak" if sys.platform.startswith("linux") else None)
    errors: list[BaseException] = []
    finished = threading.Event()
    engine.connect("error", lambda name=None, exception=None: errors.append(exception))
    engine.connect("finished-utterance", lambda name=None, completed=None: finished.set())
    with tempfile.TemporaryDirectory(prefix="coach-pyttsx3-") as tmp:
        wav_path = os.path.join(tmp, "clip.wav")
        # A fresh engine's first clip is sometimes at its start-up rate: say one to waste.
        _save_with_pyttsx3(engine, espeak, ("Ready.", None, 175, 1.0), wav_path, errors,
                           finished)
        for request in requests(conn):
            try:
                if request[0] == "voices":
                    conn.send(("ok", [(v.id, v.name, tuple(v.languages or ()))
                                      for v in engine.getProperty("voices")]))
                else:
                    errors.clear()
                    finished.clear()
                    conn.send(_save_with_pyttsx3(engine, espeak, request[1:], wav_path,
                                                 errors, finished))
            except Exception as err:  # reported to the parent, which retries
                conn.send(("error", f"{type(err).__name__}: {err}"))


def _save_with_pyttsx3(engine: object, espeak: ctypes.CDLL | None,
                       request: tuple[object, ...], wav_path: str,
                       errors: list[BaseException], finished: threading.Event
                       ) -> tuple[object, ...]:
    """One clip through pyttsx3: one file per ``runAndWait``, read once it is complete.

    pyttsx3's espeak driver runs espeak-ng in asynchronous mode, and that is
    where its empty and wrong-rate clips come from (measured here):
    ``runAndWait`` can return before espeak-ng's thread has written the file,
    so reading it at once gets nothing or the previous clip; and property
    changes race the synthesis (in a run of 33 clips at changing rates, about
    20 came out at another clip's rate). So: the old file is removed first,
    ``espeak_Synchronize`` drains espeak-ng's queue before each property is set
    and before the text is queued (0 of 33 wrong; 0 of 150 against the direct
    engine with random voices, rates and volumes), and the file is read only
    after pyttsx3 reports the utterance finished. A fresh worker also wastes
    one clip before it reports ready: without it, about 1 in 60 fresh workers
    said its first clip at the start-up rate (200 wpm); with it 0 of 400.
    Property errors (an unknown voice) are not raised by pyttsx3 but sent to
    "error" listeners.
    """
    import wave

    text, voice, rate, volume = request
    if os.path.exists(wav_path):
        os.remove(wav_path)
    for name, value in (("voice", voice), ("rate", rate), ("volume", volume)):
        if espeak is not None:
            espeak.espeak_Synchronize()
        engine.setProperty(name, value)  # type: ignore[attr-defined]
    if espeak is not None:
        espeak.espeak_Synchronize()
    engine.save_to_file(text, wav_path)  # type: ignore[attr-defined]
    engine.runAndWait()  # type: ignore[attr-defined]
    finished.wait()  # the parent's deadline covers a hang here
    while engine.isBusy():  # type: ignore[attr-defined]
        time.sleep(0.001)
    if any("voice" in str(err) for err in errors):
        return ("voice", voice)
    if errors:
        return ("error", "; ".join(f"{type(e).__name__}: {e}" for e in errors))
    units = phoneme_units(espeak, str(text)) if espeak is not None else None  # issue 12
    with wave.open(wav_path, "rb") as wav:
        return ("ok", wav.readframes(wav.getnframes()), wav.getframerate(), units)


class Pyttsx3Engine:
    """pyttsx3 (espeak driver on Linux) in a worker process with deadlines.

    ``serve`` is the worker loop (tests inject a hanging one to exercise the
    deadline). A missed deadline kills the worker; the next attempt starts a
    fresh one. :meth:`close` ends the worker (it also dies with this process).
    """

    name = "pyttsx3"

    def __init__(self, attempts: int = ATTEMPTS, clip_timeout_s: float = CLIP_TIMEOUT_S,
                 start_timeout_s: float = START_TIMEOUT_S, serve: Serve = serve_pyttsx3):
        self._attempts = attempts
        self._clip_timeout_s = clip_timeout_s
        self._start_timeout_s = start_timeout_s
        self._serve = serve
        self._worker: Worker | None = None
        self._lock = threading.Lock()

    @property
    def version(self) -> str:
        under = ""
        if sys.platform.startswith("linux"):
            under = f", espeak-ng {library_version()}"
        return f"pyttsx3 {package_version('pyttsx3')}{under}"

    def check(self, settings: SpeechSettings) -> None:
        """pyttsx3 reports an unknown voice when it is used (no list to check first)."""

    def model_identity(self, settings: SpeechSettings) -> str:
        return ""  # the voice data comes with the library, whose version keys the cache

    def synthesize(self, text: str, settings: SpeechSettings) -> Clip:
        return synthesize_checked(self.name, text, settings, self._attempt, self._attempts)

    def voices(self) -> list[VoiceInfo]:
        reply = self._ask(("voices",), self._clip_timeout_s, "listing voices")
        listed: list[tuple[str, str, tuple[str, ...]]] = reply[1]  # type: ignore[assignment]
        return [VoiceInfo(i, n, langs) for i, n, langs in listed]

    def close(self) -> None:
        with self._lock:
            if self._worker is not None:
                self._worker.close()
                self._worker = None

    def _attempt(self, text: str, settings: SpeechSettings) -> Clip:
        rate = rate_wpm(settings)
        voice = settings.voice or settings.language
        reply = self._ask(("synth", text, voice, rate, settings.volume), self._clip_timeout_s,
                          f"saying {text!r}")
        if reply[0] == "voice":
            raise UsageError(f"unknown voice {voice!r} (see `coach voices --engine pyttsx3`)")
        if reply[0] != "ok":
            raise EngineError(f"pyttsx3 failed: {reply[1]}")
        frames, sample_rate_hz, units = reply[1], reply[2], reply[3]
        assert isinstance(frames, bytes) and isinstance(sample_rate_hz, int)
        return Spoken(np.frombuffer(frames, dtype="<i2").astype(np.int16), sample_rate_hz,
                      units if isinstance(units, float) else None)

    def _ask(self, request: tuple[object, ...], timeout_s: float,
             what: str) -> tuple[object, ...]:
        with self._lock:
            if self._worker is None:
                lib_path, data_path = espeak_paths() if sys.platform.startswith("linux") \
                    else ("", None)
                self._worker = Worker(self._serve, [lib_path, *([data_path] if data_path else [])],
                                      "pyttsx3", self._start_timeout_s)
            try:
                return self._worker.ask(request, timeout_s, what)
            except EngineError:
                self._worker = None  # it has been killed; the next call starts a new one
                raise

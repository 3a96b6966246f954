"""Speech engines: text in, a :class:`Clip` of mono int16 PCM out, in memory.

The only module that touches pyttsx3 or libespeak-ng. Two engines sit behind the
:class:`SpeechEngine` protocol:

- ``espeak`` (:class:`EspeakEngine`, the Linux default): libespeak-ng called
  directly through ctypes in synchronous mode, PCM collected by a callback.
  espeak-ng keeps process-wide state, so it is initialised once per process
  and every synthesis holds one lock.
- ``pyttsx3`` (:class:`Pyttsx3Engine`): the user's chosen library, run in a
  worker process so that its stdout chatter never reaches ours and a hang is
  cut off by a deadline (the worker is killed and started afresh).

Both find libespeak-ng and its data in the ``espeakng-loader`` wheel, so no
system package is needed; without the wheel a system libespeak-ng is used.
Every clip from either engine passes the same check (:func:`clip_problem`:
not empty, not silent, a plausible length for its words at its rate), is
retried a couple of times if it fails, and is trimmed to its speech: the first
sample of a clip is the speech onset, the last is where speech ends.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from typing import TYPE_CHECKING, Protocol

import numpy as np

from coach.clip import Clip
from coach.errors import EngineError, UsageError
from coach.model import SpeechSettings

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

__all__ = ["ATTEMPTS", "ENGINES", "Clip", "EspeakEngine", "Pyttsx3Engine", "SpeechEngine",
           "VoiceInfo", "clip_problem", "default_engine_name", "open_engine", "rate_wpm",
           "synthesize_checked", "words_in"]

#: A clip whose peak stays below this (about -36 dBFS) is silent: the engine failed.
MIN_PEAK = 500
#: espeak-ng speaks between these rates (words per minute); others are clamped.
MIN_RATE_WPM, MAX_RATE_WPM = 80, 450
#: How many times a bad clip is synthesised before :class:`EngineError`.
ATTEMPTS = 3


@dataclass(frozen=True)
class VoiceInfo:
    """A voice an engine offers; ``id`` is what a routine's ``voice:`` takes."""

    id: str
    name: str
    languages: tuple[str, ...]


class SpeechEngine(Protocol):
    """Turns text into speech. ``name`` and ``version`` key the phrase cache."""

    @property
    def name(self) -> str: ...

    @property
    def version(self) -> str: ...

    def synthesize(self, text: str, settings: SpeechSettings) -> Clip: ...

    def voices(self) -> list[VoiceInfo]: ...


ENGINES = ("espeak", "pyttsx3")


def default_engine_name() -> str:
    return "espeak" if sys.platform.startswith("linux") else "pyttsx3"


def open_engine(name: str | None = None) -> SpeechEngine:
    """The engine called ``name``; ``None`` is the platform's default."""
    name = name or default_engine_name()
    if name == "espeak":
        return EspeakEngine()
    if name == "pyttsx3":
        return Pyttsx3Engine()
    raise UsageError(f"unknown speech engine {name!r}; choose one of: {', '.join(ENGINES)}")


# -- the check every clip passes ------------------------------------------------

_WORD = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")


def rate_wpm(settings: SpeechSettings) -> int:
    """The rate the engine really uses: the setting clamped to espeak-ng's range."""
    return min(MAX_RATE_WPM, max(MIN_RATE_WPM, int(settings.rate_wpm)))


def words_in(text: str) -> int:
    """How many words ``text`` holds; :class:`UsageError` if there is nothing to say."""
    words = len(_WORD.findall(text))
    if words == 0:
        raise UsageError(f"nothing to say in {text!r}")
    return words


def clip_problem(clip: Clip, text: str, rate: int) -> str | None:
    """What is wrong with an engine's clip for ``text`` at ``rate`` wpm, or None.

    Measured with espeak-ng on every built-in cue at 80-450 wpm, speech takes
    0.39-1.47x the nominal time of its words (each digit counted as up to
    three more words: "2026" is "twenty twenty-six"). The bounds, 0.25x to
    2x + 0.3 s, catch empty, cut-off, stuck, stale and far-off-rate output.
    """
    if len(clip.samples) == 0:
        return "no audio"
    peak = int(np.abs(clip.samples.astype(np.int32)).max())
    if peak < MIN_PEAK:
        return f"silent audio (peak {peak})"
    nominal_s = 60.0 / rate
    low_s = 0.25 * words_in(text) * nominal_s
    high_s = 2.0 * (words_in(text) + 3 * len(_DIGIT.findall(text))) * nominal_s + 0.3
    speech_s = clip.trimmed().duration_s
    if not low_s <= speech_s <= high_s:
        return (f"{speech_s:.2f} s of speech for {words_in(text)} words at {rate} wpm "
                f"(expected {low_s:.2f}-{high_s:.2f} s)")
    return None


def synthesize_checked(name: str, text: str, settings: SpeechSettings,
                       attempt: Callable[[str, SpeechSettings], Clip],
                       attempts: int = ATTEMPTS) -> Clip:
    """Run ``attempt`` until its clip passes :func:`clip_problem`; return it trimmed.

    ``attempt`` may raise :class:`EngineError` for a failure worth retrying
    (a hang); :class:`UsageError` (an unknown voice) is raised at once.
    """
    words_in(text)
    problem = ""
    for _ in range(attempts):
        try:
            clip = attempt(text, settings)
        except EngineError as err:
            problem = str(err)
            continue
        bad = clip_problem(clip, text, rate_wpm(settings))
        if bad is None:
            return clip.trimmed()
        problem = bad
    raise EngineError(f"{name} could not say {text!r} after {attempts} attempts: {problem}")


# -- libespeak-ng --------------------------------------------------------------

def espeak_paths() -> tuple[str, str | None]:
    """(library, data folder) of libespeak-ng: the wheel's, else the system's.

    The wheel comes first: its library and data belong together and are what
    the tests ran against. A system library uses its own built-in data path.
    """
    try:
        import espeakng_loader
    except ImportError:
        found = ctypes.util.find_library("espeak-ng")
        if found is None:
            raise EngineError("libespeak-ng not found: install the espeakng-loader "
                              "package or your system's espeak-ng") from None
        return found, None
    return espeakng_loader.get_library_path(), espeakng_loader.get_data_path()


class _EspeakVoice(ctypes.Structure):
    _fields_ = (("name", ctypes.c_char_p), ("languages", ctypes.c_void_p),
                ("identifier", ctypes.c_char_p), ("gender", ctypes.c_ubyte),
                ("age", ctypes.c_ubyte), ("variant", ctypes.c_ubyte),
                ("xx1", ctypes.c_ubyte), ("score", ctypes.c_int), ("spare", ctypes.c_void_p))


_SYNTH_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short),
                                   ctypes.c_int, ctypes.c_void_p)
_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_PARAM_RATE, _PARAM_VOLUME = 1, 2


def _languages(ptr: int | None) -> tuple[str, ...]:
    """espeak's language list: (priority byte, NUL-terminated name)*, then a 0 byte."""
    out: list[str] = []
    while ptr and ctypes.string_at(ptr, 1) != b"\0":
        lang = ctypes.string_at(ptr + 1)
        out.append(lang.decode("utf-8", "replace"))
        ptr += 2 + len(lang)
    return tuple(out)


class _Espeak:
    """The process's one initialised libespeak-ng (synchronous output, PCM to memory)."""

    _lock = threading.Lock()
    _instance: _Espeak | None = None

    @classmethod
    def get(cls) -> _Espeak:
        with cls._lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def __init__(self) -> None:
        lib_path, data_path = espeak_paths()
        try:
            lib = ctypes.CDLL(lib_path)
        except OSError as err:
            raise EngineError(f"cannot load libespeak-ng from {lib_path}: {err}") from err
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p,
                                          ctypes.c_int]
        lib.espeak_Info.restype = ctypes.c_char_p
        lib.espeak_Info.argtypes = [ctypes.c_void_p]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint,
                                     ctypes.c_int, ctypes.c_uint, ctypes.c_uint,
                                     ctypes.c_void_p, ctypes.c_void_p]
        lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_EspeakVoice))
        lib.espeak_ListVoices.argtypes = [ctypes.c_void_p]
        data = data_path.encode() if data_path else None
        self.sample_rate_hz = lib.espeak_Initialize(_OUTPUT_SYNCHRONOUS, 500, data,
                                                    _INITIALIZE_DONT_EXIT)
        if self.sample_rate_hz <= 0:
            raise EngineError(f"libespeak-ng failed to start (data folder {data_path})")
        self.version = lib.espeak_Info(None).decode()
        self._lib = lib
        self._chunks: list[np.ndarray] = []
        self._callback = _SYNTH_CALLBACK(self._collect)  # kept alive as long as we are
        lib.espeak_SetSynthCallback(self._callback)
        self._voice: str | None = None

    def _collect(self, wav: ctypes._Pointer[ctypes.c_short], n: int, _events: int) -> int:
        if wav and n > 0:
            self._chunks.append(np.ctypeslib.as_array(wav, shape=(n,)).copy())
        return 0

    def synthesize(self, text: str, voice: str, rate: int, volume: float) -> Clip:
        raw = text.encode("utf-8") + b"\0"
        with self._lock:
            if voice != self._voice:
                if self._lib.espeak_SetVoiceByName(voice.encode("utf-8")) != 0:
                    raise UsageError(f"unknown voice {voice!r} (see `coach voices`)")
                self._voice = voice
            self._lib.espeak_SetParameter(_PARAM_RATE, rate, 0)
            self._lib.espeak_SetParameter(_PARAM_VOLUME, round(volume * 100), 0)
            self._chunks = []
            status = self._lib.espeak_Synth(raw, len(raw), 0, _POS_CHARACTER, 0,
                                            _CHARS_UTF8, None, None)
            chunks, self._chunks = self._chunks, []
        if status != 0:
            raise EngineError(f"espeak-ng failed on {text!r} (status {status})")
        samples = np.concatenate(chunks) if chunks else np.zeros(0, np.int16)
        return Clip(samples, self.sample_rate_hz)

    def voices(self) -> list[VoiceInfo]:
        with self._lock:
            listed = self._lib.espeak_ListVoices(None)
            out = []
            i = 0
            while listed[i]:
                v = listed[i].contents
                out.append(VoiceInfo(id=(v.identifier or b"").decode(),
                                     name=(v.name or b"").decode(),
                                     languages=_languages(v.languages)))
                i += 1
        return out


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "?"


class EspeakEngine:
    """libespeak-ng through ctypes: fast, in memory, the Linux default."""

    name = "espeak"

    def __init__(self, attempts: int = ATTEMPTS) -> None:
        self._espeak = _Espeak.get()
        self._attempts = attempts

    @property
    def version(self) -> str:
        return f"espeak-ng {self._espeak.version} (espeakng-loader " \
               f"{_package_version('espeakng-loader')})"

    def synthesize(self, text: str, settings: SpeechSettings) -> Clip:
        return synthesize_checked(self.name, text, settings, self._attempt, self._attempts)

    def _attempt(self, text: str, settings: SpeechSettings) -> Clip:
        return self._espeak.synthesize(text, settings.voice or settings.language,
                                       rate_wpm(settings), settings.volume)

    def voices(self) -> list[VoiceInfo]:
        return self._espeak.voices()


# -- pyttsx3, contained in a worker process ----------------------------------------

#: A worker that has not said it is ready after this long is given up on.
START_TIMEOUT_S = 30.0
#: One clip (or the voice list) may take this long; a hang is cut off after it.
CLIP_TIMEOUT_S = 30.0

Serve = Callable[["Connection", str, str | None], None]


def serve_pyttsx3(conn: Connection, lib_path: str, data_path: str | None) -> None:
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
    conn.send(("ready",))
    with tempfile.TemporaryDirectory(prefix="coach-pyttsx3-") as tmp:
        wav_path = os.path.join(tmp, "clip.wav")
        while True:
            try:
                request = conn.recv()
            except EOFError:
                return
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
    ``espeak_Synchronize`` waits until the new voice, rate and volume are in
    force before the text is queued (0 of 33 wrong), and the file is read only
    after pyttsx3 reports the utterance finished. Property errors (an unknown
    voice) are not raised by pyttsx3 but sent to "error" listeners.
    """
    import wave

    text, voice, rate, volume = request
    if os.path.exists(wav_path):
        os.remove(wav_path)
    for name, value in (("voice", voice), ("rate", rate), ("volume", volume)):
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
    with wave.open(wav_path, "rb") as wav:
        return ("ok", wav.readframes(wav.getnframes()), wav.getframerate())


def run_worker(argv: list[str]) -> None:
    """Entry point of a worker process: ``MODULE FUNCTION FD LIB_PATH [DATA_PATH]``."""
    import importlib
    from multiprocessing.connection import Connection

    module, function, fd, lib_path, *data = argv
    serve = getattr(importlib.import_module(module), function)
    serve(Connection(int(fd)), lib_path, data[0] if data else None)


class _Worker:
    """A worker process running ``serve`` over a socket; killed on a missed deadline.

    A plain subprocess (not multiprocessing), so it works whatever the main
    module of the parent is; the parent's ``sys.path`` is passed on.
    """

    def __init__(self, serve: Serve, start_timeout_s: float) -> None:
        import socket
        import subprocess
        from multiprocessing.connection import Connection

        lib_path, data_path = espeak_paths() if sys.platform.startswith("linux") else ("", None)
        mine, theirs = socket.socketpair()
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        args = [serve.__module__, serve.__qualname__, str(theirs.fileno()), lib_path]
        code = "import sys; from coach.speech import run_worker; run_worker(sys.argv[1:])"
        self._process = subprocess.Popen(
            [sys.executable, "-c", code, *args, *([data_path] if data_path else [])],
            pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            env=env)
        theirs.close()
        self._conn = Connection(mine.detach())
        self.ask(None, start_timeout_s, "start")

    def ask(self, request: tuple[object, ...] | None, timeout_s: float,
            what: str) -> tuple[object, ...]:
        try:
            if request is not None:
                self._conn.send(request)
            if self._conn.poll(timeout_s):
                reply: tuple[object, ...] = self._conn.recv()
                return reply
        except (EOFError, OSError) as err:
            self.close()
            raise EngineError(f"the pyttsx3 worker died during {what} "
                              f"({type(err).__name__} {err})".rstrip()) from err
        self.close()
        raise EngineError(f"pyttsx3 did not finish {what} within {timeout_s:g} s")

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait(5)
        self._conn.close()


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
        self._worker: _Worker | None = None
        self._lock = threading.Lock()

    @property
    def version(self) -> str:
        under = ""
        if sys.platform.startswith("linux"):
            under = f", espeak-ng {_library_version()}"
        return f"pyttsx3 {_package_version('pyttsx3')}{under}"

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
        frames, sample_rate_hz = reply[1], reply[2]
        assert isinstance(frames, bytes) and isinstance(sample_rate_hz, int)
        return Clip(np.frombuffer(frames, dtype="<i2").astype(np.int16), sample_rate_hz)

    def _ask(self, request: tuple[object, ...], timeout_s: float,
             what: str) -> tuple[object, ...]:
        with self._lock:
            if self._worker is None:
                self._worker = _Worker(self._serve, self._start_timeout_s)
            try:
                return self._worker.ask(request, timeout_s, what)
            except EngineError:
                self._worker = None  # it has been killed; the next call starts a new one
                raise


def _library_version() -> str:
    """libespeak-ng's version, read without initialising it."""
    lib = ctypes.CDLL(espeak_paths()[0])
    lib.espeak_Info.restype = ctypes.c_char_p
    lib.espeak_Info.argtypes = [ctypes.c_void_p]
    return str(lib.espeak_Info(None).decode())

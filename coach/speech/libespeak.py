"""libespeak-ng through ctypes: synchronous mode, PCM collected in memory.

The library and its data come from the ``espeakng-loader`` wheel, so no system
package is needed; without the wheel a system libespeak-ng is used. espeak-ng
keeps process-wide state, so it is initialised once per process
(:meth:`_Espeak.get`) and every synthesis holds one lock.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import re
import threading

import numpy as np

from coach.audio.clip import Clip
from coach.errors import EngineError, UsageError
from coach.routines.model import SpeechSettings
from coach.speech.base import ATTEMPTS, VoiceInfo, package_version, rate_wpm, synthesize_checked


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
#: Words of speech per phoneme, and per clause break (a pause), in espeak-ng's own reading
#: of a text: the clip check's upper bound for what it says (:meth:`_Espeak.spoken_units`).
#: Measured (1,947 clips, built-in cues and gibberish, 80-450 wpm): speech took at most
#: 0.16 words per phoneme, and a clause break at most 0.4 words beyond that (issue 12).
WORDS_PER_PHONEME, WORDS_PER_CLAUSE_BREAK = 0.25, 1.0
_NOT_A_PHONEME = re.compile(r"[\s'_,;:%=|]")  # stress, length, pause and separator marks


def _languages(ptr: int | None) -> tuple[str, ...]:
    """espeak's language list: (priority byte, NUL-terminated name)*, then a 0 byte."""
    out: list[str] = []
    while ptr and ctypes.string_at(ptr, 1) != b"\0":
        lang = ctypes.string_at(ptr + 1)
        out.append(lang.decode("utf-8", "replace"))
        ptr += 2 + len(lang)
    return tuple(out)


def load_library() -> tuple[ctypes.CDLL, str | None]:
    """libespeak-ng loaded (not initialised) with its prototypes, and its data folder."""
    lib_path, data_path = espeak_paths()
    try:
        lib = ctypes.CDLL(lib_path)
    except OSError as err:
        raise EngineError(f"cannot load libespeak-ng from {lib_path}: {err}") from err
    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    lib.espeak_Info.restype = ctypes.c_char_p
    lib.espeak_Info.argtypes = [ctypes.c_void_p]
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
                                 ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
    lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_EspeakVoice))
    lib.espeak_ListVoices.argtypes = [ctypes.c_void_p]
    return lib, data_path


def phoneme_units(lib: ctypes.CDLL, text: str) -> float:
    """:meth:`_Espeak.spoken_units` on a loaded libespeak-ng whose voice is set (also
    pyttsx3's, in its worker): words per phoneme and per clause break of its reading."""
    lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
    lib.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_int,
                                          ctypes.c_int]
    raw = ctypes.create_string_buffer(text.encode("utf-8") + b"\0")
    phonemes = clauses = 0
    cursor = ctypes.c_void_p(ctypes.addressof(raw))
    while cursor.value and clauses <= len(raw):  # each call reads one clause
        said = lib.espeak_TextToPhonemes(ctypes.byref(cursor), _CHARS_UTF8, 0)
        phonemes += len(_NOT_A_PHONEME.sub("", (said or b"").decode("utf-8", "replace")))
        clauses += 1
    return WORDS_PER_PHONEME * phonemes + WORDS_PER_CLAUSE_BREAK * max(0, clauses - 1)


def library_version() -> str:
    """libespeak-ng's version ("1.52.0"), read without initialising it."""
    return str(load_library()[0].espeak_Info(None).decode())


def _listed(name: str, names: set[str]) -> bool:
    """``name`` is one of espeak-ng's ``names``, as it matches them: ASCII letters in any
    case ("en-US" is its "en-us"); nothing else is folded (no "K" KELVIN SIGN for "k")."""
    return name in names or (name.isascii() and name.lower() in {n.lower() for n in names})


class _Espeak:
    """The process's one initialised libespeak-ng (synchronous output, PCM to memory)."""

    _lock = threading.RLock()
    _instance: _Espeak | None = None

    @classmethod
    def get(cls) -> _Espeak:
        with cls._lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def __init__(self) -> None:
        lib, data_path = load_library()
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

    def _use_voice(self, voice: str) -> None:
        if voice != self._voice:
            self.check_voice(voice)
            if self._lib.espeak_SetVoiceByName(voice.encode("utf-8")) != 0:
                raise UsageError(f"unknown voice {voice!r} (see `coach voices`)")
            self._voice = voice

    def spoken_units(self, text: str, voice: str) -> float:
        """How many words of speech espeak-ng will make of ``text``, from its own phonemes:
        a word it spells letter by letter ("xsaaaa") or a symbol it reads by name ("!e",
        "%") counts for what is really said, not for its letters (issue 12)."""
        with self._lock:
            self._use_voice(voice)
            return phoneme_units(self._lib, text)

    def synthesize(self, text: str, voice: str, rate: int, volume: float) -> Clip:
        raw = text.encode("utf-8") + b"\0"
        with self._lock:
            self._use_voice(voice)
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

    def check_voice(self, voice: str) -> None:
        """Refuse a name that is not in espeak-ng's own lists before it reaches the library:
        espeak-ng uses voice names as paths in its data folder (``..`` climbs out) and
        overflows a fixed buffer on a long ``+variant`` (issue 12)."""
        import difflib

        base, plus, variant = voice.partition("+")
        known: set[str] = set()
        for v in self.voices():
            known.update((v.id, v.name, *v.languages))
        variants = {v.id.rpartition("/")[2] for v in self.voices(b"variant")}
        if not _listed(base, known):
            near = difflib.get_close_matches(base, sorted(known), n=1)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise UsageError(f"unknown voice {voice[:60]!r} (see `coach voices`){hint}")
        if plus and not _listed(variant, variants):
            near = difflib.get_close_matches(variant, sorted(variants), n=1)
            hint = f"; did you mean {base + '+' + near[0]!r}?" if near else ""
            raise UsageError(f"unknown voice variant {variant[:40]!r} in {voice[:60]!r}{hint}")

    def voices(self, languages: bytes | None = None) -> list[VoiceInfo]:
        """espeak-ng's voices; ``languages=b"variant"`` lists its variants instead."""
        spec = None
        wanted = ctypes.c_char_p(languages)  # kept alive until the call returns
        if languages is not None:
            spec = ctypes.pointer(_EspeakVoice(languages=ctypes.cast(wanted, ctypes.c_void_p)))
        with self._lock:
            listed = self._lib.espeak_ListVoices(spec)
            out = []
            i = 0
            while listed[i]:
                v = listed[i].contents
                out.append(VoiceInfo(id=(v.identifier or b"").decode(),
                                     name=(v.name or b"").decode(),
                                     languages=_languages(v.languages)))
                i += 1
        return out


class EspeakEngine:
    """libespeak-ng through ctypes: fast, in memory, the Linux default."""

    name = "espeak"

    def __init__(self, attempts: int = ATTEMPTS) -> None:
        self._espeak = _Espeak.get()
        self._attempts = attempts

    @property
    def version(self) -> str:
        return f"espeak-ng {self._espeak.version} (espeakng-loader " \
               f"{package_version('espeakng-loader')})"

    def check(self, settings: SpeechSettings) -> None:
        """Refuse a voice not in espeak-ng's own lists (:class:`UsageError`)."""
        self._espeak.check_voice(settings.voice or settings.language)

    def model_identity(self, settings: SpeechSettings) -> str:
        return ""  # the voice data comes with the library, whose version keys the cache

    def synthesize(self, text: str, settings: SpeechSettings) -> Clip:
        units = self._espeak.spoken_units(text, settings.voice or settings.language)
        return synthesize_checked(self.name, text, settings, self._attempt, self._attempts,
                                  spoken_units=units)

    def _attempt(self, text: str, settings: SpeechSettings) -> Clip:
        return self._espeak.synthesize(text, settings.voice or settings.language,
                                       rate_wpm(settings), settings.volume)

    def voices(self) -> list[VoiceInfo]:
        return self._espeak.voices()

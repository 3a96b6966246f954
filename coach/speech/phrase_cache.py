"""The phrase cache: every unique phrase is synthesised once and kept on disk.

A phrase's key is a hash of what went *into* the engine (engine name and
version, the voice model file's identity (Piper: name, size, change time), voice,
language, rate, volume, the respelled text, the sample rate
and :data:`CACHE_FORMAT`), never of its audio: espeak-ng's output differs by a
few samples between calls. Clips are stored as ``KEY.npy`` (mono int16) under
``cache_dir()/phrases``, written through :func:`coach.files.staged`; a
file that cannot be read back is synthesised again. When a clip is synthesised
its loudness gain is measured too and kept in ``cache_dir()/levels`` (by a hash
of its samples), so a warm export never imports pyloudnorm or scipy.

After the samples a clip's file may hold :data:`UNITS_TRAILER` and the engine's own count
of what it said (espeak-ng's phonemes, as words: :class:`coach.speech.base.Spoken`), so the
length check at load is the one the clip passed when it was made: a stored "xsaaaa" (spelled
letter by letter) loads instead of being synthesised again each time. numpy reads such a
file as the plain array; a file without the trailer (older caches) is checked by its words,
so such a clip is made again once, with it (issue 12).

Clips come out of the engines trimmed to their speech (see
:mod:`coach.speech`): the first sample is the speech onset and the last is
where speech ends, so :meth:`PhraseCache.speech_s` is the time a cue really
occupies and a clip placed at a cue's ``at_s`` is heard starting at ``at_s``.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import struct
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from coach import paths
from coach.audio.clip import SAMPLE_RATE_HZ, Clip
from coach.errors import OutputError
from coach.files import staged
from coach.routines.model import SpeechSettings

if TYPE_CHECKING:
    from coach.speech import SpeechEngine

#: Bump when what is stored changes (trimming, file layout): old entries are then ignored.
CACHE_FORMAT = 1
#: What follows the samples in a clip's file: these 8 bytes, then the engine's spoken units
#: as a little-endian float64.
UNITS_TRAILER = b"coachSU1"
#: A stored unit count is believed up to this many per character of the text, + 1
#: (measured at most 4.25: es "y con diéresis" for "ÿ"); more is damage, and the clip is redone.
MAX_UNITS_PER_CHAR = 8.0
#: Clips kept in memory (the most recently used), in samples: ~16 MB of int16.
MEMORY_SAMPLES = 8_000_000


def estimate_s(text: str, settings: SpeechSettings) -> float:
    """The words-per-minute length of ``text`` (for a phrase that could not be said)."""
    return max(1, len(re.findall(r"\w+", text))) * 60.0 / max(1, settings.rate_wpm)


class Respeller:
    """Whole-word, case-insensitive respelling ("figure-8" -> "figure eight").

    One pass over the text with the longest words tried first, so a respelling
    is never respelled again.
    """

    def __init__(self, pronunciations: Iterable[tuple[str, str]] = ()) -> None:
        self.table: dict[str, str] = {}
        for word, spoken in pronunciations:
            self.table[word.casefold()] = spoken
        words = sorted(self.table, key=len, reverse=True)
        alternatives = "|".join(re.escape(w) for w in words)
        self._pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)

    def __call__(self, text: str) -> str:
        if not self.table:
            return text
        return self._pattern.sub(lambda m: self.table[m.group(0).casefold()], text)


class PhraseCache:
    """Clips for phrases, at ``sample_rate_hz``: from memory, the disk, or the engine.

    :meth:`speech_s` fits the compiler's ``SpeechTimer``: the measured length
    of the phrase as it will be heard. Safe to share between threads (a live
    player warming ahead while the renderer reads).
    """

    def __init__(self, engine: SpeechEngine, settings: SpeechSettings,
                 cache_dir: Path | None = None, sample_rate_hz: int = SAMPLE_RATE_HZ,
                 pronunciations: tuple[tuple[str, str], ...] = (),
                 tolerate: bool = False, levels_dir: Path | None = None) -> None:
        self.engine = engine
        self._engine_id = (engine.name, engine.version, engine.model_identity(settings))
        self.settings = settings
        self.cache_dir = cache_dir if cache_dir is not None else paths.cache_dir() / "phrases"
        #: Where each new clip's loudness gain is kept (the renderer's ``levels_dir``);
        #: by default the user cache's, unless ``cache_dir`` is given.
        self.levels_dir = levels_dir if levels_dir is not None or cache_dir is not None \
            else paths.cache_dir() / "levels"
        self.sample_rate_hz = sample_rate_hz
        self.respell = Respeller(pronunciations)
        self._clips: OrderedDict[str, Clip] = OrderedDict()
        self._durations_s: dict[str, float] = {}
        self._lock = threading.RLock()
        #: With ``tolerate`` (a live walk), a phrase that cannot be said (a native crash,
        #: no good clip) is silent, timed by the estimate, and its error kept here.
        self.tolerate = tolerate
        self.failures: dict[str, str] = {}
        #: Clips that could not be stored (a read-only cache folder): kept for this run, and
        #: ``note`` is told once (issue 12: a read-only home speaks uncached).
        self._unstored: dict[str, Clip] = {}
        self.note: Callable[[str], None] = _on_stderr

    def key(self, text: str) -> str:
        """The cache key of ``text``: a hash of every input that shapes its audio."""
        inputs = {
            "engine": self._engine_id[0], "version": self._engine_id[1],
            "model": self._engine_id[2],
            "voice": self.settings.voice, "language": self.settings.language,
            "rate_wpm": self.settings.rate_wpm, "volume": self.settings.volume,
            "text": self.respell(text), "sample_rate_hz": self.sample_rate_hz,
            "format": CACHE_FORMAT,
        }
        blob = json.dumps(inputs, sort_keys=True, ensure_ascii=False).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()[:32]

    def path(self, text: str) -> Path:
        """Where the clip of ``text`` is (or will be) stored."""
        return self._file(self.key(text))

    def _file(self, key: str) -> Path:
        return self.cache_dir / f"{key}.npy"

    def clip(self, text: str) -> Clip:
        """The clip of ``text`` at :attr:`sample_rate_hz`, trimmed to its speech."""
        key = self.key(text)
        with self._lock:
            clip = self._clips.get(key)
            if clip is not None:
                self._clips.move_to_end(key)
                return clip
            clip = self._fetch(key, text)
            self._clips[key] = clip
            total = sum(len(c.samples) for c in self._clips.values())
            while total > MEMORY_SAMPLES and len(self._clips) > 1:
                total -= len(self._clips.popitem(last=False)[1].samples)
            return clip

    def speech_s(self, text: str) -> float:
        """How long ``text`` takes to say, in seconds (synthesised if need be)."""
        key = self.key(text)
        with self._lock:
            if key not in self._durations_s:
                self._fetch(key, text)
            return self._durations_s[key]

    def known_s(self, text: str) -> float | None:
        """The length of ``text`` if it is cached (in memory or on disk), else None;
        never synthesises (a live walk times uncached phrases by a safe bound)."""
        key = self.key(text)
        with self._lock:
            if key in self._durations_s:
                return self._durations_s[key]
        clip = self._load(key, text)
        if clip is None:
            return None
        with self._lock:
            self._durations_s[key] = clip.duration_s
        return clip.duration_s

    def warm(self, texts: Iterable[str],
             progress: Callable[[int, int], None] | None = None) -> int:
        """Make sure every phrase is cached, synthesising the missing ones in parallel
        (as many at once as the engine has workers), in the order given (a session's
        opening cues first); ``progress(done, total)`` after each one synthesised
        (``total``: how many were missing; never called when all were cached).
        Returns how many were synthesised."""
        from concurrent.futures import ThreadPoolExecutor

        missing: list[tuple[str, str]] = []
        for text in dict.fromkeys(texts):
            key = self.key(text)
            with self._lock:
                if key in self._durations_s:
                    continue
            clip = self._load(key, text)
            if clip is None:
                missing.append((key, text))
            else:
                with self._lock:
                    self._durations_s[key] = clip.duration_s
        if not missing:
            return 0
        done = 0
        counted = threading.Lock()

        def one(item: tuple[str, str]) -> None:
            nonlocal done
            self._synthesize(*item)
            if progress is not None:
                with counted:
                    done += 1
                    progress(done, len(missing))

        workers = min(len(missing), max(1, int(getattr(self.engine, "workers", 1))))
        if workers == 1:
            for item in missing:
                one(item)
            return len(missing)
        with ThreadPoolExecutor(workers, thread_name_prefix="coach-speech") as pool:
            for future in [pool.submit(one, item) for item in missing]:
                future.result()  # the first failure, in the order given
        return len(missing)

    def _fetch(self, key: str, text: str) -> Clip:
        """The clip from disk, or synthesised and stored; its length is remembered."""
        clip = self._load(key, text)
        if clip is None:
            return self._synthesize(key, text)
        self._durations_s[key] = clip.duration_s
        return clip

    def _synthesize(self, key: str, text: str) -> Clip:
        """Synthesise and store ``text`` (a failure of one phrase: see ``tolerate``)."""
        from coach.speech.base import PhraseError

        silent = Clip(np.zeros(0, np.int16), self.sample_rate_hz)
        if text in self.failures:
            return silent
        try:
            spoken = self.engine.synthesize(self.respell(text), self.settings)
        except PhraseError as err:
            if not self.tolerate:
                raise
            with self._lock:
                self.failures.setdefault(text, str(err))
                self._durations_s[key] = estimate_s(self.respell(text), self.settings)
            return silent
        units = getattr(spoken, "spoken_units", None)
        clip = spoken.resampled(self.sample_rate_hz)
        self._store(key, clip, units)
        self._measure_level(clip)
        with self._lock:
            self._durations_s[key] = clip.duration_s
        return clip

    def _measure_level(self, clip: Clip) -> None:
        """Measure and keep the clip's loudness gain now, in this synthesis thread (beside
        the other workers), so a later export levels it without pyloudnorm or scipy
        (:func:`coach.audio.loudness.stored_speech_gain_db`, on what the renderer mixes)."""
        from coach.audio import loudness

        if self.levels_dir is None or not len(clip.samples):
            return
        x = clip.as_float()
        loudness.stored_speech_gain_db(x[loudness.speech_onset(x):], self.sample_rate_hz,
                                       self.levels_dir)

    def _load(self, key: str, text: str) -> Clip | None:
        """The stored clip, or None if it is missing or damaged (then it is redone).

        Only a regular file is opened (a FIFO would hang); the header is read through a
        memory map (a huge shape is a ValueError, not a MemoryError); and the clip must
        be the trimmed speech of its words at the settings' rate (:func:`clip_problem`, with
        the engine's spoken units stored after the samples, if any): a valid but truncated,
        silent or foreign clip is rebuilt.
        """
        import stat

        from coach.speech.base import clip_problem, rate_wpm

        if key in self._unstored:
            return self._unstored[key]
        path = self._file(key)
        try:
            st = path.stat()
            if not stat.S_ISREG(st.st_mode):
                return None
            mapped = np.load(path, mmap_mode="r", allow_pickle=False)
            units = _stored_units(path, mapped.offset + mapped.nbytes, st.st_size)
            samples = np.array(mapped)
        except (OSError, ValueError, EOFError, AttributeError):  # missing, truncated, not .npy
            return None
        if samples.dtype != np.int16 or samples.ndim != 1 or len(samples) == 0:
            return None
        said = self.respell(text)
        if units is not None and not units <= MAX_UNITS_PER_CHAR * len(said) + 1:
            return None
        clip = Clip(samples, self.sample_rate_hz)
        try:
            if clip_problem(clip, said, rate_wpm(self.settings), units) is not None:
                return None
        except ValueError:  # nothing to say: the engine would refuse it too
            return None
        return clip

    def _store(self, key: str, clip: Clip, units: float | None = None) -> None:
        """Write atomically (:func:`coach.files.staged`), with the engine's ``units`` after
        the samples; a cache, so not fsynced. Where the folder cannot be written (a
        read-only home), the clip is kept in memory for this run instead, and that is said
        once: speech works uncached."""
        try:
            with staged(self._file(key), make_folder=True, durable=False) as stage:
                np.save(stage.file, clip.samples, allow_pickle=False)
                if units is not None and math.isfinite(units):
                    stage.file.write(UNITS_TRAILER + struct.pack("<d", units))
        except OutputError as err:
            with self._lock:
                first = not self._unstored
                self._unstored[key] = clip
            if first:
                self.note(f"note: the phrase cache {self.cache_dir} cannot be written "
                          f"({str(err).rpartition(': ')[2]}): speaking uncached")


def _stored_units(path: Path, data_end: int, size: int) -> float | None:
    """The spoken units after a clip's samples (None in a file without them, as older
    caches wrote); ValueError for anything else after the samples: a damaged file."""
    trailer_size = len(UNITS_TRAILER) + 8
    if size == data_end:
        return None
    if size != data_end + trailer_size:
        raise ValueError(f"{size - data_end} stray bytes after the samples")
    with path.open("rb") as file:
        file.seek(data_end)
        trailer = file.read(trailer_size)
    if not trailer.startswith(UNITS_TRAILER):
        raise ValueError("not a spoken-units trailer")
    (units,) = struct.unpack("<d", trailer[len(UNITS_TRAILER):])
    if not math.isfinite(units) or units < 0:
        raise ValueError(f"spoken units {units}")
    return float(units)


def _on_stderr(line: str) -> None:
    import sys

    print(line, file=sys.stderr)

"""What an exported file is made from, as one key: unchanged files are not written again.

:func:`content_key` hashes everything that shapes the file's bytes: the
timeline (cues, times, sections, cadence), each phrase's speech (the phrase
cache's key: engine, voice, rate, volume, text), the export options (format,
bitrate, metronome, tags and whatever else :class:`ExportOptions` carries; a
file named in them counts by its size and modification time), and the code
and sounds that render and encode (:func:`code_identity`). The key is kept in
the file's own tag (TXXX ``coach-content``); :func:`is_unchanged` reads it
back, so a second identical export leaves the file untouched (same bytes,
same mtime: a phone sync tool sees no change).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import stat
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from coach.compiler.timeline import Timeline

#: Bump when what an export writes changes in a way the code hash would not see.
EXPORT_FORMAT = 1


def content_key(timeline: Timeline, phrase_key: Callable[[str], str] | None,
                clip_bytes: Callable[[str], bytes], options: object, fmt: str,
                bitrate_kbps: int) -> str:
    """The key of the file an export of ``timeline`` would write (32 hex digits).

    ``phrase_key(text)`` identifies a phrase's speech; without one, the
    phrase's audio itself (``clip_bytes(text)``) is hashed.
    """
    texts = sorted({cue.text for cue in timeline.cues})
    if phrase_key is not None:
        speech = [phrase_key(text) for text in texts]
    else:
        speech = [hashlib.sha256(clip_bytes(text)).hexdigest() for text in texts]
    blob = {"format": EXPORT_FORMAT, "code": code_identity(), "timeline": timeline.to_json(),
            "speech": speech, "options": _describe(options), "fmt": fmt,
            "bitrate_kbps": bitrate_kbps}
    raw = json.dumps(blob, sort_keys=True, ensure_ascii=False, default=repr)
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _describe(value: object) -> object:
    """``value`` as JSON-able data for the key; callables (already applied) are left out."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _describe(getattr(value, f.name)) for f in dataclasses.fields(value)
                if not callable(getattr(value, f.name))}
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    if isinstance(value, os.PathLike):
        try:
            info = os.stat(value)
            return [os.fspath(value), info.st_size, info.st_mtime_ns]
        except OSError:
            return [os.fspath(value)]
    if isinstance(value, (list, tuple)):
        return [_describe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _describe(v) for k, v in value.items()}
    return value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)


@functools.cache
def code_identity() -> str:
    """A hash of the code that renders and encodes sessions, and of the cue sounds."""
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    sources = [*sorted((here.parent / "audio").glob("*.py")), *sorted(here.glob("*.py"))]
    for source in sources:
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    for sound in sorted(resources.files("audio_cues").iterdir(), key=lambda t: t.name):
        if sound.name.endswith(".wav"):
            digest.update(sound.name.encode())
            digest.update(sound.read_bytes())
    return digest.hexdigest()[:16]


def is_unchanged(dest: Path, key: str, total_samples: int, fmt: str,
                 bitrate_kbps: int) -> bool:
    """True when ``dest`` is a whole file an export made from content ``key``.

    Its tag must carry ``key`` and it must be as big as such a file is (so a
    truncated copy is written again).
    """
    from coach.audio.clip import SAMPLE_RATE_HZ
    from coach.export.tags import stored_content_key

    try:
        info = os.stat(dest)
    except OSError:
        return False
    if not stat.S_ISREG(info.st_mode):
        return False
    if fmt == "wav":
        least = 44 + 2 * total_samples
    else:
        least = int(bitrate_kbps * 125 * total_samples / SAMPLE_RATE_HZ * 0.97)
    return info.st_size >= least and stored_content_key(dest) == key

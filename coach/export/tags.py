"""ID3v2.4 tags of exported sessions (the only module that imports mutagen).

Title, artist, album, date, a cover picture, one CHAP per section under a
CTOC (podcast players show them as chapters), SYLT with every cue at its
millisecond and USLT with the whole script. Times are the timeline's: the
MP3 encoder's gapless Info frame makes decoders play each sample where the
timeline puts it, so chapters and synced lyrics line up with what is heard.

The whole timeline is known before any audio is encoded, so for MP3 the tag
is rendered to bytes first (:func:`id3_bytes`) and written at the head of the
file, and the audio streams after it: nothing is moved afterwards. WAV files
get the same frames in an ``id3`` chunk (:func:`tag_wav`).
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from coach.compiler.timeline import Timeline
from coach.errors import OutputError
from coach.export.formats import to_text
from coach.routines.language import id3_language

if TYPE_CHECKING:
    from mutagen.id3 import ID3

_T = TypeVar("_T")

DEFAULT_ARTIST = "Walking coach"
DEFAULT_ALBUM = "Walking coach sessions"
#: The TXXX frame holding an exported file's content key (what it was made from).
CONTENT_KEY_DESC = "coach-content"


@dataclass(frozen=True)
class TagInfo:
    """What goes in the tag besides the timeline. ``date`` is ISO (``2026-11-23``)."""

    artist: str = DEFAULT_ARTIST
    album: str = DEFAULT_ALBUM
    date: str | None = None
    cover_png: bytes | None = None  # None: the generated cover
    content_key: str | None = None  # what the file is made from (TXXX, see stored_content_key)


def _call(fn: Callable[..., _T], /, *args: object, **kwargs: object) -> _T:
    """Call one of mutagen's unannotated functions or classes, keeping its return type.

    mutagen's constructors and methods carry no annotations; every call into it goes
    through here, so the rest of the module stays checked under ``mypy --strict``.
    """
    return fn(*args, **kwargs)


def _ms(at_s: float) -> int:
    return max(0, round(at_s * 1000))


def build_id3(timeline: Timeline, info: TagInfo) -> ID3:
    """A mutagen ``ID3`` holding every frame for ``timeline``."""
    from mutagen.id3 import (
        APIC,
        CHAP,
        CTOC,
        ID3,
        SYLT,
        TALB,
        TDRC,
        TIT2,
        TPE1,
        TXXX,
        USLT,
        CTOCFlags,
        Encoding,
        PictureType,
    )

    from coach.export.cover import cover_png

    utf8 = Encoding.UTF8
    tags = _call(ID3)

    def add(kind: Callable[..., object], **fields: object) -> None:
        _call(tags.add, _call(kind, **fields))

    def title(text: str) -> object:
        return _call(TIT2, encoding=utf8, text=text)

    add(TIT2, encoding=utf8, text=timeline.title)
    add(TPE1, encoding=utf8, text=info.artist)
    add(TALB, encoding=utf8, text=info.album)
    if info.date:
        add(TDRC, encoding=utf8, text=info.date)
    add(APIC, encoding=utf8, mime="image/png", type=PictureType.COVER_FRONT,
        desc="Cover", data=info.cover_png or cover_png())
    chapter_ids = [f"chp{i}" for i in range(len(timeline.sections))]
    for element_id, section in zip(chapter_ids, timeline.sections, strict=True):
        add(CHAP, element_id=element_id, start_time=_ms(section.start_s),
            end_time=_ms(section.end_s), sub_frames=[title(section.title)])
    add(CTOC, element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
        child_element_ids=chapter_ids, sub_frames=[title(timeline.title)])
    lang = id3_language(timeline.language)
    add(SYLT, encoding=utf8, lang=lang, format=2, type=1, desc="cues",
        text=[(cue.text, _ms(cue.at_s)) for cue in timeline.cues])
    add(USLT, encoding=utf8, lang=lang, desc="script", text=to_text(timeline))
    if info.content_key is not None:
        add(TXXX, encoding=utf8, desc=CONTENT_KEY_DESC, text=info.content_key)
    return tags


def id3_bytes(timeline: Timeline, info: TagInfo) -> bytes:
    """The ID3v2.4 tag for ``timeline`` as bytes, to stand at the head of an MP3."""
    buffer = io.BytesIO()
    _call(build_id3(timeline, info).save, buffer, v2_version=4, padding=lambda _info: 0)
    return chapters_in_time_order(buffer.getvalue())


def chapters_in_time_order(tag: bytes) -> bytes:
    """The ID3v2.4 ``tag`` with its CHAP frames in time order (chp0, chp1, ...).

    mutagen orders frames by size, so chapters came out shuffled, and players
    that do not sort them showed them so. Frames are moved whole; sizes stay.
    """
    end = 10 + _syncsafe(tag[6:10])
    frames: list[bytes] = []
    at = 10
    while at + 10 <= end and tag[at:at + 4] != b"\0\0\0\0":
        size = 10 + _syncsafe(tag[at + 4:at + 8])
        frames.append(tag[at:at + size])
        at += size
    chapters = sorted((f for f in frames if f[:4] == b"CHAP"), key=_chapter_number)
    if not chapters:
        return tag
    first = next(i for i, f in enumerate(frames) if f[:4] == b"CHAP")
    others = [f for f in frames if f[:4] != b"CHAP"]
    ordered = others[:first] + chapters + others[first:]
    return tag[:10] + b"".join(ordered) + tag[at:]


def _syncsafe(raw: bytes) -> int:
    return (raw[0] << 21) | (raw[1] << 14) | (raw[2] << 7) | raw[3]


def _chapter_number(frame: bytes) -> int:
    element_id = frame[10:frame.index(b"\0", 10)]
    return int(element_id.removeprefix(b"chp") or 0)


def tag_wav(path: str | os.PathLike[str], timeline: Timeline, info: TagInfo) -> None:
    """Add the same tag to a finished WAV file (as its ``id3`` chunk)."""
    from mutagen import MutagenError
    from mutagen.wave import WAVE

    try:
        wav = _call(WAVE, os.fspath(path))
        if wav.tags is None:
            _call(wav.add_tags)
        assert wav.tags is not None
        for frame in build_id3(timeline, info).values():  # into the WAV's own id3 chunk
            _call(wav.tags.add, frame)
        _call(wav.save, v2_version=4)
    except MutagenError as err:
        raise OutputError(f"could not tag {os.fspath(path)}: {err}") from err


def stored_content_key(path: str | os.PathLike[str]) -> str | None:
    """The content key an export stored in the tag of ``path`` (MP3 or WAV), or None.

    Reads only the tag. None for a file without one, or that is no MP3/WAV.
    """
    from mutagen import MutagenError
    from mutagen.id3 import ID3
    from mutagen.wave import WAVE

    try:
        if os.fspath(path).lower().endswith(".wav"):
            tags = _call(WAVE, os.fspath(path)).tags
        else:
            tags = _call(ID3, os.fspath(path))
    except (MutagenError, OSError, ValueError):
        return None
    frames = _call(tags.getall, f"TXXX:{CONTENT_KEY_DESC}") if tags is not None else []
    return str(frames[0].text[0]) if frames and frames[0].text else None

"""Write sessions to files: MP3 (or WAV) with tags, an .lrc beside, playlists.

Every file the user asked for goes through :func:`coach.files.staged`: a
hidden temporary name in the destination folder, renamed into place at the
end, so an export that is interrupted (Ctrl-C, a crash, SIGKILL) never leaves
a half-written file under the real name. Ctrl-C and SIGTERM are held off
while the finished header is written and the files are renamed.

The tag goes first (the whole timeline is known before encoding), the audio
streams after it block by block (constant memory), and the encoder's final
header (MP3 Info frame with the gapless LAME tag, or the WAV sizes) is
written over its placeholder at the end.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

import numpy as np

from coach.audio.clip import SAMPLE_RATE_HZ
from coach.compiler.timeline import Timeline
from coach.errors import UsageError
from coach.export.formats import to_lrc
from coach.export.tags import TagInfo, id3_bytes, tag_wav
from coach.files import output_folder, staged, staged_files

AUDIO_FORMATS = ("mp3", "wav")
DEFAULT_BITRATE_KBPS = 64
PLAYLIST_NAME = "playlist.m3u8"
#: Called with the number of samples just written (fits click's ``bar.update``).
Progress = Callable[[int], None]


class Renderer(Protocol):
    """What an export needs of :class:`coach.audio.render.SessionRenderer`."""

    timeline: Timeline
    sample_rate_hz: int
    total_samples: int

    def blocks(self, block_samples: int = ..., start_sample: int = ...) -> Iterator[np.ndarray]:
        ...


class _Encoder(Protocol):
    header_bytes: int

    def encode(self, block: np.ndarray) -> bytes: ...
    def flush(self) -> bytes: ...
    def final_header(self) -> bytes: ...


def write_session(renderer: Renderer, path: str | os.PathLike[str],
                  bitrate_kbps: int = DEFAULT_BITRATE_KBPS, fmt: str = "mp3",
                  progress: Progress | None = None, tag_info: TagInfo | None = None,
                  block_samples: int = 32768, *,
                  handoff: list[tuple[str, Path]] | None = None) -> Path:
    """Render ``renderer``'s session into ``path`` (and ``path`` with ``.lrc`` beside it).

    Returns the path written. With ``handoff`` the
    finished files are not renamed into place but listed there, to land with
    the rest of an export (:func:`coach.files.staged_files`). Raises
    :class:`UsageError` for a bad format or bitrate and :class:`OutputError`
    when the files cannot be written.
    """
    encoder = encoder_for(fmt, bitrate_kbps, renderer.sample_rate_hz,
                          getattr(renderer, "channels", 1))  # 2: stereo music
    timeline = renderer.timeline
    dest = Path(path)
    info = tag_info or TagInfo()
    start = 0

    def final_header(audio: BinaryIO) -> None:
        audio.seek(start)
        audio.write(encoder.final_header())

    with staged_files([dest, dest.with_suffix(".lrc")], handoff=handoff) as (audio, lrc):
        audio.finish.append(final_header)
        if fmt == "mp3":
            audio.file.write(id3_bytes(timeline, info))
        start = audio.file.tell()
        for block in renderer.blocks(block_samples):
            audio.file.write(encoder.encode(block))
            if progress is not None:
                progress(len(block))
        audio.file.write(encoder.flush())
        lrc.file.write(to_lrc(timeline).encode("utf-8"))
        if fmt == "wav":
            audio.before_rename.append(lambda tmp: tag_wav(tmp, timeline, info))
    return dest


def export_many(sessions: Iterable[Renderer], out_dir: str | os.PathLike[str],
                bitrate_kbps: int = DEFAULT_BITRATE_KBPS, fmt: str = "mp3",
                progress: Progress | None = None, tag_info: TagInfo | None = None,
                names: Iterable[str] | None = None, playlist: str = PLAYLIST_NAME,
                ) -> list[Path]:
    """One file per session in ``out_dir`` plus an ``.m3u8`` playlist, in order.

    ``sessions`` are renderers and may be a generator (made one at a time).
    File names are ``NN-routine.FMT`` unless ``names`` gives stems. Returns
    the files written, the playlist last. The files all appear together at
    the end (:class:`coach.export.landing.Landing`), or none of them.
    """
    from coach.export.landing import Landing

    folder = output_folder(Path(out_dir), create=True)
    stems = iter(names) if names is not None else None
    written: list[Path] = []
    entries: list[tuple[float, str, str]] = []
    with Landing() as landing:
        for i, renderer in enumerate(sessions, 1):
            timeline = renderer.timeline
            stem = next(stems) if stems is not None else f"{i:02d}-{slug(timeline.routine)}"
            file = write_session(renderer, folder / f"{stem}.{fmt}", bitrate_kbps, fmt,
                                 progress, tag_info, handoff=landing.pairs)
            written.append(file)
            entries.append((timeline.duration_s, timeline.title, file.name))
        playlist_path = folder / playlist
        with staged(playlist_path, handoff=landing.pairs) as stage:
            stage.file.write(to_m3u8(entries).encode("utf-8"))
        written.append(playlist_path)
        landing.land()
    return written


def to_m3u8(entries: Iterable[tuple[float, str, str]]) -> str:
    """An extended M3U playlist of (duration_s, title, relative path) entries."""
    lines = ["#EXTM3U"]
    for duration_s, title, relative in entries:
        lines.append(f"#EXTINF:{round(duration_s)},{title}")
        lines.append(relative)
    return "\n".join(lines) + "\n"


def slug(text: str) -> str:
    """A file-name-safe form of ``text`` (``"My Walk!"`` -> ``"my-walk"``)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "session"


def encoder_for(fmt: str, bitrate_kbps: int, sample_rate_hz: int = SAMPLE_RATE_HZ,
                channels: int = 1) -> _Encoder:
    """An encoder for ``fmt``; :class:`UsageError` for a bad format or bitrate.

    Cheap, so callers can make one up front to refuse a bad request before
    any speech work.
    """
    from coach.audio.encoder import Mp3Encoder, WavEncoder

    if fmt not in AUDIO_FORMATS:
        raise UsageError(f"unknown export format {fmt!r}; use one of {', '.join(AUDIO_FORMATS)}")
    if fmt == "wav":
        return WavEncoder(sample_rate_hz, channels)
    return Mp3Encoder(sample_rate_hz, bitrate_kbps, channels)

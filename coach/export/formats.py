"""Timeline -> text for people and tools: text, json, lrc, srt."""

from __future__ import annotations

import json

from coach.compiler.timeline import Timeline
from coach.routines.durations import format_clock
from coach.routines.language import lrc_language

TEXT_FORMATS = ("text", "json", "lrc", "srt")


def to_text(timeline: Timeline) -> str:
    lines = [f"{timeline.title} ({timeline.routine}) - {format_clock(timeline.duration_s)}"]
    current = -1
    for cue in timeline.cues:
        while current < cue.section:
            current += 1
            s = timeline.sections[current]
            lines.append(f"\n== {format_clock(s.start_s)}-{format_clock(s.end_s)}  {s.title}")
        lines.append(f"{_clock_tenths(cue.at_s)}  {cue.kind:<13} {cue.text}")
    for s in timeline.sections[current + 1:]:
        lines.append(f"\n== {format_clock(s.start_s)}-{format_clock(s.end_s)}  {s.title}")
    return "\n".join(lines) + "\n"


def to_script(timeline: Timeline, title: str | None = None) -> str:
    """The session as plain text, as the walker hears it: each section with its times,
    then each cue's words at the minute and second it is said (the MP3's USLT), in the
    session's language."""
    from coach.routines.library import load_lines

    say = load_lines(timeline.language).say
    said: list[list[str]] = [[] for _ in timeline.sections]
    for cue in timeline.cues:
        said[cue.section].append(f"{format_clock(cue.at_s)}  {cue.text}")
    lines = [f"{title or timeline.title} ({format_clock(timeline.duration_s)})"]
    for section, cues in zip(timeline.sections, said, strict=True):
        lines += ["", say("script_section", title=section.title,
                          start=format_clock(section.start_s),
                          end=format_clock(section.end_s)), *cues]
    return "\n".join(lines) + "\n"


def to_json(timeline: Timeline) -> str:
    return json.dumps(timeline.to_json(), indent=2, ensure_ascii=False) + "\n"


def to_lrc(timeline: Timeline) -> str:
    """LRC lyrics: ``[mm:ss.xx]text`` per cue, with title tags."""
    length = format_clock(timeline.duration_s)
    lines = [f"[ti:{timeline.title}]", "[ar:coach]", f"[la:{lrc_language(timeline.language)}]",
             f"[length:{length}]"]
    for cue in timeline.cues:
        centis = round(cue.at_s * 100)
        m, rest = divmod(centis, 6000)
        lines.append(f"[{m:02d}:{rest // 100:02d}.{rest % 100:02d}]{cue.text}")
    return "\n".join(lines) + "\n"


def to_srt(timeline: Timeline) -> str:
    """SubRip: each cue shown while it is spoken."""
    blocks = []
    for i, cue in enumerate(timeline.cues, 1):
        blocks.append(f"{i}\n{_srt_time(cue.at_s)} --> {_srt_time(cue.end_s)}\n{cue.text}\n")
    return "\n".join(blocks)


def to_vtt(timeline: Timeline) -> str:
    """WebVTT captions: each cue shown while it is spoken (podcast transcripts)."""
    blocks = ["WEBVTT\n"]
    for cue in timeline.cues:
        start, end = _srt_time(cue.at_s), _srt_time(cue.end_s)
        blocks.append(f"{start.replace(',', '.')} --> {end.replace(',', '.')}\n{cue.text}\n")
    return "\n".join(blocks)


def to_chapters(timeline: Timeline) -> str:
    """Podcasting 2.0 JSON chapters: one per section, start times in seconds."""
    chapters = [{"startTime": s.start_s, "endTime": s.end_s, "title": s.title}
                for s in timeline.sections]
    return json.dumps({"version": "1.2.0", "chapters": chapters}, ensure_ascii=False) + "\n"


def render(timeline: Timeline, fmt: str) -> str:
    return {"text": to_text, "json": to_json, "lrc": to_lrc, "srt": to_srt}[fmt](timeline)


def _srt_time(seconds: float) -> str:
    ms = round(seconds * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d},{ms:03d}"


def _clock_tenths(seconds: float) -> str:
    tenths = round(seconds * 10)
    return f"{format_clock(tenths // 10)}.{tenths % 10}"

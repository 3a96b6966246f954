"""ID3v2.4 tags, read back with mutagen: chapters, synced cues, script, cover."""

from __future__ import annotations

import io
import wave

import pytest
from mutagen.id3 import ID3

from coach.export.tags import DEFAULT_ARTIST, TagInfo, id3_bytes, tag_wav
from tests.audiotest import sample_timeline

TIMELINE = sample_timeline()


DATED = TagInfo(date="2026-11-23")


def read(info: TagInfo = DATED) -> ID3:
    data = id3_bytes(TIMELINE, info)
    assert data[:5] == b"ID3\x04\x00"  # ID3v2.4
    return ID3(io.BytesIO(data))


def test_text_frames():
    tags = read(TagInfo(artist="Me", album="Back walks", date="2026-11-23"))
    assert tags["TIT2"].text == ["Sample walk"]
    assert tags["TPE1"].text == ["Me"]
    assert tags["TALB"].text == ["Back walks"]
    assert str(tags["TDRC"].text[0]) == "2026-11-23"
    assert "TDRC" not in read(TagInfo())
    assert read(TagInfo())["TPE1"].text == [DEFAULT_ARTIST]


def test_one_chapter_per_section_in_a_table_of_contents():
    tags = read()
    chapters = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert [(c.start_time, c.end_time, c.sub_frames["TIT2"].text[0]) for c in chapters] == [
        (round(s.start_s * 1000), round(s.end_s * 1000), s.title) for s in TIMELINE.sections]
    (toc,) = tags.getall("CTOC")
    assert toc.child_element_ids == [c.element_id for c in chapters]
    assert toc.flags & 1 and toc.flags & 2  # ordered, top level


def test_sylt_has_every_cue_at_its_millisecond():
    (sylt,) = read().getall("SYLT")
    assert sylt.format == 2  # milliseconds
    assert list(sylt.text) == [(c.text, round(c.at_s * 1000)) for c in TIMELINE.cues]


def test_uslt_holds_the_whole_script():
    (uslt,) = read().getall("USLT")
    for cue in TIMELINE.cues:
        assert cue.text in uslt.text
    for section in TIMELINE.sections:
        assert section.title in uslt.text


def test_cover_picture():
    (apic,) = read().getall("APIC")
    assert apic.mime == "image/png" and apic.type == 3
    assert apic.data[:8] == b"\x89PNG\r\n\x1a\n"
    custom = read(TagInfo(cover_png=b"\x89PNG\r\n\x1a\nfake"))
    assert custom.getall("APIC")[0].data.endswith(b"fake")


def test_wav_gets_the_same_tag(tmp_path):
    from mutagen.wave import WAVE

    path = tmp_path / "s.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(22050)
        w.writeframes(b"\x00\x00" * 22050)
    tag_wav(path, TIMELINE, TagInfo())
    tags = WAVE(str(path)).tags
    assert len(tags.getall("CHAP")) == len(TIMELINE.sections)
    assert len(tags.getall("SYLT")[0].text) == len(TIMELINE.cues)
    with wave.open(str(path)) as w:  # still a valid WAV of the same length
        assert w.getnframes() == 22050


def test_tagging_a_broken_wav_is_an_output_error(tmp_path):
    from coach.errors import OutputError

    path = tmp_path / "broken.wav"
    path.write_bytes(b"not a wav at all")
    with pytest.raises(OutputError, match="broken.wav"):
        tag_wav(path, TIMELINE, TagInfo())


def test_chapter_frames_are_written_in_time_order():
    from coach.compiler.timeline import Section
    from tests.audiotest import make_timeline

    titles = ["A much longer first section title", "B", "Third", "D" * 40, "E", "Sixth one"]
    sections = [Section(t, "walk", 10.0 * i, 10.0 * (i + 1)) for i, t in enumerate(titles * 2)]
    data = id3_bytes(make_timeline([(1.0, "Go.", "technique")], sections, 120.0), DATED)
    tags = ID3(io.BytesIO(data))
    in_file = [c.element_id for c in tags.getall("CHAP")]  # mutagen keeps the file's order
    assert [data.index(f"chp{i}\0".encode()) for i in range(12)] == sorted(
        data.index(f"chp{i}\0".encode()) for i in range(12))
    assert sorted(in_file) == sorted(f"chp{i}" for i in range(12))
    assert [c.start_time for c in sorted(tags.getall("CHAP"), key=lambda c: c.start_time)] == [
        10_000 * i for i in range(12)]

"""Export to real files, read back by independent decoders and mutagen."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import wave
from pathlib import Path

import numpy as np
import pytest
from mutagen.id3 import ID3

from coach.audio.render import SessionRenderer
from coach.errors import OutputError, UsageError
from coach.export.formats import to_lrc
from coach.export.writer import export_many, slug, to_m3u8, write_session
from tests.audiotest import RATE_HZ, SHORT_ROUTINE, decode, onset_s, sample_timeline
from tests.fakes import tone_clip

ROOT = Path(__file__).resolve().parents[2]
TIMELINE = sample_timeline()


def renderer(timeline=TIMELINE, sounds: bool = True, metronome: bool = False, clip_for=tone_clip
             ) -> SessionRenderer:
    return SessionRenderer(timeline, clip_for, RATE_HZ, metronome=metronome, cue_sounds=sounds)


def onset_errors_s(audio: np.ndarray, r: SessionRenderer, kinds=None) -> list[float]:
    """Each cue's measured speech onset minus its at_s, searching after the previous cue."""
    errors = []
    previous_end_s = 0.0
    for cue in r.timeline.cues:
        if kinds is None or cue.kind in kinds:
            found = onset_s(audio, max(previous_end_s, cue.at_s - 0.15), cue.at_s + 0.5)
            assert found is not None, f"no speech found near {cue.at_s} s ({cue.text!r})"
            errors.append(found - cue.at_s)
        previous_end_s = r.cue_end_sample(cue) / RATE_HZ + 0.05
    return errors


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("export") / "walk.mp3"
    write_session(renderer(sounds=False), path)
    return path


def test_decoded_length_is_the_timeline_duration(exported):
    audio = decode(exported)
    assert abs(len(audio) / RATE_HZ - TIMELINE.duration_s) <= 0.05
    assert len(audio) == round(TIMELINE.duration_s * RATE_HZ)  # exact, in fact


def test_each_cue_is_heard_at_its_time(exported):
    errors = onset_errors_s(decode(exported), renderer(sounds=False))
    assert len(errors) == len(TIMELINE.cues)
    assert max(abs(e) for e in errors) <= 0.030, errors


def test_with_chimes_ticks_and_metronome_cues_still_land(tmp_path):
    path = tmp_path / "full.mp3"
    r = renderer(sounds=True, metronome=False)
    write_session(r, path)
    errors = onset_errors_s(decode(path), r, kinds={"technique", "posture", "pace"})
    assert max(abs(e) for e in errors) <= 0.030, errors


def test_the_mp3_is_what_the_renderer_made(exported):
    """Decoded MP3 against the PCM: aligned at lag 0 and close in shape."""
    audio = decode(exported)
    pcm = renderer(sounds=False).render(0, len(audio))
    lags = range(-200, 201)
    part = slice(RATE_HZ, 10 * RATE_HZ)
    scores = [float(np.dot(np.roll(audio, lag)[part], pcm[part])) for lag in lags]
    assert lags[int(np.argmax(scores))] == 0
    assert np.corrcoef(audio, pcm)[0, 1] > 0.95


def test_tags_read_back_equal_the_timeline(exported):
    tags = ID3(str(exported))
    chapters = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert [(c.sub_frames["TIT2"].text[0], c.start_time, c.end_time) for c in chapters] == [
        (s.title, round(s.start_s * 1000), round(s.end_s * 1000)) for s in TIMELINE.sections]
    assert list(tags.getall("SYLT")[0].text) == [(c.text, round(c.at_s * 1000))
                                                 for c in TIMELINE.cues]
    assert tags["TIT2"].text == [TIMELINE.title]


def test_lrc_beside_matches_the_timeline(exported):
    lrc = exported.with_suffix(".lrc").read_text(encoding="utf-8")
    assert lrc == to_lrc(TIMELINE)
    stamped = [line for line in lrc.splitlines() if line[1:3].isdigit()]
    assert len(stamped) == len(TIMELINE.cues)
    for line, cue in zip(stamped, TIMELINE.cues, strict=True):
        minutes, seconds = int(line[1:3]), float(line[4:9])
        assert minutes * 60 + seconds == pytest.approx(cue.at_s, abs=0.006)
        assert line[10:] == cue.text


def test_no_temporary_files_are_left(exported):
    assert sorted(p.name for p in exported.parent.iterdir()) == ["walk.lrc", "walk.mp3"]


def test_files_get_the_usual_mode_not_the_temporary_one(exported, tmp_path):
    mask = os.umask(0)
    os.umask(mask)
    assert exported.stat().st_mode & 0o777 == 0o666 & ~mask
    assert exported.with_suffix(".lrc").stat().st_mode & 0o777 == 0o666 & ~mask
    kept = tmp_path / "mine.mp3"
    kept.write_bytes(b"old")
    kept.chmod(0o640)
    write_session(renderer(), kept)
    assert kept.stat().st_mode & 0o777 == 0o640


def test_wav_export_is_sample_exact(tmp_path):
    r = renderer()
    path = write_session(r, tmp_path / "walk.wav", fmt="wav")
    with wave.open(str(path)) as w:
        assert w.getnframes() == r.total_samples
        pcm = np.frombuffer(w.readframes(w.getnframes()), "<i2") / 32767.0
    np.testing.assert_allclose(pcm, r.render(0, r.total_samples), atol=1.0 / 32767)
    from mutagen.wave import WAVE  # WAV tags live in an id3 chunk

    assert len(WAVE(str(path)).tags.getall("SYLT")[0].text) == len(TIMELINE.cues)
    assert (tmp_path / "walk.lrc").exists()


def test_progress_reports_every_sample(tmp_path):
    seen: list[int] = []
    r = renderer()
    write_session(r, tmp_path / "p.mp3", progress=seen.append)
    assert sum(seen) == r.total_samples and len(seen) > 10


def test_bad_format_bitrate_and_folder(tmp_path):
    with pytest.raises(UsageError, match="ogg"):
        write_session(renderer(), tmp_path / "x.ogg", fmt="ogg")
    with pytest.raises(UsageError, match="kbps"):
        write_session(renderer(), tmp_path / "x.mp3", bitrate_kbps=100)
    with pytest.raises(OutputError, match="does not exist"):
        write_session(renderer(), tmp_path / "missing" / "x.mp3")
    assert list(tmp_path.iterdir()) == []


def test_a_failure_part_way_leaves_nothing_behind(tmp_path):
    calls = 0

    def failing_clip(text: str):
        nonlocal calls
        calls += 1
        if calls > 5:
            raise OSError(28, "No space left on device")
        return tone_clip(text)

    r = renderer(clip_for=failing_clip)
    with pytest.raises(OutputError, match="No space left"):
        write_session(r, tmp_path / "x.mp3")
    assert list(tmp_path.iterdir()) == []


def test_export_replaces_an_older_file_whole(tmp_path):
    dest = tmp_path / "walk.mp3"
    dest.write_bytes(b"old")
    write_session(renderer(), dest)
    assert len(decode(dest)) == round(TIMELINE.duration_s * RATE_HZ)


def test_export_many_writes_files_and_a_playlist_in_order(tmp_path):
    short = sample_timeline()
    sessions = [renderer(short) for _ in range(3)]
    written = export_many(sessions, tmp_path / "programme", bitrate_kbps=32)
    folder = tmp_path / "programme"
    assert [p.name for p in written] == ["01-sample.mp3", "02-sample.mp3", "03-sample.mp3",
                                         "playlist.m3u8"]
    lines = (folder / "playlist.m3u8").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "#EXTM3U"
    assert lines[1::2] == [f"#EXTINF:45,{short.title}"] * 3
    assert lines[2::2] == ["01-sample.mp3", "02-sample.mp3", "03-sample.mp3"]
    for name in lines[2::2]:
        assert not os.path.isabs(name)
        assert len(decode(folder / name)) == round(short.duration_s * RATE_HZ)
        assert (folder / name).with_suffix(".lrc").exists()


def test_m3u8_and_slug():
    assert to_m3u8([(61.4, "A walk", "a.mp3")]) == "#EXTM3U\n#EXTINF:61,A walk\na.mp3\n"
    assert slug("Figure-8, twice!") == "figure-8-twice"
    assert slug("???") == "session"


CHILD = """
import sys
from coach.export.writer import write_session
from coach.audio.render import SessionRenderer
from tests.audiotest import RATE_HZ, make_timeline
from tests.fakes import tone_clip
from coach.compiler.timeline import Section
sections = (Section("Long walk", "walk", 0.0, 3600.0),)
cues = [(1.5 + 20.0 * i, f"Cue number {i}.", "technique") for i in range(170)]
timeline = make_timeline(cues, sections, 3600.0)
write_session(SessionRenderer(timeline, tone_clip, RATE_HZ), sys.argv[1])
"""


@pytest.mark.slow
def test_sigkill_part_way_leaves_no_file_and_the_next_export_works(tmp_path):
    dest = tmp_path / "walk.mp3"
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(dest)], cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            parts = [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
            if any(p.stat().st_size > 200_000 for p in parts):
                break
            assert child.poll() is None, "the export finished before it could be killed"
            time.sleep(0.02)
        else:
            pytest.fail("the export never got going")
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
    assert not dest.exists() and not dest.with_suffix(".lrc").exists()
    leftovers = [p.name for p in tmp_path.iterdir()]
    assert all(name.startswith(".walk.") for name in leftovers), leftovers
    write_session(renderer(), dest)
    assert len(decode(dest)) == round(TIMELINE.duration_s * RATE_HZ)




@pytest.fixture(scope="module")
def spoken(tmp_path_factory):
    """A short routine voiced by the real speech engine, exported with every sound on."""
    from coach.routines.library import resolve_routine
    from coach.session import prepare_session

    folder = tmp_path_factory.mktemp("spoken")
    source = folder / "short.yaml"
    source.write_bytes(SHORT_ROUTINE)
    r = prepare_session(resolve_routine(str(source)), metronome=True).renderer
    timeline = r.timeline
    path = write_session(r, folder / "short.mp3")
    return timeline, r, path


def test_real_speech_lands_on_time(spoken):
    """The must-show figure: decoded length and every cue's onset, with real TTS."""
    timeline, r, path = spoken
    audio = decode(path)
    assert abs(len(audio) / RATE_HZ - timeline.duration_s) <= 0.05
    speech_only = SessionRenderer(timeline, r._clip_for, RATE_HZ, cue_sounds=False)
    bare = path.with_name("speech-only.mp3")
    write_session(speech_only, bare)
    errors = onset_errors_s(decode(bare), speech_only)
    assert len(errors) == len(timeline.cues) >= 5
    assert max(abs(e) for e in errors) <= 0.030, errors
    for cue, measured in zip(timeline.cues, errors, strict=True):
        assert cue.speech_s > 0.2, cue  # real, measured lengths
        assert measured >= -0.030


def test_real_speech_tags_and_lrc(spoken):
    timeline, _r, path = spoken
    tags = ID3(str(path))
    assert list(tags.getall("SYLT")[0].text) == [(c.text, round(c.at_s * 1000))
                                                 for c in timeline.cues]
    assert len(tags.getall("CHAP")) == len(timeline.sections) == 2
    assert path.with_suffix(".lrc").read_text(encoding="utf-8") == to_lrc(timeline)


def test_ctrl_c_while_encoding_leaves_nothing(tmp_path):
    class Interrupted(SessionRenderer):
        def blocks(self, block_samples=8192, start_sample=0):
            for i, block in enumerate(super().blocks(block_samples, start_sample)):
                if i == 5:
                    raise KeyboardInterrupt
                yield block

    with pytest.raises(KeyboardInterrupt):
        write_session(Interrupted(TIMELINE, tone_clip, RATE_HZ), tmp_path / "x.mp3")
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_during_the_rename_waits_for_the_files(tmp_path, monkeypatch):
    """SIGINT arriving mid-rename is held: both files land whole, then it is raised."""
    real_replace = os.replace

    def replace_with_a_ctrl_c(src, dst):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.01)
        real_replace(src, dst)

    monkeypatch.setattr("coach.files.os.replace", replace_with_a_ctrl_c)
    dest = tmp_path / "walk.mp3"
    with pytest.raises(KeyboardInterrupt):
        write_session(renderer(), dest)
    assert len(decode(dest)) == round(TIMELINE.duration_s * RATE_HZ)
    assert dest.with_suffix(".lrc").read_text(encoding="utf-8") == to_lrc(TIMELINE)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["walk.lrc", "walk.mp3"]

"""Eviction from the episode cache: old episodes go after the grace period (sooner past
the disk bound); episodes in the feed, being sent or being rendered, and files the
cache did not name, stay."""

from __future__ import annotations

import os
from pathlib import Path

from coach.web.cache import GRACE_S, EpisodeCache

NOW = 2_000_000_000.0
SUFFIXES = (".mp3", ".json", ".chapters.json", ".vtt", ".srt")


def _episode(cache: EpisodeCache, n: int, left_h: float, size: int = 1000) -> str:
    """Episode files for guid number ``n``, last in the feed ``left_h`` hours before NOW."""
    guid = f"{n:020x}"
    cache.folder.mkdir(parents=True, exist_ok=True)
    for suffix in SUFFIXES:
        path = cache.folder / f"{guid}{suffix}"
        path.write_bytes(b"x" * (size if suffix == ".mp3" else 10))
        stamp = NOW - left_h * 3600
        os.utime(path, (stamp, stamp))
    return guid


def _files(cache: EpisodeCache) -> set[str]:
    return {p.name for p in cache.folder.iterdir()}


def test_an_episode_out_of_the_feed_goes_after_the_grace_period(tmp_path: Path):
    cache = EpisodeCache(tmp_path / "serve")
    current = _episode(cache, 1, left_h=100)  # in the feed: kept however old
    recent = _episode(cache, 2, left_h=GRACE_S / 3600 - 1)
    old = _episode(cache, 3, left_h=GRACE_S / 3600 + 1)
    assert cache.evict({current}, now_s=NOW) == [old]
    left = _files(cache)
    assert {f"{current}{s}" for s in SUFFIXES} <= left
    assert {f"{recent}{s}" for s in SUFFIXES} <= left
    assert not any(name.startswith(old) for name in left)


def test_seen_restarts_the_grace_period(tmp_path: Path):
    cache = EpisodeCache(tmp_path / "serve")
    guid = _episode(cache, 1, left_h=GRACE_S / 3600 + 5)
    cache.seen([guid, "f" * 20], now_s=NOW - 3600)  # listed an hour ago; one not rendered
    assert cache.evict(set(), now_s=NOW) == []
    assert cache.evict(set(), now_s=NOW + GRACE_S) == [guid]


def test_past_the_disk_bound_the_oldest_go_first_but_never_one_in_the_feed(tmp_path: Path):
    cache = EpisodeCache(tmp_path / "serve")
    current = _episode(cache, 1, left_h=0, size=5000)
    olds = [_episode(cache, n, left_h=10 - n, size=1000) for n in range(2, 6)]  # oldest first
    removed = cache.evict({current}, now_s=NOW, max_old_bytes=2200)
    assert removed == olds[:2]  # 4 x 1040 bytes -> 2 x 1040 <= 2200
    assert cache.evict({current}, now_s=NOW, max_old_bytes=0) == olds[2:]
    assert {name[:20] for name in _files(cache)} == {current}


def test_an_episode_being_sent_or_rendered_stays(tmp_path: Path):
    cache = EpisodeCache(tmp_path / "serve")
    sent = _episode(cache, 1, left_h=1000)
    rendered = _episode(cache, 2, left_h=1000)
    cache.pin(sent)
    cache.pin(sent)  # two downloads
    with cache._lock_for(rendered):  # what ensure() holds while it renders
        assert cache.evict(set(), now_s=NOW) == []
    cache.unpin(sent)
    assert cache.evict(set(), now_s=NOW) == [rendered]
    cache.unpin(sent)
    assert cache.evict(set(), now_s=NOW) == [sent]
    assert _files(cache) == set()


def test_only_the_caches_own_files_are_removed(tmp_path: Path):
    cache = EpisodeCache(tmp_path / "serve")
    _episode(cache, 1, left_h=1000)
    strangers = ["notes.txt", f"{'a' * 20}.mp3.bak", f"{'a' * 19}.mp3", f"{'A' * 20}.mp3",
                 "check.mp3"]
    for name in strangers:
        (cache.folder / name).write_text("keep me")
        os.utime(cache.folder / name, (0, 0))
    (cache.folder / f"{'b' * 20}.srt").mkdir()  # a folder with an episode's name
    outside = tmp_path / "outside.mp3"
    outside.write_text("keep me")
    (cache.folder / f"{'c' * 20}.mp3").symlink_to(outside)
    cache.evict(set(), now_s=NOW)
    assert _files(cache) == {*strangers, f"{'b' * 20}.srt", f"{'c' * 20}.mp3"}
    assert outside.read_text() == "keep me"


def test_a_dead_renders_temporary_file_goes_a_fresh_one_stays(tmp_path: Path):
    cache = EpisodeCache(tmp_path / "serve")
    cache.folder.mkdir(parents=True)
    stale = cache.folder / f".{'d' * 20}.mp3.ab12cd34.part"
    fresh = cache.folder / f".{'e' * 20}.mp3.ab12cd35.part"
    for path, age_h in ((stale, 25), (fresh, 1)):
        path.write_bytes(b"half")
        os.utime(path, (NOW - age_h * 3600,) * 2)
    cache.evict(set(), now_s=NOW)
    assert _files(cache) == {fresh.name}


def test_an_empty_or_missing_folder_is_fine(tmp_path: Path):
    assert EpisodeCache(tmp_path / "nothing").evict(set(), now_s=NOW) == []

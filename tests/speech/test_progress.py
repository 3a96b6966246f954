"""One progress count over every synthesis pass (coach.speech.progress), with the real
espeak-ng engine: a session placed in two rounds shows one line counting on, through
the real CLI."""

from __future__ import annotations

import re

import pytest

from coach.routines.library import builtin_routine_ids, resolve_routine
from coach.session import _open_cache, placed_and_measured
from coach.speech.progress import TotalProgress


def _rounds(rid: str) -> list[int]:
    """How many phrases each synthesis round of ``rid``'s preparation made (fresh cache)."""
    routine, cache = _open_cache(resolve_routine(rid), None, None, False)
    rounds: list[int] = []
    warm = cache.warm

    def counting(texts, progress=None):
        made = warm(texts, progress)
        rounds.append(made)
        return made

    cache.warm = counting  # type: ignore[method-assign]
    placed_and_measured(routine, cache)
    return rounds


@pytest.fixture(scope="module")
def two_rounds() -> str:
    """A built-in routine whose preparation synthesises in more than one round."""
    known = "flare-up"  # two rounds with espeak-ng at stop 21; the others are searched after
    for rid in [known, *(r for r in builtin_routine_ids() if r != known)]:
        if len([n for n in _rounds(rid) if n]) > 1:
            return rid
    pytest.fail("no built-in routine is placed in two rounds any more: pick a routine "
                "file that is, or the tests below test nothing")


def test_a_total_counts_on_across_passes():
    class Cache:
        def warm(self, texts, progress=None):
            texts = list(texts)
            for i in range(len(texts)):
                progress(i + 1, len(texts))
            return len(texts)

    seen: list[tuple[int, int]] = []
    total = TotalProgress(lambda done, of: seen.append((done, of)))
    assert total.warm(Cache(), ["a", "b", "c"]) == 3
    assert total.warm(Cache(), ["d"]) == 1
    assert seen == [(1, 3), (2, 3), (3, 3), (4, 4)]
    assert TotalProgress.of(total) is total


def test_a_session_placed_in_rounds_shows_one_count(two_rounds):
    routine, cache = _open_cache(resolve_routine(two_rounds), None, None, False)
    seen: list[tuple[int, int]] = []
    _timeline, made = placed_and_measured(routine, cache, (), lambda d, t: seen.append((d, t)))
    assert [d for d, _ in seen] == list(range(1, made + 1))
    assert seen[-1] == (made, made)
    assert all(t >= d for d, t in seen)


COUNT = re.compile(r"Preparing the voice, first time only: (\d+)/(\d+) phrases")


@pytest.mark.parametrize("command", ["export", "prepare"])
def test_the_cli_shows_one_line_counting_on_across_rounds(cli, tmp_path, two_rounds, command):
    args = [two_rounds, "-o", str(tmp_path / "out.mp3")] if command == "export" else [two_rounds]
    result = cli(command, *args)
    assert result.exit_code == 0, result.output
    shown = [ln for ln in result.stderr.split("\n") if "Preparing the voice" in ln]
    assert len(shown) == 1, result.stderr  # one line, redrawn with \r
    counts = [(int(d), int(t)) for d, t in COUNT.findall(shown[0])]
    assert [d for d, _ in counts] == list(range(1, len(counts) + 1)), counts
    assert counts[-1][0] == counts[-1][1] and all(t >= d for d, t in counts), counts
    totals = [t for _, t in counts]
    assert totals == sorted(totals)

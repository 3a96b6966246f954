"""History: round trips, validation, and SIGKILL in the middle of writes."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from coach.errors import UsageError
from coach.history import History, WalkRecord

LONDON = ZoneInfo("Europe/London")


def walk(day: int, **kw: object) -> WalkRecord:
    base = dict(routine="figure-8", started_at=datetime(2026, 3, day, 7, 30, tzinfo=LONDON),
                planned_min=10.0, walked_min=10.0, completed=True)
    base.update(kw)
    return WalkRecord(**base)  # type: ignore[arg-type]


def test_default_path_is_in_the_data_dir(coach_home: Path) -> None:
    with History() as history:
        assert history.path == coach_home / "data" / "history.sqlite3"
        assert history.path.exists()


def test_round_trip_keeps_every_field(tmp_path: Path) -> None:
    rec = walk(2, ended_reason="pain", completed=False, walked_min=6.5, pain_before=3,
               pain_after=5, effort="conversational", note="windy")
    with History(tmp_path / "h.sqlite3") as history:
        sid = history.record(rec)
        back = history.sessions()
    assert back == [WalkRecord(**{**rec.__dict__, "id": sid})]
    assert back[0].started_at.utcoffset() == timedelta(0)  # March in London is GMT


def test_sessions_are_ordered_by_time_and_filtered_by_since(tmp_path: Path) -> None:
    with History(tmp_path / "h.sqlite3") as history:
        history.record(walk(5))
        history.record(walk(3))
        history.record(walk(4))
        assert [r.started_at.day for r in history.sessions()] == [3, 4, 5]
        since = datetime(2026, 3, 4, 7, 30, tzinfo=LONDON).astimezone(timezone(timedelta(hours=5)))
        assert [r.started_at.day for r in history.sessions(since)] == [4, 5]
        last = history.last()
        assert last is not None and last.started_at.day == 5


def test_empty_history_has_no_last(tmp_path: Path) -> None:
    with History(tmp_path / "h.sqlite3") as history:
        assert history.last() is None
        assert history.sessions() == []


def test_next_morning_pain_is_added_later(tmp_path: Path) -> None:
    with History(tmp_path / "h.sqlite3") as history:
        sid = history.record(walk(2, pain_after=2))
        history.set_next_morning_pain(sid, 4)
        assert history.get(sid).pain_next_morning == 4
        with pytest.raises(UsageError, match="no walk with id 99"):
            history.set_next_morning_pain(99, 1)
        with pytest.raises(UsageError, match="0 to 10"):
            history.set_next_morning_pain(sid, 11)


@pytest.mark.parametrize("bad, message", [
    ({"pain_before": -1}, "pain before"),
    ({"pain_after": 11}, "pain after"),
    ({"pain_next_morning": 3.5}, "next-morning"),
    ({"pain_after": True}, "pain after"),
    ({"effort": "hard"}, "effort"),
    ({"walked_min": -2.0}, "walked minutes"),
    ({"started_at": datetime(2026, 3, 2, 7, 30)}, "time zone"),
    ({"routine": ""}, "routine"),
])
def test_bad_records_are_refused_and_not_stored(tmp_path: Path, bad: dict[str, object],
                                                message: str) -> None:
    with History(tmp_path / "h.sqlite3") as history:
        with pytest.raises(UsageError, match=message):
            history.record(walk(2, **bad))
        assert history.sessions() == []


def test_schema_version_is_recorded(tmp_path: Path) -> None:
    History(tmp_path / "h.sqlite3").close()
    db = sqlite3.connect(tmp_path / "h.sqlite3")
    assert db.execute("SELECT version FROM schema").fetchall() == [(1,)]
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    db.close()


WRITER = """
import sys
from datetime import datetime, timezone
from pathlib import Path
from coach.history import History, WalkRecord
history = History(Path(sys.argv[1]))
i = 0
while True:
    i += 1
    print("begin", flush=True)
    sid = history.record(WalkRecord(routine="gentle-start", note="x" * (i % 500),
        started_at=datetime(2026, 1, 1, tzinfo=timezone.utc), planned_min=5, walked_min=i,
        completed=True, pain_after=i % 11))
    if i % 3 == 0:
        history.set_next_morning_pain(sid, i % 11)
    print(sid, flush=True)
"""


def test_sigkill_mid_write_loses_nothing_committed(tmp_path: Path) -> None:
    db_path = tmp_path / "h.sqlite3"
    committed: set[int] = set()
    kills = mid_write = 0
    for round_no in range(8):
        child = subprocess.Popen([sys.executable, "-c", WRITER, str(db_path)],
                                 stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None
        # Let it write a varying number of records, then kill it wherever it is.
        wanted = 5 + 7 * round_no
        lines: list[str] = []
        while sum(1 for x in lines if x != "begin") < wanted:
            line = child.stdout.readline()
            assert line, "writer died on its own"
            lines.append(line.strip())
        time.sleep(0.001 * round_no)
        child.send_signal(signal.SIGKILL)
        rest, _ = child.communicate()
        lines.extend(rest.split())
        assert child.returncode == -signal.SIGKILL
        kills += 1
        mid_write += lines[-1] == "begin"  # killed after starting a write, before its report
        committed.update(int(x) for x in lines if x != "begin")

        db = sqlite3.connect(db_path)
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        db.close()
        with History(db_path) as history:
            stored = {r.id for r in history.sessions()}
        missing = committed - stored
        assert not missing, f"round {round_no}: committed ids lost: {sorted(missing)[:10]}"
    assert kills == 8 and len(committed) >= sum(5 + 7 * r for r in range(8))
    assert mid_write >= 1  # (measured: 40 of 40 kills land inside a write)

"""History: round trips, validation, and SIGKILL in the middle of writes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from coach.errors import OutputError, UsageError
from coach.programme.history import History, WalkRecord

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
    assert db.execute("SELECT version FROM schema").fetchall() == [(2,)]
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    db.close()


V1_SCHEMA = """
CREATE TABLE schema (version INTEGER NOT NULL);
INSERT INTO schema VALUES (1);
CREATE TABLE sessions (id INTEGER PRIMARY KEY AUTOINCREMENT, routine TEXT NOT NULL,
    started_at TEXT NOT NULL, started_utc TEXT NOT NULL, planned_min REAL NOT NULL,
    walked_min REAL NOT NULL, completed INTEGER NOT NULL, ended_reason TEXT,
    pain_before INTEGER, pain_after INTEGER, pain_next_morning INTEGER, effort TEXT,
    note TEXT NOT NULL DEFAULT '');
INSERT INTO sessions (routine, started_at, started_utc, planned_min, walked_min, completed)
    VALUES ('figure-8', '2026-03-02T07:30:00+00:00', '2026-03-02T07:30:00+00:00', 5, 5, 1);
"""


def test_a_version_1_history_gains_session_minutes_and_keeps_its_walks(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(V1_SCHEMA)
    db.close()
    with History(path) as history:
        [old] = history.sessions()
        assert (old.routine, old.walked_min, old.session_min) == ("figure-8", 5.0, None)
        new_id = history.record(walk(3, session_min=8.5))
        assert history.get(new_id).session_min == 8.5
    db = sqlite3.connect(path)
    assert db.execute("SELECT version FROM schema").fetchall() == [(2,)]
    db.close()



def open_fds_to(path: Path) -> list[str]:
    """Which of this process's file descriptors point at ``path`` (Linux /proc)."""
    fd_dir = Path("/proc/self/fd")
    found = []
    for fd in fd_dir.iterdir():
        try:
            if Path(fd.readlink()) == path.resolve():
                found.append(fd.name)
        except OSError:  # the descriptor iterdir itself used is gone
            pass
    return found


def test_a_file_that_is_not_a_database_is_one_line_and_left_closed(tmp_path: Path) -> None:
    db_path = tmp_path / "h.sqlite3"
    db_path.write_text("these are my walking notes, not a database\n" * 200)
    with pytest.raises(OutputError) as caught:
        History(db_path)
    assert str(caught.value) == (f"could not open the walk history in {db_path}: "
                                 "file is not a database")
    assert isinstance(caught.value.__cause__, sqlite3.DatabaseError)
    assert open_fds_to(db_path) == []


def test_a_corrupted_header_is_refused(tmp_path: Path) -> None:
    db_path = tmp_path / "h.sqlite3"
    with History(db_path) as history:
        history.record(walk(2))
    with db_path.open("r+b") as f:  # overwrite "SQLite format 3\0" and the page size
        f.write(b"\xff" * 32)
    with pytest.raises(OutputError, match=r"could not open the walk history in .*h\.sqlite3: "
                       r"file is not a database$"):
        History(db_path)
    assert open_fds_to(db_path) == []


def test_a_newer_schema_is_refused_and_the_file_left_closed(tmp_path: Path) -> None:
    db_path = tmp_path / "h.sqlite3"
    History(db_path).close()
    db = sqlite3.connect(db_path)
    db.execute("UPDATE schema SET version = 99")
    db.commit()
    db.close()
    with pytest.raises(OutputError, match="written by a newer coach"):
        History(db_path)
    assert open_fds_to(db_path) == []


def test_a_folder_where_the_database_should_be(tmp_path: Path) -> None:
    db_path = tmp_path / "h.sqlite3"
    db_path.mkdir()  # root may write anywhere, but nobody can open a folder as a database
    with pytest.raises(OutputError) as caught:
        History(db_path)
    assert str(caught.value) == (f"could not open the walk history in {db_path}: "
                                 "unable to open database file")


def test_a_file_where_the_data_folder_should_be(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("")
    with pytest.raises(OutputError, match=r"could not create the folder for the walk history "
                       r".*data/h\.sqlite3: "):
        History(tmp_path / "data" / "h.sqlite3")


def test_writes_to_a_locked_database_fail_with_one_line(tmp_path: Path) -> None:
    db_path = tmp_path / "h.sqlite3"
    with History(db_path, busy_timeout_s=0.05) as history:
        sid = history.record(walk(2))
        other = sqlite3.connect(db_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another coach in the middle of a write
        with pytest.raises(OutputError) as caught:
            history.record(walk(3))
        assert str(caught.value) == f"could not save the walk in {db_path}: database is locked"
        with pytest.raises(OutputError, match=r"^could not save the next-morning pain in "
                           r".*h\.sqlite3: database is locked$"):
            history.set_next_morning_pain(sid, 4)
        assert [r.id for r in history.sessions()] == [sid]  # WAL: reading still works
        other.execute("ROLLBACK")
        other.close()
        history.set_next_morning_pain(sid, 4)  # the connection is usable again
        history.record(walk(3))
        assert [r.pain_next_morning for r in history.sessions()] == [4, None]


def test_reads_from_a_damaged_database_fail_with_one_line(tmp_path: Path) -> None:
    db_path = tmp_path / "h.sqlite3"
    with History(db_path) as history:
        sid = history.record(walk(2))
        other = sqlite3.connect(db_path)
        other.execute("DROP TABLE sessions")  # damaged by some other program
        other.commit()
        other.close()
        for read, action in ((history.sessions, "read the walks"),
                             (lambda: history.get(sid), "read the walk"),
                             (history.last, "read the last walk")):
            with pytest.raises(OutputError) as caught:
                read()
            assert str(caught.value) == (f"could not {action} in {db_path}: "
                                         "no such table: sessions")

WRITER = """
import sys
from datetime import datetime, timezone
from pathlib import Path
from coach.programme.history import History, WalkRecord
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


@pytest.mark.slow
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


def test_a_walk_can_be_corrected_and_deleted(tmp_path: Path) -> None:
    from dataclasses import replace

    with History(tmp_path / "h.sqlite3") as history:
        first, second = history.record(walk(2)), history.record(walk(3))
        fixed = replace(history.get(first), pain_after=4, walked_min=7.5,
                        started_at=datetime(2026, 3, 4, 9, tzinfo=LONDON))
        history.update(fixed)
        assert history.get(first) == fixed
        assert [r.id for r in history.sessions()] == [second, first]  # re-sorted by new time
        with pytest.raises(UsageError, match="pain after"):
            history.update(replace(fixed, pain_after=12))
        with pytest.raises(UsageError, match="no walk with id 99"):
            history.update(replace(fixed, id=99))
        history.delete(first)
        assert [r.id for r in history.sessions()] == [second]
        with pytest.raises(UsageError, match=f"no walk with id {first}"):
            history.delete(first)


def test_reading_never_waits_for_another_writer(tmp_path: Path) -> None:
    db_path = tmp_path / "h.sqlite3"
    with History(db_path) as history:
        history.record(walk(2))
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another coach saving a walk right now
    other.execute("INSERT INTO sessions (routine, started_at, started_utc, planned_min, "
                  "walked_min, completed) VALUES ('walk', 'x', 'x', 1, 1, 1)")
    started = time.monotonic()
    with History(db_path, busy_timeout_s=5) as reader:
        assert [r.started_at.day for r in reader.sessions()] == [2]  # the committed walk
        assert reader.last() is not None
        with pytest.raises(OutputError, match="could not get ready to save the walk"):
            History(db_path, busy_timeout_s=0.05).check_writable()
    assert time.monotonic() - started < 2  # the read did not wait for the lock
    other.execute("ROLLBACK")
    other.close()


def test_an_empty_file_becomes_a_history_and_says_so(tmp_path: Path) -> None:
    db_path = tmp_path / "h.sqlite3"
    db_path.write_bytes(b"")
    with History(db_path) as history:
        assert history.sessions() == []
        assert history.notices == [f"note: {db_path} was an empty file (0 bytes), not a walk "
                                   "history: starting a new history in it"]
    with History(db_path) as again:
        assert again.notices == []


def test_damaged_rows_are_skipped_with_a_notice(tmp_path: Path) -> None:
    db_path = tmp_path / "h.sqlite3"
    with History(db_path) as history:
        good = history.record(walk(2))
    db = sqlite3.connect(db_path)
    db.execute("INSERT INTO sessions (routine, started_at, started_utc, planned_min, "
               "walked_min, completed, pain_after) VALUES "
               "('walk', 'yesterday', '2026-03-05', 1, 1, 1, 3), "
               "('walk', '2026-03-06T07:30:00+00:00', '2026-03-06', 1, 1, 1, 'lots'), "
               "('walk', '2026-03-07T07:30:00', '2026-03-07', 1, 1, 1, 3)")
    db.commit()
    db.close()
    with History(db_path) as history:
        assert [r.id for r in history.sessions()] == [good]
        last = history.last()
        assert last is not None and last.id == good
        assert len(set(history.notices)) == 3
        assert all("is damaged" in n and "coach history --delete" in n for n in history.notices)
        with pytest.raises(UsageError, match="walk 2 .* is damaged"):
            history.get(2)
        history.delete(2)  # a damaged walk can be removed


def test_a_walk_is_refused_before_it_starts_when_it_could_not_be_saved(tmp_path: Path) -> None:
    import io

    from coach.live.walk import WalkIO, WalkOptions, walk_routine
    from coach.routines.library import resolve_routine
    from tests.fakes import FakeClock

    db_path = tmp_path / "h.sqlite3"
    History(db_path).close()
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    out = io.StringIO()
    with History(db_path, busy_timeout_s=0.05) as history, \
            pytest.raises(OutputError, match="could not get ready to save the walk"):
        walk_routine(resolve_routine("flare-up"), WalkOptions(text=True, estimate=True),
                     WalkIO(clock=FakeClock(), out=out, history=history))
    assert out.getvalue() == ""  # nothing played
    other.execute("ROLLBACK")
    other.close()


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root may write anywhere: a read-only folder cannot be made")
def test_a_read_only_home_can_still_read_the_history(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    with History(folder / "h.sqlite3") as history:
        history.record(walk(2))
    folder.chmod(0o555)
    (folder / "h.sqlite3").chmod(0o444)
    try:
        with History(folder / "h.sqlite3") as history:
            assert [r.started_at.day for r in history.sessions()] == [2]
            with pytest.raises(OutputError, match="read-only"):
                history.check_writable()
        with History(tmp_path / "data" / "none" / "h.sqlite3") as empty:
            assert empty.sessions() == [] and empty.read_only
    finally:
        folder.chmod(0o755)


CONCURRENT_WRITER = """
import sys
from datetime import datetime, timezone
from coach.programme.history import History, WalkRecord
with History(sys.argv[1]) as h:
    for i in range(40):
        h.record(WalkRecord(sys.argv[2], datetime(2026, 3, 2, 7, i, tzinfo=timezone.utc),
                            5.0, 5.0, True))
"""


@pytest.mark.slow
def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    db_path = tmp_path / "h.sqlite3"
    History(db_path).close()
    procs = [subprocess.Popen([sys.executable, "-c", CONCURRENT_WRITER, str(db_path), name])
             for name in ("walk", "figure-8", "heel-toe")]
    assert [p.wait(timeout=60) for p in procs] == [0, 0, 0]
    with History(db_path) as history:
        rows = history.sessions()
    assert sorted((r.routine, r.started_at.minute) for r in rows) == sorted(
        (name, i) for name in ("walk", "figure-8", "heel-toe") for i in range(40))

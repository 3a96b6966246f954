"""The walk history: one SQLite row per session, written in transactions.

The database lives in the user data folder (``history.sqlite3``). It runs in
WAL mode with full synchronous writes, so a process killed in the middle of a
write loses only that write: every record already committed survives and the
file always opens. A ``schema`` table holds the schema version.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import Any, overload

from coach import paths
from coach.errors import OutputError, UsageError, one_line, shorten

SCHEMA_VERSION = 2  # 2 added session_min
MAX_WALK_MIN = 240  # like the 4-hour limit on a routine
EFFORTS = ("easy", "conversational", "breathless")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS schema (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    routine TEXT NOT NULL,
    started_at TEXT NOT NULL,
    started_utc TEXT NOT NULL,
    planned_min REAL NOT NULL,
    walked_min REAL NOT NULL,
    completed INTEGER NOT NULL,
    ended_reason TEXT,
    pain_before INTEGER,
    pain_after INTEGER,
    pain_next_morning INTEGER,
    effort TEXT,
    note TEXT NOT NULL DEFAULT '',
    session_min REAL
);
CREATE INDEX IF NOT EXISTS sessions_started ON sessions (started_utc);
"""

_COLUMNS = ("id, routine, started_at, planned_min, walked_min, completed, ended_reason, "
            "pain_before, pain_after, pain_next_morning, effort, note, session_min")


@dataclass(frozen=True)
class WalkRecord:
    """One walk, done with the coach or logged by hand.

    Minutes mean one thing everywhere: ``planned_min`` and ``walked_min`` are *walking
    minutes*, the programme's dose (the warm-up walk counts; stretches and rests do
    not: :mod:`coach.programme.minutes`). ``session_min`` is the whole session as
    played, stretches included (None when not known, as for a walk logged by hand).
    """

    routine: str
    started_at: datetime  # timezone-aware
    planned_min: float
    walked_min: float
    completed: bool
    ended_reason: str | None = None
    pain_before: int | None = None
    pain_after: int | None = None
    pain_next_morning: int | None = None
    effort: str | None = None  # talk test: easy | conversational | breathless
    note: str = ""
    id: int | None = None
    session_min: float | None = None


def check_pain(pain: int | None, what: str = "pain") -> int | None:
    """Pain is a whole number from 0 (none) to 10 (worst imaginable)."""
    if pain is None:
        return None
    if isinstance(pain, bool) or not isinstance(pain, int) or not 0 <= pain <= 10:
        raise UsageError(f"{what} must be a whole number from 0 to 10, got {shorten(pain)}")
    return pain


def check_record(rec: WalkRecord) -> None:
    """Raise :class:`UsageError` naming the first field that makes no sense."""
    if not rec.routine:
        raise UsageError("a walk needs a routine name")
    if rec.started_at.tzinfo is None or rec.started_at.utcoffset() is None:
        raise UsageError("started_at must carry a time zone")
    for name in ("planned_min", "walked_min", "session_min"):
        value = getattr(rec, name)
        if value is not None and not 0 <= value <= MAX_WALK_MIN:
            raise UsageError(f"{name.replace('_min', ' minutes')} must be from 0 to "
                             f"{MAX_WALK_MIN}, got {value:g}")
    check_pain(rec.pain_before, "pain before")
    check_pain(rec.pain_after, "pain after")
    check_pain(rec.pain_next_morning, "next-morning pain")
    if rec.effort is not None and rec.effort not in EFFORTS:
        raise UsageError(f"effort must be one of {', '.join(EFFORTS)}, got {shorten(rec.effort)}")


def default_path() -> Path:
    return paths.data_dir() / "history.sqlite3"


class History:
    """The walk history database. Use as a context manager or call :meth:`close`."""

    def __init__(self, path: Path | None = None, busy_timeout_s: float = 10.0):
        self.path = Path(path) if path is not None else default_path()
        #: Things the walker should hear about (an empty file, damaged rows skipped).
        self.notices: list[str] = []
        self.read_only = False
        if self.path.is_file() and self.path.stat().st_size == 0:
            self.notices.append(f"note: {self.path} was an empty file (0 bytes), not a walk "
                                "history: starting a new history in it")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            if not self._open_read_only(err):
                raise OutputError(f"could not create the folder for the walk history "
                                  f"{self.path}: {err.strerror or err}") from err
            return
        with self._failing_as("open the walk history"):
            self._db = sqlite3.connect(self.path, timeout=busy_timeout_s, isolation_level=None)
        try:
            with self._failing_as("open the walk history"):
                if self._schema_version() != SCHEMA_VERSION:  # new or older: write the schema
                    self._db.execute("PRAGMA journal_mode=WAL")
                    self._migrate()
                self._db.execute("PRAGMA synchronous=FULL")
        except OutputError as err:
            self._db.close()
            if not self._open_read_only(err):
                raise
        except BaseException:
            self._db.close()
            raise

    def _schema_version(self) -> int | None:
        """The stored schema version, read without taking a write lock (None: none yet)."""
        try:
            row = self._db.execute("SELECT version FROM schema").fetchone()
        except sqlite3.OperationalError as err:
            if "no such table" in str(err):
                return None
            raise
        return None if row is None else int(row[0])

    def _open_read_only(self, err: BaseException) -> bool:
        """After ``err`` (the folder or file cannot be written): open the history to read
        only, if that is what is wrong. Saving then fails with one line."""
        text = str(err).lower()
        if not any(w in text for w in ("read-only", "readonly", "permission", "unable to open")):
            return False
        if self.path.is_file() and self.path.stat().st_size > 0:
            uri = f"file:{self.path}?mode=ro&immutable=1"
            try:
                self._db = sqlite3.connect(uri, uri=True, isolation_level=None)
                self._db.execute("SELECT 1 FROM sessions LIMIT 1").fetchall()
            except sqlite3.Error:
                self._db.close()
                return False
        elif self.path.exists():  # a folder, a device: not a history
            return False
        else:  # nothing to read: an empty history in memory
            self._db = sqlite3.connect(":memory:", isolation_level=None)
            self._db.executescript(_SCHEMA)
        self.read_only = True
        return True

    def check_writable(self) -> None:
        """Raise :class:`OutputError` now if a walk could not be saved (read-only folder or
        file, a database another process keeps locked): call before a walk starts."""
        if self.read_only:
            raise OutputError(f"the walk history {self.path} cannot be written (read-only): "
                              "a walk could not be saved")
        with self._failing_as("get ready to save the walk"), _transaction(self._db):
            self._db.execute("UPDATE schema SET version = version WHERE 0")

    def _failing_as(self, action: str) -> _sqlite_failure:
        """Turn any sqlite error inside the block into one :class:`OutputError` line."""
        return _sqlite_failure(f"could not {action} in {self.path}",
                               " (the history is read-only)" if self.read_only else "")

    def _migrate(self) -> None:
        with _transaction(self._db):
            for statement in _SCHEMA.strip().split(";"):
                if statement.strip():
                    self._db.execute(statement)
            row = self._db.execute("SELECT version FROM schema").fetchone()
            if row is None:
                self._db.execute("INSERT INTO schema (version) VALUES (?)", (SCHEMA_VERSION,))
            elif row[0] > SCHEMA_VERSION:
                raise OutputError(f"{self.path}: written by a newer coach "
                                  f"(schema {row[0]}, this one knows {SCHEMA_VERSION})")
            elif row[0] < 2:  # version 1 had no session_min
                columns = {c[1] for c in self._db.execute("PRAGMA table_info(sessions)")}
                if "session_min" not in columns:
                    self._db.execute("ALTER TABLE sessions ADD COLUMN session_min REAL")
                self._db.execute("UPDATE schema SET version = ?", (SCHEMA_VERSION,))

    def record(self, rec: WalkRecord) -> int:
        """Store one walk in its own transaction; returns its id."""
        check_record(rec)
        with self._failing_as("save the walk"), _transaction(self._db):
            cur = self._db.execute(
                "INSERT INTO sessions (routine, started_at, started_utc, planned_min, "
                "walked_min, completed, ended_reason, pain_before, pain_after, "
                "pain_next_morning, effort, note, session_min) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                _values(rec))
            session_id = cur.lastrowid
        assert session_id is not None
        return session_id

    def set_next_morning_pain(self, session_id: int, pain: int) -> None:
        """Add the pain felt the morning after a walk."""
        check_pain(pain, "next-morning pain")
        self._change_one("save the next-morning pain", session_id,
                         "UPDATE sessions SET pain_next_morning = ? WHERE id = ?", (pain,))

    def update(self, rec: WalkRecord) -> None:
        """Replace walk ``rec.id`` with ``rec`` (a correction), in one transaction."""
        check_record(rec)
        assert rec.id is not None
        self._change_one("save the corrected walk", rec.id,
                         "UPDATE sessions SET routine = ?, started_at = ?, started_utc = ?, "
                         "planned_min = ?, walked_min = ?, completed = ?, ended_reason = ?, "
                         "pain_before = ?, pain_after = ?, pain_next_morning = ?, effort = ?, "
                         "note = ?, session_min = ? WHERE id = ?", _values(rec))

    def delete(self, session_id: int) -> None:
        """Remove walk ``session_id`` from the history."""
        self._change_one("delete the walk", session_id, "DELETE FROM sessions WHERE id = ?")

    def _change_one(self, action: str, session_id: int, sql: str,
                    values: tuple[Any, ...] = ()) -> None:
        """Run ``sql`` with ``values`` and the id; exactly one walk must change."""
        with self._failing_as(action), _transaction(self._db):
            cur = self._db.execute(sql, (*values, session_id))
            if cur.rowcount != 1:
                raise UsageError(f"no walk with id {session_id} in the history")

    def sessions(self, since: datetime | None = None) -> list[WalkRecord]:
        """Every walk (oldest first), or those started at or after ``since``."""
        args: tuple[str, ...] = ()
        where = ""
        if since is not None:
            if since.tzinfo is None:
                raise UsageError("since must carry a time zone")
            where = "WHERE started_utc >= ? "
            args = (since.astimezone(timezone.utc).isoformat(),)
        with self._failing_as("read the walks"):
            rows = self._db.execute(f"SELECT {_COLUMNS} FROM sessions {where}"
                                    "ORDER BY started_utc, id", args).fetchall()
        return self._records(rows)

    def _records(self, rows: list[tuple[Any, ...]]) -> list[WalkRecord]:
        """The rows that make valid walks; each damaged one is skipped with a notice."""
        out = []
        for row in rows:
            try:
                rec = _to_record(row)
                check_record(rec)
            except (TypeError, ValueError, UsageError) as err:
                self.notices.append(f"note: walk {row[0]} in {self.path} is damaged "
                                    f"({_one_line(err)}) and was skipped; "
                                    f"`coach history --delete {row[0]}` removes it")
                continue
            out.append(rec)
        return out

    @overload
    def get(self, session_id: int) -> WalkRecord: ...

    @overload
    def get(self, session_id: int, damaged_ok: bool) -> WalkRecord | None: ...

    def get(self, session_id: int, damaged_ok: bool = False) -> WalkRecord | None:
        """Walk ``session_id``; a damaged row is a UsageError (None with ``damaged_ok``)."""
        with self._failing_as("read the walk"):
            row = self._db.execute(f"SELECT {_COLUMNS} FROM sessions WHERE id = ?",
                                   (session_id,)).fetchone()
        if row is None:
            raise UsageError(f"no walk with id {session_id} in the history")
        found = self._records([row])
        if not found and not damaged_ok:
            raise UsageError(self.notices[-1].removeprefix("note: "))
        return found[0] if found else None

    def last(self) -> WalkRecord | None:
        with self._failing_as("read the last walk"):
            row = self._db.execute(f"SELECT {_COLUMNS} FROM sessions "
                                   "ORDER BY started_utc DESC, id DESC LIMIT 1").fetchone()
        found = [] if row is None else self._records([row])
        if row is not None and not found:  # the last row is damaged: the last good one
            return next(iter(reversed(self.sessions())), None)
        return found[0] if found else None

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


class _transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error."""

    def __init__(self, db: sqlite3.Connection):
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is None:
            try:
                self._db.execute("COMMIT")
            except sqlite3.Error:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
        elif self._db.in_transaction:  # sqlite may have rolled back already (disk full)
            self._db.execute("ROLLBACK")


class _sqlite_failure:
    """Re-raise a sqlite error as one line: ``{what}: database is locked``."""

    def __init__(self, what: str, why: str = ""):
        self._what = what
        self._why = why

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if isinstance(exc, sqlite3.Error):
            raise OutputError(f"{self._what}: {_one_line(exc)}{self._why}") from exc


def _values(rec: WalkRecord) -> tuple[Any, ...]:
    """The stored columns of ``rec`` (without its id), in :data:`_SCHEMA`'s order."""
    return (rec.routine, rec.started_at.isoformat(),
            rec.started_at.astimezone(timezone.utc).isoformat(), float(rec.planned_min),
            float(rec.walked_min), int(rec.completed), rec.ended_reason, rec.pain_before,
            rec.pain_after, rec.pain_next_morning, rec.effort, rec.note,
            None if rec.session_min is None else float(rec.session_min))


def _one_line(err: BaseException) -> str:
    return one_line(err)


def _to_record(row: tuple[Any, ...]) -> WalkRecord:
    (sid, routine, started_at, planned, walked, completed, reason, before, after, morning,
     effort, note, session) = row
    return WalkRecord(routine=routine, started_at=datetime.fromisoformat(started_at),
                      planned_min=float(planned), walked_min=float(walked),
                      completed=bool(completed), ended_reason=reason, pain_before=before,
                      pain_after=after, pain_next_morning=morning, effort=effort,
                      note=note or "", id=sid,
                      session_min=None if session is None else float(session))

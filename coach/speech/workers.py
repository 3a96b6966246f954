"""Synthesis in worker processes: a native crash is one clear error, never a dead coach.

libespeak-ng (used directly, by pyttsx3 and by Piper for its phonemes) can abort
or segfault on some input (issue 12). So every engine synthesises in a worker
process (:class:`Worker`: a plain subprocess over a socket, with a deadline per
request). When a worker dies on a phrase, :class:`PhraseError` names the
phrase and the signal; the next request starts a fresh worker. Several
workers (:class:`WorkerEngine` with ``workers=N``) synthesise in parallel.

The parent never loads a model: versions, voice lists and cache keys are read
without one, and a worker starts only when a phrase is not in the cache.
"""

from __future__ import annotations

import os
import queue
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from typing import IO, TYPE_CHECKING

import numpy as np

from coach.audio.clip import Clip
from coach.errors import EngineError, UsageError
from coach.routines.model import SpeechSettings
from coach.speech.base import PhraseError, Spoken, VoiceInfo

if TYPE_CHECKING:
    import subprocess
    from multiprocessing.connection import Connection

#: A worker that has not said it is ready after this long is given up on.
START_TIMEOUT_S = 60.0
#: One clip may take this long; a hang is cut off after it.
CLIP_TIMEOUT_S = 60.0

Serve = Callable[..., None]


def run_worker(argv: list[str]) -> None:
    """Entry point of a worker process: ``MODULE FUNCTION FD [ARG...]``."""
    import importlib
    from multiprocessing.connection import Connection

    module, function, fd, *args = argv
    serve = getattr(importlib.import_module(module), function)
    serve(Connection(int(fd)), *args)


def why_it_died(returncode: int | None, stderr_lines: list[str]) -> str:
    """"killed by SIGSEGV" / the last line it wrote / its exit status."""
    if returncode is not None and returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"killed by {name}"
    return stderr_lines[-1].strip() if stderr_lines else f"exit status {returncode}"


class Worker:
    """A worker process running ``serve(conn, *args)``; killed on a missed deadline.

    A plain subprocess (not multiprocessing), so it works whatever the main
    module of the parent is; the parent's ``sys.path`` is passed on. Its
    stderr goes to a temporary file whose last line explains a crash. It is
    killed when closed, collected, or at exit; if this process dies first, it
    reads end-of-file and ends itself. :class:`EngineError` on a death or a
    missed deadline (the worker is then closed).
    """

    def __init__(self, serve: Serve, args: list[str], label: str,
                 start_timeout_s: float = START_TIMEOUT_S) -> None:
        import socket
        import subprocess
        import tempfile
        import weakref
        from multiprocessing.connection import Connection

        self.label = label
        mine, theirs = socket.socketpair()
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        code = "import sys; from coach.speech.workers import run_worker; run_worker(sys.argv[1:])"
        self._stderr = tempfile.TemporaryFile()
        self._process = subprocess.Popen(
            [sys.executable, "-c", code, serve.__module__, serve.__qualname__,
             str(theirs.fileno()), *args],
            pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=self._stderr, env=env)
        theirs.close()
        self._conn = Connection(mine.detach())
        self.close = weakref.finalize(self, _stop, self._process, self._conn, self._stderr)
        self.ask(None, start_timeout_s, "start")

    def ask(self, request: tuple[object, ...] | None, timeout_s: float,
            what: str) -> tuple[object, ...]:
        try:
            if request is not None:
                self._conn.send(request)
            if self._conn.poll(timeout_s):
                reply: tuple[object, ...] = self._conn.recv()
                return reply
        except (EOFError, OSError) as err:
            try:
                self._process.wait(5)
            except Exception:  # noqa: BLE001 - still alive after EOF: killed by close()
                pass
            self._stderr.seek(0)
            said = [ln for ln in self._stderr.read().decode(errors="replace").splitlines()
                    if ln.strip()]
            code = self._process.returncode
            self.close()
            raise EngineError(f"the {self.label} worker died during {what}: "
                              f"{why_it_died(code, said)}") from err
        self.close()
        raise EngineError(f"{self.label} did not finish {what} within {timeout_s:g} s")


def _stop(process: subprocess.Popen[bytes], conn: Connection, stderr: IO[bytes]) -> None:
    if process.poll() is None:
        process.kill()
    process.wait(5)
    conn.close()
    stderr.close()


def requests(conn: Connection) -> Iterator[tuple[object, ...]]:
    """A worker loop's requests: says it is ready, then yields each until the parent
    goes (end of file)."""
    conn.send(("ready",))
    while True:
        try:
            request: tuple[object, ...] = conn.recv()
        except EOFError:
            return
        yield request


def serve_engine(conn: Connection, name: str, threads: str) -> None:
    """The synthesis worker loop: answers ("synth", text, settings fields) with
    ("ok", int16 bytes, rate, spoken units or None), ("usage", message) or ("engine", message)."""
    from coach.speech.libespeak import EspeakEngine

    if name == "piper":
        from coach.speech.piper_engine import PiperEngine

        engine: EspeakEngine | PiperEngine = PiperEngine(threads=int(threads) or None)
    else:
        engine = EspeakEngine()
    for request in requests(conn):
        conn.send(answer(engine, request))


def answer(engine: object, request: tuple[object, ...]) -> tuple[object, ...]:
    """One synthesis request answered by an in-process ``engine``."""
    _, text, fields = request
    assert isinstance(text, str) and isinstance(fields, dict)
    try:
        clip = engine.synthesize(text, SpeechSettings(**fields))  # type: ignore[attr-defined]
    except UsageError as err:
        return ("usage", str(err))
    except EngineError as err:
        return ("engine", str(err))
    return ("ok", clip.samples.tobytes(), clip.sample_rate_hz,
            getattr(clip, "spoken_units", None))  # stored with the clip (issue 12)


class WorkerEngine:
    """espeak-ng or Piper behind the :class:`SpeechEngine` protocol, synthesising in up to
    ``workers`` worker processes (started when first needed, reused, restarted after a
    crash). Safe to call from several threads at once: that is how phrases go in parallel.

    ``threads`` is each Piper worker's onnxruntime thread count (0: one per core).
    """

    def __init__(self, name: str, workers: int = 1, threads: int = 0,
                 clip_timeout_s: float = CLIP_TIMEOUT_S, serve: Serve = serve_engine) -> None:
        from coach.speech.libespeak import EspeakEngine

        self.name = name
        self.workers = max(1, workers)
        self._threads = threads
        self._clip_timeout_s = clip_timeout_s
        self._serve = serve
        self._idle: queue.SimpleQueue[Worker] = queue.SimpleQueue()
        self._started = 0
        self._lock = threading.Lock()
        self._all: list[Worker] = []
        if name == "piper":
            from coach.speech.piper_engine import PiperEngine

            self._local: EspeakEngine | PiperEngine = PiperEngine()  # no model loaded here
        else:
            self._local = EspeakEngine()  # voice lists and checks only: never synthesises
        self._label = "Piper" if name == "piper" else "espeak-ng"

    @property
    def version(self) -> str:
        return self._local.version

    def voices(self) -> list[VoiceInfo]:
        return self._local.voices()

    def model_identity(self, settings: SpeechSettings) -> str:
        return self._local.model_identity(settings)

    def check(self, settings: SpeechSettings) -> None:
        """Refuse an unknown voice before any synthesis (:class:`UsageError`)."""
        self._local.check(settings)

    def synthesize(self, text: str, settings: SpeechSettings) -> Clip:
        import dataclasses

        worker = self._take()
        try:
            reply = worker.ask(("synth", text, dataclasses.asdict(settings)),
                               self._clip_timeout_s, f"saying {text[:80]!r}")
        except EngineError as err:
            with self._lock:
                self._started -= 1
                self._all.remove(worker)
            why = str(err).rpartition(": ")[2]
            raise PhraseError(text, f"{self._label} failed saying {text[:80]!r} ({why})") \
                from None
        self._idle.put(worker)
        if reply[0] == "usage":
            raise UsageError(str(reply[1]))
        if reply[0] == "engine":
            raise PhraseError(text, str(reply[1]))
        frames, rate, units = reply[1], reply[2], reply[3]
        assert isinstance(frames, bytes) and isinstance(rate, int)
        return Spoken(np.frombuffer(frames, dtype=np.int16).copy(), rate,
                      float(units) if isinstance(units, (int, float)) else None)

    def _take(self) -> Worker:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            start = self._started < self.workers
            if start:
                self._started += 1
        if not start:
            return self._idle.get()
        try:
            worker = Worker(self._serve, [self.name, str(self._threads)], self._label)
        except BaseException as err:  # the slot is free again, or the next _take waits forever
            with self._lock:
                self._started -= 1
            if isinstance(err, OSError):  # the interpreter cannot be run (issue 12)
                raise EngineError(f"cannot start the {self._label} worker "
                                  f"({sys.executable}): {err.strerror or err}") from err
            raise
        with self._lock:
            self._all.append(worker)
        return worker

    def close(self) -> None:
        """End every worker (they also end with this process)."""
        with self._lock:
            for worker in self._all:
                worker.close()
            self._all.clear()
            self._started = 0
        while not self._idle.empty():
            self._idle.get_nowait()

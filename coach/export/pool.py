"""Export jobs in worker processes, all reporting to one progress callback.

LAME is the cost of an export, and it is single-threaded: a programme of 40
sessions is encoded a session per process, as many processes as the cores
this process may use. Workers are *spawned* (not forked: the parent may hold
speech engines and threads), and send the samples they write through one
queue, so the caller shows one progress bar. A job is a picklable object and
a module-level function; a job's exception is raised in the parent (the first
one; jobs not started yet are cancelled, running ones finish and are still
reported to ``on_result`` so their files can be discarded).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from coach.errors import OutputError

if TYPE_CHECKING:
    from concurrent.futures import Future
    from multiprocessing.queues import SimpleQueue

J = TypeVar("J")
R = TypeVar("R")
#: Called with the number of samples just written.
Progress = Callable[[int], None]

_queue: SimpleQueue[int] | None = None  # in a worker: where its progress goes


def default_workers() -> int:
    """How many processes an export uses by default: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def run_jobs(fn: Callable[[J, Progress], R], jobs: Sequence[J], workers: int,
             progress: Progress, on_result: Callable[[R], None]) -> None:
    """``on_result(fn(job, progress))`` for every job, in ``workers`` processes.

    With one worker (or one job) everything runs here, in this process.
    """
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            on_result(fn(job, progress))
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    ctx = multiprocessing.get_context("spawn")
    queue: SimpleQueue[int] = ctx.SimpleQueue()
    with ProcessPoolExecutor(min(workers, len(jobs)), mp_context=ctx,
                             initializer=_start_worker, initargs=(queue,)) as pool:
        pending: set[Future[R]] = {pool.submit(_run, fn, job) for job in jobs}
        try:
            error = _gather(pending, queue, progress, on_result)
        except BaseException:
            for other in pending:
                other.cancel()
            raise
        _drain(queue, progress)
    if error is not None:
        raise error


def _gather(pending: set[Future[R]], queue: SimpleQueue[int], progress: Progress,
            on_result: Callable[[R], None]) -> BaseException | None:
    """Wait for every future, passing progress on; the first error (the rest cancelled)."""
    from concurrent.futures import FIRST_COMPLETED, wait
    from concurrent.futures.process import BrokenProcessPool

    error: BaseException | None = None
    while pending:
        done, rest = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
        pending.difference_update(done)
        _drain(queue, progress)
        for future in done:
            if future.cancelled():
                continue
            try:
                on_result(future.result())
            except BrokenProcessPool as err:
                error = error or OutputError(f"an export process died ({err})")
            except BaseException as err:  # noqa: BLE001 - the job's own error, raised later
                error = error or err
            if error is not None:
                for other in rest:
                    other.cancel()
    return error


def _start_worker(queue: SimpleQueue[int]) -> None:
    global _queue
    _queue = queue


def _run(fn: Callable[[J, Progress], R], job: J) -> R:
    queue = _queue
    assert queue is not None
    return fn(job, queue.put)


def _drain(queue: SimpleQueue[int], progress: Progress) -> None:
    while not queue.empty():
        progress(queue.get())

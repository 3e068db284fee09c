"""Run one function over chunks of work, in this process or in forked workers.

The executor knows no stage: the build hands it a function, the data every chunk
shares and the chunks. Workers are forked, so they inherit the shared data (a
large site) instead of receiving it pickled; only chunk numbers go to them and only
their results come back. Every chunk runs even when some fail: a failure comes back
as its exception, for the caller to decide (the build discards what was staged).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import queue
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from multiprocessing.process import BaseProcess
from typing import Any, Generic, TypeVar

S = TypeVar("S")
C = TypeVar("C")
R = TypeVar("R")

POLL_SECONDS = 1.0  # how often the parent checks that no worker died while it waits


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the cycle collector less often while a build makes its many small objects.

    A build allocates millions of dicts and strings and frees few; the default
    thresholds ran full collections over them again and again (a third of planning).
    """
    old = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*old)


def workers() -> int:
    """Processes to use: the cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class WorkerDied(RuntimeError):
    """A worker process ended without sending back its chunk's result."""


class _Task(Generic[S, C, R]):
    """What a forked worker inherits: the function, the shared data and the chunks."""

    def __init__(self, function: Callable[[S, C], R], shared: S, chunks: Sequence[C]) -> None:
        self.function = function
        self.shared = shared
        self.chunks = chunks

    def run(self, index: int) -> R | BaseException:
        try:
            return self.function(self.shared, self.chunks[index])
        except Exception as exc:  # noqa: BLE001 (sent back; the caller raises it)
            return exc


def _work(task: _Task[Any, Any, Any], todo: Any, done: Any) -> None:
    """A worker's loop: take chunk numbers until the ``None`` that ends the run."""
    while (index := todo.get()) is not None:
        outcome = task.run(index)
        try:
            done.put((index, outcome))
        except Exception as exc:  # noqa: BLE001 (an unpicklable result or error)
            done.put((index, RuntimeError(f"chunk {index}: {exc!r}")))


@contextmanager
def start(function: Callable[[S, C], R], shared: S, chunks: Sequence[C],
          processes: int) -> Iterator[Iterator[tuple[C, R | BaseException]]]:
    """Run ``function(shared, chunk)`` for every chunk; yield the results' iterator.

    With one process the chunks run here, one by one, as the iterator is read. With
    more, forked workers start before the ``with`` body runs (so the caller can work
    meanwhile) and results come in completion order.
    """
    task = _Task(function, shared, chunks)
    if processes <= 1 or len(chunks) <= 1:
        yield ((chunks[i], task.run(i)) for i in range(len(chunks)))
        return
    context = multiprocessing.get_context("fork")
    todo, done = context.SimpleQueue(), context.Queue()
    for index in range(len(chunks)):
        todo.put(index)
    count = min(processes, len(chunks))
    for _ in range(count):
        todo.put(None)
    # The workers' collections skip the inherited heap (and leave its pages shared). No
    # collection first: at 100,000 papers one took a second before every fork, and
    # what it would free is the few cycles the parent made since its last one.
    gc.freeze()
    procs: list[BaseProcess] = [context.Process(target=_work, args=(task, todo, done),
                                                daemon=True) for _ in range(count)]
    try:
        for proc in procs:
            proc.start()
    finally:
        gc.unfreeze()
    try:
        yield _collect(chunks, done, procs)
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
            proc.join()


def _collect(chunks: Sequence[C], done: Any, procs: list[BaseProcess]
             ) -> Iterator[tuple[C, Any]]:
    """Results as they arrive; a worker that died (killed, out of memory) is an error."""
    for _ in range(len(chunks)):
        while True:
            try:
                index, outcome = done.get(timeout=POLL_SECONDS)
                break
            except queue.Empty:
                dead = [p for p in procs if not p.is_alive() and p.exitcode not in (0, None)]
                if dead:
                    raise WorkerDied(f"a build worker ended with exit code {dead[0].exitcode}"
                                     ) from None
        yield chunks[index], outcome


def spans(count: int, parts: int) -> list[tuple[int, int]]:
    """``range(count)`` cut into at most ``parts`` consecutive (start, stop) spans."""
    size = max(-(-count // max(parts, 1)), 1)
    return [(first, min(first + size, count)) for first in range(0, count, size)]


def run_all(function: Callable[[S, C], R], shared: S, chunks: Sequence[C],
            processes: int) -> list[R]:
    """``start``'s results in the order of ``chunks``, once every chunk ran; the first
    failure is raised (for steps whose every chunk is needed)."""
    done: dict[int, R] = {}
    with start(_indexed, (function, shared, chunks), range(len(chunks)), processes) as results:
        for index, outcome in results:
            if isinstance(outcome, BaseException):
                raise outcome
            done[index] = outcome
    return [done[i] for i in range(len(chunks))]


def _indexed(task: tuple[Callable[[Any, Any], Any], Any, Sequence[Any]], index: int) -> Any:
    function, shared, chunks = task
    return function(shared, chunks[index])

"""The executor runs chunks here or in forked workers and knows nothing of the build."""

from __future__ import annotations

import os
import signal

import pytest

from digest import executor


def _square_plus(shared: int, chunk: int) -> int:
    if chunk == 13:
        raise ValueError("unlucky chunk")
    return chunk * chunk + shared


def _pid(shared: object, chunk: int) -> int:
    return os.getpid()


def _die(shared: object, chunk: int) -> int:
    if chunk == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    return chunk


@pytest.mark.parametrize("processes", [1, 2])
def test_every_chunk_runs_and_a_failure_comes_back_as_its_exception(processes: int) -> None:
    chunks = list(range(20))
    with executor.start(_square_plus, 100, chunks, processes) as results:
        got = dict(results)
    assert sorted(got) == chunks
    assert isinstance(got[13], ValueError) and str(got[13]) == "unlucky chunk"
    assert {c: r for c, r in got.items() if c != 13} == {c: c * c + 100 for c in chunks
                                                         if c != 13}


def test_one_process_runs_the_chunks_here() -> None:
    with executor.start(_pid, None, [1, 2, 3], 1) as results:
        assert {pid for _, pid in results} == {os.getpid()}


def test_workers_are_other_processes_that_inherit_the_shared_data() -> None:
    big = list(range(100_000))  # not pickled: the workers are forked
    with executor.start(lambda shared, chunk: (os.getpid(), shared[chunk]), big,
                        [5, 99_999, 7, 8], 2) as results:
        got = dict(results)
    assert {c: v for c, (_, v) in got.items()} == {5: 5, 99_999: 99_999, 7: 7, 8: 8}
    assert os.getpid() not in {pid for pid, _ in got.values()}


def test_a_worker_that_dies_is_an_error_not_a_hang() -> None:
    with pytest.raises(executor.WorkerDied, match="exit code -9"), \
            executor.start(_die, None, [0, 1, 2, 3], 2) as results:
        list(results)


def _square_or_fail(offset: int, n: int) -> int:
    if n == 3:
        raise ValueError("three")
    return offset + n * n


def test_run_all_gives_results_in_chunk_order_and_raises_a_failure() -> None:
    assert executor.spans(10, 3) == [(0, 4), (4, 8), (8, 10)]
    assert executor.spans(0, 2) == []
    for processes in (1, 2):
        assert executor.run_all(_square_or_fail, 100, [5, 1, 4, 2], processes) == \
            [125, 101, 116, 104]
        with pytest.raises(ValueError, match="three"):
            executor.run_all(_square_or_fail, 0, [1, 3, 2], processes)

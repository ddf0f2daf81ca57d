"""The worker that renders content text: the kernel stops a text that spins or allocates, a
new worker takes the rest, and the worker holds nothing of its parent's open."""

from __future__ import annotations

import os
import resource
import select
import time
from typing import Any

import pytest

from generator.content import budget
from generator.content.budget import CPU_REASON, MEMORY_REASON, WALL_REASON, Worker, WorkerError

pytestmark = pytest.mark.skipif(not budget.can_fork(), reason="the worker needs fork (POSIX)")


def _task(item: Any, shared: Any) -> Any:
    """What the tests run in the worker: `spin` runs until stopped, `eat` allocates without
    end, `sleep` waits, `pid` says which process it is, anything else is echoed."""
    if item == "spin":
        while True:
            pass
    if item == "eat":
        hoard = []
        while True:
            hoard.append(bytearray(2**24))
    if item == "sleep":
        time.sleep(3600)
    if item == "pid":
        return os.getpid()
    return [item, shared]


def test_a_text_that_spins_is_stopped_by_the_kernel_and_the_slide_stops_there():
    worker = Worker(_task)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    outcomes, spent = worker.map(["a", "spin", "b"], "ctx")
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert outcomes == [(True, ["a", "ctx"]), (False, CPU_REASON)]
    assert spent == budget.SLIDE_CPU_SECONDS
    cpu = (used.ru_utime + used.ru_stime) - (before.ru_utime + before.ru_stime)
    assert budget.SLIDE_CPU_SECONDS <= cpu < budget.SLIDE_CPU_SECONDS + 2
    assert worker.map(["b"], "ctx")[0] == [(True, ["b", "ctx"])]  # a new worker


def test_a_smaller_allowance_stops_a_text_sooner_and_the_time_spent_is_counted():
    worker = Worker(_task)
    start = time.process_time()
    outcomes, spent = worker.map(["spin"], None, seconds=1)
    assert outcomes == [(False, "resolving it took more than 1 s of CPU time")]
    assert spent == 1
    [(finished, _)], spent = worker.map(["x"], None)
    assert finished
    assert 0 <= spent < 0.5
    assert time.process_time() - start < 1  # the parent only waits


def test_a_text_that_allocates_without_end_gets_a_memory_refusal():
    worker = Worker(_task)
    assert worker.map(["eat", "c"], None)[0] == [(False, MEMORY_REASON)]
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024 < 2 * 2**30
    assert worker.map(["c"], None)[0] == [(True, ["c", None])]


def test_a_worker_that_does_not_answer_is_killed_at_the_wall_clock_backstop(
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setattr(budget, "WALL_SECONDS", 1)
    worker = Worker(_task)
    start = time.monotonic()
    assert worker.map(["sleep", "d"], 1)[0] == [(False, WALL_REASON)]
    assert time.monotonic() - start < 10
    assert worker.map(["d"], 1)[0] == [(True, ["d", 1])]


def test_one_worker_serves_a_process_and_a_fork_starts_its_own():
    worker = Worker(_task)
    [(_, first)], _ = worker.map(["pid"], None)
    [(_, again)], _ = worker.map(["pid"], None)
    assert first == again != os.getpid()
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # a forked process must not talk on its parent's pipes
        try:
            [(_, mine)], _ = worker.map(["pid"], None)
            os.write(write, str(mine).encode())
        finally:
            os._exit(0)
    os.close(write)
    mine = int(os.read(read, 100))
    os.waitpid(child, 0)
    assert mine not in (first, os.getpid(), child)
    assert worker.map(["pid"], None)[0] == [(True, first)]


def test_the_worker_holds_none_of_its_parents_pipes_open():
    """A pipe the parent opened before the worker started still ends when the parent closes
    it: `deckgen build | cat` ends when deckgen does."""
    read, write = os.pipe()
    worker = Worker(_task)
    worker.map(["x"], None)
    os.close(write)
    assert select.select([read], [], [], 10)[0], "the worker holds the pipe open"
    assert os.read(read, 1) == b""  # end of file
    os.close(read)


def test_a_killed_worker_is_replaced_on_the_next_request():
    worker = Worker(_task)
    [(_, first)], _ = worker.map(["pid"], None)
    os.kill(first, 9)
    time.sleep(0.1)
    [(_, second)], _ = worker.map(["pid"], None)
    assert second != first


def _broken(item: Any, shared: Any) -> Any:
    if item == "bug":
        raise KeyError(item)
    return os.getpid() if item == "pid" else item


def test_a_bug_in_the_worker_is_an_error_of_deckgen_and_the_next_request_is_in_step():
    worker = Worker(_broken)
    [(_, first)], _ = worker.map(["pid"], None)
    with pytest.raises(WorkerError) as caught:
        worker.map(["a", "bug", "b"], None)
    assert str(caught.value) == "the worker that resolves content text failed: KeyError: 'bug'"
    assert worker.map(["c", "d"], None)[0] == [(True, "c"), (True, "d")]
    [(_, second)], _ = worker.map(["pid"], None)
    assert second != first

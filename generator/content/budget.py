"""A hard budget for content text: each slide's Jinja renders in a worker process that the
operating system stops, whatever the text does.

Bounding each operation that could be slow or large (`resolve` does that too) leaves whatever
nobody thought of. The worker does not depend on such a list: before each slide it sets its own
CPU-time limit (`RLIMIT_CPU`, `SLIDE_CPU_SECONDS` past what it has used) and address-space
limit (`RLIMIT_AS`, `SLIDE_MEMORY` past its size then), so a text that spins is killed by the
kernel with SIGXCPU, and one that allocates gets `MemoryError`. A wall-clock backstop
(`WALL_SECONDS`) kills a worker that neither finishes nor uses CPU. The text that was running
is refused with the reason, a new worker takes the slide's other texts, and the build goes on
to report every problem.

One worker serves a process (forked on first use, so it shares the process's modules and the
templates it compiles stay cached between decks); a process forked from one that had a worker
starts its own. Where there is no `fork` (Windows), texts render in the process, bounded only by
`resolve`'s checks.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import pickle
import select
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

#: CPU time that one slide's texts may use, in seconds.
SLIDE_CPU_SECONDS = 2
#: CPU time that all of one deck's texts may use, in seconds (`resolve` keeps the account).
DECK_CPU_SECONDS = 10
#: Memory that one slide's texts may take beyond the worker's size when the slide starts.
SLIDE_MEMORY = 256 * 2**20
#: Wall-clock time after which a worker that has not answered is killed, in seconds.
WALL_SECONDS = 60

#: A text's outcome: `(True, value)` when the function returned `value` (which must be
#: JSON data), `(False, reason)` when the budget stopped it.
Outcome = tuple[bool, Any]

_MEMORY_EXIT = 86
_HEADER = 8

#: Why a text was stopped, by how its worker ended.
CPU_REASON = f"resolving it took more than {SLIDE_CPU_SECONDS} s of CPU time"


def cpu_reason(seconds: float) -> str:
    """Why a text was stopped that had `seconds` of CPU time (whole seconds, at least 1)."""
    return f"resolving it took more than {max(math.ceil(seconds), 1)} s of CPU time"


MEMORY_REASON = f"resolving it needed more than {SLIDE_MEMORY // 2**20} MB of memory"
WALL_REASON = f"resolving it did not finish within {WALL_SECONDS} s"


class WorkerError(RuntimeError):
    """The function raised in the worker: a bug, not the text's fault."""


def can_fork() -> bool:
    """Whether texts render in a worker under a hard budget (a POSIX system)."""
    return hasattr(os, "fork") and sys.platform != "win32"


class Worker:
    """A process that applies `function(item, shared)` to items under the budget."""

    def __init__(self, function: Callable[[Any, Any], Any]) -> None:
        self._function = function
        self._lock = threading.Lock()
        self._pid = 0
        self._owner = 0
        self._requests = -1
        self._replies = -1

    def map(
        self, items: Sequence[Any], shared: Any, seconds: float = SLIDE_CPU_SECONDS
    ) -> tuple[list[Outcome], float]:
        """Apply the function to each item in turn, all of them within `seconds` of CPU time
        (at most `SLIDE_CPU_SECONDS`; the kernel counts whole seconds, so a little more).

        Return the outcomes and the CPU time they took. If the budget stops an item, its
        outcome is the last: the items after it are not run, since the budget is spent.
        """
        if not can_fork():
            start = time.process_time()
            values = [(True, self._function(item, shared)) for item in items]
            return values, time.process_time() - start
        seconds = max(min(seconds, SLIDE_CPU_SECONDS), 0.0)
        with self._lock:
            values, spent, reason = self._ask(items, shared, seconds)
            outcomes: list[Outcome] = [(True, value) for value in values]
            if reason is not None:  # the worker died on the next item
                if reason == CPU_REASON:  # the allowance it had, as the kernel counts it
                    reason = cpu_reason(seconds)
                outcomes.append((False, reason))
                spent = max(spent, seconds)
            return outcomes, spent

    def _ask(
        self, items: Sequence[Any], shared: Any, seconds: float
    ) -> tuple[list[Any], float, str | None]:
        """Send `items` to the worker; return the values it gave back, the CPU time it spent
        and, if it died before the end, why."""
        self._ensure()
        request = pickle.dumps((list(items), shared, seconds), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            _write_frame(self._requests, request)
        except OSError:  # died since the last request (an outside kill): start afresh
            self._stop(os.WNOHANG)
            self._ensure()
            _write_frame(self._requests, request)
        values: list[Any] = []
        spent = 0.0
        buffer = b""
        deadline = time.monotonic() + WALL_SECONDS
        while len(values) < len(items):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self._replies], [], [], remaining)[0]:
                self._kill()
                return values, spent, WALL_REASON
            chunk = os.read(self._replies, 1 << 16)
            if not chunk:
                return values, spent, self._why_it_died()
            buffer += chunk
            while len(buffer) >= _HEADER:
                size = int.from_bytes(buffer[:_HEADER], "big")
                if len(buffer) < _HEADER + size:
                    break
                kind, value, spent = json.loads(buffer[_HEADER : _HEADER + size])
                buffer = buffer[_HEADER + size :]
                if kind == "bug":  # the rest of its replies would be out of step: end it
                    self._kill()
                    raise WorkerError(f"the worker that resolves content text failed: {value}")
                values.append(value)
        return values, spent, None

    def _ensure(self) -> None:
        """Start a worker unless this process has a live one (a forked copy of another
        process's worker is not this process's)."""
        if self._owner == os.getpid() and self._pid:
            return
        if self._owner != os.getpid():  # inherited through fork: leave it to its owner
            for fd in (self._requests, self._replies):
                if fd >= 0:
                    with contextlib.suppress(OSError):
                        os.close(fd)
            self._pid = 0
        requests_read, requests_write = os.pipe()
        replies_read, replies_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: it never returns
            try:
                os.close(requests_write)
                os.close(replies_read)
                _serve(self._function, requests_read, replies_write)
            finally:
                os._exit(1)
        os.close(requests_read)
        os.close(replies_write)
        self._pid, self._owner = pid, os.getpid()
        self._requests, self._replies = requests_write, replies_read

    def _why_it_died(self) -> str:
        """Return why the worker died on a text: its CPU time or memory ran out. Raise
        `WorkerError` if it died of anything else, which is no text's fault."""
        status = self._stop(0)
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGXCPU:
            return CPU_REASON
        if os.WIFEXITED(status) and os.WEXITSTATUS(status) == _MEMORY_EXIT:
            return MEMORY_REASON
        code = os.waitstatus_to_exitcode(status)
        raise WorkerError(f"the worker that resolves content text ended with status {code}")

    def _kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self._pid, signal.SIGKILL)
        self._stop(0)

    def _stop(self, flags: int) -> int:
        """Close the pipes and reap the worker; return its wait status (0 if not reaped)."""
        for fd in (self._requests, self._replies):
            with contextlib.suppress(OSError):
                os.close(fd)
        status = 0
        with contextlib.suppress(ChildProcessError):
            pid, status = os.waitpid(self._pid, flags)
            if pid == 0:  # still running (WNOHANG): it ends on the closed pipe
                status = 0
        self._pid, self._requests, self._replies = 0, -1, -1
        return status


def _serve(function: Callable[[Any, Any], Any], requests: int, replies: int) -> None:
    """The worker's loop: read a request, set the slide's budget, answer each item."""
    import resource

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles an interrupt
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # Hold nothing of the parent's open: no pipe, socket or terminal waits on this process.
    os.dup2(requests, 3)
    os.dup2(replies, 4)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.closerange(5, _max_fd())
    requests, replies = 3, 4
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    while True:
        request = _read_frame(requests)
        if request is None:  # the parent is gone
            os._exit(0)
        items, shared, seconds = pickle.loads(request)
        start = _set_budget(resource, seconds)
        for item in items:
            try:
                reply = ["ok", function(item, shared)]
            except MemoryError:
                os._exit(_MEMORY_EXIT)
            except Exception as exc:  # a bug: the parent reports it as one
                reply = ["bug", f"{type(exc).__name__}: {exc}"]
            reply.append(_cpu(resource) - start)
            _write_frame(replies, json.dumps(reply).encode("utf-8"))


def _cpu(resource: Any) -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return float(usage.ru_utime + usage.ru_stime)


def _set_budget(resource: Any, seconds: float) -> float:
    """Let the worker use `seconds` more CPU time (rounded up to whole seconds, as the kernel
    counts) and `SLIDE_MEMORY` more memory; return the CPU time it has used so far."""
    used = _cpu(resource)
    hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
    resource.setrlimit(resource.RLIMIT_CPU, (math.ceil(used) + max(math.ceil(seconds), 1), hard))
    size = _address_space()
    if size is not None:
        hard = resource.getrlimit(resource.RLIMIT_AS)[1]
        soft = size + SLIDE_MEMORY
        if hard == resource.RLIM_INFINITY or soft <= hard:
            resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    return used


def _address_space() -> int | None:
    """The worker's address space in bytes (Linux's /proc), or None where it is not known."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _max_fd() -> int:
    try:
        return os.sysconf("SC_OPEN_MAX")
    except (OSError, ValueError):
        return 1024


def _write_frame(fd: int, data: bytes) -> None:
    view = memoryview(len(data).to_bytes(_HEADER, "big") + data)
    while view:
        view = view[os.write(fd, view) :]


def _read_frame(fd: int) -> bytes | None:
    header = _read_exactly(fd, _HEADER)
    if header is None:
        return None
    return _read_exactly(fd, int.from_bytes(header, "big"))


def _read_exactly(fd: int, size: int) -> bytes | None:
    parts: list[bytes] = []
    while size:
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            return None
        parts.append(chunk)
        size -= len(chunk)
    return b"".join(parts)

"""Stage 6, output, for the live preview: a LibreOffice that stays running between exports.

`generator.output.pdf` starts soffice for each batch of decks: one deck's PDF took 4.1 to
4.4 s that way, against 0.3 to 0.4 s for one slide and 0.5 s for the whole deck from a soffice
that runs already (benchmarks/live.py, medians of 5). A live preview exports one deck, or one
slide of it, each time its content changes, so `LiveOffice` starts soffice once, lazily, and
keeps it: each export loads the deck into that soffice over UNO, stores the PDF and closes the
deck again.

UNO needs LibreOffice's `uno` module, which the Python deckgen runs in seldom has (Debian's is
python3-uno, for /usr/bin/python3). So a second Python, one that has it, runs
`uno_bridge.py`, which talks to soffice over a named pipe and to deckgen over JSON lines on its
standard input and output. deckgen starts soffice itself, with a private profile whose locale
is the PDF's language, each process in its own process group, so that ending one ends every
process it started.

The PDFs have the options `generator.output.pdf` gives them (tagged, PDF/UA-1, lossless
pictures) and the hidden slides too, so that page n is slide n. POSIX only (process groups).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import selectors
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
import weakref
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from generator.errors import Diagnostic, ToolError, display_path
from generator.output.pdf import _ACCESSIBLE, _EVERY_SLIDE, _LANGUAGE, _SETTINGS, _soffice

#: The script a uno-capable Python runs: it is package data, never imported by deckgen.
BRIDGE = Path(__file__).with_name("uno_bridge.py")
#: Seconds one export may take before soffice is ended. The 9-slide national deck took 0.5 s
#: warm (benchmarks/live.py); a deck that makes soffice hang must not hang the preview with it.
EXPORT_TIMEOUT = 60.0
#: Seconds soffice may take to start and answer on its pipe (in a fresh profile: 3 to 5 s).
START_TIMEOUT = 60.0
#: Seconds soffice and the bridge get to quit on their own before they are killed.
QUIT_TIMEOUT = 10.0
#: Pythons that may have LibreOffice's uno, after LibreOffice's own (beside soffice in
#: LibreOffice's own builds; in Resources on macOS): Debian's and Fedora's, with python3-uno.
_SYSTEM_PYTHONS = ("/usr/bin/python3",)


class LiveOffice:
    """A LibreOffice that stays running: started once, lazily, on the first call; every later
    export reuses it. A context manager; close() ends soffice and its helper.

    One export runs at a time: callers on other threads wait for it. If soffice dies, the
    export starts it again, once; an export that takes longer than `timeout` seconds (soffice's
    start not counted: START_TIMEOUT) ends it, and the next export starts it again. Every
    PDF's language (/Lang) is `locale`, whatever the deck's: LibreOffice writes its own locale
    there (see generator.output.pdf). `soffice` and `python` (one that can import uno) name
    the programs to run where they are not found on their own."""

    def __init__(
        self,
        *,
        locale: str = "sv-SE",
        soffice: str | None = None,
        python: str | None = None,
        timeout: float = EXPORT_TIMEOUT,
    ) -> None:
        if not _LANGUAGE.fullmatch(locale):
            raise ValueError(f"locale: {locale!r} is not a language tag such as 'sv-SE'")
        self._locale = locale
        self._soffice = soffice
        self._python = python
        self._timeout = timeout
        self._lock = threading.Lock()
        # The running session, if any, in a list that the finalizer shares: it ends the session
        # when this object is collected or the interpreter exits, without keeping it alive.
        self._running: list[_Session] = []
        self._finalizer = weakref.finalize(self, _end_all, self._running)

    def __enter__(self) -> LiveOffice:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def pid(self) -> int | None:
        """The running soffice's process id (its process group's too), or None."""
        running = self._running[:1]  # another thread may end it meanwhile
        return _started(running[0].soffice).pid if running else None

    def pdf(self, deck: Path, target: Path, *, pages: Sequence[int] | None = None) -> Path:
        """Export `deck` to the PDF `target`, hidden slides included (so page n is slide n),
        tagged/accessible with the same filter options as generator.output.pdf; only `pages`
        (1-based slide numbers, in the deck's order) when given. Raises
        generator.errors.ToolError with a clear one-line message on failure (soffice missing,
        crashed, timed out, a corrupt deck)."""
        options = _options(pages)
        if not deck.is_file():
            raise _error(display_path(deck), "no such deck")
        target.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, _scratch(target) as scratch:
            request = {
                "deck": str(deck.resolve()),
                "target": str(scratch),
                "filter": options,
                "last": max(pages or [0]),
            }
            self._export(deck, request)
            os.replace(scratch, target)
        return target

    def close(self) -> None:
        """End soffice and the bridge, and remove the profile; a later export starts them
        again."""
        with self._lock:
            _end_all(self._running)

    def _export(self, deck: Path, request: dict[str, Any]) -> None:
        """Send `request` to a running soffice, starting it where there is none, and again
        once where it dies; raise `ToolError` saying what went wrong."""
        for attempt in (1, 2):
            session = self._session()
            try:
                answer = session.ask(request, self._timeout)
            except _Died as died:
                _end_all(self._running, graceful=False)
                if attempt == 2:
                    raise _error(display_path(deck), f"LibreOffice died twice: {died}") from None
                continue
            except _TimedOut:
                _end_all(self._running, graceful=False)
                message = f"LibreOffice took more than {self._timeout:g} s: it was ended"
                raise _error(display_path(deck), message) from None
            if "error" in answer:
                raise _error(display_path(deck), answer["error"])
            return

    def _session(self) -> _Session:
        """Return the running session, starting one where there is none."""
        if not self._running:
            soffice = self._soffice or _soffice()
            python = self._python or _uno_python(soffice)
            self._running.append(_Session.start(soffice, python, self._locale))
        return self._running[0]


class _Died(Exception):
    """soffice or the bridge ended during an export."""


class _TimedOut(Exception):
    """An export took longer than it may."""


class _Session:
    """A running soffice, the bridge connected to it, and soffice's private profile."""

    def __init__(self, profile: Path) -> None:
        self.profile = profile
        self.log = (profile / "soffice.log").open("wb")
        self.soffice: subprocess.Popen[bytes] | None = None
        self.bridge: subprocess.Popen[bytes] | None = None
        self.buffer = b""
        self.pipe = f"deckgen-{uuid.uuid4().hex}"

    @classmethod
    def start(cls, soffice: str, python: str, locale: str) -> _Session:
        """Start soffice with a fresh profile in `locale` and the bridge, and wait until the
        bridge has connected; raise `ToolError` where either does not start."""
        session = cls(Path(tempfile.mkdtemp(prefix="deckgen-live-")))
        settings = session.profile / "user" / "registrymodifications.xcu"
        settings.parent.mkdir()
        settings.write_text(_SETTINGS.format(locale=locale), "utf-8")
        pipe = session.pipe
        try:
            session.soffice = session.spawn(
                _soffice_command(soffice, session.profile, pipe), piped=False
            )
            bridge = [python, str(BRIDGE), pipe, str(START_TIMEOUT)]
            session.bridge = session.spawn(
                [*bridge, str(session.soffice.pid), str(session.profile)], piped=True
            )
            answer = session.reply(START_TIMEOUT + QUIT_TIMEOUT)
        except OSError as failed:  # soffice or the Python cannot be run
            answer = {"error": str(failed)}
        except (_Died, _TimedOut) as failed:  # what soffice said as it failed, if anything
            answer = {"error": session.said() or str(failed)}
        if answer.get("ready"):
            return session
        session.end(graceful=False)
        raise _error("soffice", f"LibreOffice did not start: {answer.get('error')}")

    def spawn(self, command: list[str], *, piped: bool) -> subprocess.Popen[bytes]:
        """Start `command` in its own process group, its errors to the log; its standard input
        and output are pipes where `piped`, else nothing and the log."""
        return subprocess.Popen(
            command,
            stdin=subprocess.PIPE if piped else subprocess.DEVNULL,
            stdout=subprocess.PIPE if piped else self.log,
            stderr=self.log,
            start_new_session=True,
        )

    def ask(self, request: dict[str, Any], timeout: float) -> dict[str, Any]:
        """Send `request` to the bridge and return its answer."""
        stdin = _pipe(_started(self.bridge).stdin)
        try:
            stdin.write(json.dumps(request).encode("utf-8") + b"\n")
            stdin.flush()
        except BrokenPipeError:
            raise _Died("the UNO bridge had exited") from None
        answer = self.reply(timeout)
        if answer.get("kind") == "gone":
            raise _Died(answer["error"])
        return answer

    def reply(self, timeout: float) -> dict[str, Any]:
        """Return the bridge's next JSON line, waiting at most `timeout` seconds; raise `_Died`
        where soffice or the bridge exits first."""
        deadline = time.monotonic() + timeout
        stdout = _pipe(_started(self.bridge).stdout)
        with selectors.DefaultSelector() as selector:
            selector.register(stdout, selectors.EVENT_READ)
            while b"\n" not in self.buffer:
                self.check_running()
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise _TimedOut(f"no answer in {timeout:g} s")
                if selector.select(min(remaining, 0.25)):
                    chunk = os.read(stdout.fileno(), 1 << 16)
                    if not chunk:
                        raise _Died("the UNO bridge exited")
                    self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        try:
            answer: dict[str, Any] = json.loads(line)
        except ValueError:
            said = line.decode("utf-8", "replace").strip()
            raise _Died(f"the UNO bridge said {said!r}") from None
        return answer

    def check_running(self) -> None:
        """Raise `_Died` where soffice has exited."""
        status = _started(self.soffice).poll()
        if status is not None:
            raise _Died(f"soffice exited with status {status}")

    def said(self) -> str:
        """Return the last line soffice or the bridge wrote to the log, or ""."""
        self.log.flush()
        lines = (self.profile / "soffice.log").read_text("utf-8", "replace").splitlines()
        return next((line.strip() for line in reversed(lines) if line.strip()), "")

    def end(self, *, graceful: bool = True) -> None:
        """End the bridge and soffice, gracefully where `graceful` (the bridge, told to quit,
        asks soffice to terminate), and remove the profile and soffice's sockets."""
        if self.bridge is not None:
            with contextlib.suppress(OSError):  # BrokenPipeError: the bridge has exited
                if graceful:
                    _pipe(self.bridge.stdin).write(b'{"quit": true}\n')
                _pipe(self.bridge.stdin).close()
        for process in (self.bridge, self.soffice):
            if process is None:
                continue
            _stop(process, QUIT_TIMEOUT if graceful else 0)
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)
        for socket in _sockets(self.pipe, self.profile):
            socket.unlink(missing_ok=True)


def _stop(process: subprocess.Popen[bytes], grace: float) -> None:
    """Wait `grace` seconds for `process` to exit, then kill its process group (soffice is a
    launcher, oosplash, and soffice.bin under it), reap it, and wait until the group is
    empty: soffice.bin, orphaned, is reaped by init a moment later."""
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(grace)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + QUIT_TIMEOUT
    while _group_alive(process.pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    if process.stdout is not None:
        process.stdout.close()
    if process.stdin is not None:
        with contextlib.suppress(OSError):
            process.stdin.close()


def _group_alive(pgid: int) -> bool:
    """Whether a process that has not exited is left in the process group `pgid`. Exited ones
    (zombies) do not count: where deckgen runs as a container's init, nothing reaps them."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    states = _group_states(pgid)
    return states is None or any(state != "Z" for state in states)


def _group_states(pgid: int) -> list[str] | None:
    """Return the states of the processes in group `pgid` ("Z" for a zombie) from Linux's
    /proc, or None where there is no /proc to read."""
    if not Path("/proc/self/stat").exists():
        return None
    states = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            # pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses.
            fields = stat.read_text("utf-8", "replace").rpartition(")")[2].split()
            if int(fields[2]) == pgid:
                states.append(fields[0])
    return states


def _end_all(running: list[_Session], *, graceful: bool = True) -> None:
    """End every session in `running` and empty it."""
    while running:
        running.pop().end(graceful=graceful)


def _started(process: subprocess.Popen[bytes] | None) -> subprocess.Popen[bytes]:
    """Return `process`, which `_Session.start` has started."""
    assert process is not None, "a session's processes start before it is used"
    return process


def _pipe(stream: IO[bytes] | None) -> IO[bytes]:
    """Return a pipe that `_Session.spawn` opened."""
    assert stream is not None, "spawned with stdin and stdout as pipes"
    return stream


def _sockets(pipe: str, profile: Path) -> list[Path]:
    """Return the sockets soffice makes in /tmp, which it removes as it quits but leaves
    behind when it is killed: the UNO pipe `pipe`, and the one that makes a second soffice of
    the same `profile` hand over to the first (named, in LibreOffice 7.4, by the MD5 of the
    profile's URL in UTF-16, each byte in hex without leading zeros)."""
    digest = hashlib.md5(profile.as_uri().encode("utf-16-le"), usedforsecurity=False).digest()
    single = "SingleOfficeIPC_" + "".join(f"{byte:x}" for byte in digest)
    return [Path("/tmp") / f"OSL_PIPE_{os.getuid()}_{name}" for name in (pipe, single)]


def _soffice_command(soffice: str, profile: Path, pipe: str) -> list[str]:
    """Return the command line of a headless soffice in `profile` that listens on `pipe`."""
    return [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--invisible",
        "--norestore",
        "--nologo",
        "--nodefault",
        "--nolockcheck",
        f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
    ]


def _uno_python(soffice: str) -> str:
    """Return a Python that can import uno: LibreOffice's own, else the system's; raise
    `ToolError` saying what to install where there is none."""
    program = Path(soffice).resolve().parent
    own = (program / "python", program / "python.exe", program.parent / "Resources" / "python")
    for python in (*own, *map(Path, _SYSTEM_PYTHONS)):
        if python.is_file() and _imports_uno(python):
            return str(python)
    message = (
        "the live preview drives LibreOffice over UNO and needs a Python that can import uno: "
        "install python3-uno (apt-get install python3-uno)"
    )
    raise _error("soffice", message)


def _imports_uno(python: Path) -> bool:
    """Whether `python` runs and can import uno."""
    try:
        command = [str(python), "-c", "import uno"]
        probe = subprocess.run(command, capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


def _options(pages: Sequence[int] | None) -> dict[str, dict[str, str]]:
    """Return the export filter's options: pdf.py's, every slide, and `pages` as a PageRange."""
    options = {**_ACCESSIBLE, **_EVERY_SLIDE}
    if pages is None:
        return options
    if not pages or min(pages) < 1:
        raise ValueError(f"pages: {list(pages)!r} are not slide numbers from 1")
    return {**options, "PageRange": {"type": "string", "value": _page_range(pages)}}


def _page_range(pages: Sequence[int]) -> str:
    """Return `pages` as LibreOffice's page range, in order, runs joined: [5, 6, 2] is "2,5-6"."""
    runs: list[list[int]] = []
    for page in sorted(set(pages)):
        if runs and page == runs[-1][-1] + 1:
            runs[-1].append(page)
        else:
            runs.append([page])
    return ",".join(str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}" for run in runs)


@contextlib.contextmanager
def _scratch(target: Path) -> Iterator[Path]:
    """Yield a hidden file beside `target` for soffice to write, removed unless it was moved
    into place, so that `target` is never half written."""
    handle, name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".pdf", dir=target.parent)
    os.close(handle)
    try:
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


def _error(where: str, message: str) -> ToolError:
    """Return a `ToolError` with one diagnostic."""
    return ToolError([Diagnostic(where, None, None, message)])

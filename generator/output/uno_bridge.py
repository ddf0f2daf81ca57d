"""The UNO side of `generator.output.live`: a script that drives a running LibreOffice.

It is run, never imported by deckgen, by a Python that can import LibreOffice's `uno` (Debian's
/usr/bin/python3 with python3-uno, or LibreOffice's own program/python), which is seldom the
Python deckgen runs in. It uses the standard library and `uno` only.

    python3 uno_bridge.py PIPE SECONDS SOFFICE_PID PROFILE

It connects to the soffice that listens on the named pipe PIPE (trying for SECONDS while soffice
starts), says {"ready": true}, then reads one JSON request a line from standard input and
answers each with one JSON line on standard output:

    {"deck": "/abs/deck.pptx", "target": "/abs/out.pdf", "filter": {name: {type, value}},
     "last": the highest slide number asked for, or 0}
    -> {"ok": true}
    -> {"error": "one line", "kind": "open" | "pages" | "export" | "gone"}

"gone" means soffice itself stopped answering. {"quit": true} asks soffice to terminate and
ends the bridge; deckgen then removes soffice's PROFILE. Where deckgen ends without saying so
(killed), the bridge sees its input end, asks soffice to terminate, waits for the process
SOFFICE_PID to exit (killing its process group if it does not) and removes PROFILE itself, so
that no LibreOffice is left behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import sys
import time
from collections.abc import Callable
from typing import Any

#: Seconds soffice gets to quit before it is killed, where deckgen is gone.
_QUIT = 10.0
#: The PDF export filter's option types, as pdf.py's JSON gives them, to Python's.
_TYPES: dict[str, Callable[[str], object]] = {
    "boolean": lambda value: value.lower() == "true",
    "long": int,
    "string": str,
}


def main(argv: list[str]) -> int:
    """Connect to the soffice on the pipe argv[1], export what standard input asks, then end
    soffice (argv[3], its profile argv[4])."""
    try:
        import uno  # type: ignore[import-not-found]
    except ImportError as error:
        _say({"error": f"{sys.executable} cannot import uno: {error}", "kind": "gone"})
        return 3
    pipe, seconds, soffice, profile = argv[1], float(argv[2]), int(argv[3]), argv[4]
    bridge = _Bridge(uno)
    desktop = bridge.connect(pipe, seconds)
    if desktop is None:
        return 4
    told = _serve(bridge, desktop)
    bridge.terminate(desktop)
    if not told:  # deckgen is gone: nobody else will clean up after soffice
        _clean_up(soffice, profile)
    return 0


def _serve(bridge: _Bridge, desktop: Any) -> bool:
    """Answer deckgen's requests; return True where it said to quit, False where it is gone."""
    try:
        _say({"ready": True})
        for line in sys.stdin:
            request = json.loads(line)
            if request.get("quit"):
                return True
            _say(bridge.handle(desktop, request))
    except BrokenPipeError:
        pass  # deckgen ended as it was answered
    return False


def _clean_up(soffice: int, profile: str) -> None:
    """Wait for the process `soffice` to exit, killing its process group after _QUIT seconds,
    then remove its profile."""
    for kill in (False, True):
        if kill and _running(soffice):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(soffice, signal.SIGKILL)
        deadline = time.monotonic() + _QUIT
        while _running(soffice) and time.monotonic() < deadline:
            time.sleep(0.1)
    shutil.rmtree(profile, ignore_errors=True)


def _running(pid: int) -> bool:
    """Whether the process `pid` is there."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _say(message: dict[str, Any]) -> None:
    """Write `message` to the parent as one JSON line."""
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


class _Bridge:
    """LibreOffice's desktop over UNO: load a deck, export it, close it."""

    def __init__(self, uno: Any) -> None:
        self.uno = uno
        self.error = uno.getClass("com.sun.star.uno.Exception")

    def connect(self, pipe: str, seconds: float) -> Any:
        """Return soffice's Desktop on `pipe`, trying for `seconds`; None, said, if it never
        answers."""
        context = self.uno.getComponentContext()
        resolver = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", context
        )
        url = f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext"
        deadline = time.monotonic() + seconds
        while True:
            try:
                remote = resolver.resolve(url)
                break
            except self.error as error:
                if time.monotonic() > deadline:
                    _say({"error": f"soffice did not answer: {error.Message}", "kind": "gone"})
                    return None
                time.sleep(0.1)
        return remote.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", remote)

    def handle(self, desktop: Any, request: dict[str, Any]) -> dict[str, Any]:
        """Export one deck as `request` says; return the answer."""
        try:
            return self.export(desktop, request)
        except self.error as error:
            kind = "export" if self.alive(desktop) else "gone"
            return {"error": _one_line(error.Message) or type(error).__name__, "kind": kind}

    def export(self, desktop: Any, request: dict[str, Any]) -> dict[str, Any]:
        """Load the deck hidden, read-only and with no macros, store it as a PDF, close it."""
        document = self.load(desktop, request["deck"])
        if isinstance(document, dict):
            return document
        try:
            if not document.supportsService("com.sun.star.presentation.PresentationDocument"):
                return {"error": "LibreOffice did not read it as a presentation", "kind": "open"}
            slides = document.getDrawPages().getCount()
            wanted = request.get("last", 0)
            if wanted > slides:
                message = f"it has {slides} slides: there is no slide {wanted}"
                return {"error": message, "kind": "pages"}
            document.storeToURL(
                self.uno.systemPathToFileUrl(request["target"]),
                self.properties(
                    FilterName="impress_pdf_Export",
                    FilterData=self.filter_data(request["filter"]),
                    Overwrite=True,
                ),
            )
        finally:
            document.close(True)
        return {"ok": True}

    def load(self, desktop: Any, deck: str) -> Any:
        """Return the document `deck` opened hidden, read-only, with no macros run and no links
        updated (a deck can be untrusted input); or the answer saying why it could not be."""
        try:
            document = desktop.loadComponentFromURL(
                self.uno.systemPathToFileUrl(deck),
                "_blank",
                0,
                self.properties(Hidden=True, ReadOnly=True, MacroExecutionMode=0, UpdateDocMode=0),
            )
        except self.error as error:
            if not self.alive(desktop):
                raise
            said = _one_line(error.Message)
            return {"error": f"LibreOffice could not open it: {said}", "kind": "open"}
        if document is None:
            return {"error": "LibreOffice could not open it", "kind": "open"}
        return document

    def properties(self, **values: Any) -> tuple[Any, ...]:
        """Return `values` as UNO PropertyValues."""
        found = []
        for name, value in values.items():
            prop = self.uno.createUnoStruct("com.sun.star.beans.PropertyValue")
            prop.Name, prop.Value = name, value
            found.append(prop)
        return tuple(found)

    def filter_data(self, options: dict[str, dict[str, str]]) -> Any:
        """Return the export filter's options, typed, as the sequence UNO expects."""
        typed = {name: _TYPES[option["type"]](option["value"]) for name, option in options.items()}
        return self.uno.Any("[]com.sun.star.beans.PropertyValue", self.properties(**typed))

    def alive(self, desktop: Any) -> bool:
        """Whether soffice still answers."""
        try:
            desktop.getCurrentComponent()
        except self.error:
            return False
        return True

    def terminate(self, desktop: Any) -> None:
        """Ask soffice to quit; the parent kills it if it does not."""
        # It may be gone already, or the connection may drop as it quits.
        with contextlib.suppress(self.error):
            desktop.terminate()


def _one_line(text: str) -> str:
    """Return the first non-empty line of `text`, stripped, without the place in LibreOffice's
    source that raised it (` at ./framework/source/loadenv/loadenv.cxx:189`)."""
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return re.sub(r" at \./\S+:\d+$", "", line)


if __name__ == "__main__":
    sys.exit(main(sys.argv))

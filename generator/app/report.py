"""The one reporter: what a command prints besides its errors.

Library code returns what it did and never prints; the commands tell the reporter, which
prints one line per deck (above a rich progress bar on a terminal) and the summaries on
standard output, and the content's warnings on standard error.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable
from typing import Any

import click

from generator.errors import Diagnostic


class Reporter:
    """Prints a command's lines on standard output, and a progress bar on a terminal."""

    def __init__(self) -> None:
        self._bar: Any = None
        self._task: Any = None
        self._warned: set[Diagnostic] = set()
        self._held: list[str] = []

    def warnings(self, diagnostics: Iterable[Diagnostic]) -> None:
        """Print each warning on standard error, once per command: decks built with the same
        overlay share its warnings. Under a progress bar they wait until it is taken down."""
        for diagnostic in sorted(diagnostics, key=_position):
            if diagnostic in self._warned:
                continue
            self._warned.add(diagnostic)
            if self._bar is not None:
                self._held.append(str(diagnostic))
            else:
                click.echo(str(diagnostic), err=True)

    def line(self, text: str) -> None:
        """Print one line, above the progress bar while there is one."""
        if self._bar is not None:
            self._bar.console.print(text, highlight=False, markup=False)
        else:
            _echo(text)

    def start(self, total: int, label: str) -> None:
        """Show a progress bar of `total` steps if standard error is a terminal; rich loads only
        here."""
        if total < 2 or not sys.stderr.isatty():
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._bar = Progress(
            TextColumn(label),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            transient=False,
        )
        self._task = self._bar.add_task("", total=total)
        self._bar.start()

    def advance(self, text: str) -> None:
        """Print `text` for a step that is done and move the bar on."""
        self.line(text)
        if self._bar is not None:
            self._bar.update(self._task, advance=1)

    def stop(self) -> None:
        """Take the progress bar down, if there is one."""
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
        for text in self._held:
            click.echo(text, err=True)
        self._held.clear()


def _position(diagnostic: Diagnostic) -> tuple[str, int, int]:
    """A deck's warnings in the order of their files' lines."""
    return (diagnostic.file, diagnostic.line or 0, diagnostic.column or 0)


def _echo(text: str) -> None:
    """Print a line on standard output. If its reader has gone (`deckgen build --all | head -1`),
    the lines after it go nowhere, and the work goes on: every deck is still built and recorded."""
    try:
        click.echo(text)
    except BrokenPipeError:
        # Python's own advice: point stdout at /dev/null, so its last flush cannot fail (there is
        # no file descriptor under a test runner).
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())

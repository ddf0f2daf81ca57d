"""The one error tree of deckgen: diagnostics that point at a file, a line and a column."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any, Literal

import click

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in one input file, printed like a compiler error or warning."""

    file: str
    line: int | None
    column: int | None
    message: str
    severity: Severity = "error"
    """An error stops the deck; a warning is printed and the deck is built (see `warning`)."""

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.file}: {self.severity}: {self.message}"
        return f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.message}"


def warning(diagnostic: Diagnostic) -> Diagnostic:
    """Return `diagnostic` as a warning: something the user likely did not mean, such as an
    overlay whose list leaves out entries, that does not stop the build or change its exit
    status."""
    return replace(diagnostic, severity="warning")


#: deckgen's exit statuses, in BSD sysexits style where click has none: `deckgen --help` and the
#: README list them, and a test pins each.
EXIT_OK = 0
EXIT_CONTENT = 1
"""The content, a region file, an overlay, a brand or a template is wrong."""
EXIT_USAGE = 2
"""The command line is wrong (click's own usage errors)."""
EXIT_FINDINGS = 3
"""`deckgen check` found problems at or above `--fail-on`."""
EXIT_TOOL = 4
"""An external tool (LibreOffice's soffice, poppler's pdftoppm) is missing or failed."""
EXIT_INTERNAL = 70
"""A bug in deckgen (EX_SOFTWARE)."""


class DeckgenError(click.ClickException):
    """Every problem deckgen reports to a user; the CLI prints it without a traceback."""

    exit_code = EXIT_CONTENT

    def __init__(self, diagnostics: Sequence[Diagnostic], summary: str | None = None) -> None:
        self.diagnostics = list(diagnostics)
        self.summary = summary
        super().__init__("\n".join(str(d) for d in self.diagnostics))

    def show(self, file: IO[Any] | None = None) -> None:
        for diagnostic in self.diagnostics:
            click.echo(str(diagnostic), file=file, err=True)
        summary = self.summary or "nothing was written."
        click.echo(
            f"deckgen: {counted(len(self.diagnostics), 'error')}; {summary}", file=file, err=True
        )


class ToolError(DeckgenError):
    """An external tool that deckgen needs is missing or failed: not the user's content."""

    exit_code = EXIT_TOOL


class InternalError(DeckgenError):
    """A bug in deckgen, reported as one line per deck it broke."""

    exit_code = EXIT_INTERNAL


def counted(count: int, noun: str) -> str:
    """Return "1 error", "2 errors": `count` and `noun`, plural where it is not one."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def fail_if_any(diagnostics: Iterable[Diagnostic]) -> None:
    """Raise one `DeckgenError` carrying every diagnostic, if there are any."""
    found = list(diagnostics)
    if found:
        raise DeckgenError(found)


def shown(value: str) -> str:
    """Return `value` quoted for a one-line message: 'text', with line breaks and other control
    characters escaped, and cut short after 80 characters."""
    text = value if len(value) <= 80 else value[:77] + "..."
    if text.isprintable():
        return f"'{text}'"
    return repr(text) if repr(text).startswith("'") else "'" + repr(text)[1:-1] + "'"


def did_you_mean(value: str, allowed: Iterable[str]) -> str:
    """Return "; did you mean 'x'?" for the closest allowed value, or an empty string."""
    close = difflib.get_close_matches(value, list(allowed), n=1, cutoff=0.6)
    return f"; did you mean {shown(close[0])}?" if close else ""


def allowed_list(allowed: Iterable[str]) -> str:
    """Return the allowed values as "a, b, c", sorted, for the end of a message."""
    return ", ".join(sorted(allowed))


def unknown(what: str, value: str, allowed: Iterable[str], label: str = "known") -> str:
    """Return "unknown <what> 'value'; did you mean 'x'? (known: a, b)"."""
    allowed = list(allowed)
    hint = did_you_mean(value, allowed)
    return f"unknown {what} {shown(value)}{hint} ({label}: {allowed_list(allowed)})"


def display_path(path: Path) -> str:
    """Return `path` relative to the working directory where it lies below it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()

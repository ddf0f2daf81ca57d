"""`deckgen check`: findings about built decks, one line each.

Each check is a module with a function that takes what it needs (the deck read back, its
package, its rendered PDF, its content) and returns `Finding`s: `access` (PowerPoint's
Accessibility Checker rules and WCAG AA contrast), `package` (well-formed parts, schemas,
relationships, shape ids, content types, and links), `overflow` (text outside its box, measured
on the PDF that LibreOffice renders) and `fidelity` (text of the content missing in the deck).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..errors import display_path

if TYPE_CHECKING:
    from ..batch import Variant
    from .view import DeckView

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Finding:
    """One thing wrong with one deck, on one slide or in its package."""

    deck: str
    slide: int
    """The slide's number, from 1; 0 for the package or the deck as a whole."""
    slide_id: str
    severity: Severity
    message: str
    check: str

    def __str__(self) -> str:
        where = f"slide {self.slide} ({self.slide_id})" if self.slide else "deck"
        return f"{self.deck}: {where}: {self.severity}: {self.message} [{self.check}]"


def finding(
    deck: Path, severity: Severity, message: str, check: str, slide: int = 0, slide_id: str = ""
) -> Finding:
    """Return a finding about `deck`, named as the user sees it."""
    return Finding(display_path(deck), slide, slide_id, severity, message, check)


def check_decks(decks: list[tuple[Variant, Path]], templates: Path) -> list[Finding]:
    """Return every finding about `decks`, deck by deck, slide by slide."""
    from ..batch import export_pdfs
    from ..errors import DeckgenError
    from .overflow import overflow

    found: list[Finding] = []
    views: dict[Path, DeckView] = {}
    # LibreOffice renders the PDFs that overflow is measured on while the other checks run.
    with ThreadPoolExecutor(max_workers=1) as pool:
        rendering = pool.submit(export_pdfs, [path for _, path in decks], report=False)
        found += _content_checks(decks, templates, views)
        try:
            rendering.result()
        except DeckgenError as exc:
            reason = "; ".join(d.message for d in exc.diagnostics)
            message = f"overflow not measured: {reason}"
            found += [finding(path, "warning", message, "overflow") for _, path in decks]
            views = {}
    for path, view in views.items():
        found += overflow(view, path.with_suffix(".pdf"))
    return sorted(found, key=lambda f: (f.deck, f.slide))


def _content_checks(
    decks: list[tuple[Variant, Path]], templates: Path, views: dict[Path, DeckView]
) -> list[Finding]:
    """Return the package, accessibility and fidelity findings; keep each deck read in `views`."""
    from ..build import Builder
    from ..errors import DeckgenError
    from .access import accessibility
    from .fidelity import fidelity
    from .package import package
    from .view import read_deck

    found: list[Finding] = []
    builder = Builder(templates)
    for variant, path in decks:
        problems = package(path)
        found += problems
        if any(f.check == "package" and _unreadable(f.message) for f in problems):
            continue  # python-pptx cannot read it
        try:
            view = read_deck(path)
        except Exception as exc:  # noqa: BLE001 - any reason python-pptx cannot read the deck
            message = f"python-pptx cannot read the deck: {exc}"
            found.append(finding(path, "error", message, "package"))
            continue
        views[path] = view
        found += accessibility(view)
        try:
            ready = builder.plan(variant)
        except DeckgenError as exc:
            message = f"its content does not build any more ({exc.diagnostics[0]})"
            found.append(finding(path, "error", message, "fidelity"))
            continue
        found += fidelity(view, ready.deck, ready.specs, ready.template)
    return found


def _unreadable(message: str) -> bool:
    return "not well-formed" in message or "not a readable" in message

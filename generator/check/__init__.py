"""`deckgen check`: findings about built decks, one line each.

Each check is a module with a function that takes what it needs (the deck read back, its
package, its rendered PDF, its content) and returns `Finding`s: `access` (PowerPoint's
Accessibility Checker rules and WCAG AA contrast), `package` (well-formed parts, schemas,
relationships, shape ids, content types, and links), `overflow` (text outside its box and words
broken inside themselves, measured on the PDF that LibreOffice renders, or words too wide for
their box, estimated where LibreOffice is missing), `overlap` (a shape over a title or over
other text), `pictures` (a picture out of its image's proportions), `fidelity` (text of the
content missing in the deck), `fonts` (a font that this machine shows as one of other
widths, so that overflow and the preview measure another text) and `logos` (logos shown at
cap heights that differ, measured across all the decks checked together).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from generator.check.access import accessibility
from generator.check.fidelity import fidelity
from generator.check.finding import Finding, Severity, finding
from generator.check.fonts import fonts
from generator.check.logos import logos
from generator.check.overflow import overflow, too_wide
from generator.check.overlap import overlap
from generator.check.package import package
from generator.check.pictures import distorted
from generator.check.view import DeckView, read_deck
from generator.errors import DeckgenError
from generator.output.pdf import export_pdfs
from generator.pipeline import Pipeline
from generator.source.variant import Options, Variant

__all__ = ["Finding", "Severity", "check_decks", "finding"]


def check_decks(decks: list[tuple[Variant, Path]], options: Options) -> list[Finding]:
    """Return every finding about `decks`, deck by deck, slide by slide."""
    found: list[Finding] = []
    views: dict[Path, DeckView] = {}
    # LibreOffice renders the PDFs that overflow is measured on while the other checks run.
    with ThreadPoolExecutor(max_workers=1) as pool:
        rendering = pool.submit(export_pdfs, [path for _, path in decks])
        found += _content_checks(decks, options, views)
        found += fonts([view.fonts for view in views.values()])
        found += logos(list(views.values()))
        try:
            rendering.result()
            found += [f for path, view in views.items() for f in overflow(view, _pdf(path))]
            found += _hidden_overflow(views)
        except DeckgenError as exc:
            reason = "; ".join(d.message for d in exc.diagnostics)
            message = f"overflow not measured: {reason}"
            found += [finding(path, "warning", message, "overflow") for _, path in decks]
            # Without a PDF, a word too wide for its box is still found, by an estimate.
            found += [f for view in views.values() for f in too_wide(view)]
    return sorted(found, key=lambda f: (f.deck, f.slide))


def _content_checks(
    decks: list[tuple[Variant, Path]], options: Options, views: dict[Path, DeckView]
) -> list[Finding]:
    """Return the package, accessibility and fidelity findings; keep each deck read in `views`."""
    found: list[Finding] = []
    pipeline = Pipeline(options)
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
        found += overlap(view)
        found += distorted(view)
        try:
            ready = pipeline.plan(variant)
        except DeckgenError as exc:
            message = f"its content does not build any more ({exc.diagnostics[0]})"
            found.append(finding(path, "error", message, "fidelity"))
            continue
        found += fidelity(view, ready.deck, ready.specs, ready.template)
    return found


def _pdf(deck: Path) -> Path:
    return deck.with_suffix(".pdf")


def _hidden_overflow(views: dict[Path, DeckView]) -> list[Finding]:
    """Return the overflow findings of hidden slides, which the PDF beside a deck leaves out
    (as the slide show skips them) but a speaker may unhide during a talk: measured on a PDF
    of every slide, the one `deckgen preview` keeps in `preview/` beside the deck."""
    hiding = [path for path, view in views.items() if any(s.hidden for s in view.slides)]
    for folder in sorted({path.parent / "preview" for path in hiding}):
        folder.mkdir(exist_ok=True)
        export_pdfs(
            [p for p in hiding if p.parent / "preview" == folder], folder=folder, every_slide=True
        )
    found = []
    for path in hiding:
        view = views[path]
        hidden = {slide.number for slide in view.slides if slide.hidden}
        every = overflow(view, path.parent / "preview" / f"{path.stem}.pdf")
        found += [
            replace(f, message=f"{f.message} (a hidden slide)") for f in every if f.slide in hidden
        ]
    return found


def _unreadable(message: str) -> bool:
    return "not well-formed" in message or "not a readable" in message

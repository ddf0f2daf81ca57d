"""`deckgen preview`: render built decks to PNG and write a static gallery of them, in Swedish.

LibreOffice exports the decks to PDF (`output.pdf`: one soffice run for them all), and
`output.raster` turns each page into a PNG, a thumbnail and, per deck, a contact sheet. A deck
with hidden slides also gets a PDF with every slide, `preview/<deck>.pdf`, for its pictures: the
PDF beside the deck is the talk as shown, without them. What it writes:

    output/index.html                      the gallery: one section per deck
    output/compare/<slide id>.html         one slide in every deck, side by side
    output/preview/<deck>/slide-01.png     each slide, 1280 px wide
    output/preview/<deck>/thumb-01.png     each slide, 320 px wide
    output/preview/<deck>-sheet.png        the contact sheet

The page has every deck in the manifest whose slides have been rendered, not only those of this
run: `deckgen preview --region varmland` renders Värmland's deck again and keeps the others'
sections. What each section says comes from the manifest (the region's name, when it was built)
and from the deck itself (its title, its slides' ids, notes and whether they are hidden); `page`
and its Jinja templates write the HTML. The pages are self-contained (inline CSS, no script, no
fonts or other files from elsewhere) and their links are relative, so the output folder can be
zipped, served or opened from disk. The same decks give the same bytes.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from generator.errors import DeckgenError, Diagnostic, display_path
from generator.gallery.deck import DeckFacts, read_deck
from generator.gallery.page import (
    COMPARE,
    NATIONAL,
    Section,
    compare_html,
    compared,
    index_html,
    ordered,
    section,
    swedish_time,
    with_brand,
)
from generator.output.manifest import Entry, Manifest
from generator.output.pdf import current, export_pdfs
from generator.output.raster import (
    Columns,
    contact_sheet,
    find_pdftoppm,
    newer,
    render,
    rendered,
)
from generator.output.save import save
from generator.source.variant import Variant

#: The gallery's file name in the output folder.
INDEX = "index.html"
#: The folder of the PNGs in the output folder.
PREVIEW = "preview"


@dataclass(frozen=True)
class Gallery:
    """What `write_gallery` wrote: the page, and how many decks it shows."""

    page: Path
    decks: int


def write_gallery(
    decks: list[tuple[Variant, Path]],
    output: Path,
    report: Callable[[str], None],
    grid: Columns = (),
) -> Gallery:
    """Render `decks` (built, in `output`) to PNG, make a contact sheet of each, and write
    `output/index.html` with every deck rendered so far, and the compare pages. `report` is told
    each file written. With `grid`, each deck also gets `<deck>-grid.png`: its contact sheet
    with those columns drawn over every slide."""
    pdftoppm = find_pdftoppm()
    paths = [deck for _, deck in decks]
    facts = {deck: read_deck(deck) for deck in paths}
    folder = output / PREVIEW
    hidden = [deck for deck in paths if facts[deck].hidden]
    for pdf in [*export_pdfs(paths), *export_pdfs(hidden, folder=folder, every_slide=True)]:
        report(f"wrote {display_path(pdf)}")
    entries = Manifest(output).entries

    def one(item: tuple[Variant, Path]) -> None:
        variant, deck = item
        every = facts[deck].hidden > 0
        pdf = folder / f"{deck.stem}.pdf" if every else deck.with_suffix(".pdf")
        if not every:
            (folder / f"{deck.stem}.pdf").unlink(missing_ok=True)  # a PDF for hidden slides
        sheet = folder / f"{deck.stem}-sheet.png"
        slides = render(pdf, folder / deck.stem, sheet, pdftoppm)
        expected = len(facts[deck].slides)
        if len(slides) != expected:
            message = (
                f"LibreOffice exported {len(slides)} of its {expected} slides "
                "(hidden slides need LibreOffice 7.4 or later)"
            )
            raise DeckgenError([Diagnostic(display_path(deck), None, None, message)])
        if not newer(sheet, pdf):
            entry = entries.get(variant.key)
            name = entry.name if entry is not None and entry.name else NATIONAL
            heading = with_brand(f"{facts[deck].title or deck.stem} · {name}", variant.key)
            labels = [
                f"{s.number} · dold" if s.hidden else str(s.number) for s in facts[deck].slides
            ]
            contact_sheet(
                [s.full for s in slides], sheet, heading, _details(facts[deck], entry), labels
            )
            report(f"wrote {display_path(sheet)} ({len(slides)} slides)")
        if grid:
            gridded = folder / f"{deck.stem}-grid.png"
            heading = f"{facts[deck].title or deck.stem} · {len(grid)} kolumner"
            contact_sheet([s.full for s in slides], gridded, heading, deck.name, grid=grid)
            report(f"wrote {display_path(gridded)}")

    workers = min(len(decks), os.cpu_count() or 1) or 1
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(one, decks))
        found = pool.map(lambda item: _section(item[0], item[1], output, facts), entries.items())
        sections = ordered([each for each in found if each is not None])
    page = output / INDEX
    save(index_html(sections, compared(sections)).encode("utf-8"), page)
    _write_compare_pages(sections, output, report)
    return Gallery(page, len(sections))


def _section(key: str, entry: Entry, output: Path, known: dict[Path, DeckFacts]) -> Section | None:
    """Return the section of a deck in the manifest, or None where it is not built or its
    slides have not been rendered (or were rendered from a deck with another number of
    slides). Pictures older than the deck are shown, and the section says so."""
    deck = output / entry.file
    slides = rendered(output / PREVIEW / deck.stem)
    if not slides or not deck.is_file():
        return None
    facts = known.get(deck) or read_deck(deck)
    if len(facts.slides) != len(slides):
        return None
    every = facts.hidden > 0
    pdf = output / PREVIEW / f"{deck.stem}.pdf" if every else deck.with_suffix(".pdf")
    # The pictures are the deck's if its PDF is of the deck's bytes (`output.pdf.current`: a
    # deck built again to the same bytes keeps its PDF) and they were made since it or the deck.
    made = slides[0].full
    fresh = current(deck, pdf, every_slide=every) and (newer(made, pdf) or newer(made, deck))
    return section(key, entry, facts, slides, output, stale=not fresh)


def _write_compare_pages(
    sections: list[Section], output: Path, report: Callable[[str], None]
) -> None:
    """Write a compare page per slide id where it changed, and remove those of ids no deck
    has any more."""
    folder = output / COMPARE
    comparisons = compared(sections)
    written = set()
    for comparison in comparisons:
        target = output / comparison.page
        text = compare_html(comparison, comparisons, len(sections)).encode("utf-8")
        written.add(target.name)
        if not target.is_file() or target.read_bytes() != text:
            save(text, target)
            report(f"wrote {display_path(target)}")
    for old in sorted(folder.glob("*.html")):
        if old.name not in written:
            old.unlink()


def _details(facts: DeckFacts, entry: Entry | None) -> str:
    """Return the contact sheet's line under its heading: slides, hidden, build time, versions."""
    count = len(facts.slides)
    parts = [f"{count} bild{'er' * (count != 1)}"]
    if facts.hidden:
        parts.append(f"{facts.hidden} {'dold' if facts.hidden == 1 else 'dolda'}")
    if entry is not None:
        if entry.built:
            parts.append(f"byggd {swedish_time(entry.built)}")
        parts += [f"innehåll {entry.inputs[:12]}", f"deckgen {entry.deckgen}"]
    return " · ".join(parts)

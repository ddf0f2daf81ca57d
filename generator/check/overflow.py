"""Overflow, measured rather than estimated: where LibreOffice put each word of the rendered
PDF (poppler's `pdftotext -bbox`), against the box of the shape whose text it is."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from generator.check.finding import Finding, finding
from generator.check.view import DeckView, Shape

#: Points a word may stand past its box's edge: glyph ascents, rounding.
_SLACK = 3.0


@dataclass(frozen=True)
class Word:
    text: str
    box: tuple[float, float, float, float]
    """x0, y0, x1, y1 in points from the page's top-left corner."""


def pdf_words(pdf: Path) -> list[tuple[float, float, list[Word]]]:
    """Return each page of `pdf` as (width, height, words)."""
    tool = shutil.which("pdftotext")
    if tool is None:
        raise FileNotFoundError("pdftotext (poppler-utils)")
    result = subprocess.run(
        [tool, "-bbox", str(pdf), "-"], capture_output=True, check=True, timeout=120
    )
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
    root = etree.fromstring(result.stdout, parser)
    pages = []
    for page in root.iter("{*}page"):
        words = [
            Word(
                word.text or "",
                tuple(float(word.get(k, 0)) for k in ("xMin", "yMin", "xMax", "yMax")),  # type: ignore[arg-type]
            )
            for word in page.iter("{*}word")
        ]
        pages.append((float(page.get("width", 0)), float(page.get("height", 0)), words))
    return pages


def overflow(deck: DeckView, pdf: Path) -> list[Finding]:
    """Return a finding for each shape whose text LibreOffice drew outside its box, and each
    whose text runs off the slide."""
    pages = pdf_words(pdf)
    shown = [slide for slide in deck.slides if not slide.hidden]
    slides = shown if len(pages) == len(shown) else deck.slides
    if len(pages) != len(slides):
        message = f"the PDF has {len(pages)} pages for {len(deck.slides)} slides: not measured"
        return [finding(deck.path, "warning", message, "overflow")]
    found = []
    for slide, (width, height, words) in zip(slides, pages, strict=True):
        scale = width / deck.size[0] if deck.size[0] else 1.0
        shapes = [s for s in slide.shapes if s.kind == "text" and s.box is not None]
        for message in _outside(shapes, words, scale, width, height):
            found.append(finding(deck.path, "error", message, "overflow", slide.number, slide.id))
    return found


def _outside(
    shapes: list[Shape], words: list[Word], scale: float, width: float, height: float
) -> list[str]:
    tokens = {id(shape): set(shape.text.split()) for shape in shapes}
    beyond: dict[str, list[float]] = {}
    off_slide: set[str] = set()
    for word in words:
        owners = [s for s in shapes if word.text in tokens[id(s)]]
        if not owners:
            continue  # not text of a shape deckgen can place: split or joined by the renderer
        distances = [_distance(word.box, _scaled(s, scale)) for s in owners]
        if min(distances) <= _SLACK:
            continue
        nearest = owners[distances.index(min(distances))]
        beyond.setdefault(nearest.name, []).append(min(distances))
        x0, y0, x1, y1 = word.box
        if x0 < -_SLACK or y0 < -_SLACK or x1 > width + _SLACK or y1 > height + _SLACK:
            off_slide.add(nearest.name)
    messages = []
    for name, distances in beyond.items():
        where = "and runs off the slide" if name in off_slide else ""
        count = len(distances)
        messages.append(
            f"text overflows its box {name!r} by {max(distances):.0f} pt {where}".rstrip()
            + f" ({count} word{'s' * (count != 1)} outside it)"
        )
    return messages


def _scaled(shape: Shape, scale: float) -> tuple[float, float, float, float]:
    assert shape.box is not None
    x, y, w, h = shape.box
    return (x * scale, y * scale, (x + w) * scale, (y + h) * scale)


def _distance(word: tuple[float, float, float, float], box: tuple[float, ...]) -> float:
    """Return how far `word` stands outside `box`, 0 if it is inside: across, by its edges;
    up and down, by its middle, as ascents and descents may pass a tight box's edge."""
    x0, y0, x1, y1 = word
    bx0, by0, bx1, by1 = box
    middle = (y0 + y1) / 2
    return max(0.0, bx0 - x0, x1 - bx1, by0 - middle, middle - by1)

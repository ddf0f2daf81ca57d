"""Overflow, measured rather than estimated: where LibreOffice put each word of the rendered
PDF (poppler's `pdftotext -bbox`), against the box of the shape whose text it is.

A word too wide for a line of its box is broken by the renderer into pieces, one a line, that
are not words of the shape's text: each piece is matched to the word it is part of, so its
lines count, and a word broken inside itself is a finding of its own. Without a PDF (no
LibreOffice), `too_wide` estimates the same finding from the characters' narrowest width.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from generator.check.finding import Finding, Severity, finding
from generator.check.view import DeckView, Shape
from generator.errors import Diagnostic, ToolError

#: Points a word may stand past its box's edge: glyph ascents, rounding.
_SLACK = 3.0

#: The narrowest a printing character is, in ems: Times New Roman's apostrophe is 0.18 em, and
#: Calibri's, Arial's and Cambria's narrowest glyphs are wider. A word's characters times this
#: is the least width it can have, so an estimate from it never reports a word that fits.
_NARROWEST = 0.18

#: Where a line may break inside a word: after a hyphen, a dash or a slash. The estimate
#: measures the longest stretch between them, so it never reports a word the renderer can break
#: where it may.
_BREAKS = re.compile(r"(?<=[-/\u00ad\u2010\u2013\u2014])")

#: Characters of a word shown in a finding before it is cut with "…".
_SHOWN = 40


@dataclass(frozen=True)
class Word:
    text: str
    box: tuple[float, float, float, float]
    """x0, y0, x1, y1 in points from the page's top-left corner."""


def pdf_words(pdf: Path) -> list[tuple[float, float, list[Word]]]:
    """Return each page of `pdf` as (width, height, words)."""
    tool = shutil.which("pdftotext")
    if tool is None:
        message = (
            "measuring a PDF needs poppler's pdftotext: install it (apt-get install poppler-utils)"
        )
        raise ToolError([Diagnostic("pdftotext", None, None, message)])
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
    """Return a finding for each shape whose text LibreOffice drew outside its box, each whose
    text runs off the slide, and each word LibreOffice broke because it is wider than its box."""
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
        charts = [_scaled(s, scale) for s in slide.shapes if s.kind == "chart" and s.box]
        # a chart's labels are its own text, which no text shape's box holds
        words = [w for w in words if not any(_within(w, box) for box in charts)]
        for severity, message in _Page(shapes, scale, width, height, slide.number).measure(words):
            found.append(finding(deck.path, severity, message, "overflow", slide.number, slide.id))
    return found


@dataclass
class _Placed:
    """A word of the PDF, the shape whose text it is, and how far it stands outside its box."""

    word: Word
    shape: Shape
    distance: float
    whole: bool
    """The word is a word of the shape's text, not a piece of one."""


class _Page:
    """The text shapes of one slide, against the words of its page."""

    def __init__(
        self, shapes: list[Shape], scale: float, width: float, height: float, number: int = 0
    ) -> None:
        self.shapes = shapes
        self.number = str(number)
        self.scale = scale
        self.size = (width, height)
        self.tokens = {id(shape): set(shape.text.split()) for shape in shapes}
        # "\0" stands between words, so a piece is found only inside one word.
        self.joined = {id(shape): "\0".join(shape.text.split()) for shape in shapes}

    def measure(self, words: list[Word]) -> list[tuple[Severity, str]]:
        placed = [p for p in map(self._place, words) if p is not None]
        broken = self._broken(placed)
        off_slide = {b.shape for b in broken if b.missing}
        return self._outside(placed, off_slide) + [b.finding() for b in broken]

    def _place(self, word: Word) -> _Placed | None:
        """Return `word` placed on the nearest shape whose text has it as a word, else on the
        nearest whose text has it as a piece of a word; None if no shape's text has it."""
        whole = [s for s in self.shapes if word.text in self.tokens[id(s)]]
        # a piece of a broken word holds a letter or digit; a lone mark (a template's own
        # decorative quote glyph) is no piece of deckgen's text, though "”Att" holds it
        # nor is the slide's number alone, which a template's slide-number field draws
        pieces = any(c.isalnum() for c in word.text) and word.text != self.number
        owners = whole or [s for s in self.shapes if pieces and word.text in self.joined[id(s)]]
        if not owners:
            return None  # not text of a shape deckgen can place: joined by the renderer
        distances = [_distance(word.box, _scaled(s, self.scale)) for s in owners]
        nearest = distances.index(min(distances))
        return _Placed(word, owners[nearest], distances[nearest], bool(whole))

    def _off_slide(self, word: Word) -> bool:
        x0, y0, x1, y1 = word.box
        width, height = self.size
        return x0 < -_SLACK or y0 < -_SLACK or x1 > width + _SLACK or y1 > height + _SLACK

    def _outside(self, placed: list[_Placed], off_slide: set[str]) -> list[tuple[Severity, str]]:
        """Return a finding for each shape with words or pieces of words outside its box;
        `off_slide` names the shapes known to run off the slide already."""
        beyond: dict[str, list[float]] = {}
        off_slide = set(off_slide)
        for p in placed:
            if p.distance <= _SLACK:
                continue
            beyond.setdefault(p.shape.name, []).append(p.distance)
            if self._off_slide(p.word):
                off_slide.add(p.shape.name)
        messages: list[tuple[Severity, str]] = []
        for name, distances in beyond.items():
            where = "and runs off the slide" if name in off_slide else ""
            count = len(distances)
            messages.append(
                (
                    "error",
                    f"text overflows its box {name!r} by {max(distances):.0f} pt {where}".rstrip()
                    + f" ({count} word{'s' * (count != 1)} outside it)",
                )
            )
        return messages

    def _broken(self, placed: list[_Placed]) -> list[_Broken]:
        """Return each word that the renderer broke across lines, once a shape."""
        found: dict[tuple[str, str], _Broken] = {}
        for run in _pieces(placed):
            shape = run[0].shape
            word = _word_of("".join(p.word.text for p in run), shape)
            if (shape.name, word) in found:
                continue
            # Characters the PDF does not have are beyond the page, where nothing is drawn.
            drawn = sum(
                len(p.word.text)
                for p in placed
                if p.shape is shape and not p.whole and p.word.text in word
            )
            outside = any(p.distance > _SLACK for p in run)
            missing = max(0, _printing(word) - drawn)
            found[shape.name, word] = _Broken(shape.name, word, outside, missing)
        return list(found.values())


@dataclass(frozen=True)
class _Broken:
    """A word the renderer broke inside itself, as it is wider than its box."""

    shape: str
    word: str
    outside: bool
    """A piece of it stands outside its box."""
    missing: int
    """How many of its characters are not on the page at all."""

    def finding(self) -> tuple[Severity, str]:
        """An error if the word leaves its box, else a warning: all of it is still seen."""
        leaves = ""
        if self.missing:
            leaves = (
                f", and it leaves the box and the slide ({self.missing} of its characters "
                "are not on the slide)"
            )
        elif self.outside:
            leaves = ", and it leaves the box"
        return (
            "error" if leaves else "warning",
            f"the word {_shown(self.word)} is wider than its box {self.shape!r}: "
            f"LibreOffice broke it inside itself{leaves}",
        )


def _pieces(placed: list[_Placed]) -> list[list[_Placed]]:
    """Return the runs of two or more consecutive words that are pieces of one word of their
    shape, each on a line below the one before, broken between two letters or digits."""
    runs: list[list[_Placed]] = []
    current: list[_Placed] = []
    for before, after in zip(placed, placed[1:], strict=False):
        if _continues(before, after, current):
            current = current or [before]
            current.append(after)
        else:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _continues(before: _Placed, after: _Placed, run: list[_Placed]) -> bool:
    if before.shape is not after.shape or (before.whole and after.whole):
        return False
    first, second = before.word, after.word
    if not (first.text[-1:].isalnum() and second.text[:1].isalnum()):
        return False  # a break after a hyphen or a slash is one the renderer may make
    if (second.box[1] + second.box[3]) / 2 <= first.box[3]:
        return False  # on the same line: split by the PDF, not by a line break
    text = "".join(p.word.text for p in run or [before]) + second.text
    return any(text in token for token in before.shape.text.split())


def _word_of(text: str, shape: Shape) -> str:
    """Return the shortest word of `shape`'s text that contains `text`."""
    return min((t for t in shape.text.split() if text in t), key=len, default=text)


def _shown(word: str) -> str:
    if len(word) <= _SHOWN:
        return repr(word)
    return f"{word[:_SHOWN]!r}… ({len(word)} characters)"


def too_wide(deck: DeckView) -> list[Finding]:
    """Return a finding for each word that cannot fit on a line of its box, estimated from
    its characters' least width: for decks that LibreOffice did not render. An error where
    the lines it needs are taller than the box, else a warning."""
    found = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.kind != "text" or shape.box is None or not shape.runs:
                continue
            for severity, message in _estimate(shape):
                found.append(
                    finding(deck.path, severity, message, "overflow", slide.number, slide.id)
                )
    return found


def _estimate(shape: Shape) -> list[tuple[Severity, str]]:
    assert shape.box is not None
    _, _, width, height = shape.box
    size = min(run.size for run in shape.runs)
    messages: list[tuple[Severity, str]] = []
    for word in dict.fromkeys(shape.text.split()):
        least = max(map(_printing, _BREAKS.split(word))) * _NARROWEST * size
        if least <= width:
            continue
        tall = math.ceil(least / width) * size  # a line is at least one em high
        severity: Severity = "error" if tall > height else "warning"
        needs = f", so it needs at least {tall:.0f} pt of the box's {height:.0f} pt"
        messages.append(
            (
                severity,
                f"the word {_shown(word)} is wider than its box {shape.name!r}: at least "
                f"{least:.0f} pt on a line of {width:.0f} pt"
                + (needs if severity == "error" else "")
                + " (estimated, as the deck was not rendered)",
            )
        )
    return messages


def _printing(word: str) -> int:
    """Return how many characters of `word` take up width: not combining marks or format
    characters such as the soft hyphen."""
    return sum(1 for c in word if unicodedata.category(c)[0] not in "MC")


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


def _within(word: Word, box: tuple[float, ...]) -> bool:
    """Whether the middle of `word` lies inside `box` (x0, y0, x1, y1)."""
    x = (word.box[0] + word.box[2]) / 2
    y = (word.box[1] + word.box[3]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]

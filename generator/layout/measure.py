"""Text widths, estimated from Helvetica's published metrics (Adobe's AFM; Arial and Liberation
Sans have the same widths), not measured with installed fonts, so that the same input gives the
same deck on every machine. Helvetica is among the wider faces a deck sets its text in (Calibri
is narrower), and a margin is added, so the estimate errs on the side of fitting. Layout
templates use it through the `widest` filter: the size at which a shape's longest word fits.
"""

from __future__ import annotations

import re
import unicodedata

from generator.content.inline import parse_inline

#: Helvetica's advance widths in thousandths of an em (Adobe's AFM), printable ASCII from ' '.
_WIDTHS = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
)  # fmt: skip
#: The width of a character the table does not hold (a wide one: errs on the side of fitting).
_OTHER = 722
#: Room for the estimate's error: the real face may be wider than Helvetica.
_MARGIN = 1.1
#: Where a line may break inside a run of non-space characters: after a hyphen, a dash or a
#: slash, as both LibreOffice and PowerPoint break there.
_BREAKS = re.compile(r"(?<=[-‐–—/])")


def width(word: str, size: float) -> float:
    """The estimated width of `word` set at `size` pt, in points."""
    total = 0
    for char in word:
        base = unicodedata.normalize("NFD", char)[:1]  # å is a's width
        code = ord(base) - 32 if base else -1
        total += _WIDTHS[code] if 0 <= code < len(_WIDTHS) else _OTHER
    return total / 1000 * size * _MARGIN


def pieces(text: str) -> list[str]:
    """The pieces of `text` that a line cannot break inside."""
    return [piece for word in text.split() for piece in _BREAKS.split(word) if piece]


def widest(text: str) -> float:
    """The width in em of the widest piece of `text` (inline Markdown: its marks left out), with
    the margin: a box `w` pt wide holds every word of `text` at `w / widest(text)` pt."""
    plain = " ".join(paragraph.text for paragraph in parse_inline(str(text)))
    return max((width(piece, 1.0) for piece in pieces(plain)), default=0.0)

"""Long words in a template's placeholders: a size at which the longest word fits the width.

A corporate template's placeholder was drawn for its designer's text, at its designer's size.
deckgen's text may hold a word that is wider than the placeholder at that size (a Swedish
compound, an address): LibreOffice and PowerPoint then break the word inside itself, and
"shrink text on overflow" does not help, because the broken word fits the height. Where a
word would not fit, the text is set at the size at which it does, but never below a floor
that a room can still read; under the floor the word is left to `deckgen check`, which
reports it.

Widths are estimated from Helvetica's published metrics (Adobe's AFM: Arial and Liberation
Sans have the same widths), not measured with installed fonts, so that the same input gives
the same deck on every machine. Helvetica is among the wider faces a template sets its text
in (Calibri is narrower), so the estimate errs on the side of fitting.
"""

from __future__ import annotations

import re
import unicodedata

from generator.layout.spec import Fill, PlaceholderInfo, SlideSpec, TemplateInfo, TemplatePlan

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
#: The smallest type a slide of deckgen's 960 pt width gets, scaled to the template's width.
FLOOR = 14.0
#: Left and right insets of a text frame that sets none (0.1 inch each).
_INSETS = 14.4
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


def fitting_size(pieces: list[str], room: float, size: float, floor: float) -> float | None:
    """The size, at most `size` and at least `floor`, at which each of `pieces` fits `room`
    pt, rounded down to a half point; None where they fit at `size` already."""
    widest = max((width(piece, 1.0) for piece in pieces), default=0.0)
    if widest * size <= room:
        return None
    return max(floor, int(room / widest * 2) / 2)


def fit_long_words(
    specs: list[SlideSpec], plan: TemplatePlan, info: TemplateInfo
) -> list[SlideSpec]:
    """Return `specs` with a smaller size for each text whose longest word would not fit the
    width of the template placeholder that the plan puts it in."""
    floor = FLOOR * info.size[0] / 960
    result = []
    for spec in specs:
        mapped = plan.layouts.get(spec.layout)
        if mapped is None:
            result.append(spec)
            continue
        layout, targets = mapped
        drawn_on = info.masters[plan.masters.get(spec.layout, 0)]
        offered = {p.idx: p for p in drawn_on.layouts.get(layout, [])}
        fills = dict(spec.placeholders)
        for name, fill in spec.placeholders.items():
            idx = targets.get(name)
            theirs = offered.get(idx) if idx is not None else None
            size = _fitted(fill, theirs, floor)
            if size is not None:
                fills[name] = Fill(text=fill.text, size=size)
        result.append(
            spec if fills == spec.placeholders else spec.model_copy(update={"placeholders": fills})
        )
    return result


def _fitted(fill: Fill, theirs: PlaceholderInfo | None, floor: float) -> float | None:
    if theirs is None or theirs.box is None or theirs.vertical:
        return None
    size = fill.size or theirs.size or 18.0  # 18 pt: the default where nothing sets a size
    runs = [run for paragraph in fill.text for run in paragraph.runs]
    # LibreOffice shows a link as one field, which it breaks anywhere, never at its spaces
    whole = [run.text for run in runs if run.link]
    parts = pieces(" ".join(run.text for run in runs if not run.link))
    return fitting_size([*whole, *parts], theirs.box[2] - _INSETS, size, min(floor, size))

"""Long words in a template's placeholders: a size at which the longest word fits the width.

A corporate template's placeholder was drawn for its designer's text, at its designer's size.
deckgen's text may hold a word that is wider than the placeholder at that size (a Swedish
compound, an address): LibreOffice and PowerPoint then break the word inside itself, and
"shrink text on overflow" does not help, because the broken word fits the height. Where a
word would not fit, the text is set at the size at which it does, but never below a floor
that a room can still read; under the floor the word is left to `deckgen check`, which
reports it.

Widths are estimated (`layout.measure`), not measured with installed fonts, so that the same
input gives the same deck on every machine.
"""

from __future__ import annotations

from generator.layout.measure import pieces, width
from generator.layout.spec import Fill, PlaceholderInfo, SlideSpec, TemplateInfo, TemplatePlan

#: The smallest type a slide of deckgen's 960 pt width gets, scaled to the template's width.
FLOOR = 14.0
#: Left and right insets of a text frame that sets none (0.1 inch each).
_INSETS = 14.4


def fitting_size(words: list[str], room: float, size: float, floor: float) -> float | None:
    """The size, at most `size` and at least `floor`, at which each of `words` fits `room`
    pt, rounded down to a half point; None where they fit at `size` already."""
    widest = max((width(word, 1.0) for word in words), default=0.0)
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

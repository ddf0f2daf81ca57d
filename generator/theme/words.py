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
#: Top and bottom insets of a text frame that sets none (0.05 inch each).
_INSETS_Y = 7.2
#: The height of a line as a multiple of the type size: LibreOffice's and PowerPoint's single
#: spacing for the faces templates use is 1.15-1.2.
_LINE = 1.2


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
        boxes = _placeholders(spec, plan, info)
        if boxes is None:
            result.append(spec)
            continue
        fills = dict(spec.placeholders)
        for name, fill in spec.placeholders.items():
            size = _fitted(fill, boxes.get(name), floor)
            if size is not None:
                fills[name] = fill.model_copy(update={"size": size})
        result.append(
            spec if fills == spec.placeholders else spec.model_copy(update={"placeholders": fills})
        )
    return result


def _placeholders(
    spec: SlideSpec, plan: TemplatePlan, info: TemplateInfo
) -> dict[str, PlaceholderInfo] | None:
    """The template placeholder each of `spec`'s texts goes into, by the text's name; None for
    a spec the plan does not map to a template layout."""
    mapped = plan.layouts.get(spec.layout)
    if mapped is None:
        return None
    layout, targets = mapped
    drawn_on = info.masters[plan.masters.get(spec.layout, 0)]
    offered = {p.idx: p for p in drawn_on.layouts.get(layout, [])}
    return {
        name: offered[idx]
        for name in spec.placeholders
        if (idx := targets.get(name)) is not None and idx in offered
    }


def follow_leads(specs: list[SlideSpec], plan: TemplatePlan, info: TemplateInfo) -> list[SlideSpec]:
    """Return `specs` with each text that follows another (`Fill.follows`: an attribution its
    quote) set no larger than that one. A template's designer sized its title and body
    placeholders for a title and a paragraph; a quote in the title placeholder shrinks to fit
    it (estimated here, and set, so that PowerPoint shows the size LibreOffice would shrink it
    to), and the attribution in the body placeholder would otherwise stand larger than the
    quote it follows."""
    floor = FLOOR * info.size[0] / 960
    result = []
    for spec in specs:
        followers = {n: f.follows for n, f in spec.placeholders.items() if f.follows}
        boxes = _placeholders(spec, plan, info) if followers else None
        if boxes is None:
            result.append(spec)
            continue
        fills = dict(spec.placeholders)
        for name, lead in followers.items():
            lead_box = boxes.get(lead)
            if lead not in fills or lead_box is None:
                continue
            lead_fill = fills[lead]
            lead_size = lead_fill.size or lead_box.size or 18.0
            fitting = _block_size(lead_fill, lead_box, lead_size, floor)
            if fitting is not None:
                lead_size = fitting
                fills[lead] = lead_fill.model_copy(update={"size": fitting})
            follower, follower_box = fills[name], boxes.get(name)
            size = follower.size or (follower_box.size if follower_box else None) or 18.0
            if size > lead_size:
                fills[name] = follower.model_copy(update={"size": lead_size})
        result.append(spec.model_copy(update={"placeholders": fills}))
    return result


def _block_size(fill: Fill, theirs: PlaceholderInfo, size: float, floor: float) -> float | None:
    """The size, at most `size` and at least `floor` (or `size` where that is smaller), in half
    points, at which `fill`'s text fits the height of its placeholder, its lines broken at the
    spaces that fit them; None where it fits at `size`."""
    if theirs.box is None or theirs.vertical:
        return None
    room, height = theirs.box[2] - _INSETS, theirs.box[3] - _INSETS_Y
    paragraphs = [pieces(paragraph.text) for paragraph in fill.text]

    def fits(at: float) -> bool:
        space, lines = width(" ", at), 0
        for words in paragraphs:
            lines += 1
            used = 0.0
            for word in words:
                wide = width(word, at)
                if used and used + space + wide > room:
                    lines += 1
                    used = wide
                else:
                    used += (space if used else 0.0) + wide
        return lines * at * _LINE <= height

    if fits(size):
        return None
    at = int(size * 2) / 2
    lowest = min(floor, size)
    while at - 0.5 >= lowest and not fits(at):
        at -= 0.5
    return at


def _fitted(fill: Fill, theirs: PlaceholderInfo | None, floor: float) -> float | None:
    if theirs is None or theirs.box is None or theirs.vertical:
        return None
    size = fill.size or theirs.size or 18.0  # 18 pt: the default where nothing sets a size
    runs = [run for paragraph in fill.text for run in paragraph.runs]
    # LibreOffice shows a link as one field, which it breaks anywhere, never at its spaces
    whole = [run.text for run in runs if run.link]
    parts = pieces(" ".join(run.text for run in runs if not run.link))
    return fitting_size([*whole, *parts], theirs.box[2] - _INSETS, size, min(floor, size))

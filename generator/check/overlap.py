"""Overlap: a shape drawn over a slide's title, or over text it should leave clear; and text
set where it cannot be seen (off the slide, or in a box with no room).

Titles carry a slide; a diagram, a picture or a text box that lies over one hides it, whatever
the package says. Each pair of boxes that intersect by more than `TOLERANCE` points both ways
is a finding, where one of them is the title, or both hold text (a title over names, a box over
a caption), or one is a picture and the other text (a QR code over the link). Decorative shapes
(rules, bands, frames) and connectors are meant to touch others and are left out, as are shapes
without a box.
"""

from __future__ import annotations

from itertools import combinations

from generator.check.finding import Finding, finding
from generator.check.view import DeckView, Shape

#: How far two boxes may run into each other, in points, before it counts: edges that touch,
#: or text set flush against a neighbour's inset, are not overlaps.
TOLERANCE = 2.0


def overlap(deck: DeckView) -> list[Finding]:
    """Return an error for each slide's pair of shapes where one covers the other's text."""
    found = []
    for slide in deck.slides:
        shapes = [s for s in slide.shapes if _counts(s)]
        for first, second in combinations(shapes, 2):
            kinds = {first.kind, second.kind}
            covers = kinds in ({"text"}, {"text", "picture"}, {"text", "chart"})
            if not (first.title or second.title or covers):
                continue
            depth = _intersection(first, second)
            if depth is None:
                continue
            # what covers what: the shape over a title, else the one drawn later
            over, under = (first, second) if second.title and not first.title else (second, first)
            message = (
                f"{over.kind} {over.name!r} overlaps {'the title ' if under.title else ''}"
                f"{under.name!r} by {depth[0]:g} x {depth[1]:g} pt: move or shrink one of them"
            )
            found.append(finding(deck.path, "error", message, "overlap", slide.number, slide.id))
        for shape in slide.shapes:
            if said := _out_of_place(shape, deck.size):
                found.append(finding(deck.path, "error", said, "overlap", slide.number, slide.id))
        found += [
            finding(deck.path, "error", message, "overlap", slide.number, slide.id)
            for message in _on_pictures(shapes, slide.pictures, deck.size)
        ]
    return found


#: A master's picture that covers at least this share of the slide is its ground (a
#: background photo, parchment): text is meant to stand on it, and contrast judges it.
GROUND = 0.6
#: How much of a text box a picture must cover before the text counts as lying over it.
PICTURE_SHARE = 0.15


def _on_pictures(
    shapes: list[Shape], pictures: list[Shape], size: tuple[float, float]
) -> list[str]:
    """Say so where text lies over a picture that the master or layout draws behind the slide
    (a logo, a photo) across at least `PICTURE_SHARE` of the text's box: the text hides it,
    and it the text."""
    found = []
    things = [
        p
        for p in pictures
        if p.box is not None and p.box[2] * p.box[3] < GROUND * size[0] * size[1]
    ]
    for shape in shapes:
        if shape.kind != "text" or not shape.text.strip():
            continue
        assert shape.box is not None
        area = shape.box[2] * shape.box[3]
        for picture in things:
            depth = _intersection(shape, picture)
            # a corner of a tall text box over a picture is not yet text over it
            if depth is not None and depth[0] * depth[1] >= PICTURE_SHARE * area:
                found.append(
                    f"text {shape.name!r} lies over the template's picture {picture.name!r} by"
                    f" {depth[0]:g} x {depth[1]:g} pt: map the text to another place, or move"
                    " the picture in the template"
                )
    return found


def _out_of_place(shape: Shape, size: tuple[float, float]) -> str | None:
    """Say so where text is set where it cannot be seen: in a box with no room (a template's
    placeholder 0 pt high draws nothing), or in a box that leaves the slide."""
    if shape.box is None or shape.kind != "text" or not shape.text.strip():
        return None
    x, y, width, height = shape.box
    if min(width, height) < 1:
        return (
            f"text {shape.name!r} is set in a box of {width:g} x {height:g} pt, which shows"
            " nothing: give the box room"
        )
    beyond = max(-x, -y, x + width - size[0], y + height - size[1])
    if beyond > TOLERANCE:
        return (
            f"text {shape.name!r} runs off the slide: its box reaches {beyond:g} pt past the"
            " slide's edge; move or shrink it"
        )
    return None


def _counts(shape: Shape) -> bool:
    return (
        shape.box is not None
        and not shape.decorative
        and shape.kind in ("text", "picture", "chart", "shape")
        and (shape.kind != "shape" or bool(shape.name))
    )


def _intersection(first: Shape, second: Shape) -> tuple[float, float] | None:
    """Return how far the boxes run into each other across and down, if both pass
    `TOLERANCE`."""
    assert first.box is not None
    assert second.box is not None
    (x1, y1, w1, h1), (x2, y2, w2, h2) = first.box, second.box
    across = min(x1 + w1, x2 + w2) - max(x1, x2)
    down = min(y1 + h1, y2 + h2) - max(y1, y2)
    if across <= TOLERANCE or down <= TOLERANCE:
        return None
    return (round(across, 1), round(down, 1))

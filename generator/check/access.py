"""Accessibility, by the rules of PowerPoint's Accessibility Checker, and WCAG AA contrast.

Errors: a slide without a title, a picture without alt text, text without a language, text
whose contrast with what it sits on is below WCAG AA. Warnings: a title used twice, a reading
order (shape order) that goes against the visual order.
"""

from __future__ import annotations

from generator.check.finding import Finding, Severity, finding
from generator.check.view import DeckView, Shape, SlideView
from generator.theme.contrast import BODY, LARGE, ratio

#: Points of slack when comparing positions: edges that touch are not out of order.
_SLACK = 2.0


def accessibility(deck: DeckView) -> list[Finding]:
    """Return the accessibility findings of `deck`."""
    found: list[Finding] = []
    titles: dict[str, int] = {}
    for slide in deck.slides:

        def add(severity: Severity, message: str, slide: SlideView = slide) -> None:
            found.append(finding(deck.path, severity, message, "access", slide.number, slide.id))

        title = " ".join(slide.title.split())
        if not title:
            add("error", "the slide has no title: put its title in a title placeholder")
        elif title in titles:
            add("warning", f"the title {title!r} is also slide {titles[title]}'s: make it unique")
        else:
            titles[title] = slide.number
        for shape in slide.shapes:
            if (
                shape.kind in ("picture", "chart")
                and not shape.decorative
                and not shape.alt.strip()
            ):
                add("error", f"{shape.kind} {shape.name!r} has no alt text")
            if shape.kind == "text":
                problem = _contrast(shape)
                if problem:
                    add("error", problem)
                if any(run.text.strip() and not run.lang for run in shape.runs):
                    add("error", f"text in {shape.name!r} has no language set")
        order = _reading_order(slide.shapes)
        if order:
            add("warning", order)
    for picture in deck.master_pictures:
        if not picture.decorative and not picture.alt.strip():
            message = f"picture {picture.name!r} on the slide master has no alt text"
            found.append(finding(deck.path, "error", message, "access"))
    if not deck.language:
        found.append(finding(deck.path, "error", "the deck's language is not set", "access"))
    return found


def _contrast(shape: Shape) -> str | None:
    """Return what is wrong with the first run of `shape` whose contrast is below WCAG AA."""
    if shape.background is None:
        return None
    for run in shape.runs:
        if not run.text.strip() or run.color is None:
            continue
        large = run.size >= 18 or (run.bold and run.size >= 14)
        needed = LARGE if large else BODY
        value = ratio(run.color, shape.background)
        if value < needed:
            kind = "large text" if large else "body text"
            return (
                f"text in {shape.name!r} has contrast {value:.2f}:1 (#{run.color} on "
                f"#{shape.background}); WCAG AA needs {needed:g}:1 for {kind}"
            )
    return None


def _reading_order(shapes: list[Shape]) -> str | None:
    """Return how the shape order goes against the visual order, if it does.

    A shape read later must not stand above an earlier one in the same column, nor left of an
    earlier one in the same row; shapes in other rows and columns may come in any order.
    """
    read = [
        s for s in shapes if s.kind in ("text", "picture", "chart") and not s.decorative and s.box
    ]
    for index, earlier in enumerate(read):
        for later in read[index + 1 :]:
            if _above(later, earlier):
                return (
                    f"reading order: {later.name!r} is read after {earlier.name!r} but stands "
                    "above it"
                )
            if _left_of(later, earlier):
                return (
                    f"reading order: {later.name!r} is read after {earlier.name!r} but stands "
                    "left of it, in the same row"
                )
    return None


def _above(a: Shape, b: Shape) -> bool:
    ax, ay, aw, ah = _box(a)
    bx, by, bw, bh = _box(b)
    same_column = ax < bx + bw - _SLACK and bx < ax + aw - _SLACK
    return same_column and ay + ah <= by + _SLACK


def _left_of(a: Shape, b: Shape) -> bool:
    ax, ay, aw, ah = _box(a)
    bx, by, bw, bh = _box(b)
    a_middle, b_middle = ay + ah / 2, by + bh / 2
    same_row = by <= a_middle <= by + bh and ay <= b_middle <= ay + ah
    return same_row and ax + aw <= bx + _SLACK


def _box(shape: Shape) -> tuple[float, float, float, float]:
    assert shape.box is not None  # only shapes with boxes are compared
    return shape.box

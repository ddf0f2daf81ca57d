"""A starter brand for a corporate template: `deckgen brand new NAME --template PATH`.

For each of deckgen's layouts, the guess picks a layout of the template and, for each of
deckgen's placeholders, a placeholder of that layout, from their types, positions and sizes:

- deckgen's title goes into the layout's title; a layout without one is not a candidate;
- a layout that draws its own shapes below its title (the diagram, the panel, the facts: more
  than `DRAWING_BAND` of the slide's height is free of placeholders below deckgen's title)
  goes onto the template layout with the fewest text placeholders besides its title, and its
  other texts are drawn as deckgen's own text boxes (`text box`), so the shapes and the texts
  keep deckgen's composition, fitted below the template's title, and no template placeholder
  lies under the shapes;
- the texts of any other layout go into the template layout's body and subtitle placeholders
  that lie nearest to where deckgen's layout has them (each position and size as a share of
  its slide, the width counted twice), one text to a placeholder, never two that run into
  each other; a text with no placeholder left is a `text box`, but only where that box would
  cover none of the placeholders used and none of the master's art; the layout whose
  placeholders fit best wins. Where nothing fits, texts may lie over each other (check then
  says so) before the slide loses its title.

The master is the one whose art (`MasterInfo.art`) lies least under its text placeholders.

Footer, date and slide-number placeholders are never guessed (they do not keep text on a
slide), nor vertical ones. Every text gets a place: a user who accepts the guess loses none.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass

from generator.layout.fit import Fit
from generator.layout.spec import (
    TITLE_TYPES,
    Box,
    LayoutDef,
    MasterInfo,
    MasterSpec,
    PlaceholderDef,
    PlaceholderInfo,
    TemplateInfo,
)
from generator.theme.brand import GROUND as _GROUND
from generator.theme.brand import TEXT_BOX, room_beside_title

#: A deckgen layout whose largest band below its title that no placeholder crosses is at least
#: this share of the slide's height draws shapes there.
DRAWING_BAND = 0.4
#: Placeholder types that hold a layout's text and are kept on a slide.
TEXT_TYPES = ("body", "subTitle", "obj")
#: What a text drawn as a text box costs against one in a placeholder (a distance, `_distance`,
#: is at most 5): a placeholder of the template is preferred wherever there is one.
_TEXT_BOX_COST = 1.5
_UNUSED_COST = 0.1
_KIND_COST = 1.0
#: What a text over another, or over art, costs when nothing else keeps the slide's title.
_COVER_COST = 10.0
_ODD_COST = 0.5
#: What a text box costs for each share of its size that fitting it into the room beside the
#: template's title takes away: text shown at a third of deckgen's size costs 2 more.
_SHRINK_COST = 3.0
#: What a text costs that stands above the template's title while deckgen's layout has it
#: below its own (a quote's attribution above the quote): the slide would read in another
#: order than it was written in.
_ORDER_COST = 2.0
#: How far two boxes may run into each other before they overlap (as `check.overlap`).
_TOLERANCE = 2.0


@dataclass(frozen=True)
class Guess:
    """The template layout for one of deckgen's layouts, and a target for each placeholder:
    the template placeholder's idx, or `TEXT_BOX`."""

    layout: str
    targets: dict[str, int | str]
    offered: list[PlaceholderInfo]
    """The template layout's placeholders, for the comments."""
    others: list[str]
    """The next best template layouts, best first."""


def starter(info: TemplateInfo, master: MasterSpec) -> tuple[MasterInfo, dict[str, Guess]]:
    """Return the template master to draw on and a guess for each of deckgen's layouts: of
    the masters with a title layout, the one whose art lies least under its layouts' text
    placeholders (the first of equals)."""
    titled = [m for m in info.masters if any(map(_title, m.layouts.values()))]
    chosen = min(titled, key=_under_art) if titled else info.masters[0]
    return chosen, {
        layout.name: _guess(layout, master, info.size, chosen)
        for layout in master.layouts
        if layout.variant_of is None  # another look of a layout goes where that one goes
    }


def _under_art(master: MasterInfo) -> float:
    """The share of its layouts' title and text placeholders that the master's art covers, by
    bounding box, on average."""
    shares = [
        sum(_intersection(p.box, art) for art in master.art) / (p.box[2] * p.box[3])
        for placeholders in master.layouts.values()
        for p in placeholders
        if p.box is not None and p.box[2] * p.box[3] > 0 and p.type in (*TITLE_TYPES, *TEXT_TYPES)
    ]
    return sum(shares) / len(shares) if shares else 0.0


def _intersection(first: Box, second: Box) -> float:
    across = min(first[0] + first[2], second[0] + second[2]) - max(first[0], second[0])
    down = min(first[1] + first[3], second[1] + second[3]) - max(first[1], second[1])
    return max(across, 0.0) * max(down, 0.0)


def _title(placeholders: list[PlaceholderInfo]) -> PlaceholderInfo | None:
    return next(
        (p for p in placeholders if p.type in TITLE_TYPES and not p.vertical and p.box), None
    )


def draws_shapes(layout: LayoutDef, size: tuple[float, float]) -> bool:
    """Whether deckgen's `layout` leaves a band below its title free for its own shapes: at
    least `DRAWING_BAND` of the slide's height that no placeholder crosses."""
    titles = [p.box for p in layout.placeholders if p.type in TITLE_TYPES]
    top = max((box[1] + box[3] for box in titles), default=0.0)
    spans = sorted(
        (p.box[1], p.box[1] + p.box[3]) for p in layout.placeholders if p.type not in TITLE_TYPES
    )
    free, edge = 0.0, top
    for start, end in spans:
        free = max(free, start - edge)
        edge = max(edge, end)
    free = max(free, size[1] - edge)
    return free >= DRAWING_BAND * size[1]


def _guess(
    layout: LayoutDef, master: MasterSpec, size: tuple[float, float], chosen: MasterInfo
) -> Guess:
    ranked: list[tuple[float, int, str, dict[str, int | str]]] = []
    # texts over each other only where the title would otherwise be lost (check says so)
    for loose in (False, True):
        for order, (name, offered) in enumerate(chosen.layouts.items()):
            found = _fit_onto(layout, master, size, offered, chosen.art, loose)
            if found is not None:
                ranked.append((found[0], order, name, found[1]))
        if ranked:
            break
    if not ranked:  # no layout with a title: every text a text box, on the emptiest layout
        name, offered = min(chosen.layouts.items(), key=lambda item: len(item[1]))
        targets: dict[str, int | str] = {p.name: TEXT_BOX for p in layout.placeholders}
        return Guess(name, targets, offered, [])
    ranked.sort(key=lambda item: (item[0], item[1]))
    _, _, name, targets = ranked[0]
    others = [other for _, _, other, _ in ranked[1:4]]
    return Guess(name, targets, chosen.layouts[name], others)


def _fit_onto(
    layout: LayoutDef,
    master: MasterSpec,
    size: tuple[float, float],
    offered: list[PlaceholderInfo],
    art: tuple[Box, ...] = (),
    loose: bool = False,
) -> tuple[float, dict[str, int | str]] | None:
    """The cost and targets of deckgen's `layout` on the template layout `offered`; None if
    it has no title."""
    title = _title(offered)
    ours = next((p for p in layout.placeholders if p.type in TITLE_TYPES), None)
    if title is None or ours is None or title.box is None:
        return None
    slots = [p for p in offered if p.type in TEXT_TYPES and not p.vertical and p.box]
    texts = [p for p in layout.placeholders if p is not ours]
    opening = ours.type == "ctrTitle"  # a title slide: the template's has a subtitle
    cost = _distance(ours.box, master.size, title.box, size)
    cost += _KIND_COST * (opening != any(p.type in ("ctrTitle", "subTitle") for p in offered))
    # a layout for pictures or vertical text is meant for other slides than deckgen's
    cost += _ODD_COST * sum(p.type == "pic" or p.vertical for p in offered)
    targets: dict[str, int | str] = {ours.name: title.idx}
    if draws_shapes(layout, master.size):
        return cost + 0.5 * len(slots), {**targets, **{p.name: TEXT_BOX for p in texts}}
    places = _places(layout, master, size, offered, art)
    ours_bottom = ours.box[1] + ours.box[3]
    best: tuple[float, tuple[PlaceholderInfo | None, ...]] | None = None
    for choice in itertools.product([None, *slots], repeat=len(texts)):
        used = [slot for slot in choice if slot is not None]
        if len(used) != len(set(id(slot) for slot in used)):
            continue  # one text to a placeholder
        value = _assignment_cost(
            texts, choice, master, size, [title, *used], places, art, loose, ours_bottom
        )
        value += _UNUSED_COST * (len(slots) - len(used))
        if best is None or value < best[0]:
            best = (value, choice)
    if best is None or best[0] == float("inf"):
        return None
    for text, slot in zip(texts, best[1], strict=True):
        targets[text.name] = TEXT_BOX if slot is None else slot.idx
    return cost + best[0], targets


def _assignment_cost(
    texts: list[PlaceholderDef],
    choice: tuple[PlaceholderInfo | None, ...],
    master: MasterSpec,
    size: tuple[float, float],
    used: list[PlaceholderInfo],
    places: tuple[dict[str, Box] | None, dict[str, Box], float],
    art: tuple[Box, ...],
    loose: bool = False,
    ours_bottom: float = 0.0,
) -> float:
    """What placing `texts` into `choice` (a placeholder each, or None for a text box) costs;
    infinite where a text box would cover a used placeholder or the template's art, or where
    two used placeholders run into each other. With `loose`, covering costs much but is
    allowed: the last resort, before the title is lost. `ours_bottom` is where deckgen's
    title ends."""
    boxed = [text for text, slot in zip(texts, choice, strict=True) if slot is None]
    value = 0.0
    cover = _COVER_COST if loose else float("inf")
    boxes = [p.box for p in used if p.box is not None]
    for first, second in itertools.combinations(boxes, 2):
        if overlaps(first, second):
            value += cover  # the template's own placeholders over each other
    title = used[0].box
    slide = size[0] * size[1]
    things = [a for a in art if a[2] * a[3] < _GROUND * slide]  # bands, logos, corners
    for text, slot in zip(texts, choice, strict=True):
        if slot is not None and slot.box is not None:
            value += _distance(text.box, master.size, slot.box, size)
            area = slot.box[2] * slot.box[3]
            if area > 0:  # a placeholder of the template's that its own art lies under
                covered = sum(_intersection(slot.box, thing) for thing in things) / area
                value += _COVER_COST * min(covered, 1.0)
            value += 0.2 * ((text.type == "subTitle") != (slot.type == "subTitle"))
            if title is not None and _reordered(text.box, ours_bottom, slot.box, title):
                value += _ORDER_COST
    placed = [
        (text.box, slot.box)
        for text, slot in zip(texts, choice, strict=True)
        if slot is not None and slot.box is not None
    ]
    for (ours, theirs), (our_next, their_next) in itertools.combinations(placed, 2):
        if _inverted(ours, theirs, our_next, their_next):
            value += _ORDER_COST  # read one way, shown the other
    if boxed:
        value += _TEXT_BOX_COST * len(boxed)
        below, whole, scale = places  # as `layout.fit` puts them: below the title if all are
        if below is not None and all(p.name in below for p in boxed):
            fitted = below
            value += _SHRINK_COST * len(boxed) * max(0.0, 1.0 - scale)  # there, at a smaller size
        else:
            fitted = whole
        for text in boxed:
            box = fitted[text.name]
            if title is not None and _reordered(text.box, ours_bottom, box, title):
                value += _ORDER_COST
            if any(p.box is not None and overlaps(box, p.box) for p in used):
                value += cover  # the text box would cover a text of the template's
            if any(overlaps(box, thing) for thing in things):
                value += cover  # or stand on the template's art
    return value


def _inverted(ours: Box, theirs: Box, our_next: Box, their_next: Box) -> bool:
    """Whether two texts that deckgen's layout stacks one above the other would stand the other
    way round in the template's placeholders."""
    if ours[1] + ours[3] <= our_next[1] + _TOLERANCE:  # ours above our_next
        return their_next[1] + their_next[3] <= theirs[1] + _TOLERANCE
    if our_next[1] + our_next[3] <= ours[1] + _TOLERANCE:
        return theirs[1] + theirs[3] <= their_next[1] + _TOLERANCE
    return False


def _reordered(ours: Box, ours_bottom: float, theirs: Box, title: Box) -> bool:
    """Whether a text that deckgen's layout has below its title would stand above the
    template's title: the slide would read in another order than it was written in."""
    return ours[1] >= ours_bottom and theirs[1] + theirs[3] <= title[1] + _TOLERANCE


def _places(
    layout: LayoutDef,
    master: MasterSpec,
    size: tuple[float, float],
    offered: list[PlaceholderInfo],
    art: tuple[Box, ...],
) -> tuple[dict[str, Box] | None, dict[str, Box], float]:
    """Where `layout.fit` would put a text box standing in for each of the layout's
    placeholders on the template's slide: fitted into the room beside the template's title
    (for those below deckgen's title; None if the template layout has no such room), and
    fitted with the whole slide; and the size in the room against the size on the whole slide.
    A slide's text boxes go into the room only where all of them lie below deckgen's title."""
    whole_fit = Fit((0, 0, *master.size), (0, 0, *size))
    whole = {p.name: whole_fit.box(p.box) for p in layout.placeholders}
    titles = [p.box for p in layout.placeholders if p.type in TITLE_TYPES]
    area = room_beside_title(size, offered, master, layout.name, art)
    if area is None or not titles:
        return None, whole, 1.0
    bottom = max(box[1] + box[3] for box in titles)
    room = Fit((0, bottom, master.size[0], master.size[1] - bottom), area)
    below = {p.name: room.box(p.box) for p in layout.placeholders if p.box[1] >= bottom}
    return below, whole, room.scale / whole_fit.scale


def _distance(
    ours: Box, our_size: tuple[float, float], theirs: Box, their_size: tuple[float, float]
) -> float:
    """How far apart two boxes are, each as shares of its own slide: position and size, the
    width counted twice, as a line of text needs its width most (a long link in a narrow
    column runs out of it)."""
    (w1, h1), (w2, h2) = our_size, their_size
    a = (ours[0] / w1, ours[1] / h1, ours[2] / w1, ours[3] / h1)
    b = (theirs[0] / w2, theirs[1] / h2, theirs[2] / w2, theirs[3] / h2)
    weights = (1, 1, 2, 1)
    return sum(w * abs(x - y) for w, x, y in zip(weights, a, b, strict=True))


def overlaps(first: Box, second: Box) -> bool:
    """Whether two boxes run into each other by more than the tolerance both ways."""
    across = min(first[0] + first[2], second[0] + second[2]) - max(first[0], second[0])
    down = min(first[1] + first[3], second[1] + second[3]) - max(first[1], second[1])
    return across > _TOLERANCE and down > _TOLERANCE


def starter_yaml(
    name: str,
    file: str,
    info: TemplateInfo,
    master: MasterSpec,
    shown_as: str,
    guessed: tuple[MasterInfo, dict[str, Guess]] | None = None,
) -> str:
    """Return the brand file for `name`: the template `file` (relative to the brand file),
    each guess commented with its alternatives. `shown_as` is the template's path as the
    user named it, for the comments; `guessed` is what `starter` returned, if it ran."""
    chosen, guesses = guessed or starter(info, master)
    lines = [
        f"# A starter brand for {shown_as}, written by `deckgen brand new {name}`.",
        "# deckgen guessed each mapping from the template's placeholder types, positions and",
        "# sizes; the comments list the alternatives. `deckgen layouts` lists every layout and",
        "# placeholder. A placeholder's target is the template placeholder's idx (or name),",
        f"# '{TEXT_BOX}' to draw the text as deckgen's own text box where deckgen's layout has",
        "# it, or null to leave the text out.",
        "# The template keeps its own colours and fonts: add `colors:` and `fonts:` to change",
        "# them (see the README).",
        f"name: {_scalar(name)}",
        "template:",
        f"  file: {_scalar(file)}",
    ]
    if len(info.masters) > 1:
        listed = ", ".join(f"{m.number} {m.name!r}" for m in info.masters)
        lines.append(
            f"  master: {chosen.number}  # the one with the least art under its text; of"
            f" {len(info.masters)}: {listed}"
        )
    lines.append("  layouts:")
    for ours in master.layouts:
        if ours.name not in guesses:
            continue
        guess = guesses[ours.name]
        also = f"  # also: {', '.join(map(_scalar, guess.others))}" if guess.others else ""
        lines += [f"    {ours.name}:", f"      layout: {_scalar(guess.layout)}{also}"]
        lines.append("      placeholders:")
        width = max(len(_scalar(p.name)) for p in ours.placeholders) + 1
        for placeholder in ours.placeholders:
            target = guess.targets[placeholder.name]
            key = f"{_scalar(placeholder.name)}:".ljust(width)
            value = _scalar(target) if isinstance(target, str) else str(target)
            comment = _comment(target, guess)
            lines.append(f"        {key} {value.ljust(10)}  # {comment}")
    return "\n".join(lines) + "\n"


def _comment(target: int | str, guess: Guess) -> str:
    held = {t for t in guess.targets.values() if isinstance(t, int)}
    own = next((p for p in guess.offered if p.idx == target), None)
    said = f"{own.type} {own.name!r}" if own is not None else "drawn by deckgen"
    if own is not None and own.type in TITLE_TYPES:
        return said
    free = [
        f"{p.idx} ({p.type})"
        for p in guess.offered
        if p.type in TEXT_TYPES and p.idx not in held and not p.vertical
    ]
    others = [*free, *([_scalar(TEXT_BOX)] if target != TEXT_BOX else []), "null"]
    return f"{said}; or {', '.join(others)}"


def _scalar(value: object) -> str:
    """`value` as a YAML scalar: plain where YAML reads it back as the same string, else in
    double quotes (JSON's strings are YAML's)."""
    text = str(value)
    plain = (
        text
        and text == text.strip()
        and text[0].isalpha()
        and all(c.isalnum() or c in " -_" for c in text)
        and text.lower() not in ("yes", "no", "on", "off", "true", "false", "null", "y", "n")
    )
    return text if plain else json.dumps(text, ensure_ascii=False)

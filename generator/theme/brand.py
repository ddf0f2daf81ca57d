"""Brands: a palette, a heading font, a body font and a logo, applied through the theme."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import Field, StrictInt

from generator.content.base import Model, pattern
from generator.content.validate import validate_model
from generator.errors import DeckgenError, Diagnostic, display_path, fail_if_any, shown, unknown
from generator.files import image_problem, inside
from generator.layout.spec import (
    TITLE_TYPES,
    Box,
    MasterInfo,
    MasterSpec,
    PlaceholderInfo,
    SlideSpec,
    TemplateInfo,
    TemplatePlan,
)
from generator.source.load import DataPath, Source, load_yaml
from generator.theme.contrast import logo_on_dark, ratio, slot, text_pairs

Hex = Annotated[str, pattern(r"^[0-9A-Fa-f]{6}$", "an RRGGBB hex colour such as 0A64A4")]
FontName = Annotated[str, pattern(r"^[^<>&\"]+$", 'a font name without <, >, & or "')]


class Palette(Model):
    """The theme's twelve colours, as RRGGBB hex."""

    dk1: Hex
    """Dark 1: body text on light backgrounds."""
    lt1: Hex
    """Light 1: the usual background, and text on dark backgrounds."""
    dk2: Hex
    """Dark 2: headings and dark backgrounds."""
    lt2: Hex
    """Light 2: tinted backgrounds."""
    accent1: Hex
    """The main accent: rules, diagram core, highlights."""
    accent2: Hex
    accent3: Hex
    accent4: Hex
    accent5: Hex
    accent6: Hex
    hlink: Hex
    """Hyperlinks."""
    folHlink: Hex  # noqa: N815 - the theme's own name
    """Followed hyperlinks."""


class Fonts(Model):
    heading: FontName
    """The theme's major font: titles and headings."""
    body: FontName
    """The theme's minor font: body text."""


class TemplateLayout(Model):
    layout: str = Field(min_length=1)
    """The name of the template's layout, as `deckgen layouts TEMPLATE` lists it."""
    placeholders: dict[str, int | str | None] = {}
    """For each placeholder of deckgen's layout, the template's placeholder: its idx or its
    name. `text box` draws the text as deckgen's own text box, where deckgen's layout puts it,
    fitted to the template's slide; `null` leaves that text out on purpose; a placeholder left
    out here is an error."""


#: The mapping value that draws a text as deckgen's own text box instead of in a template
#: placeholder: for a layout with fewer places than deckgen's has texts. A template's own
#: placeholder of this name is reached by its idx.
TEXT_BOX = "text box"


class UserTemplate(Model):
    file: str = Field(min_length=1)
    """A .pptx or .potx, relative to the brand file, whose masters and layouts replace the
    built-in master."""
    master: StrictInt | str | None = None
    """The template's master to draw on, by its number from 1 or its name, as `deckgen layouts
    TEMPLATE` lists them; where left out, the master that holds each named layout, which must
    be only one."""
    layouts: dict[str, TemplateLayout]
    """For each of deckgen's layouts (one per slide kind), the template's layout to use."""


class Brand(Model):
    """A brand file: `templates/brands/<name>.yaml`."""

    name: str = Field(min_length=1)
    """The brand's display name; also the theme's name."""
    colors: Palette | None = None
    """The theme's colours; a user template keeps its own where left out."""
    fonts: Fonts | None = None
    """The theme's fonts; a user template keeps its own where left out."""
    logo: str | None = Field(default=None, min_length=1)
    """A PNG logo, relative to the brand file. It sits on the built-in slide master. A text
    logo made by `deckgen logo` is set at the master's logo cap height; other artwork is
    fitted into the master's logo box."""
    logo_negative: str | None = Field(default=None, min_length=1)
    """The logo for dark backgrounds (light ink), relative to the brand file; where left out,
    `logos/<name>-negative.png`. A layout of the master that shows the logo on a background
    where light ink has more contrast than the brand's dk2 shows this one instead; it is
    needed only where the master has such a layout."""
    template: UserTemplate | None = None
    """A corporate template to use instead of the built-in master (see the README)."""


@dataclass(frozen=True)
class Branding:
    """A checked brand and the files it names."""

    brand: Brand
    source: Source
    logo: Path | None
    template: Path | None
    logo_negative: Path | None = None


def brand_names(templates: Path) -> list[str]:
    """Return the names of the brands under `templates/brands/`."""
    return sorted(path.stem for path in (templates / "brands").glob("*.yaml"))


def _read(templates: Path, name: str) -> tuple[Source, Brand]:
    path = templates / "brands" / f"{name}.yaml"
    if not path.is_file():
        message = unknown("brand", name, brand_names(templates))
        raise DeckgenError([Diagnostic(display_path(path), None, None, message)])
    source = load_yaml(path, (templates,))
    return source, validate_model(source, Brand)


def read_brand(templates: Path, name: str) -> tuple[Brand, Path]:
    """Return the brand called `name` and where its logo goes, without checking it further."""
    source, brand = _read(templates, name)
    return brand, source.path.parent / (brand.logo or f"logos/{name}.png")


def negative_logo_path(templates: Path, name: str, brand: Brand) -> Path:
    """Return where the negative logo of `brand`, called `name`, goes."""
    return templates / "brands" / _negative(brand, name)


def _negative(brand: Brand, name: str) -> str:
    return brand.logo_negative or f"logos/{name}-negative.png"


def load_brand(templates: Path, name: str, master: MasterSpec) -> Branding:
    """Return the brand called `name` and the files it names; raise `DeckgenError` if it is
    bad, including when a text colour fails WCAG AA contrast on `master`."""
    source, brand = _read(templates, name)
    if brand.template is None:
        fail_if_any(
            source.error((), f"missing required field '{field}' (a brand without a template)")
            for field in ("colors", "fonts", "logo")
            if getattr(brand, field) is None
        )
    if brand.colors is not None:
        fail_if_any(contrast_problems(source, brand.colors, master))
    logo = template = negative = None
    if brand.logo is not None:
        logo = _image(source, "logo", brand.logo, templates)
        negative = _negative_logo(source, brand, name, templates, master)
    if brand.template is not None:
        template = _file(source, ("template", "file"), brand.template.file, templates, "template")
    return Branding(brand, source, logo, template, negative)


def _image(source: Source, field: str, value: str, templates: Path) -> Path:
    """Return the image file that `field` names; raise `DeckgenError` if it is missing or not
    an image deckgen reads."""
    found = _file(source, (field,), value, templates, "image")
    if problem := image_problem(found, (templates,)):
        raise DeckgenError([source.error((field,), f"{shown(value)}: {problem}")])
    return found


def _negative_logo(
    source: Source, brand: Brand, name: str, templates: Path, master: MasterSpec
) -> Path | None:
    """Return the brand's negative logo where a layout of `master` shows the logo on a dark
    background: the one it names, else its default where that is there, else None (the
    master then reverses the positive logo out in `lt1`). Where no layout needs it, it is not
    read (a deck does not depend on it), and only a named one must exist."""
    colors = brand.colors.model_dump() if brand.colors is not None else None
    dark = [
        layout.name
        for layout in master.layouts
        if colors is not None and logo_on_dark(layout, master, colors)
    ]
    if brand.logo_negative is not None:
        _file(source, ("logo_negative",), brand.logo_negative, templates, "image")
        return _image(source, "logo_negative", brand.logo_negative, templates) if dark else None
    default = _negative(brand, name)
    if not dark:
        return None
    if (source.path.parent / default).is_file():
        return _image(source, "logo", default, templates)
    return None  # the master reverses the logo out itself (`theme.logo.reversed_logo`)


def _file(source: Source, path: DataPath, value: str, templates: Path, what: str) -> Path:
    """Return the file `value` names, relative to the brand file, if it is there and inside the
    templates folder; raise `DeckgenError` if not."""
    found, refused = inside(value, source.path.parent, (templates,))
    if found is None:
        raise DeckgenError([source.error(path, str(refused))])
    if not found.is_file():
        raise DeckgenError([source.error(path, f"{what} file not found: {shown(value)}")])
    return found


def contrast_problems(source: Source, palette: Palette, master: MasterSpec) -> list[Diagnostic]:
    """Return an error for each text/background pair of `master` that `palette` gives less
    than WCAG AA contrast, at the text colour's line."""
    colors = palette.model_dump()
    found: list[Diagnostic] = []
    seen: set[tuple[str, str, float]] = set()
    for pair in text_pairs(master):
        text, background = slot(pair.text), slot(pair.background)
        if (text, background, pair.needed) in seen:
            continue
        seen.add((text, background, pair.needed))
        value = ratio(colors[text], colors[background])
        if value >= pair.needed:
            continue
        kind = "large text" if pair.large else "body text"
        message = (
            f"text colour {text} #{colors[text].upper()} on {background} "
            f"#{colors[background].upper()} has contrast {value:.2f}:1; WCAG AA needs "
            f"{pair.needed:g}:1 for {kind} ({pair.where})"
        )
        found.append(source.error(("colors", text), message))
    return found


def template_plan(
    branding: Branding, info: TemplateInfo, master: MasterSpec, specs: list[SlideSpec]
) -> TemplatePlan:
    """Return how `specs` go onto the brand's template; raise `DeckgenError` for every layout
    or placeholder that the mapping names and the template lacks, and for every text that the
    mapping gives no place, before anything renders."""
    source, template = branding.source, branding.brand.template
    assert template is not None
    assert branding.template is not None
    problems: list[Diagnostic] = []
    if min(info.size) < 72:  # any size is fitted (`layout.fit`), but not one with no room
        message = (
            f"the template's slides are {info.size[0]:g} x {info.size[1]:g} pt; a slide must"
            " be at least 72 pt (one inch) each way"
        )
        problems.append(source.error(("template", "file"), message))
    ours = {layout.name: [p.name for p in layout.placeholders] for layout in master.layouts}
    candidates = info.masters
    if template.master is not None:
        candidates = _chosen_master(info, template.master)
        if len(candidates) != 1:
            listed = ", ".join(f"{m.number} ({m.name})" for m in info.masters)
            message = (
                f"the template has no master {template.master!r} (it has: {listed})"
                if not candidates
                else f"the template's masters {', '.join(str(m.number) for m in candidates)}"
                f" are all named {template.master!r}: give the number of the one to use"
            )
            problems.append(source.error(("template", "master"), message))
            fail_if_any(problems)  # without its master, the rest of the mapping cannot be read
    layouts: dict[str, tuple[str, dict[str, int | None]]] = {}
    boxes: dict[str, tuple[str, ...]] = {}
    kinds: dict[str, dict[int, str]] = {}
    masters: dict[str, int] = {}
    ambiguous: dict[str, list[MasterInfo]] = {}
    for name, mapping in template.layouts.items():
        path: DataPath = ("template", "layouts", name)
        if name not in ours:
            problems.append(source.error(path, unknown("layout", name, ours), key=True))
            continue
        holders = [m for m in candidates if mapping.layout in m.layouts]
        if not holders:
            offered_names = {n: None for m in candidates for n in m.layouts}
            message = unknown("template layout", mapping.layout, offered_names, "the template has")
            problems.append(source.error((*path, "layout"), message))
            continue
        if len(holders) > 1:
            ambiguous.setdefault(mapping.layout, holders)
            continue
        masters[name] = holders[0].number - 1
        offered = holders[0].layouts[mapping.layout]
        targets: dict[str, int | None] = {}
        for placeholder, target in mapping.placeholders.items():
            where: DataPath = (*path, "placeholders", placeholder)
            if placeholder not in ours[name]:
                message = unknown(f"placeholder of layout '{name}'", placeholder, ours[name])
                problems.append(source.error(where, message, key=True))
                continue
            if target == TEXT_BOX:
                boxes[name] = (*boxes.get(name, ()), placeholder)
                continue
            found = _target(offered, target)
            if found is False:
                present = ", ".join(f"{p.idx} ({p.name})" for p in offered)
                message = (
                    f"layout '{mapping.layout}' of the template has no placeholder {target!r} "
                    f"(it has: {present or 'none'}; or '{TEXT_BOX}' to draw the text as"
                    " deckgen's own text box)"
                )
                problems.append(source.error(where, message))
                continue
            targets[placeholder] = found
        problems += _shared_targets(source, path, mapping.layout, targets, offered)
        layouts[name] = (mapping.layout, targets)
        kinds[name] = {p.idx: p.type for p in offered}
    if ambiguous:  # said once: one `master:` settles them all
        names = ", ".join(f"'{name}'" for name in ambiguous)
        sharing = {m.number: m for found in ambiguous.values() for m in found}
        listed = ", ".join(f"{m.number} ({m.name})" for m in sharing.values())
        message = (
            f"the template's masters {listed} each have the layouts {names}: name the master to"
            " draw on with `master:` under `template:`, by number or name"
        )
        problems.append(source.error(("template",), message, key=True))
    seen: set[tuple[str, str]] = set()
    unmapped: dict[str, list[str]] = {}
    for spec in specs:
        if spec.layout not in template.layouts:
            unmapped.setdefault(spec.layout, []).append(spec.id)
            continue
        mapped = template.layouts[spec.layout].placeholders
        for placeholder in spec.placeholders:
            if placeholder not in mapped and (spec.layout, placeholder) not in seen:
                seen.add((spec.layout, placeholder))
                message = (
                    f"placeholder '{placeholder}' of layout '{spec.layout}' has no place in the "
                    f"template, so slide '{spec.id}' would lose its text: map it to a "
                    f"placeholder's idx or name, to '{TEXT_BOX}', or to null to leave the text"
                    " out"
                )
                path = ("template", "layouts", spec.layout)
                problems.append(source.error(path, message, key=True))
    for layout, slides in unmapped.items():  # once a layout, however many slides use it
        needed = ", ".join(ours.get(layout, []))
        message = (
            f"no template layout for deckgen's layout '{layout}', which slide"
            f"{'s' * (len(slides) > 1)} {', '.join(repr(i) for i in slides)} use"
            f"{'s' * (len(slides) == 1)}: map it under `layouts:` to a layout of the template"
            f" with places for {needed}"
        )
        problems.append(source.error(("template", "layouts"), message, key=True))
    fail_if_any(dict.fromkeys(problems))  # one error per layout, however many slides use it
    areas = {}
    for name, (layout, _) in layouts.items():
        drawn_on = info.masters[masters[name]]
        area = room_beside_title(info.size, drawn_on.layouts[layout], master, name, drawn_on.art)
        if area is not None:
            areas[name] = area
    return TemplatePlan(
        path=branding.template,
        layouts=layouts,
        size=info.size,
        masters=masters,
        areas=areas,
        kinds=kinds,
        boxes=boxes,
    )


def _chosen_master(info: TemplateInfo, wanted: int | str) -> list[MasterInfo]:
    """Return the masters `wanted` names: by number, or by name (a name of digits that no
    master has is read as a number, as `master: "2"`)."""
    if isinstance(wanted, str):
        named = [m for m in info.masters if m.name == wanted]
        if named or not wanted.strip().isdigit():
            return named
        wanted = int(wanted)
    return [m for m in info.masters if m.number == wanted]


def _band(master: MasterSpec, name: str) -> tuple[float, float]:
    """The width and height of the part of deckgen's layout `name` below its title, where its
    own shapes lie: what goes into the template's area."""
    layout = master.layout(name)
    titles = [p.box for p in (layout.placeholders if layout else []) if p.type in TITLE_TYPES]
    bottom = max((box[1] + box[3] for box in titles), default=0.0)
    return master.size[0], master.size[1] - bottom


def room_beside_title(
    size: tuple[float, float],
    placeholders: list[PlaceholderInfo],
    master: MasterSpec,
    name: str,
    art: tuple[Box, ...] = (),
) -> Box | None:
    """The room of a template's layout (`size`, `placeholders`) where the shapes of deckgen's
    layout `name` go, clear of the master's `art` (`_area`)."""
    return _area(size, placeholders, _band(master, name), art)


#: Art that covers at least this share of the slide is ground that text stands on (a panel,
#: a frame's inside), not a thing in the way (a band, a logo, a corner).
GROUND = 0.6


def _area(
    size: tuple[float, float],
    placeholders: list[PlaceholderInfo],
    band: tuple[float, float],
    art: tuple[Box, ...] = (),
) -> Box | None:
    """The room of a template's layout beside its title, below it, to its right, to its left
    or above it, where deckgen's own shapes go, clear of the title wherever the template puts
    it: the first of those, in that order, that holds `band` (width, height) at three quarters
    of the largest scale any of them allows. Each room is first kept clear of the master's art
    (`_clear_of`) where that leaves the shapes at least half their size. None if the layout
    has no title with a position, or its title covers the slide: the slide is fitted whole."""
    width, height = size
    titles = [p.box for p in placeholders if p.type in TITLE_TYPES and p.box is not None]
    if not titles:
        return None
    left = min(box[0] for box in titles)
    top = min(box[1] for box in titles)
    right = max(box[0] + box[2] for box in titles)
    bottom = max(box[1] + box[3] for box in titles)
    rooms: list[Box] = [  # in the order a reader looks for them after the title
        (0.0, bottom, width, height - bottom),
        (right, 0.0, width - right, height),
        (0.0, 0.0, left, height),
        (0.0, 0.0, width, top),
    ]

    def scale(room: Box) -> float:
        return min(room[2] / band[0], room[3] / band[1])

    rooms = [room for room in rooms if room[2] > 1 and room[3] > 1]
    if not rooms:
        return None  # the title covers the slide: nothing is clear of it
    # clear of the art, unless the art is everywhere: then shapes half the size help no one
    rooms = [
        clear if scale(clear) >= 0.5 * scale(room) else room
        for room, clear in ((room, _clear_of(room, art, size, band)) for room in rooms)
    ]

    best = max(scale(room) for room in rooms)
    # the first in reading order that shows the shapes at three quarters of the best size
    return next(room for room in rooms if scale(room) >= 0.75 * best)


def _clear_of(
    room: Box, art: tuple[Box, ...], size: tuple[float, float], band: tuple[float, float]
) -> Box:
    """The part of `room` clear of the master's `art` that shows `band` (width, height) the
    largest: inside the topmost piece of ground that does not fill the slide (the white panel
    in a grey frame), and beside every smaller piece (a band, a logo, a row of circles). Of
    the rectangles between the pieces' edges, the one with the best scale wins, then the
    larger."""
    x, y, width, height = room
    slide = size[0] * size[1]
    grounds = [box for box in art if box[2] * box[3] >= GROUND * slide]
    inner = [box for box in grounds if box[2] * box[3] < 0.98 * slide]
    if inner and grounds[-1] is inner[-1]:  # the topmost ground is a panel: stay on it
        gx, gy, gw, gh = inner[-1]
        x, y = max(x, gx), max(y, gy)
        width = min(room[0] + room[2], gx + gw) - x
        height = min(room[1] + room[3], gy + gh) - y
    right, bottom = x + width, y + height
    things = [
        a
        for a in art
        if a[2] * a[3] < GROUND * slide
        and a[0] < right
        and a[0] + a[2] > x
        and a[1] < bottom
        and a[1] + a[3] > y
    ]
    if not things or width <= 0 or height <= 0:
        return (x, y, max(width, 0.0), max(height, 0.0))
    lefts = sorted({x, *(a[0] + a[2] for a in things if x < a[0] + a[2] < right)})
    rights = sorted({right, *(a[0] for a in things if x < a[0] < right)})
    best: tuple[tuple[float, float], Box] | None = None
    for left in lefts:
        for edge in rights:
            if edge - left <= 1:
                continue
            spans = sorted(
                (max(a[1], y), min(a[1] + a[3], bottom))
                for a in things
                if a[0] < edge and a[0] + a[2] > left
            )
            top = y
            for start, end in [*spans, (bottom, bottom)]:
                if start - top > 1:
                    free = (left, top, edge - left, start - top)
                    key = (min(free[2] / band[0], free[3] / band[1]), free[2] * free[3])
                    if best is None or key > best[0]:
                        best = (key, free)
                top = max(top, end)
    return best[1] if best is not None else (x, y, 0.0, 0.0)


def _shared_targets(
    source: Source,
    path: DataPath,
    layout: str,
    targets: dict[str, int | None],
    offered: list[PlaceholderInfo],
) -> list[Diagnostic]:
    """Return an error for each template placeholder that two or more of deckgen's
    placeholders are mapped onto: one text would replace the other."""
    by_target: dict[int, list[str]] = {}
    for placeholder, idx in targets.items():
        if idx is not None:
            by_target.setdefault(idx, []).append(placeholder)
    names = {p.idx: p.name for p in offered}
    found = []
    for idx, ours in by_target.items():
        if len(ours) > 1:
            listed = " and ".join(f"'{name}'" for name in ours)
            message = (
                f"{listed} are both mapped to placeholder {idx} ({names.get(idx, '?')}) of the"
                f" template's layout '{layout}', so one text would replace the other: give each"
                " a placeholder of its own, or map one to null"
            )
            found.append(source.error((*path, "placeholders", ours[1]), message))
    return found


def _target(offered: list[PlaceholderInfo], target: int | str | None) -> int | None | bool:
    """Return the idx that `target` (an idx, a name or None) names in `offered`, None to leave
    the text out, or False if there is no such placeholder."""
    if target is None:
        return None
    for placeholder in offered:
        if target == placeholder.idx or target == placeholder.name:
            return placeholder.idx
    return False

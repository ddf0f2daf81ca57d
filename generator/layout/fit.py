"""Fit laid-out slides to a user's template: its size, and the room beside its titles.

Layout templates draw on the master spec's slide (960 x 540 pt). A corporate template may be
16:9 in other units (LibreOffice saves 793.75 x 446.5 pt) or another shape (4:3 is 720 x 540),
and its titles sit where its designer put them. deckgen's own shapes (the diagram, the panel's
people, the facts' figures), which lie below deckgen's title, are scaled by one factor into the
largest room beside the title of the template's layout that the slide is mapped to (below,
above, right or left of it: `theme.brand`'s areas), centred in it, so they never cover that
title. A slide whose shapes reach above deckgen's title, or whose template layout has no title,
is fitted whole to the whole slide, centred. Type sizes, line widths, insets and spacing scale
with the shapes. The template's placeholders keep the template's own geometry.
"""

from __future__ import annotations

from generator.layout.spec import (
    TITLE_TYPES,
    Box,
    BoxShape,
    ChartShape,
    ConnectorShape,
    MasterSpec,
    PictureShape,
    PlaceholderDef,
    Point,
    QrShape,
    Shape,
    ShapeStyle,
    SlideSpec,
    TextStyle,
)


class Fit:
    """The scale and offset that put the area `source` of one slide onto the area `target` of
    another (each x, y, width, height): one scale, the largest that fits both ways, centred
    both ways in the target."""

    def __init__(self, source: Box, target: Box) -> None:
        self.scale = min(target[2] / source[2], target[3] / source[3])
        self.x = target[0] + (target[2] - source[2] * self.scale) / 2 - source[0] * self.scale
        self.y = target[1] + (target[3] - source[3] * self.scale) / 2 - source[1] * self.scale

    def length(self, value: float) -> float:
        return round(value * self.scale, 3)

    def point(self, point: Point) -> Point:
        return (round(self.x + point[0] * self.scale, 3), round(self.y + point[1] * self.scale, 3))

    def box(self, box: Box) -> Box:
        x, y = self.point((box[0], box[1]))
        return (x, y, self.length(box[2]), self.length(box[3]))

    def size(self, value: float | None) -> float | None:
        return None if value is None else self.length(value)


def fitted(
    specs: list[SlideSpec],
    master: MasterSpec,
    target: tuple[float, float],
    areas: dict[str, Box] | None = None,
) -> tuple[list[SlideSpec], MasterSpec]:
    """Return `specs`, and `master`'s shape styles, fitted to a slide of size `target`.

    Where `areas` gives the area below the title of the template's layout that a slide is
    mapped to, the slide's shapes, which lie below deckgen's own title, go into that area, so
    they stay clear of the template's title wherever it sits; otherwise the whole slide is
    fitted to the whole slide, centred."""
    whole = Fit((0, 0, *master.size), (0, 0, *target))
    styles = {name: _style(style, whole) for name, style in master.styles.items()}
    fitted_master = master.model_copy(
        update={"size": target, "margin": whole.length(master.margin), "styles": styles}
    )
    result = []
    for spec in specs:
        fit = _fit_for(spec, master, target, (areas or {}).get(spec.layout)) or whole
        result.append(_spec(spec, fit, master, whole))
    return result, fitted_master


def _fit_for(
    spec: SlideSpec, master: MasterSpec, target: tuple[float, float], area: Box | None
) -> Fit | None:
    """The fit that puts the slide's shapes into `area`, if they all lie below the title of
    deckgen's layout; None for the whole-slide fit."""
    layout = master.layout(spec.layout)
    titles = [p.box for p in layout.placeholders if p.type in TITLE_TYPES] if layout else []
    if area is None or not titles or not spec.shapes:
        return None
    bottom = max(box[1] + box[3] for box in titles)
    if any(_top(shape) < bottom for shape in spec.shapes):
        return None
    width, height = master.size
    return Fit((0, bottom, width, height - bottom), area)


def _top(shape: Shape) -> float:
    if isinstance(shape, ConnectorShape):
        return min(shape.begin[1], shape.end[1])
    return shape.box[1]


def _spec(spec: SlideSpec, fit: Fit, master: MasterSpec, whole: Fit) -> SlideSpec:
    placeholders = {
        name: fill.model_copy(update={"size": whole.size(fill.size)})
        for name, fill in spec.placeholders.items()
    }
    shapes = [_shape(shape, fit, master, whole) for shape in spec.shapes]
    return spec.model_copy(update={"placeholders": placeholders, "shapes": shapes})


def _shape(shape: Shape, fit: Fit, master: MasterSpec, whole: Fit) -> Shape:
    if isinstance(shape, BoxShape | ChartShape):
        size = shape.size
        if size is None and fit.scale != whole.scale:  # the style's size, at this slide's scale
            size = master.styles[shape.style].size
        return shape.model_copy(update={"box": fit.box(shape.box), "size": fit.size(size)})
    if isinstance(shape, ConnectorShape):
        ends = {"begin": fit.point(shape.begin), "end": fit.point(shape.end)}
        return shape.model_copy(update=ends)
    assert isinstance(shape, PictureShape | QrShape)
    return shape.model_copy(update={"box": fit.box(shape.box)})


def _style(style: ShapeStyle, fit: Fit) -> ShapeStyle:
    return style.model_copy(
        update={
            "size": fit.size(style.size),
            "space_after": fit.size(style.space_after),
            "inset": fit.size(style.inset),
            "line_width": fit.length(style.line_width),
        }
    )


def as_text_boxes(
    specs: list[SlideSpec], master: MasterSpec, boxes: dict[str, tuple[str, ...]]
) -> tuple[list[SlideSpec], MasterSpec]:
    """Return `specs` with the placeholders that `boxes` names, by layout, drawn as deckgen's
    own text boxes instead, and `master` with a style for each: a template mapping's
    `text box`, for a template layout with fewer places than deckgen's layout has texts.

    Each box lies where deckgen's layout puts the placeholder and is named after it, in the
    placeholder's type style (the master's title or body style, then its own). It keeps no
    colour of deckgen's layout, which was chosen for deckgen's own backgrounds: its text takes
    the template's text colour, as the template's own placeholders do. `fitted` then fits
    the boxes to the template's slide with the slide's other shapes."""
    if not boxes:
        return specs, master
    styles = dict(master.styles)
    result = []
    for spec in specs:
        drawn = [name for name in boxes.get(spec.layout, ()) if name in spec.placeholders]
        layout = master.layout(spec.layout)
        if not drawn or layout is None:
            result.append(spec)
            continue
        shapes: list[Shape] = []
        for placeholder in layout.placeholders:
            if placeholder.name not in drawn:
                continue
            style = f"text box: {spec.layout}/{placeholder.name}"
            styles[style] = _box_style(placeholder, master)
            fill = spec.placeholders[placeholder.name]
            shapes.append(
                BoxShape(
                    name=placeholder.name,
                    style=style,
                    box=placeholder.box,
                    text=fill.text,
                    size=fill.size,
                )
            )
        placeholders = {k: v for k, v in spec.placeholders.items() if k not in drawn}
        update = {"placeholders": placeholders, "shapes": [*shapes, *spec.shapes]}
        result.append(spec.model_copy(update=update))
    return result, master.model_copy(update={"styles": styles})


def _box_style(placeholder: PlaceholderDef, master: MasterSpec) -> ShapeStyle:
    """The style of a text box that stands in for `placeholder`: its type's master style with
    its own settings over it, without a colour."""
    base = master.master.title if placeholder.type in TITLE_TYPES else master.master.body
    fields = TextStyle.model_fields
    own = {k: v for k, v in placeholder.model_dump(include=set(fields)).items() if v is not None}
    merged = {**base.model_dump(include=set(fields), exclude_none=True), **own}
    merged.pop("color", None)
    return ShapeStyle(**merged, autofit=placeholder.autofit)

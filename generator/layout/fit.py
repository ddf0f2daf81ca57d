"""Fit laid-out slides to a slide of another size: a user's template at its own size.

Layout templates draw on the master spec's slide (960 x 540 pt). A corporate template may be
16:9 in other units (LibreOffice saves 793.75 x 446.5 pt) or another shape (4:3 is 720 x 540).
deckgen's own shapes are scaled by one factor, the largest that fits both ways, and centred, so
a 16:9 template of any size gets the layout exactly, only smaller or larger; on another shape
the layout keeps its proportions, with room left above and below or at the sides. Type sizes,
line widths, insets and spacing scale with it. The template's placeholders keep the
template's own geometry.
"""

from __future__ import annotations

from generator.layout.spec import (
    Box,
    BoxShape,
    ConnectorShape,
    Fill,
    MasterSpec,
    PictureShape,
    Point,
    Shape,
    ShapeStyle,
    SlideSpec,
)


class Fit:
    """The scale and offset that put a slide of `source` size onto one of `target` size."""

    def __init__(self, source: tuple[float, float], target: tuple[float, float]) -> None:
        self.scale = min(target[0] / source[0], target[1] / source[1])
        self.x = (target[0] - source[0] * self.scale) / 2
        self.y = (target[1] - source[1] * self.scale) / 2
        self.target = target

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
    specs: list[SlideSpec], master: MasterSpec, target: tuple[float, float]
) -> tuple[list[SlideSpec], MasterSpec]:
    """Return `specs`, and `master`'s shape styles, fitted to a slide of size `target`."""
    fit = Fit(master.size, target)
    styles = {name: _style(style, fit) for name, style in master.styles.items()}
    master = master.model_copy(
        update={"size": target, "margin": fit.length(master.margin), "styles": styles}
    )
    return [_spec(spec, fit) for spec in specs], master


def _spec(spec: SlideSpec, fit: Fit) -> SlideSpec:
    placeholders = {
        name: Fill(text=fill.text, size=fit.size(fill.size))
        for name, fill in spec.placeholders.items()
    }
    shapes = [_shape(shape, fit) for shape in spec.shapes]
    return spec.model_copy(update={"placeholders": placeholders, "shapes": shapes})


def _shape(shape: Shape, fit: Fit) -> Shape:
    if isinstance(shape, BoxShape):
        return shape.model_copy(update={"box": fit.box(shape.box), "size": fit.size(shape.size)})
    if isinstance(shape, ConnectorShape):
        return shape.model_copy(
            update={"begin": fit.point(shape.begin), "end": fit.point(shape.end)}
        )
    assert isinstance(shape, PictureShape)
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

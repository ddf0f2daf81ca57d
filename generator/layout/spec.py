"""The plain-data contract between the layout stage and the render stage.

`MasterSpec` is `templates/masters/<name>.yaml`: the slide size, the master, one layout per slide
kind and the named shape styles. `SlideSpec` is what a layout template produces for one slide.
Sizes and positions are in points on a 960 x 540 (16:9) slide. Colours are theme scheme colours and
fonts are theme fonts, so a brand re-skins everything through the theme.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

from generator.content.base import Model, union_tags
from generator.content.inline import Paragraph, parse_inline

SchemeColor = Literal[
    "tx1",
    "bg1",
    "tx2",
    "bg2",
    "accent1",
    "accent2",
    "accent3",
    "accent4",
    "accent5",
    "accent6",
    "hlink",
    "folHlink",
]
ThemeFont = Literal["major", "minor"]
Geometry = Literal["rect", "roundRect", "ellipse", "line", "chevron", "homePlate"]
#: A width or height in points: DrawingML has no negative extents.
Extent = Annotated[float, Field(ge=0)]
#: x, y, width, height in points.
Box = tuple[float, float, Extent, Extent]
Point = tuple[float, float]


def _paragraphs(value: object) -> object:
    """Return text as paragraphs; refuse anything else as not text, whatever it is."""
    if isinstance(value, str):
        return parse_inline(value)
    if isinstance(value, list) and all(isinstance(item, Paragraph) for item in value):
        return value
    raise PydanticCustomError("text_type", "expected text")


RichText = Annotated[list[Paragraph], BeforeValidator(_paragraphs)]


class TextStyle(Model):
    font: ThemeFont | None = None
    """Theme font: major (headings) or minor (body)."""
    size: float | None = Field(default=None, gt=0)
    """Type size in points."""
    bold: bool | None = None
    italic: bool | None = None
    color: SchemeColor | None = None
    """Text colour, a theme scheme colour."""
    align: Literal["left", "center", "right"] | None = None
    anchor: Literal["top", "middle", "bottom"] | None = None
    """Vertical alignment of the text in its box."""
    line_spacing: float | None = Field(default=None, gt=0)
    """Line spacing as a multiple of single spacing."""
    space_after: float | None = Field(default=None, ge=0)
    """Space after each paragraph, in points."""
    inset: float | None = Field(default=None, ge=0)
    """Space between the box's edge and the text, in points; the application's default if unset."""
    hang: float | None = Field(default=None, ge=0)
    """Indent every line but each paragraph's first by this many points (a hanging indent), so
    that a fill's `hang` can set an opening quotation mark in the margin."""


class ShapeStyle(TextStyle):
    geometry: Geometry = "rect"
    fill: SchemeColor | None = None
    """Fill colour; no fill where left out."""
    line: SchemeColor | None = None
    """Outline colour; no outline where left out."""
    line_width: float = Field(default=1.0, ge=0)
    """Outline width in points."""
    autofit: bool = False
    """Shrink the text when it overflows (PowerPoint's "shrink text on overflow")."""


#: The placeholder types that are a layout's title.
TITLE_TYPES = ("title", "ctrTitle")


class PlaceholderDef(TextStyle):
    name: str
    """The placeholder's name; layout templates fill placeholders by this name."""
    type: Literal["title", "ctrTitle", "subTitle", "body", "pic"]
    idx: int = Field(ge=0)
    """The placeholder's index, unique in the layout; 0 for titles."""
    box: Box
    autofit: bool = True
    inset: float | None = Field(default=0, ge=0)
    """Placeholders set text flush with their box, so it lines up with the slide's margins."""


class Decoration(Model):
    name: str
    style: str
    """A style from `styles`."""
    box: Box


class LayoutDef(Model):
    name: str
    """The layout's name: the slide kind that uses it."""
    background: SchemeColor | None = None
    """The layout's background colour; the master's where left out."""
    placeholders: list[PlaceholderDef]
    """The layout's placeholders, in reading order."""
    decorations: list[Decoration] = []
    """Shapes drawn on the layout itself, behind the slide's content."""
    master_shapes: bool = True
    """Whether the master's own shapes (its decorations and the logo) show on this layout."""
    variant_of: str | None = None
    """The layout this one is another look of, with the same placeholders (quote-dark of
    quote): on a user's template that maps no layout for this one, its slides use that one's."""


class MasterDef(Model):
    background: SchemeColor = "bg1"
    title: PlaceholderDef
    """The title placeholder; its text style is the title style every layout inherits."""
    body: PlaceholderDef
    """The body placeholder; its text style is the body style every layout inherits."""
    indent: float = Field(default=24, ge=0)
    """How far each outline level of body text is indented, in points."""
    logo: Box
    """Where the brand's logo sits, aligned to this box's right and bottom edges: a text logo
    (one that records its cap height, made by `deckgen logo`) at `logo_cap_height`, whatever
    its width; other artwork as large as fits the box at its aspect ratio."""
    logo_cap_height: float | None = Field(default=None, gt=0)
    """The cap height in points of every text logo, so that a short name and a long one
    stand at the same size; where left out, text logos are fitted into the box too."""
    decorations: list[Decoration] = []


class Grid(Model):
    """The columns that boxes start and end on, between the margins, and the unit that their
    tops and heights are multiples of."""

    columns: int = Field(default=12, ge=1)
    gutter: float = Field(default=16, ge=0)
    """The space between two columns, in points."""
    unit: float = Field(default=4, gt=0)
    """Tops and heights are multiples of this many points."""


class TypeStep(Model):
    size: float = Field(gt=0)
    """Type size in points."""
    line_spacing: float = Field(gt=0)
    """Line spacing as a multiple of single spacing."""


class TypeScale(Model):
    """The sizes that text is set in, largest first; a text fitted to its box may step down
    between them."""

    display: TypeStep = TypeStep(size=54, line_spacing=0.9)
    """The title slide's title, the closing message, a key figure."""
    title: TypeStep = TypeStep(size=32, line_spacing=1.0)
    """Slide titles, a short quotation."""
    lead: TypeStep = TypeStep(size=24, line_spacing=1.15)
    """A statement, a lead sentence, a subtitle."""
    body: TypeStep = TypeStep(size=18, line_spacing=1.1)
    """Body text, labels, attributions."""
    small: TypeStep = TypeStep(size=14, line_spacing=1.0)
    """Sources, footers, chart text."""


class MasterSpec(Model):
    size: tuple[float, float] = (960, 540)
    """The slide size in points."""
    margin: float = Field(default=56, ge=0)
    """The left and right margin in points; layout templates get it as `master.margin`."""
    grid: Grid = Grid()
    """The columns between the margins; layout templates get them as `master.columns`."""
    type_scale: TypeScale = TypeScale()
    """The type sizes; layout templates get them as `master.type` (`master.type.body`)."""
    master: MasterDef
    layouts: list[LayoutDef]
    styles: dict[str, ShapeStyle]
    """Named styles for the shapes that layout templates draw."""
    link_color: SchemeColor | None = None
    """Hyperlinks' colour where the theme's own hyperlink colour does not read on the slide
    (deckgen sets it for a template, `theme.contrast.legible`); the theme's where left out."""

    @property
    def column_width(self) -> float:
        """The width of one column of the grid, in points."""
        inside = self.size[0] - 2 * self.margin - (self.grid.columns - 1) * self.grid.gutter
        return inside / self.grid.columns

    def columns(self) -> list[float]:
        """Where each column of the grid starts, in points from the slide's left edge."""
        step = self.column_width + self.grid.gutter
        return [self.margin + index * step for index in range(self.grid.columns)]

    def layout(self, name: str) -> LayoutDef | None:
        return next((layout for layout in self.layouts if layout.name == name), None)

    def as_mapped(self, specs: list[SlideSpec], mapped: set[str]) -> list[SlideSpec]:
        """Return `specs` with each slide on a layout that is not in `mapped` but is another
        look of one (`variant_of`) moved onto that one, whose mapping it then needs."""
        bases = {
            layout.name: layout.variant_of
            for layout in self.layouts
            if layout.variant_of is not None and layout.name not in mapped
        }
        return [
            spec.model_copy(update={"layout": bases[spec.layout]}) if spec.layout in bases else spec
            for spec in specs
        ]


class Fill(Model):
    text: RichText
    size: float | None = Field(default=None, gt=0)
    """A type size that overrides the layout's, in points."""
    hang: float | None = Field(default=None, ge=0)
    """How far each paragraph's first line starts left of the others, in points, at most the
    placeholder's own `hang`: the width of an opening quotation mark, which then hangs in the
    margin while the letters line up. Ignored in a user's template's placeholders."""
    follows: str | None = None
    """The placeholder whose text this one follows, as an attribution follows its quote: in a
    user's template, whose placeholders' sizes are its designer's, this text is never set larger
    than that one as it fits its placeholder."""


class BoxShape(Model):
    type: Literal["box"] = "box"
    name: str
    style: str
    box: Box
    text: RichText | None = None
    size: float | None = Field(default=None, gt=0)
    decorative: bool = False
    """Hide it from screen readers: its text repeats a neighbour's (a person's initials above
    their name). A box without text is always decorative."""


class ConnectorShape(Model):
    type: Literal["connector"]
    name: str
    style: str
    begin: Point
    end: Point
    begin_shape: str | None = None
    """Glue the start to this shape's connection site `begin_site`."""
    begin_site: int = 0
    end_shape: str | None = None
    end_site: int = 0


class PictureShape(Model):
    type: Literal["picture"]
    name: str
    path: str
    box: Box
    alt: str = Field(min_length=1)
    crop: Literal["none", "fill"] = "none"
    """`none` stretches the image to the box; `fill` scales it, keeping its aspect, until it
    covers the box, and crops what is left over equally from both sides (`a:srcRect`)."""
    shape: Literal["rect", "ellipse"] = "rect"
    """The outline the picture is masked by; `ellipse` in a square box is a circle."""


class QrShape(Model):
    """A QR code of `data` (an address), drawn as a picture, square, dark on white."""

    type: Literal["qr"]
    name: str
    data: str = Field(min_length=1, max_length=2000)
    box: Box
    alt: str = Field(min_length=1)


class ChartShape(Model):
    """A native, editable chart of one series: its figures go into the chart part (and the
    workbook embedded with it), so PowerPoint's "Edit Data" opens them."""

    type: Literal["chart"]
    name: str
    style: str
    """A style from `styles`: the labels' font, size and colour."""
    chart: Literal["bar", "column", "line", "pie"]
    """bar: horizontal bars, the first category on top; column; line; pie."""
    box: Box
    categories: list[str] = Field(min_length=1)
    """The categories' names, in the order shown."""
    values: list[float] = Field(min_length=1)
    """One figure per category."""
    series: str = ""
    """The series' name: the workbook's column heading."""
    colors: list[SchemeColor] = Field(default=["accent1"], min_length=1)
    """The series' colour; a pie's slices take them in turn."""
    size: float | None = Field(default=None, gt=0)
    """The labels' type size in points, where it is not the style's."""
    number_format: str = "General"
    """How the figures are shown, as an Excel number format (`#,##0`)."""
    alt: str = Field(min_length=1)
    """What the chart shows, for a screen reader."""


Shape = Annotated[
    BoxShape | ConnectorShape | PictureShape | QrShape | ChartShape,
    Field(discriminator="type"),
]
SHAPE_MODELS = union_tags(Shape, "type")


class SlideSpec(Model):
    id: str
    layout: str
    """The master layout to use."""
    placeholders: dict[str, Fill] = {}
    """Text for the layout's placeholders, by placeholder name."""
    shapes: list[Shape] = []
    """Extra shapes, drawn in order above the placeholders."""
    reading_order: list[str] | None = None
    """Names of placeholders and shapes in the order a screen reader reads them."""
    notes: str | None = None
    hidden: bool = False


@dataclass(frozen=True)
class PlaceholderInfo:
    """A placeholder of a user template's layout, as its XML gives it."""

    idx: int
    type: str
    name: str
    box: Box | None = None
    """Where it sits on the slide, in points (its own, or inherited from the master)."""
    vertical: bool = False
    """Whether its text runs vertically (`bodyPr vert`), as in "Title and Vertical Text"."""
    color: str | None = None
    """The colour the template sets its text in, as RRGGBB (its own list style, its master's
    placeholder's, its master's text style, else tx1); None where that is not a plain colour."""
    ground: str | None = None
    """What its text stands on at its middle, as RRGGBB: the topmost solid art of its layout
    or master there, else the master's background; None where that is a picture or unknown."""
    size: float | None = None
    """The type size the template sets its first-level text in, in points (through the same
    chain as `color`); None where nothing in the chain sets one."""


@dataclass(frozen=True)
class MasterInfo:
    """One slide master of a user's template, and its layouts."""

    number: int
    """Its place among the template's masters, from 1, as `deckgen layouts` lists it."""
    name: str
    layouts: dict[str, list[PlaceholderInfo]]
    """Placeholders by layout name, in the template's order."""
    art: tuple[Box, ...] = ()
    """The bounding boxes of the master's own filled shapes and pictures: its art, which text
    is best kept off."""
    colors: dict[str, str] = field(default_factory=dict)
    """Its scheme colours (tx1, bg1, tx2, bg2, accent1-6, hlink, folHlink) as RRGGBB, through
    its colour map and its theme."""
    background: str | None = None
    """What its slides show at their middle, as RRGGBB: the topmost solid art there (a
    full-slide band), else its background's colour, where it is a plain fill."""


@dataclass(frozen=True)
class TemplateInfo:
    """What a user's .pptx or .potx offers: its slide size and its masters' layouts."""

    size: tuple[float, float]
    """The slide size in points."""
    masters: list[MasterInfo]

    @property
    def layouts(self) -> dict[str, list[PlaceholderInfo]]:
        """Placeholders by layout name, over all masters (the first master's where two share
        a name)."""
        merged: dict[str, list[PlaceholderInfo]] = {}
        for master in self.masters:
            for name, placeholders in master.layouts.items():
                merged.setdefault(name, placeholders)
        return merged


@dataclass(frozen=True)
class TemplatePlan:
    """How slides go onto a user template: the file, then for each of deckgen's layouts the
    template's layout and, for each placeholder, the template placeholder's idx (or None to
    leave that text out)."""

    path: Path
    layouts: dict[str, tuple[str, dict[str, int | None]]]
    size: tuple[float, float] = (960, 540)
    """The template's slide size in points."""
    masters: dict[str, int] = field(default_factory=dict)
    """For each of deckgen's layouts, the place (from 0) of the template master whose layout
    it uses; the first master where left out."""
    areas: dict[str, Box] = field(default_factory=dict)
    """For each of deckgen's layouts, the area of the template's layout below its title, where
    deckgen's own shapes go (`layout.fit`); the whole slide where it has no title."""
    kinds: dict[str, dict[int, str]] = field(default_factory=dict)
    """For each of deckgen's layouts, the type of each placeholder of its template layout, by
    idx ("body", "dt", "ftr"…): what a loss is explained by."""
    colors: dict[str, dict[str, str]] = field(default_factory=dict)
    """For each of deckgen's layouts, the scheme colour its text takes in a template
    placeholder where the template's own colour would not read there (`theme.contrast`)."""
    boxes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """For each of deckgen's layouts, its placeholders that the mapping gives no template
    placeholder but `text box`: deckgen draws their text itself (`layout.fit.as_text_boxes`)."""

"""A built deck read back with python-pptx, as plain data the checks can reason about.

Checks read the finished package, outside the build pipeline; this module and `package.py` are
the only parts of them that touch python-pptx or XML. Colours are resolved the way PowerPoint
resolves them: a run's own colour, else its paragraph level in its shape's list style, else
its shape's style (fontRef), else the list styles of the layout's placeholder it inherits
from (by idx, else type) and of the master's (by type), else the master's text styles, else
the presentation's default text style, else tx1; scheme colours through the colour map (the
slide's or layout's override, else the master's) and the theme, with lumMod, lumOff, tint
and shade applied.
"""

from __future__ import annotations

import colorsys
import io
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lxml import etree
from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE as RT

from generator.officexml import CHART_NS, DECORATIVE_URI, EMU_PER_POINT, HYPERLINK_COLOR_NS
from generator.officexml import NSMAP as NS
from generator.theme.contrast import ratio

#: Parts read as XML here are a deck's own: no entities, no network.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
#: Which master text style a placeholder type takes its defaults from.
_STYLE_OF = {"title": "titleStyle", "ctrTitle": "titleStyle", "body": "bodyStyle"}
_BODY_TYPES = ("body", "subTitle", "obj")
#: Placeholders whose text falls back on the master's otherStyle, as text boxes' does.
_OTHER_TYPES = ("dt", "ftr", "sldNum", "hdr")
#: The placeholder type of a master that a layout's placeholder of each type inherits from.
_MASTER_TYPE = {"ctrTitle": "title", "subTitle": "body", "obj": "body"}


@dataclass(frozen=True)
class Run:
    """A run of text and how it looks."""

    text: str
    color: str | None
    """RRGGBB, or None where it cannot be resolved."""
    size: float
    bold: bool
    lang: str | None


@dataclass
class Shape:
    """A shape on a slide, as the checks see it."""

    name: str
    kind: str
    """"text" (a shape or placeholder with text), "picture", "chart", "connector" or "shape"."""
    box: tuple[float, float, float, float] | None
    """x, y, width, height in points, inherited from the layout for placeholders."""
    text: str = ""
    runs: list[Run] = field(default_factory=list)
    alt: str = ""
    decorative: bool = False
    title: bool = False
    background: str | None = None
    """What the text sits on: the shape's own fill, else the slide's background (RRGGBB)."""
    stretch: float | None = None
    """A picture's width against its height as shown, over the same of the part of its image
    that it shows (its `srcRect` crop): 1 where it keeps its proportions; None where the image
    cannot be measured (a vector image)."""


@dataclass
class SlideView:
    number: int
    id: str
    hidden: bool
    shapes: list[Shape]
    notes: str
    pictures: list[Shape] = field(default_factory=list)
    """The pictures the slide's master and layout draw behind it (logos, photos)."""

    @property
    def title(self) -> str:
        return " ".join(s.text for s in self.shapes if s.title).strip()


@dataclass(frozen=True)
class FontUse:
    """A font the deck names for its text."""

    typeface: str
    source: str
    """What names it: "theme" (the theme's heading or body font), "the master", "layout
    'Title Slide'", or a slide's shape by its name, "'Title 1'"."""
    slide: int = 0
    """The slide's number, from 1, for a slide's shape; else 0."""
    slide_id: str = ""


@dataclass(frozen=True)
class DeckFonts:
    """The fonts a deck names: its themes' heading and body fonts (their major and minor latin
    fonts), then those its masters', layouts' and slides' text names itself, where each is named
    (a reference to a theme font, +mj-lt or +mn-lt, is not a name)."""

    path: Path
    uses: list[FontUse]


@dataclass(frozen=True)
class LogoView:
    """A picture named "Logo" on a master or layout, with its image."""

    where: str
    """"the master", or "layout 'quote'"."""
    image: bytes
    height: float
    """How tall it is shown, in points."""
    shown: float
    """The share of the image's height that it shows: 1 less its crop at the top and bottom."""


@dataclass
class DeckView:
    path: Path
    size: tuple[float, float]
    language: str
    slides: list[SlideView]
    master_pictures: list[Shape]
    fonts: DeckFonts
    logos: list[LogoView] = field(default_factory=list)


def read_deck(path: Path) -> DeckView:
    """Read the deck at `path`."""
    prs = Presentation(str(path))
    size = ((prs.slide_width or 0) / EMU_PER_POINT, (prs.slide_height or 0) / EMU_PER_POINT)
    slides = [_slide(number, slide, size) for number, slide in enumerate(prs.slides, 1)]
    pictures = [
        _picture(element)
        for master in prs.slide_masters
        for part in (master, *master.slide_layouts)
        for element in part.element.iterfind(".//p:pic", NS)
    ]
    language = prs.core_properties.language or ""
    return DeckView(path, size, language, slides, pictures, _fonts(path, prs), _logos(prs))


def _logos(prs: Any) -> list[LogoView]:
    """Return the pictures named "Logo" of the masters and layouts whose image is there."""
    found = []
    for master in prs.slide_masters:
        for part, where in [(master, "the master")] + [
            (layout, f"layout {layout.name!r}") for layout in master.slide_layouts
        ]:
            for element in part.element.iterfind(".//p:pic", NS):
                if _name(element) == "Logo" and (logo := _logo(element, part.part, where)):
                    found.append(logo)
    return found


def _logo(element: Any, part: Any, where: str) -> LogoView | None:
    blip, box = element.find(".//a:blip", NS), _box(element)
    if blip is None or box is None:
        return None
    try:
        image = part.related_part(blip.get(f"{{{NS['r']}}}embed")).blob
    except KeyError:
        return None
    crop = element.find(".//a:srcRect", NS)
    cut = sum(int(crop.get(k, 0)) for k in "tb") / 100_000 if crop is not None else 0.0
    return LogoView(where, image, box[3], 1 - cut)


def read_fonts(path: Path) -> DeckFonts:
    """Read the fonts the deck at `path` names, and nothing else of it."""
    return _fonts(path, Presentation(str(path)))


def _fonts(path: Path, prs: Any) -> DeckFonts:
    uses = _theme_fonts(prs)
    for master in prs.slide_masters:
        uses += [FontUse(name, "the master") for name in _typefaces(master.element)]
        for layout in master.slide_layouts:
            uses += [
                FontUse(name, f"layout {layout.name!r}") for name in _typefaces(layout.element)
            ]
    for number, slide in enumerate(prs.slides, 1):
        slide_id = slide.element.cSld.get("name", "")
        for element in slide.element.cSld.spTree.iterchildren():
            source = repr(_name(element))
            uses += [FontUse(name, source, number, slide_id) for name in _typefaces(element)]
    return DeckFonts(path, list(dict.fromkeys(uses)))


def _theme_fonts(prs: Any) -> list[FontUse]:
    """Return the heading and body fonts of each slide master's theme."""
    uses = []
    for master in prs.slide_masters:
        theme = etree.fromstring(master.part.part_related_by(RT.THEME).blob, _PARSER)
        for kind in ("major", "minor"):
            found = theme.find(f"a:themeElements/a:fontScheme/a:{kind}Font/a:latin", NS)
            typeface = found.get("typeface", "") if found is not None else ""
            if typeface:
                uses.append(FontUse(typeface, "theme"))
    return uses


def _typefaces(element: Any) -> list[str]:
    """Return the typefaces the text in `element` names, in order, each once; a reference to a
    theme font (+mj-lt, +mn-lt) is not a name."""
    found = (latin.get("typeface", "") for latin in element.iter(f"{{{NS['a']}}}latin"))
    return list(dict.fromkeys(name for name in found if name and not name.startswith("+")))


def _slide(number: int, slide: Any, size: tuple[float, float]) -> SlideView:
    layout = slide.slide_layout
    master = layout.slide_master
    colors = _Colors(master, slide, layout)
    background = _background(colors, slide, layout, master)
    art = [*_picture_background(size, slide, layout, master), *_art(colors, master, layout)]
    shapes = []
    for element in slide.element.cSld.spTree.iterchildren():
        tag = etree.QName(element).localname
        if tag == "pic":
            shapes.append(replace(_picture(element), stretch=_stretch(element, slide.part)))
        elif tag == "graphicFrame" and element.find(f".//{{{CHART_NS}}}chart") is not None:
            shapes.append(Shape(_name(element), "chart", _box(element), alt=_alt(element)))
        elif tag == "cxnSp":
            shapes.append(Shape(_name(element), "connector", _box(element), alt=_alt(element)))
        elif tag == "sp":
            shape = _shape(element, layout, master, colors, background)
            if shape.box is not None and element.find("p:spPr/a:solidFill", NS) is None:
                shape = replace(shape, background=_behind(art, shape, background))
            shapes.append(shape)
    notes = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
    hidden = slide.element.get("show") == "0"
    pictures = [  # a group that holds a picture counts whole, by its box on the slide
        _picture(element)
        for part in (master, layout)
        for element in part.element.cSld.spTree.iterchildren(
            f"{{{NS['p']}}}pic", f"{{{NS['p']}}}grpSp"
        )
        if etree.QName(element).localname == "pic" or element.find(".//p:pic", NS) is not None
    ]
    name = slide.element.cSld.get("name", "")
    return SlideView(number, name, hidden, shapes, notes or "", pictures)


Outline = list[tuple[float, float]]


#: What art shows at a point on the slide: a colour, or a picture sampled there (None where
#: the picture is transparent, so what lies beneath shows).
Paint = str | Callable[[tuple[float, float]], str | None]


def _art(colors: _Colors, *parts: Any) -> list[tuple[Outline, Paint]]:
    """Return what the master and the layout draw behind every slide (not their
    placeholders), bottom first, each with its outline on the slide and what it shows: a
    filled shape's solid colour, a rectangle's box or the straight-edged path of a free shape
    (LibreOffice's templates draw their bands and triangles so), and a picture, sampled
    (`_sampled`). Shapes of other geometry are left out, since their box is not what they
    cover."""
    found: list[tuple[Outline, Paint]] = []
    for part in parts:
        for element in part.element.cSld.spTree.iterchildren():
            if etree.QName(element).localname == "pic":
                box = _box(element)
                blip = element.find("p:blipFill/a:blip", NS)
                sampler = _sampled(part, blip, box) if box is not None else None
                if box is not None and sampler is not None:
                    x, y, width, height = box
                    corners = [(x, y), (x + width, y), (x + width, y + height), (x, y + height)]
                    found.append((corners, sampler))
                continue
            if etree.QName(element).localname != "sp":
                continue
            box = _box(element)
            fill = element.find("p:spPr/a:solidFill", NS)
            if _placeholder(element) is not None or box is None or fill is None:
                continue
            if _translucent(fill):
                continue  # a shadow or a veil: what lies beneath shows through
            outline = _outline(element, box)
            color = colors.resolve(fill)
            if outline is not None and color is not None:
                found.append((outline, color))
    return found


_RECTANGLES = ("rect", "roundRect", "snip1Rect", "round1Rect")


def _outline(element: Any, box: tuple[float, float, float, float]) -> Outline | None:
    """Return the corners of what a shape covers, in points on the slide, or None."""
    x, y, width, height = box
    preset = element.find("p:spPr/a:prstGeom", NS)
    if preset is not None:
        if preset.get("prst") not in _RECTANGLES:
            return None
        return [(x, y), (x + width, y), (x + width, y + height), (x, y + height)]
    path = element.find("p:spPr/a:custGeom/a:pathLst/a:path", NS)
    if path is None:
        return None
    scale_x = width / float(path.get("w") or width or 1)
    scale_y = height / float(path.get("h") or height or 1)
    corners = [
        (x + float(point.get("x", 0)) * scale_x, y + float(point.get("y", 0)) * scale_y)
        for point in path.iter(f"{{{NS['a']}}}pt")  # a curve counts by its points: near enough
    ]
    return corners if len(corners) >= 3 else None


def _translucent(fill: Any) -> bool:
    """Whether a solid fill lets at least half of what is beneath show (`a:alpha` below
    50%)."""
    alpha = fill.find(".//a:alpha", NS)
    return alpha is not None and int(alpha.get("val", "100000")) < 50000


#: The width a picture is scaled down to before it is sampled: its colours, not its detail.
_SAMPLE_WIDTH = 160


def _picture_background(size: tuple[float, float], *parts: Any) -> list[tuple[Outline, Paint]]:
    """The picture that fills the slide's background, where the first part that sets a
    background (the slide, its layout, its master) sets one (LibreOffice's Candy: a photo of
    sweets), as art the size of the slide under all other art; else nothing."""
    for part in parts:
        bg = part.element.find("p:cSld/p:bg", NS)
        if bg is None:
            continue
        blip = bg.find("p:bgPr/a:blipFill/a:blip", NS)
        sampler = _sampled(part, blip, (0, 0, *size)) if blip is not None else None
        if sampler is None:
            return []
        corners = [(0.0, 0.0), (size[0], 0.0), (size[0], size[1]), (0.0, size[1])]
        return [(corners, sampler)]
    return []


def _sampled(part: Any, blip: Any, box: tuple[float, float, float, float]) -> Paint | None:
    """What the picture `blip` (an `a:blip`) of `part` shows at a point of its `box`: the mean
    colour of the pixels about it, on the picture scaled to `_SAMPLE_WIDTH` (stretched to its
    box, as drawn); None where they are mostly transparent. None if the picture cannot be
    read."""
    import io

    from PIL import Image

    embed = blip.get(f"{{{NS['r']}}}embed") if blip is not None else None
    try:
        with Image.open(io.BytesIO(part.part.related_part(embed).blob)) as image:
            image.thumbnail((_SAMPLE_WIDTH, _SAMPLE_WIDTH * 4))
            pixels = image.convert("RGBA")
    except Exception:  # noqa: BLE001 - any picture Pillow cannot read is left out
        return None
    x, y, width, height = box

    def at(point: tuple[float, float]) -> str | None:
        u = int((point[0] - x) / width * pixels.width) if width else 0
        v = int((point[1] - y) / height * pixels.height) if height else 0
        around: list[tuple[int, ...]] = []
        for du in (-1, 0, 1):
            for dv in (-1, 0, 1):
                where = (
                    min(max(u + du, 0), pixels.width - 1),
                    min(max(v + dv, 0), pixels.height - 1),
                )
                pixel = pixels.getpixel(where)
                assert isinstance(pixel, tuple)  # an RGBA picture's pixels are (r, g, b, a)
                around.append(pixel)
        shown = [p for p in around if p[3] >= 128]
        if len(shown) * 2 < len(around):
            return None
        return "".join(f"{round(sum(p[i] for p in shown) / len(shown)):02X}" for i in range(3))

    return at


def _behind(art: list[tuple[Outline, Paint]], shape: Shape, background: str | None) -> str | None:
    """Return what the text of `shape` sits on where that is hardest to read: the colour, at
    nine points spread over its box, of the topmost art shape there, or the slide's
    background, whichever gives the text colour the least contrast. Text that crosses a
    template's dark triangle is judged where it crosses it."""
    assert shape.box is not None
    x, y, width, height = shape.box
    under = set()
    for fx in (1 / 6, 1 / 2, 5 / 6):
        for fy in (1 / 6, 1 / 2, 5 / 6):
            point = (x + width * fx, y + height * fy)
            shown = background
            for outline, paint in reversed(art):  # the topmost that shows something there
                if _inside(point, outline):
                    seen = paint(point) if callable(paint) else paint
                    if seen is not None:
                        shown = seen
                        break
            under.add(shown)
    text = next((run.color for run in shape.runs if run.color and run.text.strip()), None)
    known = sorted(color for color in under if color is not None)
    if text is None or not known:
        return background if background in under or not known else known[0]
    return min(known, key=lambda color: ratio(text, color))


def _inside(point: tuple[float, float], outline: Outline) -> bool:
    """Whether `point` lies inside the polygon `outline` (ray casting)."""
    x, y = point
    inside = False
    for (x1, y1), (x2, y2) in zip(outline, [*outline[1:], outline[0]], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _name(element: Any) -> str:
    found = element.find(".//p:cNvPr", NS)
    return str(found.get("name", "")) if found is not None else ""


def _alt(element: Any) -> str:
    found = element.find(".//p:cNvPr", NS)
    return str(found.get("descr", "")) if found is not None else ""


def _decorative(element: Any) -> bool:
    found = element.find(".//p:cNvPr/a:extLst/a:ext", NS)
    return found is not None and found.get("uri") == DECORATIVE_URI


def _picture(element: Any) -> Shape:
    return Shape(
        _name(element),
        "picture",
        _box(element),
        alt=_alt(element),
        decorative=_decorative(element),
    )


def _stretch(element: Any, part: Any) -> float | None:
    """How much a picture is stretched across (`Shape.stretch`), from its image's pixel size,
    its crop and its box."""
    from PIL import Image, UnidentifiedImageError

    blip = element.find(".//a:blip", NS)
    box = _box(element)
    if blip is None or box is None or not box[2] or not box[3]:
        return None
    try:
        blob = part.related_part(blip.get(f"{{{NS['r']}}}embed")).blob
        with Image.open(io.BytesIO(blob)) as image:  # reads the header only
            width, height = image.size
    except (KeyError, ValueError, OSError, UnidentifiedImageError):
        return None
    crop = element.find(".//a:srcRect", NS)
    share = {k: int(crop.get(k, 0)) / 100_000 if crop is not None else 0.0 for k in "ltrb"}
    shown = width * (1 - share["l"] - share["r"]), height * (1 - share["t"] - share["b"])
    if shown[0] <= 0 or shown[1] <= 0:
        return None
    return (box[2] / box[3]) / (shown[0] / shown[1])


def _box(element: Any) -> tuple[float, float, float, float] | None:
    xfrm = element.find(".//a:xfrm", NS)
    if xfrm is None:
        xfrm = element.find("p:xfrm", NS)  # a graphic frame's, such as a chart's
    off = xfrm.find("a:off", NS) if xfrm is not None else None
    ext = xfrm.find("a:ext", NS) if xfrm is not None else None
    if off is None or ext is None:
        return None
    x, y = int(off.get("x")), int(off.get("y"))
    cx, cy = int(ext.get("cx")), int(ext.get("cy"))
    return (x / EMU_PER_POINT, y / EMU_PER_POINT, cx / EMU_PER_POINT, cy / EMU_PER_POINT)


def _placeholder(element: Any) -> Any:
    return element.find("p:nvSpPr/p:nvPr/p:ph", NS)


def _matching(part: Any, ph: Any, by_idx: bool) -> Any:
    """Return the placeholder of a layout or master that `ph` inherits from.

    A slide's placeholder finds its layout's by idx, else by type; a layout's finds its
    master's by type alone, since a master's idx numbers are its own: LibreOffice numbers
    the master's date placeholder 1, the idx of every layout's body."""
    kind, idx = ph.get("type", "body"), ph.get("idx", "0")
    candidates = [
        (element, other)
        for element in part.element.iterfind(".//p:sp", NS)
        if (other := _placeholder(element)) is not None
    ]
    if by_idx and idx != "0":
        for element, other in candidates:
            if other.get("idx", "0") == idx:
                return element
    wanted = kind if by_idx else _MASTER_TYPE.get(kind, kind)
    for element, other in candidates:
        if other.get("type", "body") == wanted:
            return element
    for element, other in candidates:
        if kind in _BODY_TYPES and other.get("type", "body") == "body":
            return element
    return None


def _inherited(element: Any, ph: Any, layout: Any, master: Any) -> list[Any]:
    """Return `element` and the placeholders of its layout and master it inherits from."""
    chain = [element]
    if ph is None:
        return chain
    found = _matching(layout, ph, by_idx=True)
    if found is not None:
        chain.append(found)
        ph = _placeholder(found)
    found = _matching(master, ph, by_idx=False)
    return chain if found is None else [*chain, found]


def _text_style(ph: Any) -> str:
    """Return the master's text style that text in placeholder `ph` (or in no placeholder,
    when it is None) falls back on."""
    kind = ph.get("type", "body") if ph is not None else None
    if kind is None or kind in _OTHER_TYPES:
        return "otherStyle"
    return _STYLE_OF.get(kind, "bodyStyle")


def _shape(
    element: Any, layout: Any, master: Any, colors: _Colors, background: str | None
) -> Shape:
    ph = _placeholder(element)
    chain = _inherited(element, ph, layout, master)  # box and text defaults, nearest first
    box = next((b for b in map(_box, chain) if b is not None), None)
    fill = element.find("p:spPr/a:solidFill", NS)
    own_fill = colors.resolve(fill) if fill is not None else None
    sits_on = own_fill or background
    own = element.find("p:txBody/a:lstStyle", NS)
    reference = element.find("p:style/a:fontRef", NS)  # a shape's style, after its own lstStyle
    inherited = [
        *(found.find("p:txBody/a:lstStyle", NS) for found in chain[1:]),
        master.element.find(f"p:txStyles/p:{_text_style(ph)}", NS),
        _presentation(master).find("p:defaultTextStyle", NS),
    ]
    runs = []
    texts = []
    for paragraph in element.iterfind("p:txBody/a:p", NS):
        defaults = [
            _level(own, paragraph),
            reference,
            *(_level(style, paragraph) for style in inherited),
        ]
        for run in paragraph.iterfind("a:r", NS):
            properties = run.find("a:rPr", NS)
            text = run.findtext("a:t", default="", namespaces=NS)
            runs.append(_run(text, properties, defaults, colors))
        texts.append(
            "".join(
                node.text or "" if etree.QName(node).localname == "t" else "\n"
                for node in paragraph.iter(f"{{{NS['a']}}}t", f"{{{NS['a']}}}br")
            )
        )
    text = "\n".join(texts).strip()
    is_title = ph is not None and ph.get("type") in ("title", "ctrTitle")
    return Shape(
        _name(element),
        "text" if text else "shape",
        box,
        text=text,
        runs=runs,
        alt=_alt(element),
        decorative=_decorative(element),
        title=is_title,
        background=sits_on,
    )


def _presentation(master: Any) -> Any:
    """Return the p:presentation element of the package that holds `master`."""
    return master.part.package.presentation_part.presentation.element


def _level(style: Any, paragraph: Any) -> Any:
    """Return the run defaults that list style `style` gives `paragraph`'s level, if any."""
    properties = paragraph.find("a:pPr", NS)
    level = int(properties.get("lvl", "0")) + 1 if properties is not None else 1
    return None if style is None else style.find(f"a:lvl{level}pPr/a:defRPr", NS)


def _run(text: str, properties: Any, defaults: list[Any], colors: _Colors) -> Run:
    chain = [p for p in (properties, *defaults) if p is not None]
    color = _color(properties, chain, colors)
    size = next((int(n.get("sz")) / 100 for n in chain if n.get("sz")), 18.0)
    bold = next((n.get("b") in ("1", "true") for n in chain if n.get("b") is not None), False)
    lang = properties.get("lang") if properties is not None else None
    return Run(text, color, size, bold, lang)


def _color(properties: Any, chain: list[Any], colors: _Colors) -> str | None:
    """Return the colour of a run whose own properties are `properties`, inheriting along
    `chain`. A hyperlink that sets no colour of its own takes the theme's hyperlink colour,
    and text that nothing colours the theme's text colour (tx1), as in PowerPoint and
    LibreOffice."""
    click = properties.find("a:hlinkClick", NS) if properties is not None else None
    if click is not None and not _own_colour(click):
        return colors.named("hlink")
    for node in chain:
        is_reference = etree.QName(node).localname == "fontRef"  # holds its colour itself
        fill = node if is_reference else node.find("a:solidFill", NS)
        if fill is not None and len(fill):
            return colors.resolve(fill)
    return colors.named("tx1")


def _own_colour(click: Any) -> bool:
    """Whether a hyperlink takes its run's colour (Office 2019's extension, which LibreOffice
    reads too): else it is the theme's hyperlink colour, whatever the run says."""
    return any(node.get("val") == "tx" for node in click.iter(f"{{{HYPERLINK_COLOR_NS}}}hlinkClr"))


class _Colors:
    """Resolves colour elements through a slide's colour map and its master's theme."""

    def __init__(self, master: Any, *overriding: Any) -> None:
        """Use the colour map of the first of `overriding` (a slide, then its layout) that
        overrides its master's, else the master's."""
        mapping = next(
            (
                found
                for part in overriding
                if (found := part.element.find("p:clrMapOvr/a:overrideClrMapping", NS)) is not None
            ),
            master.element.find("p:clrMap", NS),
        )
        self.map = dict(mapping.attrib) if mapping is not None else {}
        theme = etree.fromstring(master.part.part_related_by(RT.THEME).blob)
        self.scheme: dict[str, str] = {}
        scheme = theme.find(".//a:clrScheme", NS)
        for slot in scheme if scheme is not None else []:
            value = _plain(slot[0]) if len(slot) else None
            if value:
                self.scheme[etree.QName(slot).localname] = value

    def named(self, name: str) -> str | None:
        """Return the RRGGBB of scheme colour `name` (tx1, accent1, …) through the map."""
        return self.scheme.get(self.map.get(name, name))

    def resolve(self, holder: Any) -> str | None:
        """Return the RRGGBB of the colour inside `holder` (a fill, or a style's font
        reference) with its changes (lumMod, lumOff, tint, shade) applied, if it is a
        plain one."""
        for color in holder.iterchildren(*_COLOR_TAGS):
            scheme = etree.QName(color).localname == "schemeClr"
            value = self.named(str(color.get("val"))) if scheme else _plain(color)
            return _changed(value, color) if value is not None else None
        return None


_COLOR_TAGS = [f"{{{NS['a']}}}{tag}" for tag in ("srgbClr", "schemeClr", "sysClr", "prstClr")]
#: The preset colours Office templates use; others are left unresolved.
_PRESET = {"black": "000000", "white": "FFFFFF"}


def _plain(color: Any) -> str | None:
    """Return the RRGGBB of a colour element that names its value itself, if it does."""
    tag = etree.QName(color).localname
    if tag == "srgbClr":
        value = color.get("val")
    elif tag == "sysClr":
        value = color.get("lastClr")
    elif tag == "prstClr":
        value = _PRESET.get(str(color.get("val")))
    else:
        value = None
    return str(value).upper() if value else None


def _changed(value: str, color: Any) -> str:
    """Return RRGGBB `value` with the changes that `color`'s children make, in their order:
    lumMod and lumOff scale and shift its lightness (how LibreOffice and PowerPoint write
    "darker 25%"); shade darkens it towards black and tint lightens it towards white, in
    linear light as both draw them (tx1 black at tint 75% is drawn #898989, not #404040)."""
    red, green, blue = (int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    for change in color.iterchildren():
        amount = int(change.get("val", "100000")) / 100000
        name = etree.QName(change).localname
        if name in ("lumMod", "lumOff"):
            hue, light, saturation = colorsys.rgb_to_hls(red, green, blue)
            light = light * amount if name == "lumMod" else light + amount
            red, green, blue = colorsys.hls_to_rgb(hue, min(max(light, 0.0), 1.0), saturation)
        elif name == "shade":
            red, green, blue = (_gamma(_linear(c) * amount) for c in (red, green, blue))
        elif name == "tint":
            red, green, blue = (_gamma(1 - (1 - _linear(c)) * amount) for c in (red, green, blue))
    return "".join(f"{round(c * 255):02X}" for c in (red, green, blue))


def _linear(channel: float) -> float:
    """Return an sRGB channel (0 to 1) in linear light."""
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def _gamma(channel: float) -> float:
    """Return a linear-light channel (0 to 1) in sRGB."""
    channel = min(max(channel, 0.0), 1.0)
    return channel * 12.92 if channel <= 0.0031308 else 1.055 * channel ** (1 / 2.4) - 0.055


def _background(colors: _Colors, *parts: Any) -> str | None:
    """Return the solid background colour of the first part that sets one."""
    for part in parts:
        bg = part.element.find("p:cSld/p:bg", NS)
        if bg is None:
            continue
        fill = bg.find("p:bgPr/a:solidFill", NS)
        if fill is not None:
            return colors.resolve(fill)
        reference = bg.find("p:bgRef", NS)
        return colors.resolve(reference) if reference is not None else None
    return None

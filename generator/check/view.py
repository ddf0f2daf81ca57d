"""A built deck read back with python-pptx, as plain data the checks can reason about.

Checks read the finished package, outside the build pipeline; this module and `package.py` are
the only parts of them that touch python-pptx or XML. Colours are resolved the way PowerPoint
resolves them: a run's own colour, else its shape's list style, else the layout's and the
master's placeholder styles, else the master's text styles; scheme colours through the
master's colour map and the theme.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lxml import etree
from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE as RT

from generator.officexml import DECORATIVE_URI, EMU_PER_POINT
from generator.officexml import NSMAP as NS
from generator.theme.contrast import ratio

#: Which master text style a placeholder type takes its defaults from.
_STYLE_OF = {"title": "titleStyle", "ctrTitle": "titleStyle", "body": "bodyStyle"}
_BODY_TYPES = ("body", "subTitle", "obj")


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
    """"text" (a shape or placeholder with text), "picture", "connector" or "shape"."""
    box: tuple[float, float, float, float] | None
    """x, y, width, height in points, inherited from the layout for placeholders."""
    text: str = ""
    runs: list[Run] = field(default_factory=list)
    alt: str = ""
    decorative: bool = False
    title: bool = False
    background: str | None = None
    """What the text sits on: the shape's own fill, else the slide's background (RRGGBB)."""


@dataclass
class SlideView:
    number: int
    id: str
    hidden: bool
    shapes: list[Shape]
    notes: str

    @property
    def title(self) -> str:
        return " ".join(s.text for s in self.shapes if s.title).strip()


@dataclass
class DeckView:
    path: Path
    size: tuple[float, float]
    language: str
    slides: list[SlideView]
    master_pictures: list[Shape]


def read_deck(path: Path) -> DeckView:
    """Read the deck at `path`."""
    prs = Presentation(str(path))
    size = ((prs.slide_width or 0) / EMU_PER_POINT, (prs.slide_height or 0) / EMU_PER_POINT)
    slides = [_slide(number, slide) for number, slide in enumerate(prs.slides, 1)]
    pictures = [
        _picture(element)
        for master in prs.slide_masters
        for part in (master, *master.slide_layouts)
        for element in part.element.iterfind(".//p:pic", NS)
    ]
    return DeckView(path, size, prs.core_properties.language or "", slides, pictures)


def _slide(number: int, slide: Any) -> SlideView:
    layout = slide.slide_layout
    master = layout.slide_master
    colors = _Colors(master)
    background = _background(colors, slide, layout, master)
    art = _art(colors, master, layout)
    shapes = []
    for element in slide.element.cSld.spTree.iterchildren():
        tag = etree.QName(element).localname
        if tag == "pic":
            shapes.append(_picture(element))
        elif tag == "cxnSp":
            shapes.append(Shape(_name(element), "connector", _box(element), alt=_alt(element)))
        elif tag == "sp":
            shape = _shape(element, layout, master, colors, background)
            if shape.box is not None and element.find("p:spPr/a:solidFill", NS) is None:
                shape = replace(shape, background=_behind(art, shape, background))
            shapes.append(shape)
    notes = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
    hidden = slide.element.get("show") == "0"
    return SlideView(number, slide.element.cSld.get("name", ""), hidden, shapes, notes or "")


Outline = list[tuple[float, float]]


def _art(colors: _Colors, *parts: Any) -> list[tuple[Outline, str]]:
    """Return the filled shapes that the master and the layout draw behind every slide (not
    their placeholders), bottom first, each with its outline on the slide and its solid
    colour: a rectangle's box, or the straight-edged path of a free shape (LibreOffice's
    templates draw their bands and triangles so). Shapes of other geometry are left out,
    since their box is not what they cover."""
    found = []
    for part in parts:
        for element in part.element.cSld.spTree.iterchildren(f"{{{NS['p']}}}sp"):
            box = _box(element)
            fill = element.find("p:spPr/a:solidFill", NS)
            if _placeholder(element) is not None or box is None or fill is None:
                continue
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


def _behind(art: list[tuple[Outline, str]], shape: Shape, background: str | None) -> str | None:
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
            covering = [color for outline, color in art if _inside(point, outline)]
            under.add(covering[-1] if covering else background)
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


def _box(element: Any) -> tuple[float, float, float, float] | None:
    off = element.find(".//a:xfrm/a:off", NS)
    ext = element.find(".//a:xfrm/a:ext", NS)
    if off is None or ext is None:
        return None
    x, y = int(off.get("x")), int(off.get("y"))
    cx, cy = int(ext.get("cx")), int(ext.get("cy"))
    return (x / EMU_PER_POINT, y / EMU_PER_POINT, cx / EMU_PER_POINT, cy / EMU_PER_POINT)


def _placeholder(element: Any) -> Any:
    return element.find("p:nvSpPr/p:nvPr/p:ph", NS)


def _matching(part: Any, ph: Any) -> Any:
    """Return the placeholder of a layout or master that `ph` inherits from."""
    kind, idx = ph.get("type", "body"), ph.get("idx", "0")
    candidates = list(part.element.iterfind(".//p:sp", NS))
    for element in candidates:  # by idx first, as PowerPoint does for layouts
        other = _placeholder(element)
        if other is not None and other.get("idx", "0") == idx and idx != "0":
            return element
    for element in candidates:
        other = _placeholder(element)
        if other is not None and other.get("type", "body") == kind:
            return element
        if other is not None and kind in _BODY_TYPES and other.get("type", "body") == "body":
            return element
    return None


def _shape(
    element: Any, layout: Any, master: Any, colors: _Colors, background: str | None
) -> Shape:
    ph = _placeholder(element)
    chain = [element]  # where to look for box and text defaults, nearest first
    style = "otherStyle"
    if ph is not None:
        kind = ph.get("type", "body")
        style = _STYLE_OF.get(kind, "bodyStyle" if kind in _BODY_TYPES else "otherStyle")
        for part in (layout, master):
            found = _matching(part, ph)
            if found is not None:
                chain.append(found)
    box = next((b for b in map(_box, chain) if b is not None), None)
    fill = element.find("p:spPr/a:solidFill", NS)
    own_fill = colors.resolve(fill) if fill is not None else None
    sits_on = own_fill or background
    defaults = [
        *(found.find("p:txBody/a:lstStyle/a:lvl1pPr/a:defRPr", NS) for found in chain),
        master.element.find(f"p:txStyles/p:{style}/a:lvl1pPr/a:defRPr", NS),
    ]
    runs = []
    texts = []
    for paragraph in element.iterfind("p:txBody/a:p", NS):
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


def _run(text: str, properties: Any, defaults: list[Any], colors: _Colors) -> Run:
    chain = [p for p in (properties, *defaults) if p is not None]
    color = None
    for node in chain:
        fill = node.find("a:solidFill", NS)
        if fill is not None:
            color = colors.resolve(fill)
            break
    size = next((int(n.get("sz")) / 100 for n in chain if n.get("sz")), 18.0)
    bold = next((n.get("b") in ("1", "true") for n in chain if n.get("b") is not None), False)
    lang = properties.get("lang") if properties is not None else None
    return Run(text, color, size, bold, lang)


class _Colors:
    """Resolves colour elements through a master's colour map and its theme."""

    def __init__(self, master: Any) -> None:
        mapping = master.element.find("p:clrMap", NS)
        self.map = dict(mapping.attrib) if mapping is not None else {}
        theme = etree.fromstring(master.part.part_related_by(RT.THEME).blob)
        self.scheme: dict[str, str] = {}
        scheme = theme.find(".//a:clrScheme", NS)
        for slot in scheme if scheme is not None else []:
            rgb = slot.find("a:srgbClr", NS)
            system = slot.find("a:sysClr", NS)
            value = rgb.get("val") if rgb is not None else None
            if value is None and system is not None:
                value = system.get("lastClr")
            if value:
                self.scheme[etree.QName(slot).localname] = value.upper()

    def resolve(self, holder: Any) -> str | None:
        """Return the RRGGBB of the colour inside `holder` (a fill), if it is a plain one."""
        rgb = holder.find("a:srgbClr", NS)
        if rgb is not None:
            return str(rgb.get("val")).upper()
        scheme = holder.find("a:schemeClr", NS)
        if scheme is not None:
            name = str(scheme.get("val"))
            return self.scheme.get(self.map.get(name, name))
        return None


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

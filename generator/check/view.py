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
                behind = _behind(art, shape.box)
                if behind is not None:  # the master's or layout's art, not the background
                    shape = replace(shape, background=behind)
            shapes.append(shape)
    notes = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
    hidden = slide.element.get("show") == "0"
    return SlideView(number, slide.element.cSld.get("name", ""), hidden, shapes, notes or "")


def _art(colors: _Colors, *parts: Any) -> list[tuple[tuple[float, float, float, float], str]]:
    """Return the filled rectangles that the master and the layout draw behind every slide
    (not their placeholders), bottom first, each with its box and solid colour. Only a
    rectangle fills its box; a triangle or a free shape would be judged by a box it does not
    cover, so those are left out."""
    found = []
    for part in parts:
        for element in part.element.cSld.spTree.iterchildren(f"{{{NS['p']}}}sp"):
            geometry = element.find("p:spPr/a:prstGeom", NS)
            if _placeholder(element) is not None or geometry is None:
                continue
            if geometry.get("prst") not in ("rect", "roundRect", "snip1Rect", "round1Rect"):
                continue
            box = _box(element)
            fill = element.find("p:spPr/a:solidFill", NS)
            color = colors.resolve(fill) if fill is not None else None
            if box is not None and color is not None:
                found.append((box, color))
    return found


def _behind(
    art: list[tuple[tuple[float, float, float, float], str]], box: tuple[float, float, float, float]
) -> str | None:
    """Return the colour of the topmost art shape under the middle of `box`, if any."""
    x, y = box[0] + box[2] / 2, box[1] + box[3] / 2
    covering = [c for (ax, ay, aw, ah), c in art if ax <= x <= ax + aw and ay <= y <= ay + ah]
    return covering[-1] if covering else None


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

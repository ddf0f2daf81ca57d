"""DrawingML and PresentationML builders shared by the master and slide renderers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lxml import etree
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn

from generator.content.inline import LINE_BREAK, Paragraph
from generator.layout.spec import Box, ShapeStyle, TextStyle
from generator.officexml import (
    DECORATIVE_NS,
    DECORATIVE_URI,
    EMU_PER_POINT,
    HYPERLINK_COLOR_NS,
    HYPERLINK_COLOR_URI,
    NSMAP,
)

_ALIGN = {"left": "l", "center": "ctr", "right": "r"}
_ANCHOR = {"top": "t", "middle": "ctr", "bottom": "b"}
_FONT = {"major": "+mj", "minor": "+mn"}


def emu(points: float) -> int:
    """Return `points` in EMU, the unit of DrawingML coordinates."""
    return round(points * EMU_PER_POINT)


def sub(parent: Any, tag: str, **attributes: Any) -> Any:
    """Append a child element `tag` ("a:p") to `parent` with string-valued `attributes`."""
    element = etree.SubElement(parent, qn(tag))
    for key, value in attributes.items():
        if value is not None:
            element.set(qn(key) if ":" in key else key, str(value))
    return element


def decorative(names: Any) -> None:
    """Mark the shape whose `p:cNvPr` is `names` as decorative."""
    extension = sub(sub(names, "a:extLst"), "a:ext", uri=DECORATIVE_URI)
    flag = etree.SubElement(
        extension, f"{{{DECORATIVE_NS}}}decorative", nsmap={"adec": DECORATIVE_NS}
    )
    flag.set("val", "1")


def element(tag: str, **attributes: Any) -> Any:
    """Return a new root element `tag` declaring the a, r and p namespaces."""
    root = etree.Element(qn(tag), nsmap=NSMAP)
    for key, value in attributes.items():
        root.set(key, str(value))
    return root


def child(parent: Any, tag: str) -> Any:
    """Return the child `tag` ("a:clrScheme") of `parent`, which the part's schema requires."""
    found = parent.find(qn(tag))
    if found is None:
        raise ValueError(f"{parent.tag} has no {tag}")
    return found


def solid_fill(parent: Any, color: str) -> Any:
    fill = sub(parent, "a:solidFill")
    sub(fill, "a:schemeClr", val=color)
    return fill


def xfrm(parent: Any, box: Box, **attributes: Any) -> Any:
    """Append `a:xfrm` placing a shape at `box`; `attributes` such as flipH go on it."""
    x, y, width, height = box
    transform = sub(parent, "a:xfrm", **attributes)
    sub(transform, "a:off", x=emu(x), y=emu(y))
    sub(transform, "a:ext", cx=emu(width), cy=emu(height))
    return transform


def geometry(parent: Any, preset: str) -> None:
    sub(sub(parent, "a:prstGeom", prst=preset), "a:avLst")


def shape_properties(parent: Any, box: Box, style: ShapeStyle | None = None) -> Any:
    """Append `p:spPr`: position, geometry, and the style's scheme-coloured fill and outline."""
    properties = sub(parent, "p:spPr")
    xfrm(properties, box)
    geometry(properties, style.geometry if style else "rect")
    if style is None:
        return properties
    if style.fill:
        solid_fill(properties, style.fill)
    else:
        sub(properties, "a:noFill")
    outline = sub(properties, "a:ln", w=emu(style.line_width) if style.line else None)
    if style.line:
        solid_fill(outline, style.line)
    else:
        sub(outline, "a:noFill")
    return properties


def body_properties(
    parent: Any, style: TextStyle, *, autofit: bool, inset: float | None = None
) -> Any:
    """Append `a:bodyPr` with the style's anchor, insets and autofit."""
    pad = emu(inset) if inset is not None else None
    body = sub(
        parent,
        "a:bodyPr",
        wrap="square",
        lIns=pad,
        tIns=pad,
        rIns=pad,
        bIns=pad,
        rtlCol="0",
        anchor=_ANCHOR.get(style.anchor or ""),
    )
    sub(body, "a:normAutofit" if autofit else "a:noAutofit")
    return body


def level_properties(
    parent: Any, tag: str, style: TextStyle, language: str, **attributes: Any
) -> Any:
    """Append a paragraph-level style (`a:lvl1pPr`, ...) carrying `style` and the language."""
    if style.hang:
        attributes = {**attributes, "marL": emu(style.hang), "indent": -emu(style.hang)}
    level = sub(parent, tag, algn=_ALIGN.get(style.align or ""), **attributes)
    if style.line_spacing:
        sub(sub(level, "a:lnSpc"), "a:spcPct", val=round(style.line_spacing * 100000))
    if style.space_after is not None:
        sub(sub(level, "a:spcAft"), "a:spcPts", val=round(style.space_after * 100))
    sub(level, "a:buNone")
    character_properties(level, "a:defRPr", style, language)
    return level


def character_properties(parent: Any, tag: str, style: TextStyle, language: str) -> Any:
    """Append run properties: size, weight, scheme colour and theme font; never literals."""
    properties = sub(
        parent,
        tag,
        lang=language,
        sz=round(style.size * 100) if style.size else None,
        b=_flag(style.bold),
        i=_flag(style.italic),
    )
    if style.color:
        solid_fill(properties, style.color)
    if style.font:
        prefix = _FONT[style.font]
        sub(properties, "a:latin", typeface=f"{prefix}-lt")
        sub(properties, "a:ea", typeface=f"{prefix}-ea")
        sub(properties, "a:cs", typeface=f"{prefix}-cs")
    return properties


def _flag(value: bool | None) -> str | None:
    return None if value is None else ("1" if value else "0")


def hyperlinks(part: Any) -> Callable[[str], str]:
    """Return a function that gives the rId of an external hyperlink from `part` to a URL."""

    def link_id(url: str) -> str:
        return str(part.relate_to(url, RT.HYPERLINK, is_external=True))

    return link_id


def replace_text(
    body: Any,
    text: list[Paragraph],
    language: str,
    *,
    size: float | None,
    link_id: Any,
    plain: bool = False,
    link_color: str | None = None,
    color: str | None = None,
    hang: float | None = None,
) -> None:
    """Replace the paragraphs of `body` (an `a:txBody`) with `text`; `plain` marks each as
    no list item, whatever the placeholder's style says."""
    for paragraph in body.findall(qn("a:p")):
        body.remove(paragraph)
    paragraphs(
        body,
        text,
        language,
        size=size,
        link_id=link_id,
        plain=plain,
        link_color=link_color,
        color=color,
        hang=hang,
    )


def paragraphs(
    body: Any,
    text: list[Paragraph],
    language: str,
    *,
    size: float | None,
    link_id: Any,
    plain: bool = False,
    link_color: str | None = None,
    color: str | None = None,
    hang: float | None = None,
) -> None:
    """Append `a:p` elements for `text`; `link_id(url)` returns the rId of a hyperlink. With
    `plain`, each paragraph says it is not a list item (no bullet or number, no hanging
    indent): deckgen's text has no lists, but a template's body style may number them. With
    `link_color`, a scheme colour, hyperlinks take it instead of the theme's hyperlink colour
    (`_link_colour`); with `color`, every other run is set in that scheme colour; with `hang`,
    each paragraph's first line starts that many points left of the placeholder's indent."""
    attributes = {"lang": language, "sz": round(size * 100) if size else None}
    for paragraph in text or [Paragraph(runs=[])]:
        p = sub(body, "a:p")
        if plain:
            sub(sub(p, "a:pPr", marL="0", indent="0"), "a:buNone")
        elif hang:
            sub(p, "a:pPr", indent=-emu(hang))
        for run in paragraph.runs:
            if run.text == LINE_BREAK:
                sub(sub(p, "a:br"), "a:rPr", **attributes)
                continue
            r = sub(p, "a:r")
            properties = sub(
                r, "a:rPr", **attributes, b="1" if run.bold else None, i="1" if run.italic else None
            )
            if color and not (run.link and link_color):
                solid_fill(properties, color)  # a fill comes before the link
            if run.link:
                if link_color:
                    solid_fill(properties, link_color)
                click = sub(properties, "a:hlinkClick", **{"r:id": link_id(run.link)})
                if link_color:
                    _link_colour(click)
            sub(r, "a:t").text = run.text
        sub(p, "a:endParaRPr", **attributes)


def _link_colour(click: Any) -> None:
    """Make the hyperlink `click` (an `a:hlinkClick`) take its run's colour, not the theme's
    hyperlink colour: Office 2019's extension, which LibreOffice also reads; older
    PowerPoints keep the theme's."""
    extension = sub(sub(click, "a:extLst"), "a:ext", uri=HYPERLINK_COLOR_URI)
    etree.SubElement(
        extension, f"{{{HYPERLINK_COLOR_NS}}}hlinkClr", nsmap={"ahyp": HYPERLINK_COLOR_NS}
    ).set("val", "tx")

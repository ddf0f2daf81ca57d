"""Write a brand into the theme part: the colour scheme and the major and minor fonts."""

from __future__ import annotations

from typing import Any

from lxml import etree
from pptx.oxml.ns import qn

from generator.render.xml import child
from generator.theme.brand import Brand, Fonts, Palette


def branded_theme(theme_xml: bytes, brand: Brand) -> bytes:
    """Return `theme_xml` with the brand's palette, fonts and name."""
    root = etree.fromstring(theme_xml)
    root.set("name", brand.name)
    elements = child(root, "a:themeElements")
    if brand.colors is not None:
        _write_colors(child(elements, "a:clrScheme"), brand.name, brand.colors)
    if brand.fonts is not None:
        _write_fonts(child(elements, "a:fontScheme"), brand.name, brand.fonts)
    child(elements, "a:fmtScheme").set("name", brand.name)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _write_colors(scheme: Any, name: str, colors: Palette) -> None:
    scheme.set("name", name)
    for slot in Palette.model_fields:  # the theme's twelve slots, in the schema's order
        holder = child(scheme, f"a:{slot}")
        del holder[:]
        etree.SubElement(holder, qn("a:srgbClr"), val=getattr(colors, slot).upper())


def _write_fonts(scheme: Any, name: str, fonts: Fonts) -> None:
    scheme.set("name", name)
    for tag, typeface in (("a:majorFont", fonts.heading), ("a:minorFont", fonts.body)):
        collection = child(scheme, tag)
        del collection[:]
        # Latin text uses the brand's font; East Asian and complex scripts fall back to the
        # application's defaults, as an empty typeface asks.
        etree.SubElement(collection, qn("a:latin"), typeface=typeface)
        etree.SubElement(collection, qn("a:ea"), typeface="")
        etree.SubElement(collection, qn("a:cs"), typeface="")

"""Every use of python-pptx's private API, in one place, each with the reason.

python-pptx 1.0.2 is pinned (pyproject.toml) because of these. Everything else in deckgen uses
its public API: proxies' `.element`, parts' `.blob` and `.rels`, and the oxml elements' own
properties (`cSld.spTree`, `get_or_add_sldIdLst()`, `txBody`).
"""

from __future__ import annotations

from typing import Any, cast

from pptx.opc.package import Part, XmlPart
from pptx.presentation import Presentation
from pptx.shapes.shapetree import SlideShapes


def part_element(part: Part) -> Any:
    """Return the root element of an XML part that has no proxy object (a slide master's part
    while its XML is replaced, the notes master): python-pptx keeps it in `XmlPart._element`."""
    return cast(XmlPart, part)._element


def next_shape_id(shapes: SlideShapes) -> int:
    """Return an unused shape id on a slide, as python-pptx does for the shapes it adds; it has
    no public way to reserve one for a shape written as XML (a connector glued to sites)."""
    return shapes._next_shape_id


def package_relationships(prs: Presentation) -> dict[str, Any]:
    """Return the package's own relationships by rId (the thumbnail's among them): python-pptx
    offers only `drop_rel` on them, not a way to find one by type."""
    return dict(prs.part.package._rels.items())

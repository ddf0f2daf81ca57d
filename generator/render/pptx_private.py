"""Every use of python-pptx's private API, in one place, each with the reason.

python-pptx 1.0.2 is pinned (pyproject.toml) because of these. Everything else in deckgen uses
its public API: proxies' `.element`, parts' `.blob` and `.rels`, and the oxml elements' own
properties (`cSld.spTree`, `get_or_add_sldIdLst()`, `txBody`).
"""

from __future__ import annotations

import copy
from typing import Any, cast

from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.package import Part, XmlPart
from pptx.parts.slide import NotesSlidePart
from pptx.presentation import Presentation
from pptx.shapes.shapetree import SlideShapes
from pptx.slide import NotesSlide, Slide


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


def notes_slide(slide: Slide, blanks: dict[int, Any]) -> NotesSlide:
    """Return `slide`'s notes slide, made as python-pptx's `Slide.notes_slide` makes one: a
    part named after the next free number, related to the notes master and to the slide, with
    the notes master's placeholders cloned into it. python-pptx clones them for every slide
    (about 2 ms each, a tenth of drawing a deck); here the first notes slide of a notes master
    is python-pptx's own, kept in `blanks` as it was made, and each later one is a copy of
    it: the same XML, which python-pptx's `NotesSlidePart.new` would write, relationships in
    the same order."""
    part = slide.part
    if any(rel.reltype == RT.NOTES_SLIDE for rel in part.rels.values()):
        return slide.notes_slide
    package = part.package
    master = package.presentation_part.notes_master_part  # made from the default if absent
    blank = blanks.get(id(master))
    if blank is None:
        notes = slide.notes_slide
        blanks[id(master)] = copy.deepcopy(part_element(notes.part))
        return notes
    partname = package.next_partname("/ppt/notesSlides/notesSlide%d.xml")
    made = NotesSlidePart(partname, CT.PML_NOTES_SLIDE, package, copy.deepcopy(blank))
    made.relate_to(master, RT.NOTES_MASTER)
    made.relate_to(part, RT.SLIDE)
    part.relate_to(made, RT.NOTES_SLIDE)
    return slide.notes_slide


def relationship_orders(prs: Presentation) -> dict[str, list[str]]:
    """Return the order of each part's relationships (and the package's, under "/"), as
    python-pptx keeps them: it writes a package's parts in that order (`iter_parts`, depth
    first), which a package opened again from its own bytes does not keep."""
    package = prs.part.package
    orders = {"/": list(package._rels._rels)}
    for part in package.iter_parts():
        orders[str(part.partname)] = list(part.rels._rels)
    return orders


def restore_relationship_orders(prs: Presentation, orders: dict[str, list[str]]) -> None:
    """Put each part's relationships back in the order `relationship_orders` gave, so that the
    package's parts are written as they were before it was saved and opened again."""
    package = prs.part.package
    every = [("/", package._rels), *((str(p.partname), p.rels) for p in package.iter_parts())]
    for name, rels in every:
        order = orders.get(name)
        if order is None:
            continue
        kept = rels._rels
        ordered = {
            **{rid: kept[rid] for rid in order if rid in kept},
            **{rid: rel for rid, rel in kept.items() if rid not in order},
        }
        kept.clear()
        kept.update(ordered)

"""Every use of python-pptx's private API, in one place, each with the reason.

python-pptx 1.0.2 is pinned (pyproject.toml) because of these. Everything else in deckgen uses
its public API: proxies' `.element`, parts' `.blob` and `.rels`, and the oxml elements' own
properties (`cSld.spTree`, `get_or_add_sldIdLst()`, `txBody`).
"""

from __future__ import annotations

import copy
import io
import threading
import zipfile
from typing import Any, cast

from lxml import etree
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.package import Part, XmlPart
from pptx.opc.packuri import PackURI
from pptx.opc.serialized import PackageWriter, _ZipPkgWriter
from pptx.oxml import xmlchemy
from pptx.parts.slide import NotesSlidePart, SlidePart
from pptx.presentation import Presentation
from pptx.shapes.shapetree import SlideShapes
from pptx.slide import NotesSlide, Slide, SlideLayout
from pptx.util import lazyproperty


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


def add_drawn_slide(prs: Presentation, layout: SlideLayout, element: Any) -> Slide:
    """Add a slide whose XML is already drawn (`element`, which the new part takes), as
    python-pptx's `Slides.add_slide` adds one: the next slide part name, the relationship to
    `layout` and then the presentation's to the slide, the next slide id. python-pptx has no
    way to add a slide without cloning the layout's placeholders into it first."""
    presentation_part = prs.part
    partname = presentation_part._next_slide_partname
    part = SlidePart(partname, CT.PML_SLIDE, presentation_part.package, element)
    part.relate_to(layout.part, RT.SLIDE_LAYOUT)
    rid = presentation_part.relate_to(part, RT.SLIDE)
    prs.slides._sldIdLst.add_sldId(rid)
    return cast(Slide, part.slide)


def _next_notes_name(package: Any) -> PackURI:
    """The part name python-pptx's `Package.next_partname` gives a new notes slide (the highest
    free number up to one more than those taken), from the notes slides of the presentation's
    slides, the only parts that relate to one: python-pptx walks every relationship of the
    package for it, a tenth of drawing a deck in its profile."""
    taken = {
        str(notes.target_part.partname)
        for rel in package.presentation_part.rels.values()
        if rel.reltype == RT.SLIDE
        for notes in rel.target_part.rels.values()
        if notes.reltype == RT.NOTES_SLIDE
    }
    for number in range(len(taken) + 1, 0, -1):
        name = f"/ppt/notesSlides/notesSlide{number}.xml"
        if name not in taken:
            return PackURI(name)
    raise AssertionError("no free notes slide name")  # unreachable: len + 1 names tried


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
    partname = _next_notes_name(package)
    made = NotesSlidePart(partname, CT.PML_NOTES_SLIDE, package, copy.deepcopy(blank))
    made.relate_to(master, RT.NOTES_MASTER)
    made.relate_to(part, RT.SLIDE)
    part.relate_to(made, RT.NOTES_SLIDE)
    return slide.notes_slide


class _StoredZipWriter(_ZipPkgWriter):
    @lazyproperty
    def _zipf(self) -> zipfile.ZipFile:
        return zipfile.ZipFile(
            self._pkg_file, "w", compression=zipfile.ZIP_STORED, strict_timestamps=False
        )


class _StoredPackageWriter(PackageWriter):
    def _write(self) -> None:
        with _StoredZipWriter(self._pkg_file) as writer:
            self._write_content_types_stream(writer)
            self._write_pkg_rels(writer)
            self._write_parts(writer)


def stored_package(prs: Presentation) -> bytes:
    """Return the package as `prs.save` writes it (the same entries in the same order), but
    stored, not deflated: every deck that reaches a file or a download is compressed once,
    by the save stage (`normalize_zip`); python-pptx's own compression was work thrown away,
    and a stored package also opens faster (the built-in master's kept package)."""
    package = prs.part.package
    buffer = io.BytesIO()
    _StoredPackageWriter.write(buffer, package._rels, tuple(package.iter_parts()))
    return buffer.getvalue()


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


_COMPILED = threading.local()  # lxml's compiled XPath objects are kept per thread
_NAMESPACES: dict[str, str] = vars(xmlchemy)["_nsmap"]  # the prefixes python-pptx's XPaths use


def _compiled_xpath(self: Any, xpath_str: str) -> Any:
    """`BaseOxmlElement.xpath` with each expression compiled once per thread: the same
    expression, namespaces and result as python-pptx's, which compiles it again on every call."""
    cache = _COMPILED.__dict__
    found = cache.get(xpath_str)
    if found is None:
        found = cache[xpath_str] = etree.XPath(xpath_str, namespaces=_NAMESPACES)
    return found(self)


def compile_xpaths() -> None:
    """Make python-pptx evaluate its XPath expressions compiled. Every shape's `ph` (is it a
    placeholder?) is an XPath that python-pptx compiles anew on each call: about 7 000 calls
    for one deck, the largest single cost of drawing it (issue 14's warm rebuild). The
    override keeps python-pptx's expressions and namespace map (`xmlchemy._nsmap`)."""
    xmlchemy.BaseOxmlElement.xpath = _compiled_xpath  # type: ignore[method-assign]

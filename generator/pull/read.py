"""A deck read for `deckgen pull`: each slide's id, shapes, texts as Markdown, and notes.

Only this module of `pull` touches python-pptx. A slide is known by its name (`p:cSld/@name`),
which deckgen sets to the slide's id; a shape by its name, which deckgen sets to its layout
template's name for it (`Title`, `Attribution`, `Part 2`). Text is read run by run and written
as the inline Markdown that deckgen's content uses (`markdown.py`), so that a run the speaker
made bold comes back as `**bold**`.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree
from pptx import Presentation
from pptx.exc import PackageNotFoundError

from generator.errors import DeckgenError, Diagnostic, display_path
from generator.files import read_input
from generator.officexml import CHART_NS, NSMAP
from generator.pull.markdown import Piece, faithful, markdown
from generator.render.pptx_private import part_element
from generator.render.template import MAX_TEMPLATE_BYTES, check_package

NS = {**NSMAP, "c": CHART_NS}
_A = f"{{{NS['a']}}}"
_R = f"{{{NS['r']}}}"
#: The largest deck pull reads: as large as a template may be (its zip is then checked as a
#: template's is, for what it unpacks to).
MAX_DECK_BYTES = MAX_TEMPLATE_BYTES
#: Run properties that Markdown can say (bold, italic, a link) or that carry no look.
_SAID = {"b", "i", "lang", "altLang", "dirty", "err", "noProof", "smtClean", "smtId", "bmk"}


@dataclass(frozen=True)
class ShapeRead:
    """A shape of a slide as `pull` compares it."""

    name: str
    kind: str
    """"text" (a shape that can hold text), "picture", "chart", "connector", "group", "other"."""
    text: str = ""
    """Its text as inline Markdown; "" for a shape without text."""
    looks: frozenset[str] = frozenset()
    """What its runs set beyond Markdown: `u=sng`, `sz=2400`, a colour…, to notice a change
    that the overlay cannot carry."""
    box: tuple[str, ...] | None = None
    """Its own position and size in EMU, where it sets them (a placeholder may inherit)."""
    content: str = ""
    """A digest of what a picture shows or a chart draws."""
    exact: bool = True
    """Whether `text` reads back in the same format (see `markdown.faithful`)."""


@dataclass(frozen=True)
class SlideRead:
    number: int
    id: str
    """The slide's name: its id in a deck deckgen wrote; "" where it has none."""
    hidden: bool
    layout: str
    shapes: dict[str, ShapeRead]
    notes: str
    notes_exact: bool = True
    unnamed: list[ShapeRead] = field(default_factory=list)
    """Shapes that share a name with an earlier one on the slide (a copy pasted in place)."""
    looks: dict[str, str] = field(default_factory=dict)
    """A digest of each of the slide's own transition, animations and background, by what it
    is ("transition", "animations", "background"); absent where the slide sets none."""


def read_edited(path: Path) -> tuple[list[SlideRead], str]:
    """Read the deck a speaker sent back, from wherever it is; return its slides and the
    sha256 of its bytes. Raise `DeckgenError` if it is not a PowerPoint deck, or too big."""
    where = display_path(path)
    if not path.exists() or path.is_dir():
        reason = "is a folder, not a .pptx file" if path.is_dir() else "no such file"
        raise DeckgenError([Diagnostic(where, None, None, reason)])
    blob = read_input(path, MAX_DECK_BYTES, (path.parent,))
    try:
        unsafe = _unsafe(blob)
        if unsafe is not None:
            raise DeckgenError([Diagnostic(where, None, None, f"the deck is refused: {unsafe}")])
        return read_blob(blob), hashlib.sha256(blob).hexdigest()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as exc:
        message = f"not a PowerPoint deck (.pptx) that can be read: {exc}"
        raise DeckgenError([Diagnostic(where, None, None, message)]) from None


def _unsafe(blob: bytes) -> str | None:
    """Return why python-pptx must not read the deck (too big, a zip bomb, a DTD), if it must
    not: the checks a user's template passes."""
    if len(blob) > MAX_DECK_BYTES:
        return f"it is larger than {MAX_DECK_BYTES >> 20} MB"
    with zipfile.ZipFile(io.BytesIO(blob)) as package:
        return check_package(package)


def read_blob(blob: bytes) -> list[SlideRead]:
    """Read a deck from its bytes."""
    prs = Presentation(io.BytesIO(blob))
    return [_slide(number, slide) for number, slide in enumerate(prs.slides, 1)]


def _slide(number: int, slide: Any) -> SlideRead:
    shapes: dict[str, ShapeRead] = {}
    unnamed: list[ShapeRead] = []
    for element in slide.element.cSld.spTree.iterchildren():
        tag = etree.QName(element).localname
        if tag in ("nvGrpSpPr", "grpSpPr", "extLst"):
            continue
        shape = _shape(element, tag, slide.part)
        if shape.name in shapes:
            unnamed.append(shape)
        else:
            shapes[shape.name] = shape
    notes, exact = "", True
    if slide.has_notes_slide and slide.notes_slide.notes_placeholder is not None:
        placeholder = slide.notes_slide.notes_placeholder
        notes, _, exact = _text(placeholder.element, slide.notes_slide.part)
    name = slide.element.cSld.get("name") or ""
    hidden = slide.element.get("show") in ("0", "false")
    layout = slide.slide_layout.name
    return SlideRead(
        number, name, hidden, layout, shapes, notes, exact, unnamed, _slide_looks(slide)
    )


#: Where a slide keeps what an overlay has no field for: its transition (PowerPoint writes it
#: inside mc:AlternateContent too), its animations, its own background.
_LOOKS = {
    "transition": ".//p:transition",
    "animations": "./p:timing",
    "background": "./p:cSld/p:bg",
}


def _slide_looks(slide: Any) -> dict[str, str]:
    found = {}
    for what, path in _LOOKS.items():
        elements = slide.element.findall(path, NS)
        if elements:
            found[what] = _digest(b"".join(etree.tostring(e, method="c14n") for e in elements))
    return found


def _shape(element: Any, tag: str, part: Any) -> ShapeRead:
    name = element.find(".//p:cNvPr", NS)
    named = name.get("name", "") if name is not None else ""
    box = _box(element)
    if tag == "sp":
        text, looks, exact = _text(element, part)
        return ShapeRead(named, "text", text, looks, box, exact=exact)
    if tag == "pic":
        blip = element.find(".//a:blip", NS)
        rid = blip.get(f"{_R}embed") if blip is not None else None
        image = part.related_part(rid).blob if rid else b""
        return ShapeRead(named, "picture", box=box, content=_digest(image))
    if tag == "graphicFrame" and element.find(".//c:chart", NS) is not None:
        chart = element.find(".//c:chart", NS)
        rid = chart.get(f"{_R}id") if chart is not None else None
        drawn = etree.tostring(part_element(part.related_part(rid)), method="c14n") if rid else b""
        return ShapeRead(named, "chart", box=box, content=_digest(drawn))
    kinds = {"cxnSp": "connector", "grpSp": "group"}
    return ShapeRead(named, kinds.get(tag, "other"), box=box)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _box(element: Any) -> tuple[str, ...] | None:
    """Return the position and size a shape sets itself, in EMU as written; None where it
    sets none (a placeholder that keeps its layout's)."""
    xfrm = element.find("./*/a:xfrm", NS)
    if xfrm is None:
        xfrm = element.find("./p:xfrm", NS)  # a graphic frame's
    if xfrm is None:
        return None
    off, ext = xfrm.find("a:off", NS), xfrm.find("a:ext", NS)
    at = (off.get("x"), off.get("y")) if off is not None else ("", "")
    size = (ext.get("cx"), ext.get("cy")) if ext is not None else ("", "")
    return tuple(str(value) for value in (*at, *size))


def _text(element: Any, part: Any) -> tuple[str, frozenset[str], bool]:
    """Return the text of a shape as Markdown, what its runs set that Markdown cannot, and
    whether the Markdown reads back in the same format."""
    paragraphs: list[list[Piece]] = []
    looks: set[str] = set()
    for paragraph in element.iterfind("p:txBody/a:p", NS):
        pieces: list[Piece] = []
        for node in paragraph.iterchildren(f"{_A}r", f"{_A}br", f"{_A}fld"):
            if etree.QName(node).localname == "br":
                pieces.append(Piece("\n"))
                continue
            properties = node.find("a:rPr", NS)
            pieces.append(_piece(node.findtext("a:t", default="", namespaces=NS), properties, part))
            looks |= _looks(properties)
        paragraphs.append(pieces)
    text = markdown(paragraphs)
    return text, frozenset(looks), faithful(text, paragraphs)


def _piece(text: str, properties: Any, part: Any) -> Piece:
    if properties is None:
        return Piece(text)
    link = properties.find("a:hlinkClick", NS)
    rid = link.get(f"{_R}id") if link is not None else None
    url = part.target_ref(rid) if rid else None
    on = ("1", "true")
    return Piece(text, properties.get("b") in on, properties.get("i") in on, url)


def _looks(properties: Any) -> set[str]:
    """Return what a run's properties set beyond Markdown: `u=sng`, `solidFill`, `latin`."""
    if properties is None:
        return set()
    looks = {f"{key}={value}" for key, value in properties.attrib.items() if key not in _SAID}
    for child in properties:
        name = etree.QName(child).localname
        if name not in ("hlinkClick", "hlinkMouseOver", "extLst"):
            looks.add(etree.tostring(child, method="c14n").decode("utf-8"))
    return looks

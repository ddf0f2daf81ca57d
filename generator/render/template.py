"""A user's corporate template (.pptx or .potx): read its layouts, and open it to draw on."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from lxml import etree
from pptx import Presentation
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.package import Part
from pptx.opc.packuri import PackURI
from pptx.oxml import parse_xml
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as PptxPresentation

from generator.errors import DeckgenError, Diagnostic, display_path
from generator.files import read_input
from generator.layout.spec import TITLE_TYPES, MasterInfo, PlaceholderInfo, TemplateInfo
from generator.officexml import EMU_PER_POINT

_TEMPLATE_MAIN = b"application/vnd.openxmlformats-officedocument.presentationml.template.main+xml"
_PRESENTATION_MAIN = (
    b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
)


#: Bounds on a user's template, checked before python-pptx reads it: a zip bomb stops here.
MAX_TEMPLATE_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
MAX_ENTRIES = 5000


def check_package(package: zipfile.ZipFile) -> str | None:
    """Return what makes the zip `package` unsafe to unpack, or None: too many entries, too
    much once unpacked, an entry that packs too tightly, a name that leads out of the package,
    or a part that declares a DTD (entities, external or not, are never read)."""
    entries = package.infolist()
    if len(entries) > MAX_ENTRIES:
        return f"it has {len(entries)} parts; the limit is {MAX_ENTRIES}"
    total = sum(entry.file_size for entry in entries)
    if total > MAX_UNPACKED_BYTES:
        return f"it unpacks to {total // 2**20} MB; the limit is {MAX_UNPACKED_BYTES // 2**20} MB"
    for entry in entries:
        name = entry.filename
        if (
            name.startswith(("/", "\\"))
            or ".." in name.replace("\\", "/").split("/")
            or ":" in name
        ):
            return f"the part name {name!r} leads out of the package"
        if entry.file_size > 1024 * 1024 and entry.file_size > MAX_RATIO * max(
            entry.compress_size, 1
        ):
            return f"the part {name!r} unpacks more than {MAX_RATIO} times its size (a zip bomb?)"
        if name.endswith((".xml", ".rels")) and b"<!DOCTYPE" in package.read(entry)[:4096]:
            return f"the part {name!r} declares a DTD, which a template must not"
    return None


def open_template(path: Path, roots: tuple[Path, ...]) -> PptxPresentation:
    """Open a .pptx or .potx as a presentation with no slides; raise `DeckgenError` if it is
    not one.

    python-pptx refuses a .potx for its main part's content type (scanny/python-pptx#1070), so
    that one content type is read as a presentation's; nothing else in the package changes.
    """
    display = display_path(path)
    try:
        blob = read_input(path, MAX_TEMPLATE_BYTES, roots)  # only inside `roots`
        if len(blob) > MAX_TEMPLATE_BYTES:
            message = f"the template is larger than {MAX_TEMPLATE_BYTES // (1024 * 1024)} MB"
            raise DeckgenError([Diagnostic(display, None, None, message)])
        with zipfile.ZipFile(io.BytesIO(blob)) as package:
            unsafe = check_package(package)
            if unsafe is not None:
                message = f"the template is refused: {unsafe}"
                raise DeckgenError([Diagnostic(display, None, None, message)])
            kind = _open_document(package)
            if kind is not None:
                message = (
                    f"an OpenDocument {kind} (LibreOffice's own format), not a PowerPoint"
                    " template: convert it with `soffice --headless --convert-to potx"
                    f" {path.name}` and name the .potx"
                )
                raise DeckgenError([Diagnostic(display, None, None, message)])
            changes = _repairs(package)
            if changes:
                blob = _replaced(package, changes)
        prs = Presentation(io.BytesIO(blob))
    except FileNotFoundError:
        message = "the template is not found"
        raise DeckgenError([Diagnostic(display, None, None, message)]) from None
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError) as exc:
        message = f"not a PowerPoint template (.pptx or .potx): {exc}"
        raise DeckgenError([Diagnostic(display, None, None, message)]) from None
    _drop_slides(prs)
    _renumber_placeholders(prs)
    _unique_shape_ids(prs)
    _ensure_view_properties(prs)
    return prs


#: Placeholder types that, by convention, hold idx 0 on a layout.


def _renumber_placeholders(prs: PptxPresentation) -> None:
    """Give each placeholder of a layout an idx of its own. LibreOffice writes placeholders
    without `idx`, so every one is idx 0, and text mapped by number (or found by it, as
    python-pptx finds a slide's placeholders) lands in the wrong one. A title keeps 0; any
    other placeholder whose idx another on the layout already holds gets the smallest free
    number, in the layout's order, so the same template always numbers the same way."""
    for master in prs.slide_masters:
        for layout in master.slide_layouts:
            elements = [shape.element.ph for shape in layout.placeholders]
            first = [ph for ph in elements if ph.get("type") in TITLE_TYPES]
            ordered = first + [ph for ph in elements if ph.get("type") not in TITLE_TYPES]
            used: set[int] = set()
            for ph in ordered:
                idx = int(ph.get("idx", "0"))
                if idx in used:
                    idx = min(set(range(1, len(elements) + len(used) + 2)) - used)
                    ph.set("idx", str(idx))
                used.add(idx)


def describe(path: Path, roots: tuple[Path, ...]) -> TemplateInfo:
    """Return the slide size and the masters, with their layouts and placeholders, of a
    template inside `roots`."""
    prs = open_template(path, roots)
    masters = []
    for number, master in enumerate(prs.slide_masters, 1):
        layouts: dict[str, list[PlaceholderInfo]] = {}
        colors = _scheme(master)
        width, height = (
            (prs.slide_width or 0) / EMU_PER_POINT,
            (prs.slide_height or 0) / EMU_PER_POINT,
        )
        # what the slide shows: its background fill, unless art the size of the slide covers it
        background = _ground((0, 0, width, height), (master,), colors, _fill(master, colors))
        for layout in master.slide_layouts:
            placeholders = []
            for shape in layout.placeholders:
                ph = shape.element.ph
                kind = ph.get("type", "body") if ph is not None else "body"
                box = _box(shape)
                vertical = shape.element.xpath("./p:txBody/a:bodyPr/@vert")
                placeholders.append(
                    PlaceholderInfo(
                        shape.placeholder_format.idx,
                        kind,
                        shape.name,
                        box,
                        vertical=bool(vertical) and vertical[0] != "horz",
                        color=_text_color(shape.element, kind, master, prs, colors),
                        size=_text_size(shape.element, kind, master, prs),
                        ground=_ground(box, (layout, master), colors, background),
                    )
                )
            layouts.setdefault(layout.name, placeholders)
        name = master.element.cSld.get("name") or master.name or f"Master {number}"
        masters.append(
            MasterInfo(
                number,
                name,
                layouts,
                _backdrop(master, prs) + _art(master.shapes),
                colors,
                background,
            )
        )
    width = (prs.slide_width or 0) / EMU_PER_POINT
    height = (prs.slide_height or 0) / EMU_PER_POINT
    return TemplateInfo(size=(width, height), masters=masters)


#: The names a colour map maps, and the theme slots it maps them to where it says nothing.
_MAPPED = {
    "bg1": "lt1",
    "tx1": "dk1",
    "bg2": "lt2",
    "tx2": "dk2",
    **{f"accent{n}": f"accent{n}" for n in range(1, 7)},
    "hlink": "hlink",
    "folHlink": "folHlink",
}


def _scheme(master: Any) -> dict[str, str]:
    """A master's scheme colours as RRGGBB: its theme's colour scheme through its colour map;
    empty where the theme cannot be read."""
    try:
        theme = master.part.part_related_by(RT.THEME)
        scheme = parse_xml(theme.blob).find(f".//{qn('a:clrScheme')}")
    except (KeyError, ValueError, SyntaxError):
        return {}
    if scheme is None:
        return {}
    slots = {}
    for child in scheme:
        if not len(child):
            continue
        value = child[0].get("lastClr" if child[0].tag == qn("a:sysClr") else "val")
        if value is not None and len(value) == 6:
            slots[etree.QName(child).localname] = value.upper()
    mapping = master.element.find(qn("p:clrMap"))
    found = {}
    for name, default in _MAPPED.items():
        slot = mapping.get(name, default) if mapping is not None else default
        if slot in slots:
            found[name] = slots[slot]
    return found


#: The master text style each placeholder type takes its text's defaults from.
_TEXT_STYLE = {
    "title": "titleStyle",
    "ctrTitle": "titleStyle",
    "dt": "otherStyle",
    "ftr": "otherStyle",
    "sldNum": "otherStyle",
    "hdr": "otherStyle",
}


def _master_placeholders(master: Any, kind: str) -> list[Any]:
    """The master's placeholders whose type a layout placeholder of type `kind` inherits."""
    master_type = "title" if kind in TITLE_TYPES else kind if kind in _TEXT_STYLE else "body"
    return [
        sp
        for sp in master.element.xpath("./p:cSld/p:spTree/p:sp[p:nvSpPr/p:nvPr/p:ph]")
        if (sp.xpath("./p:nvSpPr/p:nvPr/p:ph/@type") or ["body"])[0] == master_type
    ]


#: Only the first paragraph's runs: level 1.
_NOT_NESTED = "not(../../a:pPr/@lvl) or ../../a:pPr/@lvl='0'"


def _text_defaults(element: Any, kind: str, master: Any, prs: Any) -> list[Any]:
    """The `a:defRPr` elements that a layout placeholder's first-level text takes its defaults
    from, nearest first: its own list style, its master's placeholder of its type, the
    master's text style, the presentation's default."""
    theirs = _master_placeholders(master, kind)
    return [
        *element.xpath("./p:txBody/a:lstStyle/a:lvl1pPr/a:defRPr"),
        *(d for sp in theirs[:1] for d in sp.xpath("./p:txBody/a:lstStyle/a:lvl1pPr/a:defRPr")),
        *master.element.xpath(
            f"./p:txStyles/p:{_TEXT_STYLE.get(kind, 'bodyStyle')}/a:lvl1pPr/a:defRPr"
        ),
        *prs.element.xpath("./p:defaultTextStyle/a:lvl1pPr/a:defRPr"),
    ]


def _text_color(
    element: Any, kind: str, master: Any, prs: Any, colors: dict[str, str]
) -> str | None:
    """The colour a template sets a layout placeholder's first-level text in, as RRGGBB, from
    the first of its defaults (`_text_defaults`) that sets one, else tx1. None where that is no
    plain colour."""
    for level in _text_defaults(element, kind, master, prs):
        fill = level.find(qn("a:solidFill"))
        if fill is not None and len(fill):
            return _plain(fill[0], colors)
    return colors.get("tx1")


def _text_size(element: Any, kind: str, master: Any, prs: Any) -> float | None:
    """The type size a template sets a layout placeholder's first-level text in, in points,
    from the first of its defaults that sets one, else from the first run of its sample text
    or of its master placeholder's (where LibreOffice keeps its outline styles' sizes, and
    takes them from); None where none does."""
    runs = f"./p:txBody/a:p/a:r/a:rPr[{_NOT_NESTED}]"
    for level in [*_text_defaults(element, kind, master, prs), *element.xpath(runs)]:
        size = level.get("sz")
        if size is not None and size.isdigit() and int(size) > 0:
            return int(size) / 100
    for sp in _master_placeholders(master, kind)[:1]:
        for run in sp.xpath(runs)[:1]:
            size = run.get("sz")
            if size is not None and size.isdigit() and int(size) > 0:
                return int(size) / 100
    return None


def _plain(color: Any, colors: dict[str, str]) -> str | None:
    """An `a:srgbClr`, `a:schemeClr` or `a:sysClr` as RRGGBB, if it is plain: no tint, shade
    or other change."""
    if len(color):
        return None
    if color.tag == qn("a:srgbClr"):
        return str(color.get("val", "")).upper() or None
    if color.tag == qn("a:schemeClr"):
        return colors.get(color.get("val", ""))
    if color.tag == qn("a:sysClr"):
        return str(color.get("lastClr", "")).upper() or None
    return None


def _ground(
    box: Any, parts: tuple[Any, ...], colors: dict[str, str], background: str | None
) -> str | None:
    """The colour behind the middle of `box`: the topmost solid, opaque art of the layout, then
    the master, there; else the master's background. None where a picture or a group is
    there, or the art's colour is no plain colour."""
    if box is None:
        return None
    middle = (box[0] + box[2] / 2, box[1] + box[3] / 2)
    for part in parts:  # the layout is drawn over the master
        for shape in reversed(list(part.shapes)):
            if shape.is_placeholder:
                continue
            found = _box(shape)
            if found is None or not (
                found[0] <= middle[0] <= found[0] + found[2]
                and found[1] <= middle[1] <= found[1] + found[3]
            ):
                continue
            element = shape.element
            if element.tag != qn("p:sp"):
                return None  # a picture or a group: not one colour
            geometry = element.xpath("./p:spPr/a:prstGeom/@prst")
            if not geometry or geometry[0] not in ("rect", "roundRect", "snip1Rect"):
                continue  # a free shape or another outline: its box is not what it covers
            fill = element.find(f"{qn('p:spPr')}/{qn('a:solidFill')}")
            if fill is None or not len(fill) or fill[0].find(qn("a:alpha")) is not None:
                continue  # an outline only, or a veil
            return _plain(fill[0], colors)
    return background


def _fill(master: Any, colors: dict[str, str]) -> str | None:
    """The colour of a master's background where it is a plain fill, as RRGGBB."""
    fill = master.element.xpath("./p:cSld/p:bg/p:bgPr/a:solidFill/*")
    if not fill:
        return colors.get("bg1")
    value = fill[0].get("val")
    if fill[0].tag == qn("a:schemeClr"):
        return colors.get(value)
    return value.upper() if fill[0].tag == qn("a:srgbClr") and value else None


#: What makes a master's shape art that text should stay off: a fill, or a picture.
_FILLED = "./p:spPr/a:solidFill|./p:spPr/a:gradFill|./p:spPr/a:blipFill|./p:spPr/a:pattFill"


#: A group is art where something in it is: a picture, or a filled shape.
_DRAWN = ".//p:pic|.//p:sp[p:spPr/a:solidFill or p:spPr/a:gradFill or p:spPr/a:blipFill]"


def _backdrop(master: Any, prs: PptxPresentation) -> tuple[tuple[float, float, float, float], ...]:
    """The whole slide, as art, where the master's background is a picture (a photo behind
    everything), so that a master without one is preferred for text; else nothing."""
    if not master.element.xpath("./p:cSld/p:bg/p:bgPr/a:blipFill"):
        return ()
    return (
        (0.0, 0.0, (prs.slide_width or 0) / EMU_PER_POINT, (prs.slide_height or 0) / EMU_PER_POINT),
    )


def _art(shapes: Any) -> tuple[tuple[float, float, float, float], ...]:
    """The boxes of the filled shapes, pictures and groups of them among a master's
    `shapes`, not its placeholders: what its designer drew."""
    found = []
    for shape in shapes:
        element = shape.element
        drawn = (
            element.tag == qn("p:pic")
            or element.xpath(_FILLED)
            or (element.tag == qn("p:grpSp") and element.xpath(_DRAWN))
        )
        if shape.is_placeholder or not drawn:
            continue
        alpha = element.xpath("./p:spPr/a:solidFill/*/a:alpha/@val")
        if alpha and int(alpha[0]) < 50000:
            continue  # a shadow or a veil: what lies beneath shows through
        box = _box(shape)
        if box is not None and box[2] > 0 and box[3] > 0:
            found.append(box)
    return tuple(found)


def _box(shape: object) -> tuple[float, float, float, float] | None:
    """The placeholder's position and size in points, its own or its master's; None if neither
    gives one."""
    values = [getattr(shape, name, None) for name in ("left", "top", "width", "height")]
    if any(value is None for value in values):
        return None
    x, y, width, height = (int(value) / EMU_PER_POINT for value in values)  # type: ignore[arg-type]
    return (round(x, 3), round(y, 3), round(width, 3), round(height, 3))


def _open_document(package: zipfile.ZipFile) -> str | None:
    """Return what OpenDocument file `package` is ("presentation template (.otp)"), or None."""
    if "mimetype" not in package.namelist():
        return None
    mimetype = package.read("mimetype")[:100]
    if mimetype.startswith(b"application/vnd.oasis.opendocument.presentation-template"):
        return "presentation template (.otp)"
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        return "document (.odp or another)"
    return None


def _repairs(package: zipfile.ZipFile) -> dict[str, bytes]:
    """Return the parts of `package` that python-pptx needs changed, by name, with their new
    bytes: a .potx's main content type, read as a presentation's; and the core properties'
    relationship type that LibreOffice writes in a template (`…/officedocument/2006/…`), which
    python-pptx does not know, so it would add a second `docProps/core.xml` (a duplicate zip
    entry and a `UserWarning`)."""
    changes: dict[str, bytes] = {}
    types = package.read("[Content_Types].xml")
    if _TEMPLATE_MAIN in types:
        changes["[Content_Types].xml"] = types.replace(_TEMPLATE_MAIN, _PRESENTATION_MAIN)
    if "_rels/.rels" in package.namelist():
        rels = package.read("_rels/.rels")
        if _CORE_ODD in rels:
            changes["_rels/.rels"] = rels.replace(_CORE_ODD, _CORE)
    return changes


_CORE = b"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
_CORE_ODD = (
    b"http://schemas.openxmlformats.org/officedocument/2006/relationships/metadata/core-properties"
)


def _replaced(package: zipfile.ZipFile, changes: dict[str, bytes]) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in package.infolist():
            target.writestr(entry, changes.get(entry.filename) or package.read(entry))
    return output.getvalue()


def _unique_shape_ids(prs: PptxPresentation) -> None:
    """Give every shape of a master and of a layout an id of its own in its part: templates
    made by other tools repeat them (LibreOffice's masters use id 1 twice), which the schema
    forbids and PowerPoint may repair. A repeated id gets the next number above the part's
    highest."""
    for master in prs.slide_masters:
        for part in (master, *master.slide_layouts):
            seen: set[int] = set()
            elements = part.element.iter(qn("p:cNvPr"))
            properties = [e for e in elements if e.get("id", "").isdigit()]
            highest = max((int(e.get("id")) for e in properties), default=0)
            for element in properties:
                number = int(element.get("id"))
                if number in seen:
                    highest += 1
                    element.set("id", str(highest))
                    number = highest
                seen.add(number)


def _drop_slides(prs: PptxPresentation) -> None:
    """Remove the template's own slides: the deck's slides replace them."""
    slide_ids = prs.element.get_or_add_sldIdLst()
    for slide_id in list(slide_ids):
        prs.part.drop_rel(slide_id.rId)
        slide_ids.remove(slide_id)
    for rId, rel in list(prs.part.rels.items()):
        if rel.reltype == RT.SLIDE:
            prs.part.drop_rel(rId)
    # What named those slides goes with them: custom shows, and sections (an extension of
    # PowerPoint 2010's), which would otherwise name the deck's slides by the ids they reuse.
    for shows in prs.element.findall(qn("p:custShowLst")):
        prs.element.remove(shows)
    for extensions in prs.element.findall(qn("p:extLst")):
        for extension in list(extensions):
            if extension.get("uri") == _SECTIONS_URI:
                extensions.remove(extension)
        if len(extensions) == 0:
            prs.element.remove(extensions)


#: The extension that holds a presentation's sections (`p14:sectionLst`).
_SECTIONS_URI = "{521415D9-36F7-43E2-AB2F-B90AF26B5E84}"


def drop_unused_layouts(prs: PptxPresentation) -> None:
    """Leave out of the deck the template's masters that no slide is drawn on, with their
    layouts: a template with nine masters made a 274 KB deck of nine slides. A master that a
    slide uses keeps every layout, used or not, so that a slide someone adds later in PowerPoint
    (New Slide) can take any of the template's layouts, in the deck's brand. What no
    relationship reaches any more (a master's theme, a layout's pictures) is not saved."""
    used = {id(slide.slide_layout.slide_master.part) for slide in prs.slides}
    masters = prs.element.get_or_add_sldMasterIdLst()
    for master_id, master in zip(list(masters), list(prs.slide_masters), strict=True):
        if id(master.part) not in used:
            prs.part.drop_rel(master_id.rId)
            masters.remove(master_id)


_VIEW_PROPERTIES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<p:viewPr xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
    b' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    b' xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main">'
    b'<p:normalViewPr><p:restoredLeft sz="15620"/><p:restoredTop sz="94660"/></p:normalViewPr>'
    b'<p:gridSpacing cx="76200" cy="76200"/></p:viewPr>'
)


def _ensure_view_properties(prs: PptxPresentation) -> None:
    """Add the view properties part a template made by another tool may lack (LibreOffice
    writes none): without it PowerPoint offers to repair the deck."""
    if any(rel.reltype == RT.VIEW_PROPS for rel in prs.part.rels.values()):
        return
    name = PackURI("/ppt/viewProps.xml")
    part = Part(name, CT.PML_VIEW_PROPS, prs.part.package, _VIEW_PROPERTIES)
    prs.part.relate_to(part, RT.VIEW_PROPS)

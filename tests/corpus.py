"""A corpus of corporate templates that nobody tuned deckgen for, made on the spot (issue 12).

Nothing here is committed as a binary: every template is written into a folder by `make`:

- LibreOffice's own presentation templates (`share/template/common/presnt/*.otp`), converted
  with soffice to `.pptx` (filter "Impress MS PowerPoint 2007 XML") and to `.potx` (soffice's
  default for `--convert-to potx`, "Impress Office Open XML Template", the command a user is
  told to run);
- python-pptx's default template, saved as it is (4:3, 720 x 540 pt);
- templates made with python-pptx, at 16:9 (960 x 540 pt) so that each shows one thing:
  several masters that share layout names, a dark master background (a fill, and a full-slide
  shape), a logo picture at the bottom right of the master, bulleted (numbered) list styles on
  the body placeholders, and a layout with large footer, date and slide-number placeholders.

`make(folder)` returns {name: path}; names are `lo-<Template>.pptx`/`.potx` and `pp-<what>`.
The soffice half raises `SofficeMissing` (tests skip on it) when LibreOffice is not installed.
"""

from __future__ import annotations

import copy
import io
import os
import shutil
import struct
import subprocess
import zlib
from collections.abc import Callable
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.package import Part
from pptx.opc.packuri import PackURI
from pptx.oxml import parse_xml
from pptx.oxml.ns import qn
from pptx.oxml.shapes.picture import CT_Picture
from pptx.parts.slide import SlideLayoutPart, SlideMasterPart
from pptx.presentation import Presentation as PptxPresentation
from pptx.util import Emu, Pt

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

#: LibreOffice templates in the corpus: plain and pictured ones, light and dark, small and large.
LIBREOFFICE_TEMPLATES = (
    "Beehive",
    "Blue_Curve",
    "DNA",
    "Focus",
    "Inspiration",
    "Midnightblue",
    "Piano",
    "Vintage",
)

WIDE = (Emu(12192000), Emu(6858000))  # 960 x 540 pt, 16:9


class SofficeMissing(RuntimeError):
    """LibreOffice (soffice) or its presentation templates are not installed."""


def presnt_folder() -> Path:
    """The folder of LibreOffice's presentation templates, next to the soffice program."""
    if SOFFICE is None:
        raise SofficeMissing(
            "the LibreOffice corpus needs soffice (apt-get install libreoffice-impress)"
        )
    program = Path(os.path.realpath(SOFFICE)).parent  # /usr/lib/libreoffice/program
    folder = program.parent / "share" / "template" / "common" / "presnt"
    if not folder.is_dir():
        raise SofficeMissing(f"LibreOffice's presentation templates are not in {folder}")
    return folder


def libreoffice(folder: Path, names: tuple[str, ...] = LIBREOFFICE_TEMPLATES) -> dict[str, Path]:
    """Convert LibreOffice's `names` templates to .pptx and .potx in `folder`: two soffice runs,
    one after the other, on a private profile."""
    source = presnt_folder()
    missing = [name for name in names if not (source / f"{name}.otp").is_file()]
    if missing:
        raise SofficeMissing(f"LibreOffice's templates {missing} are not in {source}")
    folder.mkdir(parents=True, exist_ok=True)
    profile = folder / ".soffice-profile"
    work = folder / ".soffice-out"
    made: dict[str, Path] = {}
    for ext, target in (
        ("pptx", "pptx:Impress MS PowerPoint 2007 XML"),
        ("potx", "potx:Impress Office Open XML Template"),
    ):
        out = work / ext
        subprocess.run(
            [
                str(SOFFICE),
                f"-env:UserInstallation={profile.resolve().as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                target,
                "--outdir",
                str(out),
                *(str(source / f"{name}.otp") for name in names),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        for name in names:
            converted = out / f"{name}.{ext}"
            if not converted.is_file():
                raise RuntimeError(f"soffice did not write {converted}")
            made[f"lo-{name}.{ext}"] = converted.replace(folder / f"lo-{name}.{ext}")
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(profile, ignore_errors=True)
    return made


# --- templates made with python-pptx -------------------------------------------------------


def _wide() -> PptxPresentation:
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDE
    return prs


def default_43(prs: PptxPresentation) -> None:
    """python-pptx's default template as it is: 4:3."""
    prs.slide_width, prs.slide_height = Presentation().slide_width, Presentation().slide_height


def several_masters(prs: PptxPresentation, count: int = 3) -> None:
    """`count` masters, each a copy of the first with its own theme and all eleven layouts under
    the same names; each master has its own name and background colour, so a deck shows which
    master its slides came from."""
    package = prs.part.package
    first = prs.slide_masters[0]
    first.element.cSld.set("name", "Master 1")
    first.background.fill.solid()
    first.background.fill.fore_color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    theme = first.part.part_related_by(RT.THEME)
    ids = [int(x.get("id")) for x in prs.element.xpath(".//p:sldMasterId|.//p:sldLayoutId")]
    ids += [int(x.get("id")) for x in first.element.xpath(".//p:sldLayoutId")]
    next_id = max(ids) + 1
    layout_number = len(first.slide_layouts)
    for k in range(2, count + 1):
        theme_part = Part(PackURI(f"/ppt/theme/theme{k}.xml"), CT.OFC_THEME, package, theme.blob)
        master_xml = copy.deepcopy(first.element)
        master_xml.cSld.set("name", f"Master {k}")
        layout_list = master_xml.find(qn("p:sldLayoutIdLst"))
        for entry in list(layout_list):
            layout_list.remove(entry)
        master_part = SlideMasterPart(
            PackURI(f"/ppt/slideMasters/slideMaster{k}.xml"),
            CT.PML_SLIDE_MASTER,
            package,
            master_xml,
        )
        master_part.relate_to(theme_part, RT.THEME)
        for layout in first.slide_layouts:
            layout_number += 1
            layout_part = SlideLayoutPart(
                PackURI(f"/ppt/slideLayouts/slideLayout{layout_number}.xml"),
                CT.PML_SLIDE_LAYOUT,
                package,
                copy.deepcopy(layout.element),
            )
            layout_part.relate_to(master_part, RT.SLIDE_MASTER)
            rId = master_part.relate_to(layout_part, RT.SLIDE_LAYOUT)
            entry = etree.SubElement(layout_list, qn("p:sldLayoutId"))
            entry.set("id", str(next_id))
            entry.set(qn("r:id"), rId)
            next_id += 1
        rId = prs.part.relate_to(master_part, RT.SLIDE_MASTER)
        entry = etree.SubElement(prs.element.find(qn("p:sldMasterIdLst")), qn("p:sldMasterId"))
        entry.set("id", str(next_id))
        entry.set(qn("r:id"), rId)
        next_id += 1
        master = prs.slide_masters[k - 1]
        master.background.fill.solid()
        shade = 0xFF - 0x18 * (k - 1)
        master.background.fill.fore_color.rgb = RGBColor(shade, 0xFF, shade)


#: A dark master's colour map, as PowerPoint's own dark themes have it: the background
#: colours are the theme's dark ones and the text colours its light ones, so that text in
#: scheme colours (the template's and deckgen's alike) is light on the dark slide.
DARK_MAP = {"bg1": "dk1", "tx1": "lt1", "bg2": "dk2", "tx2": "lt2"}


def _dark_map(prs: PptxPresentation) -> None:
    mapping = prs.slide_masters[0].element.find(qn("p:clrMap"))
    for name, value in DARK_MAP.items():
        mapping.set(name, value)


def dark_master(prs: PptxPresentation) -> None:
    """A dark blue master background, with the colour map of a dark theme."""
    master = prs.slide_masters[0]
    master.background.fill.solid()
    master.background.fill.fore_color.rgb = RGBColor(0x14, 0x1E, 0x3C)
    _dark_map(prs)


def dark_text_on_dark_art(prs: PptxPresentation) -> None:
    """Not in the corpus: a template made to be unreadable, for the contrast check. A white
    background fill under a full-slide dark rectangle on the master, with the light theme's
    colour map: dark text on the dark shape, wherever a text sits."""
    master = prs.slide_masters[0]
    width, height = WIDE
    rectangle = _master_shape(prs, MSO_SHAPE.RECTANGLE, 0, 0, width, height, "141E3C")
    shape_id = max(int(i) for i in master.element.xpath(".//p:cNvPr/@id")) + 1
    rectangle.find(f"{qn('p:nvSpPr')}/{qn('p:cNvPr')}").set("id", str(shape_id))
    master.shapes._spTree.insert(2, rectangle)  # behind the placeholders


def dark_master_shape(prs: PptxPresentation) -> None:
    """A white background fill under a full-slide dark rectangle on the master, with the
    colour map of a dark theme: only the master's shapes, not its background, say that the
    slide is dark."""
    dark_text_on_dark_art(prs)
    _dark_map(prs)


def _master_shape(
    prs: PptxPresentation, kind: MSO_SHAPE, x: int, y: int, cx: int, cy: int, rgb: str
) -> etree._Element:
    """An autoshape element made on a scratch slide, for a master's shape tree."""
    scratch = Presentation()
    slide = scratch.slides.add_slide(scratch.slide_layouts[6])
    shape = slide.shapes.add_shape(kind, x, y, cx, cy)
    shape.name = "Master band"
    shape.fill.solid()
    shape.fill.fore_color.rgb = RGBColor.from_string(rgb)
    shape.line.fill.background()
    return copy.deepcopy(shape.element)


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A plain PNG of one colour, written by hand (no Pillow needed)."""
    row = b"\x00" + bytes(rgb) * width
    raw = row * height

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def logo_bottom_right(prs: PptxPresentation) -> None:
    """A 2 x 1.5 in logo picture at the bottom right corner of the master, 0.25 in from the
    edges, where deckgen's diagram and panel are drawn."""
    master = prs.slide_masters[0]
    _image_part, rId = master.part.get_or_add_image_part(io.BytesIO(_png(200, 100, (200, 30, 40))))
    width, height = WIDE
    cx, cy = Emu(1828800), Emu(1371600)
    x, y = width - cx - Emu(228600), height - cy - Emu(228600)
    tree = master.shapes._spTree
    shape_id = max(int(i) for i in master.element.xpath(".//p:cNvPr/@id")) + 1
    pic = CT_Picture.new_pic(shape_id, "Logo", "Logo", rId, x, y, cx, cy)
    tree.append(pic)


def big_logo_over_the_body(prs: PptxPresentation) -> None:
    """Not in the corpus: a 4 x 2.5 in logo on the master, from 380 pt across and 144 pt down,
    over the right of its layouts' body placeholders: the template's own text covers it."""
    master = prs.slide_masters[0]
    png = _png(80, 50, (200, 30, 40))
    _image_part, rId = master.part.get_or_add_image_part(io.BytesIO(png))
    cx, cy = Emu(3657600), Emu(2286000)
    shape_id = max(int(i) for i in master.element.xpath(".//p:cNvPr/@id")) + 1
    pic = CT_Picture.new_pic(shape_id, "Big logo", "Logo", rId, Pt(380), Pt(144), cx, cy)
    master.shapes._spTree.append(pic)


def dark_background_picture(prs: PptxPresentation) -> None:
    """Not in the corpus: a navy picture as the master's background fill (LibreOffice's Candy
    fills its background with a photo), with the light theme's colour map: dark text on it."""
    master = prs.slide_masters[0]
    _image_part, rId = master.part.get_or_add_image_part(
        io.BytesIO(_png(64, 36, (0x14, 0x1E, 0x3C)))
    )
    background = parse_xml(
        '<p:bg xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"'
        ' xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
        ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<p:bgPr><a:blipFill><a:blip r:embed="{rId}"/><a:stretch><a:fillRect/></a:stretch>'
        "</a:blipFill><a:effectLst/></p:bgPr></p:bg>"
    )
    old = master.element.cSld.find(qn("p:bg"))
    if old is not None:
        master.element.cSld.remove(old)
    master.element.cSld.insert(0, background)


def veiled(prs: PptxPresentation) -> None:
    """Not in the corpus: the full-slide navy rectangle of `dark_text_on_dark_art` at 36%
    opacity, a veil or a shadow, as LibreOffice's Sunset has: the slide reads as light."""
    dark_text_on_dark_art(prs)
    fill = prs.slide_masters[0].element.xpath(".//p:sp[.//p:cNvPr/@name='Master band']//a:srgbClr")
    etree.SubElement(fill[0], qn("a:alpha")).set("val", "36000")


def dark_picture_behind_text(prs: PptxPresentation) -> None:
    """Not in the corpus: a template made to be unreadable, for the contrast check. A navy
    picture over the whole lower half of the master, behind the body text, with the light
    theme's colour map: dark text on a dark picture."""
    master = prs.slide_masters[0]
    png = _png(64, 32, (0x14, 0x1E, 0x3C))
    _image_part, rId = master.part.get_or_add_image_part(io.BytesIO(png))
    width, height = WIDE
    shape_id = max(int(i) for i in master.element.xpath(".//p:cNvPr/@id")) + 1
    pic = CT_Picture.new_pic(shape_id, "Photo", "A navy photo", rId, 0, height // 3, width, height)
    master.shapes._spTree.insert(2, pic)  # behind the placeholders


def bulleted_body(prs: PptxPresentation) -> None:
    """Numbered and bulleted list styles on every body placeholder of the layouts and the
    master: level 1 numbered (1. 2. 3.), level 2 with a square bullet."""
    master = prs.slide_masters[0]
    layouts = list(master.slide_layouts)
    for element in [master.element, *(layout.element for layout in layouts)]:
        for sp in element.xpath(".//p:sp[p:nvSpPr/p:nvPr/p:ph]"):
            ph = sp.find(f"{qn('p:nvSpPr')}/{qn('p:nvPr')}/{qn('p:ph')}")
            if ph.get("type", "body") not in ("body", "obj"):
                continue
            body = sp.find(qn("p:txBody"))
            old = body.find(qn("a:lstStyle"))
            style = parse_xml(
                '<a:lstStyle xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
                '<a:lvl1pPr marL="457200" indent="-457200">'
                '<a:buFont typeface="+mj-lt"/><a:buAutoNum type="arabicPeriod"/></a:lvl1pPr>'
                '<a:lvl2pPr marL="914400" indent="-342900">'
                '<a:buFont typeface="Wingdings"/><a:buChar char="&#167;"/></a:lvl2pPr>'
                "</a:lstStyle>"
            )
            if old is not None:
                body.replace(old, style)
            else:
                body.insert(1, style)


def footers(prs: PptxPresentation) -> None:
    """A layout 'Title, Text and Footers' with a title, a body and large date, footer and
    slide-number placeholders (idx 10, 11, 12) that carry text of their own; the other layouts
    keep the default's small ones."""
    master = prs.slide_masters[0]
    source = master.slide_layouts.get_by_name("Title and Content")
    layout = _copy_layout(prs, source, "Title, Text and Footers")
    width, height = WIDE
    boxes = {
        "dt": (Emu(457200), height - Emu(1143000), Emu(3200400), Emu(685800)),
        "ftr": (Emu(3886200), height - Emu(1143000), Emu(5486400), Emu(685800)),
        "sldNum": (width - Emu(2743200), height - Emu(1143000), Emu(2286000), Emu(685800)),
    }
    for shape in layout.placeholders:
        kind = shape.element.ph.get("type", "body")
        if kind in boxes:
            shape.left, shape.top, shape.width, shape.height = boxes[kind]
            shape.text_frame.text = {
                "dt": "2026-11-26",
                "ftr": "Footer text of the template",
                "sldNum": "‹#›",
            }[kind]
            for run in shape.text_frame.paragraphs[0].runs:
                run.font.size = Pt(20)
        elif kind == "body" or shape.placeholder_format.idx == 1:
            shape.height = Emu(height - Emu(1143000) - shape.top - Emu(228600))


def _copy_layout(prs: PptxPresentation, source, name: str):
    master = prs.slide_masters[0]
    package = prs.part.package
    number = 1 + sum(len(m.slide_layouts) for m in prs.slide_masters)
    part = SlideLayoutPart(
        PackURI(f"/ppt/slideLayouts/slideLayout{number}.xml"),
        CT.PML_SLIDE_LAYOUT,
        package,
        copy.deepcopy(source.element),
    )
    part._element.cSld.set("name", name)
    part.relate_to(master.part, RT.SLIDE_MASTER)
    rId = master.part.relate_to(part, RT.SLIDE_LAYOUT)
    ids = [int(x) for x in prs.element.xpath(".//p:sldMasterId/@id")]
    ids += [int(x) for m in prs.slide_masters for x in m.element.xpath(".//p:sldLayoutId/@id")]
    entry = etree.SubElement(master.element.find(qn("p:sldLayoutIdLst")), qn("p:sldLayoutId"))
    entry.set("id", str(max(ids) + 1))
    entry.set(qn("r:id"), rId)
    return master.slide_layouts[len(master.slide_layouts) - 1]


#: The python-pptx templates: name -> what is done to a fresh 16:9 default template.
MADE: dict[str, Callable[[PptxPresentation], None]] = {
    "pp-default-4x3.pptx": default_43,
    "pp-several-masters.pptx": several_masters,
    "pp-dark-master.pptx": dark_master,
    "pp-dark-master-shape.pptx": dark_master_shape,
    "pp-logo-bottom-right.pptx": logo_bottom_right,
    "pp-bulleted-body.pptx": bulleted_body,
    "pp-footers.pptx": footers,
}


def made(
    folder: Path, makers: dict[str, Callable[[PptxPresentation], None]] = MADE
) -> dict[str, Path]:
    """Write the python-pptx templates `makers` (the corpus's by default) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for name, make_it in makers.items():
        prs = _wide()
        make_it(prs)
        path = folder / name
        prs.save(str(path))
        paths[name] = path
    return paths


def make(folder: Path, *, soffice: bool = True) -> dict[str, Path]:
    """The whole corpus in `folder`: the python-pptx templates, then (unless `soffice` is
    False) LibreOffice's. Raises `SofficeMissing` only when asked for LibreOffice's."""
    paths = made(folder)
    if soffice:
        paths.update(libreoffice(folder))
    return paths


if __name__ == "__main__":  # python -m tests.corpus FOLDER
    import sys

    for name, path in make(Path(sys.argv[1])).items():
        sys.stdout.write(f"{name}\t{path}\n")

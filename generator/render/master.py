"""Build the slide master and one layout per slide kind from a `MasterSpec`.

The master starts from python-pptx's default package and is rewritten whole: its placeholders,
text styles, decorations and the brand's logo come from the spec, and its layouts are replaced by
the spec's. Nothing of the default template's design survives.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import Any, cast

from lxml import etree
from PIL import Image
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.packuri import PackURI
from pptx.oxml import parse_xml
from pptx.parts.slide import SlideLayoutPart, SlideMasterPart
from pptx.presentation import Presentation

from generator.files import read_image
from generator.layout.spec import (
    TITLE_TYPES,
    Box,
    Decoration,
    LayoutDef,
    MasterDef,
    MasterSpec,
    PlaceholderDef,
)
from generator.render.pptx_private import part_element
from generator.render.xml import (
    body_properties,
    decorative,
    element,
    emu,
    level_properties,
    shape_properties,
    solid_fill,
    sub,
    xfrm,
)
from generator.theme.brand import Brand
from generator.theme.contrast import logo_on_dark
from generator.theme.logo import recorded_cap_height, reversed_logo

_FIRST_LAYOUT_ID = 2147483649


#: Shape ids, unique within one part; 1 is the shape tree's own.
_Ids = Iterator[int]


def build_master(
    prs: Presentation,
    spec: MasterSpec,
    brand: Brand,
    logo: Path,
    language: str,
    roots: tuple[Path, ...],
    negative: Path | None = None,
) -> None:
    """Replace the master and layouts of `prs` with those of `spec`, branded by `brand`; the
    logos are read only inside `roots`. A layout on a dark background shows the `negative`
    logo (none where there is none) instead of the master's."""
    master_part = cast(SlideMasterPart, prs.slide_masters[0].part)
    for rId, rel in list(master_part.rels.items()):
        if rel.reltype == RT.SLIDE_LAYOUT:
            master_part.rels.pop(rId)
    image = read_image(logo, roots)
    logo_id = master_part.get_or_add_image_part(image)[1]
    root = _master_xml(spec, brand, image, logo_id, language)
    layout_ids = root.find(".//{*}sldLayoutIdLst")
    dark = read_image(negative, roots) if negative is not None else _reversed(image, brand)
    for number, layout in enumerate(spec.layouts, start=1):
        own = _Logo(dark, f"{brand.name} logo") if _on_dark(layout, spec, brand) else None
        rId = _add_layout(master_part, layout, spec, number, language, own)
        sub(layout_ids, "p:sldLayoutId", id=_FIRST_LAYOUT_ID + number - 1, **{"r:id": rId})
    _replace_children(part_element(master_part), parse_xml(_serialize(root)))


def _reversed(logo: io.BytesIO, brand: Brand) -> io.BytesIO | None:
    """The brand's logo reversed out in its `lt1`, for a dark background where the brand has
    no negative logo; None where the logo has no transparency to reverse."""
    if brand.colors is None:
        return None
    made = reversed_logo(logo.getvalue(), brand.colors.lt1)
    return io.BytesIO(made) if made is not None else None


@dataclass(frozen=True)
class _Logo:
    """The master's shapes that a layout on a dark background draws itself, with this logo
    (None: no logo) in place of the master's."""

    image: io.BytesIO | None
    description: str


def _on_dark(layout: LayoutDef, spec: MasterSpec, brand: Brand) -> bool:
    return brand.colors is not None and logo_on_dark(layout, spec, brand.colors.model_dump())


def _replace_children(target: Any, source: Any) -> None:
    """Give `target` the children of `source`, in place: python-pptx proxies keep `target`."""
    for child in list(target):
        target.remove(child)
    for child in list(source):
        target.append(child)


def _serialize(root: Any) -> bytes:
    return etree.tostring(root)


def _master_xml(
    spec: MasterSpec, brand: Brand, logo: io.BytesIO, logo_id: str, language: str
) -> Any:
    master = spec.master
    root = element("p:sldMaster")
    tree = _shape_tree(sub(root, "p:cSld"), master.background)
    ids = count(2)
    for decoration in master.decorations:
        _decoration(tree, decoration, spec, ids)
    for placeholder in (master.title, master.body):
        _placeholder(tree, placeholder, language, ids, styled=False)
    _logo(tree, _place(master, logo), logo_id, f"{brand.name} logo", ids)
    sub(
        root,
        "p:clrMap",
        bg1="lt1",
        tx1="dk1",
        bg2="lt2",
        tx2="dk2",
        accent1="accent1",
        accent2="accent2",
        accent3="accent3",
        accent4="accent4",
        accent5="accent5",
        accent6="accent6",
        hlink="hlink",
        folHlink="folHlink",
    )
    sub(root, "p:sldLayoutIdLst")
    _text_styles(sub(root, "p:txStyles"), master, language)
    return root


def _shape_tree(common: Any, background: str | None) -> Any:
    if background:
        properties = sub(sub(common, "p:bg"), "p:bgPr")
        solid_fill(properties, background)
        sub(properties, "a:effectLst")
    tree = sub(common, "p:spTree")
    group = sub(tree, "p:nvGrpSpPr")
    sub(group, "p:cNvPr", id=1, name="")
    sub(group, "p:cNvGrpSpPr")
    sub(group, "p:nvPr")
    transform = xfrm(sub(tree, "p:grpSpPr"), (0, 0, 0, 0))
    sub(transform, "a:chOff", x=0, y=0)
    sub(transform, "a:chExt", cx=0, cy=0)
    return tree


def _text_styles(styles: Any, master: MasterDef, language: str) -> None:
    body = master.body
    level_properties(sub(styles, "p:titleStyle"), "a:lvl1pPr", master.title, language)
    body_style = sub(styles, "p:bodyStyle")
    for level in range(1, 6):
        indent = emu(master.indent * (level - 1))
        level_properties(body_style, f"a:lvl{level}pPr", body, language, marL=indent)
    level_properties(
        sub(styles, "p:otherStyle"),
        "a:lvl1pPr",
        body.model_copy(update={"color": None, "size": None, "bold": None, "align": None}),
        language,
    )


def _placeholder(
    tree: Any, spec: PlaceholderDef, language: str, ids: _Ids, *, styled: bool
) -> None:
    shape = sub(tree, "p:sp")
    names = sub(shape, "p:nvSpPr")
    sub(names, "p:cNvPr", id=next(ids), name=spec.name)
    sub(sub(names, "p:cNvSpPr"), "a:spLocks", noGrp=1)
    idx = None if spec.type in TITLE_TYPES else spec.idx
    sub(sub(names, "p:nvPr"), "p:ph", type=spec.type, idx=idx)
    shape_properties(shape, spec.box)
    body = sub(shape, "p:txBody")
    body_properties(body, spec, autofit=spec.autofit, inset=spec.inset)
    styles = sub(body, "a:lstStyle")
    if styled:
        level_properties(styles, "a:lvl1pPr", spec, language)
    sub(sub(body, "a:p"), "a:endParaRPr", lang=language)


def _decoration(tree: Any, decoration: Decoration, spec: MasterSpec, ids: _Ids) -> None:
    shape = sub(tree, "p:sp")
    names = sub(shape, "p:nvSpPr")
    decorative(sub(names, "p:cNvPr", id=next(ids), name=decoration.name))
    sub(names, "p:cNvSpPr")
    sub(names, "p:nvPr", userDrawn=1)
    shape_properties(shape, decoration.box, spec.styles[decoration.style])


def _logo(tree: Any, box: Box, rId: str, description: str, ids: _Ids) -> None:
    picture = sub(tree, "p:pic")
    names = sub(picture, "p:nvPicPr")
    sub(names, "p:cNvPr", id=next(ids), name="Logo", descr=description)
    sub(sub(names, "p:cNvPicPr"), "a:picLocks", noChangeAspect=1)
    sub(names, "p:nvPr", userDrawn=1)
    fill = sub(picture, "p:blipFill")
    sub(fill, "a:blip", **{"r:embed": rId})
    sub(sub(fill, "a:stretch"), "a:fillRect")
    shape_properties(picture, box)


def _place(master: MasterDef, image: io.BytesIO) -> Box:
    """Return where the logo goes, aligned to the right and bottom of the master's logo box: a
    text logo that records its cap height at the master's logo cap height, whatever its
    width; other artwork as large as fits the box at its aspect ratio."""
    x, y, width, height = master.logo
    image.seek(0)
    with Image.open(image) as picture:
        size, cap = picture.size, recorded_cap_height(picture)
    if cap is not None and master.logo_cap_height is not None:
        scale = master.logo_cap_height / cap
    else:
        scale = min(width / size[0], height / size[1])
    shown_width, shown_height = size[0] * scale, size[1] * scale
    return (x + width - shown_width, y + height - shown_height, shown_width, shown_height)


def _add_layout(
    master_part: SlideMasterPart,
    layout: LayoutDef,
    spec: MasterSpec,
    number: int,
    language: str,
    own: _Logo | None,
) -> str:
    """Add `layout` as a layout part of the master; return its relationship's id. With `own`,
    it hides the master's shapes and draws them itself, with that logo."""
    hide = {} if layout.master_shapes and own is None else {"showMasterSp": "0"}
    root = element("p:sldLayout", preserve=1, userDrawn=1, **hide)
    common = sub(root, "p:cSld", name=layout.name)
    tree = _shape_tree(common, layout.background)
    partname = PackURI(f"/ppt/slideLayouts/slideLayout{number}.xml")
    package = master_part.package
    part = SlideLayoutPart(partname, CT.PML_SLIDE_LAYOUT, package, parse_xml(_serialize(root)))
    ids = count(2)
    if own is not None:
        _master_shapes(tree, part, spec, own, ids)
    for decoration in layout.decorations:
        _decoration(tree, decoration, spec, ids)
    for placeholder in layout.placeholders:
        _placeholder(tree, placeholder, language, ids, styled=True)
    sub(sub(root, "p:clrMapOvr"), "a:masterClrMapping")
    _replace_children(part_element(part), parse_xml(_serialize(root)))
    part.relate_to(master_part, RT.SLIDE_MASTER)
    return master_part.relate_to(part, RT.SLIDE_LAYOUT)


def _master_shapes(
    tree: Any, part: SlideLayoutPart, spec: MasterSpec, own: _Logo, ids: _Ids
) -> None:
    """Draw the master's decorations and `own` logo, where the master has them, on a layout."""
    for decoration in spec.master.decorations:
        _decoration(tree, decoration, spec, ids)
    if own.image is not None:
        rId = part.get_or_add_image_part(own.image)[1]
        _logo(tree, _place(spec.master, own.image), rId, own.description, ids)

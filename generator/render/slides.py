"""Draw `SlideSpec`s on the master's layouts: text into placeholders, then the extra shapes."""

from __future__ import annotations

import copy
import functools
import io
from pathlib import Path
from typing import Any

from pptx.enum.shapes import MSO_SHAPE
from pptx.oxml.ns import qn
from pptx.presentation import Presentation
from pptx.shapes.picture import Picture
from pptx.slide import NotesSlide, Slide
from pptx.util import Emu

from generator.content.inline import parse_inline
from generator.files import read_image
from generator.layout.spec import (
    Box,
    BoxShape,
    ChartShape,
    ConnectorShape,
    MasterSpec,
    PictureShape,
    QrShape,
    SlideSpec,
    TemplatePlan,
)
from generator.render.pptx_private import add_drawn_slide, next_shape_id, notes_slide
from generator.render.xml import (
    body_properties,
    decorative,
    emu,
    geometry,
    hyperlinks,
    level_properties,
    paragraphs,
    replace_text,
    shape_properties,
    solid_fill,
    sub,
    xfrm,
)

#: Slides drawn before on one package (a kept built-in master, `render._base`), by id: the
#: spec each was drawn from (as JSON, which tells -0.0 from 0.0 where == does not), and its XML
#: when the slide relates to nothing but its layout.
Drawn = dict[str, tuple[str, Any]]


def draw_slides(
    prs: Presentation,
    specs: list[SlideSpec],
    master: MasterSpec,
    language: str,
    template: TemplatePlan | None = None,
    roots: tuple[Path, ...] = (),
    drawn: Drawn | None = None,
) -> None:
    """Add one slide per spec to `prs`: on the layout named after the spec's, or on the
    template's layout that `template` maps it to. Pictures are read only inside `roots`.

    `drawn` (given for built-in masters only) holds slides drawn before on a package made from
    the same master, brand, logos and language: a spec equal to one drawn there is added as
    that XML, not drawn again, and each slide drawn that relates to nothing but its layout (no
    picture, chart or link) is put there. A slide's XML is a function of those and its spec
    alone, so `deckgen serve`'s rebuild after one edit draws only what the edit changed."""
    layouts = {
        (number, layout.name): layout
        for number, slide_master in reversed(list(enumerate(prs.slide_masters)))
        for layout in reversed(list(slide_master.slide_layouts))
    }  # reversed: where a master holds two layouts of one name, the first is drawn on
    blanks: dict[int, Any] = {}  # each notes master's first notes slide, as made (`notes_slide`)
    for spec in specs:
        colors: dict[str, str] = {}
        if template is None:
            layout = layouts[(0, spec.layout)]
        else:
            name, mapped = template.layouts[spec.layout]
            layout = layouts[(template.masters.get(spec.layout, 0), name)]
            colors = template.colors.get(spec.layout, {})
        kept = drawn.get(spec.id) if drawn is not None else None
        written = spec.model_dump_json() if drawn is not None else ""
        if kept is not None and kept[0] == written:
            slide = add_drawn_slide(prs, layout, copy.deepcopy(kept[1]))
        else:
            if template is None:
                targets = {ph.placeholder_format.idx: ph.name for ph in layout.placeholders}
            else:
                targets = {idx: ours for ours, idx in mapped.items() if idx is not None}
            slide = prs.slides.add_slide(layout)
            _draw(slide, spec, master, language, targets, roots, template is not None, colors)
            if drawn is not None and len(slide.part.rels) == 1:
                drawn[spec.id] = (written, copy.deepcopy(slide.element))
        if spec.notes:
            _notes(notes_slide(slide, blanks), spec.notes, language)


def _draw(
    slide: Slide,
    spec: SlideSpec,
    master: MasterSpec,
    language: str,
    targets: dict[int, str],
    roots: tuple[Path, ...],
    plain: bool = False,
    colors: dict[str, str] | None = None,
) -> None:
    slide.element.cSld.set("name", spec.id)  # the slide's name is its id: checks report it
    link_id = hyperlinks(slide.part)
    _fill_placeholders(
        slide, spec, language, link_id, targets, plain, master.link_color, colors or {}
    )
    for shape in spec.shapes:
        if isinstance(shape, BoxShape):
            _box(slide, shape, master, language, link_id)
        elif isinstance(shape, ConnectorShape):
            _connector(slide, shape, master)
        elif isinstance(shape, PictureShape):
            _picture(slide, shape, roots)
        elif isinstance(shape, QrShape):
            _qr(slide, shape)
        elif isinstance(shape, ChartShape):
            from generator.render.chart import draw_chart  # XlsxWriter: only for a chart

            draw_chart(slide, shape, master.styles[shape.style], language)
    if spec.reading_order:
        _reorder(slide, spec.reading_order)
    if spec.hidden:
        slide.element.set("show", "0")


def _fill_placeholders(
    slide: Slide,
    spec: SlideSpec,
    language: str,
    link_id: Any,
    targets: dict[int, str],
    plain: bool,
    link_color: str | None = None,
    colors: dict[str, str] | None = None,
) -> None:
    """Fill each placeholder with the text of the spec's placeholder that `targets` maps its
    idx to, by name; remove the placeholders that get none. With `plain` (a user's template,
    whose body style may be a list), each paragraph is marked as no list item."""
    for placeholder in list(slide.placeholders):
        name = targets.get(placeholder.placeholder_format.idx, "")
        element = placeholder.element
        fill = spec.placeholders.get(name)
        if fill is None:
            # An empty placeholder would show a prompt; the layout still has it for later edits.
            element.getparent().remove(element)
            continue
        element.nvSpPr.cNvPr.set("name", name)
        body = element.get_or_add_txBody()
        replace_text(
            body,
            fill.text,
            language,
            size=fill.size,
            link_id=link_id,
            plain=plain,
            link_color=link_color,
            color=(colors or {}).get(name),
            hang=fill.hang,
        )
        if plain:
            _shrink_on_overflow(body)


def _shrink_on_overflow(body: Any) -> None:
    """Let text that is longer than a user's template expects shrink to fit its placeholder
    (PowerPoint's and LibreOffice's "shrink text on overflow"), as deckgen's own placeholders
    do: the template's box was drawn for a title, deckgen's text may be a quote."""
    properties = body.find(qn("a:bodyPr"))
    if properties is None:
        properties = body.makeelement(qn("a:bodyPr"), {})
        body.insert(0, properties)
    for fit in ("a:noAutofit", "a:normAutofit", "a:spAutoFit"):
        for found in properties.findall(qn(fit)):
            properties.remove(found)
    autofit = properties.makeelement(qn("a:normAutofit"), {})
    for later in ("a:scene3d", "a:sp3d", "a:flatTx", "a:extLst"):  # what comes after autofit
        follower = properties.find(qn(later))
        if follower is not None:
            follower.addprevious(autofit)
            return
    properties.append(autofit)


def _new_id(slide: Slide) -> int:
    return next_shape_id(slide.shapes)


def _box(slide: Slide, shape: BoxShape, master: MasterSpec, language: str, link_id: Any) -> None:
    style = master.styles[shape.style]
    sp = sub(slide.element.cSld.spTree, "p:sp")
    names = sub(sp, "p:nvSpPr")
    properties = sub(names, "p:cNvPr", id=_new_id(slide), name=shape.name)
    if not shape.text or shape.decorative:
        decorative(properties)  # a rule, a frame or initials: nothing new for a screen reader
    sub(names, "p:cNvSpPr", txBox="1" if not (style.fill or style.line) else None)
    sub(names, "p:nvPr")
    shape_properties(sp, shape.box, style)
    body = sub(sp, "p:txBody")
    body_properties(body, style, autofit=style.autofit, inset=style.inset)
    level_properties(sub(body, "a:lstStyle"), "a:lvl1pPr", style, language)
    paragraphs(
        body,
        shape.text or [],
        language,
        size=shape.size,
        link_id=link_id,
        link_color=master.link_color,
    )


def _connector(slide: Slide, shape: ConnectorShape, master: MasterSpec) -> None:
    style = master.styles[shape.style]
    (x1, y1), (x2, y2) = shape.begin, shape.end
    connector = sub(slide.element.cSld.spTree, "p:cxnSp")
    names = sub(connector, "p:nvCxnSpPr")
    decorative(sub(names, "p:cNvPr", id=_new_id(slide), name=shape.name))
    glue = sub(names, "p:cNvCxnSpPr")
    for tag, target, site in (
        ("a:stCxn", shape.begin_shape, shape.begin_site),
        ("a:endCxn", shape.end_shape, shape.end_site),
    ):
        if target:
            sub(glue, tag, id=_shape_id(slide, target), idx=site)
    sub(names, "p:nvPr")
    properties = sub(connector, "p:spPr")
    box = (min(x1, x2), min(y1, y2), abs(x2 - x1), abs(y2 - y1))
    xfrm(properties, box, flipH="1" if x2 < x1 else None, flipV="1" if y2 < y1 else None)
    geometry(properties, "straightConnector1")
    outline = sub(properties, "a:ln", w=emu(style.line_width))
    solid_fill(outline, str(style.line))  # the layout stage made sure the style has a line


def _shape_id(slide: Slide, name: str) -> int:
    for shape in slide.shapes:
        if shape.name == name:
            return shape.shape_id
    raise ValueError(f"no shape named {name!r} on the slide")  # the layout stage checks names


def _picture(slide: Slide, shape: PictureShape, roots: tuple[Path, ...]) -> None:
    x, y, width, height = (Emu(emu(value)) for value in shape.box)
    image = read_image(Path(shape.path), roots)
    picture = _add_picture(slide, image, (x, y, width, height), shape.name, shape.alt)
    if shape.crop == "fill":
        _crop_to_fill(picture, shape.box)
    if shape.shape == "ellipse":
        picture.auto_shape_type = MSO_SHAPE.OVAL  # prstGeom "ellipse": the picture's mask


def _crop_to_fill(picture: Picture, box: Box) -> None:
    """Crop `picture` to the shape of `box`, equally from both sides of the dimension it has
    too much of, so that it fills the box without being distorted (`a:srcRect`)."""
    width, height = picture.image.size  # in pixels, which deckgen takes to be square
    if not (width and height and box[2] and box[3]):
        return
    image, frame = width / height, box[2] / box[3]
    if image > frame:  # wider than the box: crop left and right
        picture.crop_left = picture.crop_right = round((1 - frame / image) / 2, 5)
    elif image < frame:  # taller: crop top and bottom
        picture.crop_top = picture.crop_bottom = round((1 - image / frame) / 2, 5)


def _qr(slide: Slide, shape: QrShape) -> None:
    """A QR code of the shape's data, square, centred in the shape's box (`qr_png`)."""
    x, y, width, height = (Emu(emu(value)) for value in shape.box)
    side = min(width, height)  # square, centred in its box
    x, y = Emu(x + (width - side) // 2), Emu(y + (height - side) // 2)
    _add_picture(slide, io.BytesIO(qr_png(shape.data)), (x, y, side, side), shape.name, shape.alt)


@functools.lru_cache(maxsize=16)
def qr_png(data: str) -> bytes:
    """Return the PNG of a QR code of `data`: error correction M (15% may be covered or
    soiled), a quiet zone of two modules, dark on white, eight pixels a module, so that a
    scaled picture keeps sharp edges. Kept for the next deck of the process: the decks of a
    content folder share their link, and segno takes 0.05-0.1 s to choose a code's mask."""
    import segno  # only for a deck with a QR code

    code = segno.make(data, error="m", micro=False)
    image = io.BytesIO()
    code.save(image, kind="png", scale=8, border=2, dark="#000000", light="#ffffff")
    return image.getvalue()


def _add_picture(
    slide: Slide, image: Any, box: tuple[Emu, Emu, Emu, Emu], name: str, alt: str
) -> Picture:
    """Add `image` at `box` (EMU), named `name`, with `alt` as its alt text."""
    picture = slide.shapes.add_picture(image, *box)
    names = picture.element.xpath("./p:nvPicPr/p:cNvPr")[0]
    names.set("name", name)
    names.set("descr", alt)
    return picture


def _reorder(slide: Slide, order: list[str]) -> None:
    """Move the named shapes to the end of the tree in `order`: the reading order."""
    tree: Any = slide.element.cSld.spTree
    by_name: dict[str, Any] = {
        child.get("name"): child.getparent().getparent() for child in tree.iter(qn("p:cNvPr"))
    }
    for name in order:
        if name in by_name:
            tree.append(by_name[name])


def _notes(page: NotesSlide, notes: str, language: str) -> None:
    body = page.notes_placeholder
    if body is None:
        raise ValueError("the notes slide has no body placeholder")
    link_id = hyperlinks(page.part)
    shape: Any = body.element  # a p:sp, which has a text body
    text = parse_inline(notes)
    replace_text(shape.get_or_add_txBody(), text, language, size=None, link_id=link_id)

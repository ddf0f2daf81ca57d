"""Stage 5, render: the only layer that touches python-pptx or XML.

`render` draws slide specs on a master built from the master spec and the brand, and returns
the deck as bytes. Saving them is the save stage's job.
"""

from __future__ import annotations

import datetime
import hashlib
import io
from pathlib import Path

from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.presentation import Presentation as PptxPresentation

from generator.content.models import DeckMeta
from generator.files import MAX_IMAGE_BYTES, note_used, read_input, track
from generator.layout.spec import ChartShape, MasterSpec, SlideSpec, TemplatePlan
from generator.render.master import build_master
from generator.render.package import drop_template_leftovers, set_language, set_properties, set_size
from generator.render.pptx_private import (
    compile_xpaths,
    part_element,
    relationship_orders,
    restore_relationship_orders,
    stored_package,
)
from generator.render.slides import Drawn, draw_slides
from generator.render.template import drop_unused_layouts, open_template
from generator.render.theme import branded_theme
from generator.theme.brand import Brand

compile_xpaths()


def render(
    meta: DeckMeta,
    specs: list[SlideSpec],
    master: MasterSpec,
    brand: Brand,
    logo: Path | None,
    moment: datetime.datetime,
    template: TemplatePlan | None = None,
    roots: tuple[Path, ...] = (),
    logo_negative: Path | None = None,
) -> bytes:
    """Return the .pptx package of `specs` drawn in `brand`, stored (the save stage compresses
    it): on the built-in master made from `master`, or on the layouts of the brand's own
    `template`. Images, the logos (`logo_negative` for dark backgrounds) and the template are
    read only inside `roots` (the content and templates folders)."""
    language = meta.language
    drawn = None
    if template is None:
        assert logo is not None  # the brand's check requires it without a template
        prs, drawn = _base(master, brand, logo, logo_negative, language, roots)
    else:
        prs = open_template(template.path, roots)
        drop_template_leftovers(prs)
        set_language(prs.element, language)
        _brand_themes(prs, brand)
    draw_slides(prs, specs, master, language, template, roots, drawn)
    if any(isinstance(shape, ChartShape) for spec in specs for shape in spec.shapes):
        # The chart code imports XlsxWriter (about 0.08 s): only a deck with a chart needs it.
        from generator.render.chart import fix_workbooks

        fix_workbooks(prs, moment)
    if template is not None:
        drop_unused_layouts(prs)
    _localise_notes_master(prs, language)
    set_properties(prs, meta, moment)
    return stored_package(prs)  # compressed once, when saved (`output.save.normalize_zip`)


#: Each built-in master drawn before in this process, as a package with no slides, by what it
#: was made from, with the files it read: `deckgen build --all` and `deckgen serve` draw many
#: decks on few masters, and building one is a tenth of drawing a deck.
_BASES: dict[tuple[object, ...], tuple[bytes, dict[str, str], dict[str, list[str]], Drawn]] = {}
_MAX_BASES = 32


def _base(
    master: MasterSpec,
    brand: Brand,
    logo: Path,
    logo_negative: Path | None,
    language: str,
    roots: tuple[Path, ...],
) -> tuple[PptxPresentation, Drawn]:
    """Return a presentation with the built-in master and layouts made from `master` in
    `brand`, and no slides: opened from the package kept for the same inputs (the logos by
    their bytes), else built and kept. Every deck, the first too, is drawn on a package opened
    from those bytes, so that each is drawn on the same thing. With it, the slides drawn on
    it before (`draw_slides`)."""
    logos = tuple(
        (str(path), hashlib.sha256(read_input(path, MAX_IMAGE_BYTES, roots)).hexdigest())
        for path in (logo, logo_negative)
        if path is not None
    )
    key = (master.model_dump_json(), brand.model_dump_json(), logos, language, roots)
    if key not in _BASES:
        with track() as used:
            prs = Presentation()
            set_size(prs, master.size)
            drop_template_leftovers(prs)
            set_language(prs.element, language)
            build_master(prs, master, brand, logo, language, roots, logo_negative)
            _brand_themes(prs, brand)
            blob = stored_package(prs)
        if len(_BASES) >= _MAX_BASES:
            del _BASES[next(iter(_BASES))]
        _BASES[key] = (blob, used, relationship_orders(prs), {})
    blob, used, orders, drawn = _BASES[key]
    note_used(used)
    opened = Presentation(io.BytesIO(blob))
    restore_relationship_orders(opened, orders)  # so its parts are written as built
    return opened, drawn


def _brand_themes(prs: PptxPresentation, brand: Brand) -> None:
    for slide_master in prs.slide_masters:
        theme = slide_master.part.part_related_by(RT.THEME)
        theme.blob = branded_theme(theme.blob, brand)


def _localise_notes_master(prs: PptxPresentation, language: str) -> None:
    """Mark the notes master, which python-pptx adds with the first notes, in `language`."""
    for rel in prs.part.rels.values():
        if rel.reltype == RT.NOTES_MASTER:
            set_language(part_element(rel.target_part), language)

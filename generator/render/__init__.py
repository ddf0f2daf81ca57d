"""Stage 5, render: the only layer that touches python-pptx or XML.

`render` draws slide specs on a master built from the master spec and the brand, and returns
the deck as bytes. Saving them is the save stage's job.
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path

from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.presentation import Presentation as PptxPresentation

from generator.content.models import DeckMeta
from generator.layout.spec import ChartShape, MasterSpec, SlideSpec, TemplatePlan
from generator.render.master import build_master
from generator.render.package import drop_template_leftovers, set_language, set_properties, set_size
from generator.render.pptx_private import part_element
from generator.render.slides import draw_slides
from generator.render.template import drop_unused_layouts, open_template
from generator.render.theme import branded_theme
from generator.theme.brand import Brand


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
    """Return the .pptx bytes of `specs` drawn in `brand`: on the built-in master made from
    `master`, or on the layouts of the brand's own `template`. Images, the logos (`logo_negative`
    for dark backgrounds) and the template are read only inside `roots` (the content and
    templates folders)."""
    language = meta.language
    if template is None:
        assert logo is not None  # the brand's check requires it without a template
        prs = Presentation()
        set_size(prs, master.size)
        drop_template_leftovers(prs)
        set_language(prs.element, language)
        build_master(prs, master, brand, logo, language, roots, logo_negative)
    else:
        prs = open_template(template.path, roots)
        drop_template_leftovers(prs)
        set_language(prs.element, language)
    for slide_master in prs.slide_masters:
        theme = slide_master.part.part_related_by(RT.THEME)
        theme.blob = branded_theme(theme.blob, brand)
    draw_slides(prs, specs, master, language, template, roots)
    if any(isinstance(shape, ChartShape) for spec in specs for shape in spec.shapes):
        # The chart code imports XlsxWriter (about 0.08 s): only a deck with a chart needs it.
        from generator.render.chart import fix_workbooks

        fix_workbooks(prs, moment)
    if template is not None:
        drop_unused_layouts(prs)
    _localise_notes_master(prs, language)
    set_properties(prs, meta, moment)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


def _localise_notes_master(prs: PptxPresentation, language: str) -> None:
    """Mark the notes master, which python-pptx adds with the first notes, in `language`."""
    for rel in prs.part.rels.values():
        if rel.reltype == RT.NOTES_MASTER:
            set_language(part_element(rel.target_part), language)

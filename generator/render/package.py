"""Package-level parts: slide size, language defaults, document properties, template leftovers."""

from __future__ import annotations

import datetime
from typing import Any
from xml.sax.saxutils import escape

from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.presentation import Presentation
from pptx.util import Emu

from generator.content.models import DeckMeta
from generator.officexml import EXTENDED_PROPERTIES_NS, VT_NS
from generator.render.pptx_private import package_relationships
from generator.render.xml import child, emu

_APP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Properties xmlns="{EXTENDED_PROPERTIES_NS}" xmlns:vt="{VT_NS}">'
    "<Application>deckgen</Application><PresentationFormat>Widescreen</PresentationFormat>"
    "<Slides>{slides}</Slides><Notes>{notes}</Notes><HiddenSlides>{hidden}</HiddenSlides>"
    "<Company>{company}</Company></Properties>"
)


def set_size(prs: Presentation, size: tuple[float, float]) -> None:
    """Set the slide size; the size is custom, so the preset `type` goes."""
    prs.slide_width, prs.slide_height = Emu(emu(size[0])), Emu(emu(size[1]))
    properties = child(prs.element, "p:sldSz").attrib
    if "type" in properties:
        del properties["type"]


def drop_template_leftovers(prs: Presentation) -> None:
    """Drop the default template's thumbnail and printer settings: they describe another deck."""
    package = prs.part.package
    for rId, rel in package_relationships(prs).items():
        if rel.reltype == RT.THUMBNAIL:
            package.drop_rel(rId)
    for rId, rel in list(prs.part.rels.items()):
        if rel.reltype == RT.PRINTER_SETTINGS:
            prs.part.drop_rel(rId)


def set_language(root: Any, language: str) -> None:
    """Mark every `lang` attribute under `root` with `language`."""
    for node in root.iter():
        if "lang" in node.attrib:
            node.set("lang", language)


def set_properties(prs: Presentation, meta: DeckMeta, moment: datetime.datetime) -> None:
    """Write the core and extended properties from the deck's metadata, with fixed dates."""
    core = prs.core_properties
    core.title = meta.title
    core.subject = meta.subtitle or ""
    core.author = "; ".join(meta.authors)
    core.last_modified_by = meta.organisation
    core.language = meta.language
    core.comments = ""
    core.keywords = ""
    core.category = ""
    core.revision = 1
    core.created = moment
    core.modified = moment
    slides = len(prs.slides)
    notes = sum(1 for slide in prs.slides if slide.has_notes_slide)
    app = prs.part.package.part_related_by(RT.EXTENDED_PROPERTIES)
    hidden = sum(1 for slide in prs.slides if slide.element.get("show") == "0")
    text = _APP.format(slides=slides, notes=notes, hidden=hidden, company=escape(meta.organisation))
    app.blob = text.encode("utf-8")

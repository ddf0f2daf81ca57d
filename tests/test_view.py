"""How `deckgen check` reads a built deck back (generator/check/view.py): the colour of each run
of text, inherited the way PowerPoint and LibreOffice draw it. Each deck is python-pptx's
default template with one thing changed, saved and read back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE
from pptx.oxml import parse_xml
from pptx.util import Pt

from generator.check.view import SlideView, read_deck
from generator.officexml import NSMAP as NS

_A = NS["a"]
_GREY = '<a:srgbClr val="dddddd"/>'


def _deck(tmp_path: Path, change: Callable[[Any, Any], None], layout: int = 1) -> SlideView:
    """Return slide 1 of python-pptx's default template, with a title and two paragraphs of
    body (the second at level 2) on `layout`, after `change(presentation, slide)`."""
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[layout])
    slide.shapes.title.text = "Title"
    body = slide.placeholders[1].text_frame
    body.text = "First level"
    body.add_paragraph().text = "Second level"
    body.paragraphs[1].level = 1
    change(prs, slide)
    prs.save(str(tmp_path / "deck.pptx"))
    return read_deck(tmp_path / "deck.pptx").slides[0]


def _colors(slide: SlideView, name: str) -> list[str | None]:
    shape = next(shape for shape in slide.shapes if shape.name.startswith(name))
    return [run.color for run in shape.runs]


def _fill(color: str) -> Any:
    return parse_xml(f'<a:solidFill xmlns:a="{_A}">{color}</a:solidFill>')


def _set_fill(defaults: Any, color: str) -> None:
    for old in defaults.findall("a:solidFill", NS):
        defaults.remove(old)
    defaults.insert(0, _fill(color))


def test_a_layout_placeholder_inherits_from_the_master_by_type_not_by_idx(tmp_path: Path):
    """LibreOffice numbers its master's date placeholder idx 1, the idx of every layout's
    body: the body takes the master's body style (tx1, black), not the date's grey."""

    def change(prs: Any, slide: Any) -> None:
        master = prs.slide_masters[0].element
        for ph in master.iterfind(".//p:ph", NS):
            if ph.get("type") == "body":
                del ph.attrib["idx"]
            elif ph.get("type") == "dt":
                ph.set("idx", "1")
                date = ph.getparent().getparent().getparent()
                _set_fill(date.find("p:txBody/a:lstStyle/a:lvl1pPr/a:defRPr", NS), _GREY)

    assert _colors(_deck(tmp_path, change), "Content") == ["000000", "000000"]


def test_a_hyperlink_takes_the_theme_hyperlink_colour(tmp_path: Path):
    def change(prs: Any, slide: Any) -> None:
        run = slide.placeholders[1].text_frame.paragraphs[0].runs[0]
        run.hyperlink.address = "https://example.com/"

    assert _colors(_deck(tmp_path, change), "Content") == ["0000FF", "000000"]


def test_text_in_a_shape_takes_the_colour_of_its_style(tmp_path: Path):
    """python-pptx's shapes carry a style whose font reference is lt1 (white)."""

    def change(prs: Any, slide: Any) -> None:
        shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Pt(10), Pt(10), Pt(100), Pt(50))
        shape.name = "Box"
        shape.text_frame.text = "In a box"

    assert _colors(_deck(tmp_path, change), "Box") == ["FFFFFF"]

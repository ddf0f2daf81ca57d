"""How `deckgen check` reads a built deck back (generator/check/view.py): the colour of each run
of text, inherited the way PowerPoint and LibreOffice draw it. Each deck is python-pptx's
default template with one thing changed, saved and read back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml import parse_xml
from pptx.oxml.ns import qn
from pptx.util import Pt

from generator.check.view import SlideView, read_deck
from generator.content.inline import parse_inline
from generator.officexml import NSMAP as NS
from generator.render.xml import paragraphs, solid_fill

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


def test_body_text_takes_the_master_body_style_through_the_colour_map_and_lum_mod(
    tmp_path: Path,
):
    """tx2 mapped to accent1 (#4F81BD) at lumMod 75% is #376092; the second level takes the
    body style's second level."""

    def change(prs: Any, slide: Any) -> None:
        master = prs.slide_masters[0].element
        master.find("p:clrMap", NS).set("tx2", "accent1")
        style = master.find("p:txStyles/p:bodyStyle", NS)
        lum_mod = '<a:schemeClr val="tx2"><a:lumMod val="75000"/></a:schemeClr>'
        _set_fill(style.find("a:lvl1pPr/a:defRPr", NS), lum_mod)
        _set_fill(style.find("a:lvl2pPr/a:defRPr", NS), '<a:srgbClr val="00aa00"/>')

    assert _colors(_deck(tmp_path, change), "Content") == ["376092", "00AA00"]


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


def test_text_that_nothing_colours_is_the_text_colour_of_the_slide_colour_map(tmp_path: Path):
    """LibreOffice writes masters without text styles: its text is tx1, here mapped by the
    slide's own colour map override to lt1 (white)."""

    def change(prs: Any, slide: Any) -> None:
        master = prs.slide_masters[0].element
        master.remove(master.find("p:txStyles", NS))
        override = slide.element.find("p:clrMapOvr", NS)
        if override is not None:
            slide.element.remove(override)
        mapping = master.find("p:clrMap", NS).attrib
        swapped = {**mapping, "tx1": "lt1", "bg1": "dk1"}
        attributes = " ".join(f'{key}="{value}"' for key, value in swapped.items())
        slide.element.append(
            parse_xml(
                f'<p:clrMapOvr xmlns:p="{NS["p"]}" xmlns:a="{_A}">'
                f"<a:overrideClrMapping {attributes}/></p:clrMapOvr>"
            )
        )

    slide = _deck(tmp_path, change)
    assert _colors(slide, "Title") == ["FFFFFF"]
    assert _colors(slide, "Content") == ["FFFFFF", "FFFFFF"]


def test_a_tint_lightens_in_linear_light_as_it_is_drawn(tmp_path: Path):
    """The Title Slide's subtitle is tx1 at tint 75%: LibreOffice and PowerPoint draw it
    #898989, not #404040."""
    slide = _deck(tmp_path, lambda prs, slide: None, layout=0)
    assert _colors(slide, "Subtitle") == ["898989", "898989"]


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


def test_a_links_own_colour_counts_only_with_offices_hyperlink_colour_extension(tmp_path: Path):
    """PowerPoint before 2019 and LibreOffice draw a hyperlink in the theme's hyperlink
    colour whatever its run says; with the extension (`hlinkClr val="tx"`) they draw the
    run's colour. The check reads the colour that is drawn."""
    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = "Links"
    body = slide.placeholders[1].text_frame._txBody
    for paragraph in body.findall(qn("a:p")):
        body.remove(paragraph)
    link = parse_inline("[plain](https://example.org/)")
    paragraphs(body, link, "sv-SE", size=None, link_id=lambda url: "rId99")
    paragraphs(body, link, "sv-SE", size=None, link_id=lambda url: "rId99", link_color="accent2")
    coloured_only = parse_inline("[fill](https://example.org/)")
    paragraphs(body, coloured_only, "sv-SE", size=None, link_id=lambda url: "rId99")
    last = body.findall(qn("a:p"))[-1].find(qn("a:r")).find(qn("a:rPr"))
    last.insert(0, solid_fill(last, "accent2"))  # a fill, but no extension
    slide.part.relate_to("https://example.org/", RT.HYPERLINK, is_external=True)
    path = tmp_path / "links.pptx"
    deck.save(str(path))
    runs = [
        run.color
        for shape in read_deck(path).slides[0].shapes
        if not shape.title
        for run in shape.runs
    ]
    assert runs == ["0000FF", "C0504D", "0000FF"]  # hlink, accent2, hlink

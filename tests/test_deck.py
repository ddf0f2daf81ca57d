"""The built default deck, read back with python-pptx: text, placeholders, theme use, metadata."""

from __future__ import annotations

import datetime
import re
import zipfile
from pathlib import Path

import pytest
import yaml
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Emu

from generator.layout.engine import load_master
from generator.officexml import DECORATIVE_NS

from .conftest import CONTENT, TEMPLATES

#: The national deck's slide kinds, in order, from the content (regional slides left out).
KINDS = [
    slide["kind"]
    for slide in yaml.safe_load(CONTENT.read_text(encoding="utf-8"))["slides"]
    if slide.get("only") != "region"
]
DECORATIVE = f"{{{DECORATIVE_NS}}}decorative"
URL = (
    "https://skr.se/skr/samhallsplaneringinfrastruktur/regionalutveckling/"
    "regionaltutvecklingsansvar/attdrivadetregionalautvecklingsuppdraget.28191.html"
)

#: Words the deck writes as Swedish typography has them, where the seed does not.
TYPOGRAPHY = {"SKRs": "SKR:s", 'legitimitet."': "legitimitet.”"}
#: What the closing slide shows for the link to URL.
LINK_TEXT = "skr.se"


def words(text: str) -> list[str]:
    """Split text into words, leaving out dashes and other tokens with no letter or digit."""
    return [token for token in text.split() if any(c.isalnum() for c in token)]


def slide_words(slide) -> list[str]:
    """The slide's words in shape order, which is its reading order; a decorative shape's text
    (a person's initials, which their name beside it says) is not read, so not counted."""
    found: list[str] = []
    for shape in slide.shapes:
        if shape.has_text_frame and not _decorative(shape):
            found += words(shape.text_frame.text)
    return found


def _decorative(shape) -> bool:
    return any(element.tag == DECORATIVE for element in shape.element.iter())


def seed_in_reading_order(seed: str) -> list[str]:
    """The seed's words as the deck shows them, with the one known extraction artefact put in
    reading order.

    The extraction lists the diagram's core after its first part (z-order); the deck reads it
    right after the slide title, before the parts. The closing slide reads its message first.
    """
    # typographic normalisation (issue 13): the genitive of an abbreviation takes a colon, a
    # quotation ends with the typographic quote it opened with
    found = [TYPOGRAPHY.get(word, word) for word in words(seed)]
    # the closing link shows short text and carries the seed's address (test below)
    found[found.index(URL) : found.index(URL) + 1] = words(LINK_TEXT)
    core = ["Ett", "komplext", "OCH", "demokratiskt", "hållbarhetsuppdrag"]
    start = next(i for i in range(len(found)) if found[i : i + len(core)] == core)
    del found[start : start + len(core)]
    title_end = found.index("samhällsutveckling") + 1
    found[title_end:title_end] = core
    # the closing slide leads with "Tack för oss!", which the seed has after the call to action
    thanks = found.index("Tack")
    del found[thanks : thanks + 3]
    cta = found.index("skriften") - 2  # "Den nya skriften …"
    found[cta:cta] = ["Tack", "för", "oss!"]
    return found


@pytest.fixture(scope="module")
def prs(built_deck: Path):
    return Presentation(str(built_deck))


def test_the_deck_is_nine_16_by_9_slides_on_layouts_named_after_their_kinds(prs):
    assert (prs.slide_width, prs.slide_height) == (Emu(12192000), Emu(6858000))
    # every second quote is set on the dark ground, the quote layout's other look
    layouts = [slide.slide_layout.name for slide in prs.slides]
    assert layouts == [
        "quote-dark" if kind == "quote" and KINDS[: number + 1].count("quote") % 2 == 0 else kind
        for number, kind in enumerate(KINDS)
    ]
    assert layouts.count("quote-dark") == 2
    assert [layout.name for layout in prs.slide_layouts] == [
        layout.name for layout in load_master(TEMPLATES).layouts
    ]


def test_the_text_matches_the_seed_word_for_word_in_order(prs, shared: Path):
    seed = (shared / "seed" / "regionen-i-rorelse.txt").read_text(encoding="utf-8")
    deck = [word for slide in prs.slides for word in slide_words(slide)]
    assert deck == seed_in_reading_order(seed)


def test_each_slide_starts_where_the_seed_says(prs):
    firsts = [slide_words(slide)[0] for slide in prs.slides]
    assert firsts == [
        "Regionen",
        "Vad",
        "Uppdraget",
        "Hur",
        "”Att",
        "”Både",
        "”Legitimiteten",
        "”Det",
        "Tack",  # the closing slide leads with its message (issue 13); the seed puts it second
    ]


def test_every_slide_has_a_title_placeholder_with_text(prs):
    titles = [slide.shapes.title.text_frame.text for slide in prs.slides]
    assert titles[:4] == [
        "Regionen i rörelse",
        "Vad handlar det om?",
        "Uppdraget är samhällsutveckling",
        "Hur styr, leder och organiserar vi regional utveckling för att nå största möjliga effekt?",
    ]
    assert titles[4].startswith("”Att prata omställning")
    assert titles[8] == "Tack för oss!"
    assert len(set(titles)) == 9


def test_text_sits_in_placeholders_and_text_frames_never_in_pictures(prs):
    """The one picture is the closing slide's QR code, which is no text."""
    pictures = [
        (number, shape.name)
        for number, slide in enumerate(prs.slides, 1)
        for shape in slide.shapes
        if shape.shape_type == MSO_SHAPE_TYPE.PICTURE
    ]
    assert pictures == [(9, "QR")]
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame and shape.text_frame.text.strip():
                assert shape.is_placeholder or shape._element.tag.endswith("}sp")
    placeholders = [s.name for s in prs.slides[0].placeholders]
    assert placeholders == ["Title", "Subtitle", "Byline"]


def test_the_diagram_is_native_shapes_glued_by_connectors(prs):
    slide = prs.slides[2]
    names = [shape.name for shape in slide.shapes]
    assert names == [
        "Link 1",
        "Link 3",
        "Link 2",
        "Link 4",
        "Title",
        "Core",
        "Part 1",
        "Part 2",
        "Part 3",
        "Part 4",
        "Section",
    ]
    core = next(s for s in slide.shapes if s.name == "Core")
    assert core.text_frame.text == "Ett komplext OCH demokratiskt hållbarhetsuppdrag"
    bold = [r.text for p in core.text_frame.paragraphs for r in p.runs if r.font.bold]
    assert bold == ["OCH"]
    glue = slide.shapes._spTree.xpath(".//a:stCxn/@id")
    assert glue == [str(core.shape_id)] * 4


def test_slides_use_theme_colours_and_fonts_never_literals(built_deck: Path):
    with zipfile.ZipFile(built_deck) as package:
        parts = [
            n
            for n in package.namelist()
            if re.match(r"ppt/(slides|slideLayouts|slideMasters)/[^/]+\.xml$", n)
        ]
        assert len(parts) == 9 + 9 + 1
        for name in parts:
            xml = package.read(name).decode("utf-8")
            assert not re.search(r"<a:(srgbClr|sysClr|scrgbClr|hslClr|prstClr)\b", xml), name
            faces = re.findall(r'<a:(?:latin|ea|cs) typeface="([^"]*)"', xml)
            assert all(face.startswith(("+mj-", "+mn-")) for face in faces), (name, faces)
        core = package.read("ppt/slides/slide3.xml").decode("utf-8")
        assert '<a:schemeClr val="accent1"/>' in core


def test_all_text_is_marked_swedish(built_deck: Path):
    with zipfile.ZipFile(built_deck) as package:
        for name in package.namelist():
            if re.match(r"ppt/(slides|notesSlides|slideLayouts|slideMasters)/[^/]+\.xml$", name):
                xml = package.read(name).decode("utf-8")
                runs = re.findall(r"<a:(?:rPr|endParaRPr)\b[^>]*>", xml)
                assert runs, name
                assert all('lang="sv-SE"' in run for run in runs), name


def test_speaker_notes_appear_where_the_content_gives_them(prs):
    notes = {
        i: s.notes_slide.notes_text_frame.text
        for i, s in enumerate(prs.slides)
        if s.has_notes_slide
    }
    assert notes == {
        0: "Presentera er själva och SKR:s arbete med det regionala utvecklingsuppdraget.",
        1: "Lagen om regionalt utvecklingsansvar är SFS 2010:630.",
        3: "Låt panelen presentera sig innan frågan ställs.",
        8: "Länken går till SKR:s sida om skriften Att driva det regionala utvecklingsuppdraget.",
    }


def test_the_closing_link_is_a_real_hyperlink(prs):
    runs = [
        r
        for shape in prs.slides[8].shapes
        if shape.has_text_frame
        for p in shape.text_frame.paragraphs
        for r in p.runs
        if r.hyperlink.address
    ]
    assert [(r.text, r.hyperlink.address) for r in runs] == [(LINK_TEXT, URL)]


def test_core_properties_come_from_the_content(prs, built_deck: Path):
    core = prs.core_properties
    assert (core.title, core.author, core.language, core.last_modified_by) == (
        "Regionen i rörelse",
        "Linda Nordberg; Lisa Lindell",
        "sv-SE",
        "SKR",
    )
    moment = datetime.datetime(2026, 11, 26, 0, 0)
    assert (core.created, core.modified, core.revision) == (moment, moment, 1)
    with zipfile.ZipFile(built_deck) as package:
        names = package.namelist()
        everything = b"".join(package.read(n) for n in names)
    assert b"python-pptx" not in everything
    assert b"Steve Canny" not in everything
    assert not [n for n in names if "thumbnail" in n or "printerSettings" in n]


def test_the_logo_sits_on_the_master_with_alt_text(prs):
    master = prs.slide_masters[0]
    pictures = [s for s in master.shapes if s.shape_type == 13]
    assert [(p.name, p._element.nvPicPr.cNvPr.get("descr")) for p in pictures] == [
        ("Logo", "SKR logo")
    ]


def test_the_closing_slide_leads_with_its_message_and_has_a_qr_code_of_the_whole_address(prs):
    """The slide shows short link text; the QR code carries the seed's whole address (made
    again here with segno, the same code as the deck's, to compare)."""
    import io

    import segno

    closing = prs.slides[8]
    assert [shape.name for shape in closing.shapes] == [
        "Title",
        "Call to action",
        "Link",
        "QR",
    ]  # the reading order: "Tack för oss!" first
    [qr] = [shape for shape in closing.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert qr.element.xpath("./p:nvPicPr/p:cNvPr/@descr") == ["QR-kod till skr.se"]
    expected = io.BytesIO()
    segno.make(URL, error="m", micro=False).save(
        expected, kind="png", scale=8, border=2, dark="#000000", light="#ffffff"
    )
    assert qr.image.blob == expected.getvalue()
    assert qr.width == qr.height  # square


def test_the_title_slide_names_the_region_once_with_the_kicker_right_on_the_title(prs):
    """The title layout leaves the master's logo off (the kicker or the byline names the
    region) and sets the kicker directly above the title, which hangs from the kicker's line.
    quote-dark leaves the master's shapes off too: it draws them itself, its logo negative."""
    layouts = {layout.name: layout for layout in prs.slide_layouts}
    assert [name for name, layout in layouts.items() if layout.element.get("showMasterSp")] == [
        "title",
        "quote-dark",
    ]
    assert layouts["title"].element.get("showMasterSp") == "0"
    boxes = {p.name: p for p in layouts["title"].placeholders}
    kicker, title = boxes["Kicker"], boxes["Title"]
    gap = (title.top - (kicker.top + kicker.height)) / 12700
    assert 0 <= gap <= 12
    anchors = [p.element.xpath("./p:txBody/a:bodyPr/@anchor") for p in (kicker, title)]
    assert anchors == [["b"], ["t"]]


def test_quotes_stand_on_the_margin_on_their_attribution_in_one_scale_of_sizes(prs):
    """The quotation ends directly above its attribution, the letters of both on the 56 pt
    margin with the opening mark hanging in it, and the talk's quotes share a size where their
    length allows (issue 13: four sizes for four)."""
    for name in ("quote", "quote-dark"):
        layout = next(layout for layout in prs.slide_layouts if layout.name == name)
        boxes = {p.name: p for p in layout.placeholders}
        quote, attribution = boxes["Title"], boxes["Attribution"]
        [level] = quote.element.xpath("./p:txBody/a:lstStyle/a:lvl1pPr")
        assert quote.left + int(level.get("marL")) == attribution.left == Emu(56 * 12700)
        assert int(level.get("indent")) == -int(level.get("marL")) == -16 * 12700
        assert quote.element.xpath("./p:txBody/a:bodyPr/@anchor") == ["b"]
        assert 0 <= (attribution.top - quote.top - quote.height) / 12700 <= 16
    quotes = [slide for slide in prs.slides if slide.slide_layout.name.startswith("quote")]
    sizes = [
        {run.font.size.pt for p in slide.shapes.title.text_frame.paragraphs for run in p.runs}
        for slide in quotes
    ]
    assert sizes == [{24.0}, {32.0}, {32.0}, {32.0}]
    # each opens with ”, which hangs its width (0.4 em) left of the margin
    hangs = [
        {p._p.xpath("./a:pPr/@indent")[0] for p in slide.shapes.title.text_frame.paragraphs}
        for slide in quotes
    ]
    assert hangs == [{str(-round(0.4 * size * 12700))} for size in (24, 32, 32, 32)]

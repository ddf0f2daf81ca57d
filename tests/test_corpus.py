"""The corpus of templates nobody tuned deckgen for (tests/corpus.py, issue 12): it is made,
and each template is what it claims to be."""

from __future__ import annotations

import re
import shutil
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree
from pptx import Presentation
from pptx.oxml.ns import qn
from pptx.util import Pt

from generator.app.cli import main
from generator.check.access import accessibility
from generator.check.fidelity import lost_on_template
from generator.check.overlap import overlap
from generator.check.package import package
from generator.check.view import read_deck
from generator.errors import DeckgenError
from generator.pipeline import Pipeline
from generator.render.template import describe
from generator.source.variant import Options, Variant

from . import corpus
from .conftest import CONTENT, TEMPLATES
from .test_package import run

MADE = sorted(corpus.MADE)
LIBREOFFICE = [f"lo-{n}.{ext}" for n in corpus.LIBREOFFICE_TEMPLATES for ext in ("pptx", "potx")]


def test_the_corpus_holds_at_least_six_libreoffice_templates_in_both_formats(
    libreoffice: dict[str, Path],
):
    assert sorted(libreoffice) == sorted(LIBREOFFICE)
    assert len(corpus.LIBREOFFICE_TEMPLATES) >= 6


@pytest.mark.parametrize("name", MADE)
def test_a_made_template_is_a_valid_package(made: dict[str, Path], name: str, shared: Path):
    result = run(sys.executable, shared / "tools" / "validate_pptx.py", made[name])
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_the_made_templates_show_what_they_are_made_for(made: dict[str, Path]):
    def open_(name: str):
        return Presentation(str(made[name]))

    assert (
        open_("pp-default-4x3.pptx").slide_width,
        open_("pp-default-4x3.pptx").slide_height,
    ) == (
        9144000,
        6858000,
    )
    masters = open_("pp-several-masters.pptx").slide_masters
    assert [m.element.cSld.get("name") for m in masters] == ["Master 1", "Master 2", "Master 3"]
    names = [[layout.name for layout in m.slide_layouts] for m in masters]
    assert names[0] == names[1] == names[2]
    assert "Title Slide" in names[0]
    dark = open_("pp-dark-master.pptx").slide_masters[0]
    assert str(dark.background.fill.fore_color.rgb) == "141E3C"
    assert dark.element.find(qn("p:clrMap")).get("tx1") == "lt1"  # a dark theme's colour map
    band = open_("pp-dark-master-shape.pptx").slide_masters[0].shapes
    assert band[0].name == "Master band"
    assert band[0].width == 12192000
    logo = [
        s for s in open_("pp-logo-bottom-right.pptx").slide_masters[0].shapes if s.name == "Logo"
    ]
    assert len(logo) == 1
    assert logo[0].left + logo[0].width == 12192000 - 228600
    body = open_("pp-bulleted-body.pptx").slide_layouts.get_by_name("Title and Content")
    assert b"buAutoNum" in body.part.blob
    footers = open_("pp-footers.pptx").slide_layouts.get_by_name("Title, Text and Footers")
    assert sorted(s.placeholder_format.idx for s in footers.placeholders) == [0, 1, 10, 11, 12]


@pytest.mark.parametrize("name", MADE)
def test_layouts_reads_a_made_template(made: dict[str, Path], name: str):
    result = CliRunner().invoke(main, ["layouts", str(made[name])])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("name", LIBREOFFICE)
def test_layouts_reads_a_libreoffice_template(libreoffice: dict[str, Path], name: str):
    result = CliRunner().invoke(main, ["layouts", str(libreoffice[name])])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{libreoffice[name].as_posix()}: 793.75 x ")


# --- today's failures, pinned: each test states the behaviour issue 12 asks for -------------

MAPPING = """\
name: Corpus
template:
  file: {file}
  layouts:
    title:
      layout: Title Slide
      placeholders: {{Title: 0, Subtitle: 1, Byline: null, Kicker: null}}
    statement:
      layout: Title and Content
      placeholders: {{Title: 0, Body: 1}}
    diagram:
      layout: Title Only
      placeholders: {{Title: 0, Section: null}}
    panel:
      layout: Title Only
      placeholders: {{Title: 0}}
    facts:
      layout: Title and Content
      placeholders: {{Title: 0, Lead: 1}}
    quote:
      layout: Title and Content
      placeholders: {{Title: 0, Attribution: 1}}
    closing:
      layout: {closing}
      placeholders: {{Title: 0, Call to action: 1, Link: {link}, Contact: null}}
"""


def project_on(
    tmp_path: Path, template: Path, closing: str = "Two Content", link: str = "2"
) -> tuple[Path, Path]:
    """Make a project whose deck uses `template` with the README's kind of mapping; return its
    templates folder and deck file."""
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    shutil.copyfile(template, templates / "brands" / template.name)
    mapping = MAPPING.format(file=template.name, closing=closing, link=link)
    (templates / "brands" / "corp.yaml").write_text(mapping, encoding="utf-8")
    content = tmp_path / "content" / "deck.yaml"
    shutil.copytree(CONTENT.parent, content.parent)
    text = content.read_text(encoding="utf-8").replace("brand: skr", "brand: corp")
    content.write_text(text, encoding="utf-8")
    return templates, content


def build_on(tmp_path: Path, template: Path, closing: str = "Two Content", link: str = "2"):
    """Build the national deck on `template` with the README's kind of mapping; return the
    deck's path (or raise DeckgenError)."""
    templates, content = project_on(tmp_path, template, closing, link)
    pipeline = Pipeline(Options(templates), verify=lost_on_template)  # as `deckgen build` does
    return pipeline.build(Variant(content), tmp_path / "output").path


def _inside(deck: Path) -> list[tuple[int, str]]:
    """Return (slide, name) of every shape of `deck` that is not wholly on its slide."""
    prs = Presentation(str(deck))
    width, height = prs.slide_width or 0, prs.slide_height or 0
    return [
        (number, shape.name)
        for number, slide in enumerate(prs.slides, 1)
        for shape in slide.shapes
        if shape.left < 0
        or shape.top < 0
        or shape.left + shape.width > width
        or shape.top + shape.height > height
    ]


def test_python_pptx_default_4x3_template_builds(made: dict[str, Path], tmp_path: Path):
    """Any size builds: deckgen's shapes are fitted to a 4:3 slide, and none leaves it."""
    deck = build_on(tmp_path, made["pp-default-4x3.pptx"])
    prs = Presentation(str(deck))
    assert (prs.slide_width, prs.slide_height) == (9144000, 6858000)
    assert _inside(deck) == []
    diagram = next(slide for slide in prs.slides if slide.name == "uppdraget")
    core = next(shape for shape in diagram.shapes if shape.name == "Core")
    assert core.width == round(320 * 0.75 * 12700)  # 320 pt at 960 wide, fitted to 720
    assert core.left + core.width / 2 == 9144000 / 2  # still centred


@pytest.mark.parametrize(
    "name", ["lo-Focus.pptx", "lo-Focus.potx", "lo-Beehive.pptx", "lo-Vintage.pptx"]
)
def test_a_libreoffice_template_builds_at_its_own_size(
    libreoffice: dict[str, Path], tmp_path: Path, name: str
):
    """LibreOffice saves 16:9 at 793.75 x 446.5 pt (and Vintage at 793.75 x 595.25): the
    layout is fitted to it, text and all, instead of the template being refused, and the
    diagram goes below the template's own title, which sits lower than deckgen's."""
    templates, content = project_on(tmp_path, libreoffice[name])
    (templates / "brands" / "corp.yaml").write_text(LO_MAPPING.format(file=name), encoding="utf-8")
    deck = Pipeline(Options(templates), verify=lost_on_template).build(
        Variant(content), tmp_path / "output"
    )
    prs = Presentation(str(deck.path))
    assert prs.slide_width == round(793.75 * 12700)
    assert _inside(deck.path) == []
    diagram = next(slide for slide in prs.slides if slide.name == "uppdraget")
    core = next(shape for shape in diagram.shapes if shape.name == "Core")
    title = diagram.shapes.title
    parts = [shape for shape in diagram.shapes if shape.name.startswith(("Core", "Part"))]
    assert min(shape.top for shape in parts) >= title.top + title.height  # clear of the title
    assert abs(core.left + core.width / 2 - prs.slide_width / 2) <= 13  # centred (0.001 pt)
    assert core.width == core.height  # in proportion: a circle
    assert _package_defects(deck.path) == []
    assert [f.message for f in package(deck.path)] == []  # viewProps added, ids unique, …
    layout = describe(libreoffice[name], (libreoffice[name].parent,)).masters[0].layouts
    quotes = [slide for slide in prs.slides if slide.name.startswith("citat-")]
    assert len(quotes) == 4
    for slide in quotes:  # the attribution is never larger than the quote it follows
        quote, attribution = (_size(slide, idx, layout) for idx in (0, 1))
        assert attribution <= quote, slide.name


def _size(slide, idx: int, layouts: dict) -> float:
    """The size of the first run of placeholder `idx`: its own, else its layout's."""
    placeholder = next(p for p in slide.placeholders if p.placeholder_format.idx == idx)
    size = placeholder.text_frame.paragraphs[0].runs[0].font.size
    if size is not None:
        return size.pt
    [info] = [p for p in layouts[slide.slide_layout.name] if p.idx == idx]
    return info.size


def _package_defects(deck: Path) -> list[str]:
    """Return the zip entries a deck holds twice, and the parts that repeat a shape id."""
    with zipfile.ZipFile(deck) as package:
        names = [entry.filename for entry in package.infolist()]
        found = [f"{name} twice" for name in sorted(set(names)) if names.count(name) > 1]
        for name in names:
            if name.startswith("ppt/slide") and name.endswith(".xml"):
                ids = re.findall(rb'<p:cNvPr id="(\d+)"', package.read(name))
                if len(ids) != len(set(ids)):
                    found.append(f"{name} repeats a shape id")
    return found


def test_a_link_mapped_to_a_date_placeholder_is_refused_before_anything_is_written(
    made: dict[str, Path], tmp_path: Path
):
    """python-pptx copies no date placeholder onto a slide, so the link's text would be lost;
    the build says so, names the slide, the placeholder and the words, and writes nothing."""
    with pytest.raises(DeckgenError) as caught:
        build_on(tmp_path, made["pp-footers.pptx"], "Title, Text and Footers", "10")
    [problem] = caught.value.diagnostics
    assert problem.file.endswith("templates/brands/corp.yaml")
    assert problem.message.startswith(
        "slide 9 ('tack'): the text of its 'Link' placeholder, mapped to idx 10 of the template's"
        " layout 'Title, Text and Footers', is not on the slide (1 of 1 words lost: 'skr.se'"
    )
    assert problem.message.endswith(
        "; idx 10 is the layout's date placeholder, which a new slide does not get: map it to"
        " another placeholder, or to null to leave it out"
    )
    assert not (tmp_path / "output").exists() or not list((tmp_path / "output").glob("*.pptx"))


@pytest.mark.parametrize("all_decks", [False, True], ids=["one deck", "--all"])
def test_deckgen_build_refuses_a_mapping_that_loses_text_and_keeps_the_deck_before(
    made: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, all_decks: bool
):
    """What a user runs: the command checks the deck it drew before writing it, in the process
    and in the pool alike; the deck built before with a good mapping stays as it was."""
    templates, _ = project_on(tmp_path, made["pp-footers.pptx"])
    monkeypatch.chdir(tmp_path)
    args = ["build", "--all", "--force"] if all_decks else ["build"]
    good = CliRunner().invoke(main, args)
    assert good.exit_code == 0, good.output
    before = {path.name: path.read_bytes() for path in (tmp_path / "output").glob("*.pptx")}
    mapping = (templates / "brands" / "corp.yaml").read_text(encoding="utf-8")
    bad = mapping.replace("layout: Two Content", "layout: Title, Text and Footers")
    bad = bad.replace("Link: 2", "Link: 10")
    assert bad != mapping
    (templates / "brands" / "corp.yaml").write_text(bad, encoding="utf-8")
    result = CliRunner().invoke(main, [*args, "-j", "2"] if all_decks else args)
    assert result.exit_code == 1
    assert "the text of its 'Link' placeholder, mapped to idx 10" in result.output
    after = {path.name: path.read_bytes() for path in (tmp_path / "output").glob("*.pptx")}
    assert after == before


def test_layouts_lists_every_master(made: dict[str, Path]):
    result = CliRunner().invoke(main, ["layouts", str(made["pp-several-masters.pptx"])])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].endswith(": 960 x 540 pt, 3 masters, 33 layouts")
    masters = [line for line in lines if line.startswith("master ")]
    assert masters == ["master 1 'Master 1'", "master 2 'Master 2'", "master 3 'Master 3'"]


def test_masters_that_share_layout_names_must_be_named_and_only_the_one_used_is_kept(
    made: dict[str, Path], tmp_path: Path
):
    """Three masters with the same layout names: which one is meant is the mapping's to say,
    once; the deck then holds that master and the layouts its slides use, nothing else."""
    template = made["pp-several-masters.pptx"]
    with pytest.raises(DeckgenError) as caught:
        build_on(tmp_path / "unnamed", template)
    [problem] = caught.value.diagnostics
    assert problem.message == (
        "template: the template's masters 1 (Master 1), 2 (Master 2), 3 (Master 3) each have the"
        " layouts 'Title Slide', 'Title and Content', 'Title Only', 'Two Content': name the"
        " master to draw on with `master:` under `template:`, by number or name"
    )
    templates, content = project_on(tmp_path / "named", template)
    mapping = (templates / "brands" / "corp.yaml").read_text(encoding="utf-8")
    mapping = mapping.replace("  layouts:\n", "  master: Master 2\n  layouts:\n", 1)
    (templates / "brands" / "corp.yaml").write_text(mapping, encoding="utf-8")
    built = Pipeline(Options(templates), verify=lost_on_template).build(
        Variant(content), tmp_path / "named" / "output"
    )
    deck = Presentation(str(built.path))
    assert [m.element.cSld.get("name") for m in deck.slide_masters] == ["Master 2"]
    # The master drawn on keeps every layout of the template's, for slides added later
    offered = Presentation(str(template)).slide_masters[1]
    assert offered.element.cSld.get("name") == "Master 2"
    assert [layout.name for layout in deck.slide_layouts] == [
        layout.name for layout in offered.slide_layouts
    ]
    assert len(deck.slide_layouts) > len({s.slide_layout.name for s in deck.slides})
    with zipfile.ZipFile(built.path) as package:
        masters = [n for n in package.namelist() if n.startswith("ppt/slideMasters/slideM")]
    assert len(masters) == 1


def test_paragraphs_that_are_not_lists_carry_no_bullets(made: dict[str, Path], tmp_path: Path):
    """A template's body style may number its paragraphs; deckgen's text holds no lists, so
    each of its paragraphs says so (a:buNone, no hanging indent)."""
    deck = Presentation(str(build_on(tmp_path, made["pp-bulleted-body.pptx"])))
    body = next(s for s in deck.slides[1].placeholders if s.name == "Body")
    for paragraph in body.text_frame.paragraphs:
        pPr = paragraph._p.pPr
        own = pPr is not None and pPr.find(qn("a:buNone")) is not None
        styled = body.element.xpath("./p:txBody/a:lstStyle/a:lvl1pPr/a:buNone")
        assert own or styled


# --- placeholders numbered one each, and one placeholder for one text ---------------------

LO_MAPPING = """\
name: LibreOffice
template:
  file: {file}
  master: 1
  layouts:
    title:
      layout: Title Slide
      placeholders: {{Title: 0, Subtitle: 1, Byline: null, Kicker: null}}
    statement:
      layout: Title, Content
      placeholders: {{Title: 0, Body: 1}}
    diagram:
      layout: Title Only
      placeholders: {{Title: 0, Section: null}}
    panel:
      layout: Title Only
      placeholders: {{Title: 0}}
    facts:
      layout: Title, Content
      placeholders: {{Title: 0, Lead: 1}}
    quote:
      layout: Title, 2 Content
      placeholders: {{Title: 0, Attribution: 1}}
    closing:
      layout: Title, 2 Content
      placeholders: {{Title: 0, Call to action: 1, Link: 2, Contact: null}}
"""


def _at_960_by_540(template: Path, target: Path) -> None:
    """Copy `template` with its slide size set to 960 x 540 pt, so that only its numbering is
    under test (its own size is issue 12's next step)."""
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(target, "w") as copy:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "ppt/presentation.xml":
                data = re.sub(
                    rb'<p:sldSz cx="\d+" cy="\d+"', b'<p:sldSz cx="12192000" cy="6858000"', data
                )
            copy.writestr(entry, data)


@pytest.mark.parametrize(
    "name", ["lo-Focus.pptx", "lo-Focus.potx", "lo-Beehive.pptx", "lo-Midnightblue.pptx"]
)
def test_libreoffice_placeholders_without_idx_are_numbered_and_lose_no_text(
    libreoffice: dict[str, Path], tmp_path: Path, name: str
):
    """LibreOffice writes placeholders without idx, so all were idx 0: the title slide showed
    the subtitle twice and no title, and the quotes lost their text, with exit 0. Each gets a
    number of its own on load; mapped by those numbers, every text is on its slide."""
    template = tmp_path / name
    _at_960_by_540(libreoffice[name], template)
    layouts = CliRunner().invoke(main, ["layouts", str(template)])
    assert layouts.exit_code == 0, layouts.output
    title_slide = layouts.stdout.split("layout 'Title Slide'\n")[1].split("\n\n")[0]
    numbers = [line.split()[1] for line in title_slide.splitlines()]
    assert numbers[:2] == ["0", "1"]
    assert len(set(numbers)) == len(numbers)
    templates, content = project_on(tmp_path, template)
    (templates / "brands" / "corp.yaml").write_text(
        LO_MAPPING.format(file=template.name), encoding="utf-8"
    )
    shutil.copyfile(template, templates / "brands" / template.name)
    deck = Pipeline(Options(templates), verify=lost_on_template).build(
        Variant(content), tmp_path / "output"
    )
    first = Presentation(str(deck.path)).slides[0]
    shown = [shape.text_frame.text for shape in first.placeholders]
    assert shown == ["Regionen i rörelse", "– Att driva det regionala utvecklingsuppdraget"]


def test_two_texts_mapped_onto_one_template_placeholder_are_an_error(
    made: dict[str, Path], tmp_path: Path
):
    templates, content = project_on(tmp_path, made["pp-footers.pptx"])
    mapping = (templates / "brands" / "corp.yaml").read_text(encoding="utf-8")
    mapping = mapping.replace("{Title: 0, Subtitle: 1,", "{Title: 0, Subtitle: 0,")
    (templates / "brands" / "corp.yaml").write_text(mapping, encoding="utf-8")
    with pytest.raises(DeckgenError) as caught:
        Pipeline(Options(templates)).build(Variant(content), tmp_path / "output")
    [problem] = caught.value.diagnostics
    assert (problem.line, problem.column) == (7, 42)
    assert problem.message == (
        "template.layouts.title.placeholders.Subtitle: 'Title' and 'Subtitle' are both mapped to"
        " placeholder 0 (Title 1) of the template's layout 'Title Slide', so one text would"
        " replace the other: give each a placeholder of its own, or map one to null"
    )


def test_an_opendocument_template_is_refused_with_the_command_that_converts_it(tmp_path: Path):
    try:
        source = corpus.presnt_folder() / "Focus.otp"
    except corpus.SofficeMissing as missing:
        pytest.skip(str(missing))
    shutil.copyfile(source, tmp_path / "Focus.otp")
    result = CliRunner().invoke(main, ["layouts", str(tmp_path / "Focus.otp")])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{(tmp_path / 'Focus.otp').as_posix()}: error: an OpenDocument presentation template"
        " (.otp) (LibreOffice's own format), not a PowerPoint template: convert it with"
        " `soffice --headless --convert-to potx Focus.otp` and name the .potx"
    )


def test_a_missing_template_says_not_found(tmp_path: Path):
    result = CliRunner().invoke(main, ["layouts", str(tmp_path / "corporate.potx")])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{(tmp_path / 'corporate.potx').as_posix()}: error: the template is not found"
    )


@pytest.mark.parametrize(
    ("name", "found"),
    [
        ("dark-text-on-dark-art.pptx", True),
        ("dark-picture-behind-text.pptx", True),
        ("veiled.pptx", False),
        ("dark-background-picture.pptx", True),
        ("pp-logo-bottom-right.pptx", False),
    ],
)
def test_contrast_is_measured_against_the_master_art_behind_the_text(
    made: dict[str, Path], tmp_path: Path, name: str, found: bool
):
    """Dark text on a dark full-slide shape of the master is unreadable, though the slide's
    background fill is white; a master with only a small logo leaves the text on white.
    deckgen sets its own text in colours that read on the template, so the test takes those
    out again, as a user might: the template's own colours are what check must judge."""
    makers = {
        "dark-text-on-dark-art.pptx": corpus.dark_text_on_dark_art,
        "dark-picture-behind-text.pptx": corpus.dark_picture_behind_text,
        "veiled.pptx": corpus.veiled,
        "dark-background-picture.pptx": corpus.dark_background_picture,
    }
    if name not in made:  # made to have it, not one of the corpus's
        made = corpus.made(tmp_path / "made", {name: makers[name]})
    deck = build_on(tmp_path, made[name])
    rewrite_all = re.compile(
        rb"<a:solidFill><a:schemeClr val=\"(?:tx1|bg1|tx2|bg2)\"/></a:solidFill>"
    )
    with zipfile.ZipFile(deck) as package:
        parts = {entry.filename: package.read(entry) for entry in package.infolist()}
    with zipfile.ZipFile(deck, "w", zipfile.ZIP_DEFLATED) as package:
        for part, data in parts.items():
            if part.startswith("ppt/slides/slide"):
                data = rewrite_all.sub(b"", data)  # deckgen's chosen text colours, taken out
            package.writestr(part, data)
    view = read_deck(deck)
    contrast = [f.message for f in accessibility(view) if "contrast" in f.message]
    assert bool(contrast) is found
    if found:
        assert all("#141E3C" in message for message in contrast)


def test_a_lost_title_is_found_though_its_words_stand_elsewhere_on_the_slide(
    made: dict[str, Path], tmp_path: Path
):
    """Each text is looked for in its own placeholder: a title mapped to a footer is lost,
    even when the body happens to hold the same words."""
    templates, content = project_on(tmp_path, made["pp-footers.pptx"])
    text = content.read_text(encoding="utf-8")
    start = "      Ett uppdrag som har"
    text = text.replace(start, start.replace("Ett", "Vad handlar det om? Ett"))
    content.write_text(text, encoding="utf-8")
    mapping = (templates / "brands" / "corp.yaml").read_text(encoding="utf-8")
    mapping = mapping.replace(
        "    statement:\n      layout: Title and Content\n      placeholders: {Title: 0, Body: 1}",
        "    statement:\n      layout: Title, Text and Footers\n"
        "      placeholders: {Title: 11, Body: 1}",
    )
    (templates / "brands" / "corp.yaml").write_text(mapping, encoding="utf-8")
    with pytest.raises(DeckgenError) as caught:
        Pipeline(Options(templates), verify=lost_on_template).build(
            Variant(content), tmp_path / "output"
        )
    [problem] = caught.value.diagnostics
    assert problem.message.startswith(
        "slide 2 ('vad-handlar-det-om'): the text of its 'Title' placeholder, mapped to idx 11"
        " of the template's layout 'Title, Text and Footers', is not on the slide (4 of 4 words"
        " lost: 'Vad handlar det om?')"
    )


def _title_at_left(path: Path) -> Path:
    """python-pptx's default at 16:9 with the title of 'Title Only' in a band down the left."""
    from pptx.util import Pt

    from .test_template import corporate_template

    corporate_template(path)
    prs = Presentation(str(path))
    layout = next(layout for layout in prs.slide_layouts if layout.name == "Title Only")
    title = next(shape for shape in layout.placeholders if shape.placeholder_format.idx == 0)
    title.left, title.top, title.width, title.height = Pt(30), Pt(30), Pt(220), Pt(480)
    prs.save(str(path))
    return path


def test_shapes_go_beside_a_title_that_stands_down_the_left(tmp_path: Path):
    """A template whose title is a band on the left: the diagram and the panel go to its
    right, and nothing covers it."""
    deck = build_on(tmp_path / "b", _title_at_left(tmp_path / "left.pptx"))
    view = read_deck(deck)
    assert overlap(view) == []
    diagram = next(slide for slide in view.slides if slide.id == "uppdraget")
    core = next(shape for shape in diagram.shapes if shape.name == "Core")
    assert core.box is not None
    assert core.box[0] > 250  # right of the title band


def _with_slides_sections_and_a_show(path: Path) -> Path:
    """python-pptx's default at 16:9 with two slides of its own, one hidden, in a section
    named "Intro" and a custom show "Short": what a real corporate template often carries."""
    from pptx.oxml import parse_xml

    from .test_template import corporate_template

    corporate_template(path)
    prs = Presentation(str(path))
    prs.slides.add_slide(prs.slide_layouts[0]).shapes.title.text = "Cover"
    hidden = prs.slides.add_slide(prs.slide_layouts[1])
    hidden.shapes.title.text = "Hidden"
    hidden.element.set("show", "0")
    listed = prs.part._element.sldIdLst
    ids = [element.get("id") for element in listed]
    first = listed[0].get(qn("r:id"))
    p = "http://schemas.openxmlformats.org/presentationml/2006/main"
    r = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    p14 = "http://schemas.microsoft.com/office/powerpoint/2010/main"
    show = parse_xml(
        f'<p:custShowLst xmlns:p="{p}" xmlns:r="{r}"><p:custShow name="Short" id="0">'
        f'<p:sldLst><p:sld r:id="{first}"/></p:sldLst></p:custShow></p:custShowLst>'
    )
    prs.part._element.find(qn("p:notesSz")).addnext(show)
    sections = parse_xml(
        f'<p:extLst xmlns:p="{p}"><p:ext uri="{{521415D9-36F7-43E2-AB2F-B90AF26B5E84}}">'
        f'<p14:sectionLst xmlns:p14="{p14}"><p14:section name="Intro"'
        ' id="{11111111-1111-1111-1111-111111111111}"><p14:sldIdLst>'
        + "".join(f'<p14:sldId id="{i}"/>' for i in ids)
        + "</p14:sldIdLst></p14:section></p14:sectionLst></p:ext></p:extLst>"
    )
    prs.part._element.append(sections)
    prs.save(str(path))
    return path


def test_a_templates_own_slides_go_with_their_sections_and_custom_shows(tmp_path: Path):
    """The template's slides are dropped; the sections and custom shows that named them must
    go too, or they would name the deck's slides by the ids those reuse."""
    deck = build_on(tmp_path / "b", _with_slides_sections_and_a_show(tmp_path / "odd.pptx"))
    with zipfile.ZipFile(deck) as archive:
        presentation = archive.read("ppt/presentation.xml")
    assert b"custShowLst" not in presentation
    assert b"sectionLst" not in presentation
    assert len(Presentation(str(deck)).slides) == 9
    assert [f.message for f in package(deck)] == []


def _build_with_master(tmp_path: Path, template: Path, master: str) -> Path:
    templates, content = project_on(tmp_path, template)
    mapping = (templates / "brands" / "corp.yaml").read_text(encoding="utf-8")
    mapping = mapping.replace("  layouts:\n", f"  master: {master}\n  layouts:\n", 1)
    (templates / "brands" / "corp.yaml").write_text(mapping, encoding="utf-8")
    built = Pipeline(Options(templates), verify=lost_on_template).build(
        Variant(content), tmp_path / "output"
    )
    return built.path


def test_master_by_number_by_quoted_number_and_the_errors_that_say_what_to_give(
    made: dict[str, Path], tmp_path: Path
):
    template = made["pp-several-masters.pptx"]
    for given in ("2", '"2"', "Master 2"):
        deck = Presentation(str(_build_with_master(tmp_path / given, template, given)))
        assert [m.element.cSld.get("name") for m in deck.slide_masters] == ["Master 2"]
    with pytest.raises(DeckgenError) as caught:
        _build_with_master(tmp_path / "seven", template, "7")
    assert [d.message for d in caught.value.diagnostics] == [
        "template.master: the template has no master 7 (it has: 1 (Master 1), 2 (Master 2),"
        " 3 (Master 3))"
    ]
    same = tmp_path / "same.pptx"
    prs = Presentation(str(template))
    for master in prs.slide_masters:
        master.element.cSld.set("name", "Office Theme")
    prs.save(str(same))
    with pytest.raises(DeckgenError) as caught:
        _build_with_master(tmp_path / "same", same, '"Office Theme"')
    assert [d.message for d in caught.value.diagnostics] == [
        "template.master: the template's masters 1, 2, 3 are all named 'Office Theme': give the"
        " number of the one to use"
    ]


def test_text_on_a_template_shrinks_on_overflow(made: dict[str, Path], tmp_path: Path):
    """A template's title box was drawn for a title; deckgen may put a quote in it, so each
    placeholder it fills shrinks its text on overflow, as its own placeholders do."""
    deck = Presentation(str(build_on(tmp_path, made["pp-footers.pptx"])))
    fits = {
        etree.QName(child).localname
        for slide in deck.slides
        for shape in slide.placeholders
        for child in shape.element.txBody.bodyPr
    }
    assert fits == {"normAutofit"}


def test_text_crossing_a_templates_dark_triangle_is_a_contrast_error(
    libreoffice: dict[str, Path], tmp_path: Path
):
    """LibreOffice's Focus draws its master as coloured triangles (free shapes). deckgen keeps
    its shapes off them, so the test moves the panel's first name onto the purple one, as a
    user might in PowerPoint. The check looks at the art under the text, not its box."""
    templates, content = project_on(tmp_path, libreoffice["lo-Focus.pptx"])
    (templates / "brands" / "corp.yaml").write_text(
        LO_MAPPING.format(file="lo-Focus.pptx"), encoding="utf-8"
    )
    built = Pipeline(Options(templates), verify=lost_on_template).build(
        Variant(content), tmp_path / "output"
    )
    deck = Presentation(str(built.path))
    slide = next(slide for slide in deck.slides if slide.name == "panel")
    name = next(shape for shape in slide.shapes if shape.name == "Name 1")
    name.left, name.top = Pt(20), Pt(200)  # on the purple triangle down the left
    moved = tmp_path / "moved.pptx"
    deck.save(str(moved))
    panel = [
        f.message
        for f in accessibility(read_deck(moved))
        if f.slide_id == "panel" and "contrast" in f.message
    ]
    assert "text in 'Name 1' has contrast 1.12:1 (#1F497D on #780373)" in panel[0]


def test_text_over_a_picture_of_the_master_is_an_overlap_error(tmp_path: Path):
    """A logo of the master under the template's body placeholder: the statement's text is
    drawn over it. A picture the size of the slide is its ground, and is not counted."""
    made = corpus.made(tmp_path / "made", {"big-logo.pptx": corpus.big_logo_over_the_body})
    found = [f.message for f in overlap(read_deck(build_on(tmp_path, made["big-logo.pptx"])))]
    assert (
        "text 'Body' lies over the template's picture 'Big logo' by 288 x 180 pt: map the text"
        " to another place, or move the picture in the template"
    ) in found
